//! Assemble: the parsed files become one immutable `Site`: entities indexed, links resolved, pages planned.

mod entities;
mod links;
mod plan;

pub use links::{ResolvedLink, Target};
pub use plan::{Page, PageKind};

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::frontmatter::{ActorKind, ActorMeta, ExplainerMeta, TopicMeta};
use crate::load::{ContentFile, StaticFile};
use crate::markdown::ParsedBody;
use crate::parse::{ParsedExplainer, ParsedProfile, ParsedSite};
use crate::slug::Slug;
use crate::urls::Urls;
use entities::{ProfileInput, Registry};
use std::collections::{BTreeMap, HashSet};

pub type ExplainerId = usize;
pub type ActorId = usize;
pub type TopicId = usize;

/// How many key actors a topic page shows.
pub const KEY_ACTORS: usize = 12;

/// The assembled site. Nothing in it changes after [`assemble`] returns; rendering reads it through `&`.
#[derive(Debug)]
pub struct Site<'s> {
    pub config: &'s Config,
    pub urls: Urls,
    /// Newest first; an `ExplainerId` is an index into this list, so sorting ids sorts by date.
    pub explainers: Vec<Explainer<'s>>,
    /// By slug.
    pub actors: Vec<Actor<'s>>,
    /// By slug.
    pub topics: Vec<Topic<'s>>,
    pub home: Home<'s>,
    /// Every page to render, by site path.
    pub pages: Vec<Page>,
    pub static_files: &'s [StaticFile],
}

#[derive(Debug)]
pub struct Explainer<'s> {
    pub file: &'s ContentFile,
    /// Site path: `articles/biden-xi-lima/`.
    pub path: String,
    pub meta: ExplainerMeta,
    pub body: ParsedBody<'s>,
    /// One per `body.links`, in the same order.
    pub links: Vec<ResolvedLink>,
    /// From front matter, or the first paragraph.
    pub summary: String,
    /// In front matter order.
    pub topics: Vec<TopicId>,
    pub actors: Vec<ActorId>,
    /// Explainers that link here, newest first.
    pub backlinks: Vec<ExplainerId>,
}

/// The text of an actor's or topic's profile file.
#[derive(Debug)]
pub struct Profile<'s> {
    pub file: &'s ContentFile,
    pub body: ParsedBody<'s>,
    pub links: Vec<ResolvedLink>,
}

#[derive(Debug)]
pub struct Actor<'s> {
    pub slug: Slug,
    pub name: String,
    pub kind: Option<ActorKind>,
    pub role: Option<String>,
    pub country: Option<String>,
    pub aliases: Vec<String>,
    pub profile: Option<Profile<'s>>,
    /// Site path: `actors/xi-jinping/`.
    pub path: String,
    /// Explainers that list this actor in front matter, newest first.
    pub explainers: Vec<ExplainerId>,
    pub backlinks: Vec<ExplainerId>,
}

#[derive(Debug)]
pub struct Topic<'s> {
    pub slug: Slug,
    pub title: String,
    pub summary: Option<String>,
    pub aliases: Vec<String>,
    pub profile: Option<Profile<'s>>,
    pub path: String,
    pub explainers: Vec<ExplainerId>,
    pub backlinks: Vec<ExplainerId>,
    /// Timeline entries of its explainers, by date: (explainer, index into its `timeline`).
    pub timeline: Vec<(ExplainerId, usize)>,
    /// Actors of its explainers, most frequent first: (actor, number of explainers).
    pub key_actors: Vec<(ActorId, usize)>,
}

#[derive(Debug, Default)]
pub struct Home<'s> {
    pub title: Option<String>,
    pub description: Option<String>,
    pub intro: Option<Profile<'s>>,
}

/// Options that change what is assembled.
#[derive(Debug, Clone, Copy, Default)]
pub struct AssembleOptions {
    pub include_drafts: bool,
}

/// Builds the site. Every problem found is returned; the site only when there are no errors.
pub fn assemble<'s>(
    config: &'s Config,
    parsed: ParsedSite<'s>,
    static_files: &'s [StaticFile],
    options: AssembleOptions,
) -> Result<(Site<'s>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let ParsedSite {
        explainers,
        actors: actor_profiles,
        topics: topic_profiles,
        home,
    } = parsed;

    // Drafts leave the site here unless asked for; links to them are reported later.
    let (explainers, drafts): (Vec<_>, Vec<_>) = explainers
        .into_iter()
        .partition(|e| options.include_drafts || !e.meta.draft);
    let draft_paths: HashSet<&str> = drafts.iter().map(|d| d.file.rel.as_str()).collect();

    // Entities: profiles first, then every name used in front matter.
    let actor_inputs: Vec<ProfileInput<'_>> = actor_profiles
        .iter()
        .map(|p| ProfileInput {
            slug: p.slug.clone(),
            name: &p.meta.name,
            aliases: &p.meta.aliases,
            file: p.file,
        })
        .collect();
    let topic_inputs: Vec<ProfileInput<'_>> = topic_profiles
        .iter()
        .map(|p| ProfileInput {
            slug: p.slug.clone(),
            name: &p.meta.title,
            aliases: &p.meta.aliases,
            file: p.file,
        })
        .collect();
    let mut actor_registry = Registry::new("actor", &actor_inputs, &mut diagnostics);
    let mut topic_registry = Registry::new("topic", &topic_inputs, &mut diagnostics);
    drop((actor_inputs, topic_inputs));
    let mut explainer_actors = Vec::with_capacity(explainers.len());
    let mut explainer_topics = Vec::with_capacity(explainers.len());
    for e in &explainers {
        explainer_topics.push(resolve_all(
            &mut topic_registry,
            &e.meta.topics,
            e.file,
            &mut diagnostics,
        ));
        explainer_actors.push(resolve_all(
            &mut actor_registry,
            &e.meta.actors,
            e.file,
            &mut diagnostics,
        ));
    }

    // Explainers, newest first, with their site paths.
    let mut order: Vec<usize> = (0..explainers.len()).collect();
    let paths: Vec<Option<String>> = explainers
        .iter()
        .map(|e| explainer_path(e, &mut diagnostics))
        .collect();
    order.sort_by(|&a, &b| {
        let (ea, eb) = (&explainers[a], &explainers[b]);
        eb.meta
            .date
            .cmp(&ea.meta.date)
            .then_with(|| ea.meta.title.cmp(&eb.meta.title))
            .then_with(|| paths[a].cmp(&paths[b]))
    });
    let mut rank = vec![0; explainers.len()];
    for (new, &old) in order.iter().enumerate() {
        rank[old] = new;
    }

    // Entities by slug, with their explainers.
    let (actor_drafts, actor_rank) = sorted_by_slug(actor_registry.into_entities());
    let (topic_drafts, topic_rank) = sorted_by_slug(topic_registry.into_entities());
    let mut actor_explainers = vec![Vec::new(); actor_drafts.len()];
    let mut topic_explainers = vec![Vec::new(); topic_drafts.len()];
    let remap = |ids: &[usize], rank: &[usize]| -> Vec<usize> {
        let mut seen = HashSet::new();
        ids.iter()
            .map(|&i| rank[i])
            .filter(|i| seen.insert(*i))
            .collect()
    };
    let explainer_actors: Vec<Vec<ActorId>> = explainer_actors
        .iter()
        .map(|ids| remap(ids, &actor_rank))
        .collect();
    let explainer_topics: Vec<Vec<TopicId>> = explainer_topics
        .iter()
        .map(|ids| remap(ids, &topic_rank))
        .collect();
    for &old in &order {
        for &a in &explainer_actors[old] {
            actor_explainers[a].push(rank[old]);
        }
        for &t in &explainer_topics[old] {
            topic_explainers[t].push(rank[old]);
        }
    }

    // Pages, and the paths they take: two things at one path is an error.
    let explainer_paths: Vec<String> = order
        .iter()
        .map(|&i| paths[i].clone().unwrap_or_default())
        .collect();
    let sorted_explainers: Vec<&ParsedExplainer<'_>> =
        order.iter().map(|&i| &explainers[i]).collect();
    let pages = plan::plan_pages(
        config,
        &plan::PlanInput {
            explainers: &sorted_explainers,
            explainer_paths: &explainer_paths,
            actor_slugs: &actor_drafts.iter().map(|d| &d.slug).collect::<Vec<_>>(),
            actor_counts: &actor_explainers.iter().map(Vec::len).collect::<Vec<_>>(),
            topic_slugs: &topic_drafts.iter().map(|d| &d.slug).collect::<Vec<_>>(),
            topic_counts: &topic_explainers.iter().map(Vec::len).collect::<Vec<_>>(),
            static_files,
        },
        &mut diagnostics,
    );

    let urls = Urls::new(&config.base_url);
    // Links: every body, resolved against everything above.
    let actor_bodies: Vec<Option<&ParsedProfile<'_, ActorMeta>>> = actor_drafts
        .iter()
        .map(|d| d.profile.map(|i| &actor_profiles[i]))
        .collect();
    let topic_bodies: Vec<Option<&ParsedProfile<'_, TopicMeta>>> = topic_drafts
        .iter()
        .map(|d| d.profile.map(|i| &topic_profiles[i]))
        .collect();
    let index = links::LinkIndex::new(links::LinkIndexInput {
        urls: &urls,
        explainers: &sorted_explainers,
        explainer_paths: &explainer_paths,
        actors: actor_bodies
            .iter()
            .map(|p| p.map(|p| (p.file, &p.body)))
            .collect(),
        topics: topic_bodies
            .iter()
            .map(|p| p.map(|p| (p.file, &p.body)))
            .collect(),
        actor_slugs: actor_drafts.iter().map(|d| &d.slug).collect(),
        topic_slugs: topic_drafts.iter().map(|d| &d.slug).collect(),
        home: home.as_ref().map(|h| (h.file, &h.body)),
        draft_paths: &draft_paths,
        pages: &pages,
        static_files,
    });
    let explainer_links = index.resolve_explainers(&mut diagnostics);
    let actor_links: Vec<Option<Vec<ResolvedLink>>> = actor_bodies
        .iter()
        .map(|p| p.map(|p| index.resolve_body(p.file, &p.body, &[], &mut diagnostics)))
        .collect();
    let topic_links: Vec<Option<Vec<ResolvedLink>>> = topic_bodies
        .iter()
        .map(|p| p.map(|p| index.resolve_body(p.file, &p.body, &[], &mut diagnostics)))
        .collect();
    let home_links = home
        .as_ref()
        .map(|h| index.resolve_body(h.file, &h.body, &[], &mut diagnostics));
    drop(index);
    drop((actor_bodies, topic_bodies, sorted_explainers));

    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }

    // Backlinks: which explainers link to each page.
    let mut explainer_backlinks = vec![Vec::new(); explainer_links.len()];
    let mut actor_backlinks = vec![Vec::new(); actor_drafts.len()];
    let mut topic_backlinks = vec![Vec::new(); topic_drafts.len()];
    for (from, links) in explainer_links.iter().enumerate() {
        for target in links.iter().filter_map(|l| l.target) {
            let list = match target {
                Target::Explainer(id) if id != from => &mut explainer_backlinks[id],
                Target::Actor(id) => &mut actor_backlinks[id],
                Target::Topic(id) => &mut topic_backlinks[id],
                _ => continue,
            };
            if list.last() != Some(&from) {
                list.push(from);
            }
        }
    }

    // Move everything into the final structures.
    let mut by_old: Vec<Option<ParsedExplainer<'s>>> = explainers.into_iter().map(Some).collect();
    let mut explainer_links = explainer_links.into_iter();
    let mut explainer_backlinks = explainer_backlinks.into_iter();
    let final_explainers: Vec<Explainer<'s>> = order
        .iter()
        .zip(explainer_paths)
        .map(|(&old, path)| {
            let e = by_old[old].take().expect("each explainer once");
            let summary = e
                .meta
                .summary
                .clone()
                .or_else(|| e.body.first_paragraph.clone())
                .unwrap_or_default();
            Explainer {
                file: e.file,
                path,
                summary,
                topics: explainer_topics[old].clone(),
                actors: explainer_actors[old].clone(),
                links: explainer_links.next().expect("one per explainer"),
                backlinks: explainer_backlinks.next().expect("one per explainer"),
                meta: e.meta,
                body: e.body,
            }
        })
        .collect();

    let mut actor_profiles: Vec<Option<ParsedProfile<'s, ActorMeta>>> =
        actor_profiles.into_iter().map(Some).collect();
    let final_actors: Vec<Actor<'s>> = actor_drafts
        .into_iter()
        .zip(actor_links)
        .zip(actor_explainers.into_iter().zip(actor_backlinks))
        .map(|((draft, links), (explainers, backlinks))| {
            let parsed = draft.profile.and_then(|i| actor_profiles[i].take());
            let path = format!("actors/{}/", draft.slug);
            match parsed {
                Some(p) => Actor {
                    slug: draft.slug,
                    name: p.meta.name,
                    kind: p.meta.kind,
                    role: p.meta.role,
                    country: p.meta.country,
                    aliases: p.meta.aliases.into_iter().map(|a| a.value).collect(),
                    profile: Some(Profile {
                        file: p.file,
                        body: p.body,
                        links: links.unwrap_or_default(),
                    }),
                    path,
                    explainers,
                    backlinks,
                },
                None => Actor {
                    slug: draft.slug,
                    name: draft.name,
                    kind: None,
                    role: None,
                    country: None,
                    aliases: Vec::new(),
                    profile: None,
                    path,
                    explainers,
                    backlinks,
                },
            }
        })
        .collect();

    let mut topic_profiles: Vec<Option<ParsedProfile<'s, TopicMeta>>> =
        topic_profiles.into_iter().map(Some).collect();
    let final_topics: Vec<Topic<'s>> = topic_drafts
        .into_iter()
        .zip(topic_links)
        .zip(topic_explainers.into_iter().zip(topic_backlinks))
        .map(|((draft, links), (explainers, backlinks))| {
            let parsed = draft.profile.and_then(|i| topic_profiles[i].take());
            let timeline = merged_timeline(&final_explainers, &explainers);
            let key_actors = key_actors(&final_explainers, &explainers, &final_actors);
            let path = format!("topics/{}/", draft.slug);
            let (title, summary, aliases, profile) = match parsed {
                Some(p) => (
                    p.meta.title,
                    p.meta.summary,
                    p.meta.aliases.into_iter().map(|a| a.value).collect(),
                    Some(Profile {
                        file: p.file,
                        body: p.body,
                        links: links.unwrap_or_default(),
                    }),
                ),
                None => (draft.name, None, Vec::new(), None),
            };
            Topic {
                slug: draft.slug,
                title,
                summary,
                aliases,
                profile,
                path,
                explainers,
                backlinks,
                timeline,
                key_actors,
            }
        })
        .collect();

    let home = match home {
        Some(h) => Home {
            title: h.meta.title,
            description: h.meta.description,
            intro: Some(Profile {
                file: h.file,
                body: h.body,
                links: home_links.unwrap_or_default(),
            }),
        },
        None => Home::default(),
    };

    diagnostics.extend(unused_profile_warnings(&final_actors, "actor"));
    diagnostics.extend(unused_profile_warnings(&final_topics, "topic"));

    let site = Site {
        config,
        urls,
        explainers: final_explainers,
        actors: final_actors,
        topics: final_topics,
        home,
        pages,
        static_files,
    };
    Ok((site, diagnostics))
}

fn resolve_all(
    registry: &mut Registry,
    references: &[crate::frontmatter::Located<String>],
    file: &ContentFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    references
        .iter()
        .filter_map(|r| {
            registry
                .resolve_or_add(r, file)
                .map_err(|d| diagnostics.push(d))
                .ok()
        })
        .collect()
}

/// Sorts entity drafts by slug; returns them with `rank[old index] = new index`.
fn sorted_by_slug(drafts: Vec<entities::EntityDraft>) -> (Vec<entities::EntityDraft>, Vec<usize>) {
    let mut indexed: Vec<(usize, entities::EntityDraft)> = drafts.into_iter().enumerate().collect();
    indexed.sort_by(|a, b| a.1.slug.cmp(&b.1.slug));
    let mut rank = vec![0; indexed.len()];
    for (new, (old, _)) in indexed.iter().enumerate() {
        rank[*old] = new;
    }
    (indexed.into_iter().map(|(_, d)| d).collect(), rank)
}

/// `articles/x/` for `content/articles/x.md`: the folders, slugified, then the slug.
fn explainer_path(e: &ParsedExplainer<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let rel = &e.file.rel;
    let (dirs, file_name) = rel
        .rsplit_once('/')
        .map_or(("", rel.as_str()), |(d, f)| (d, f));
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    let slug = match &e.meta.slug {
        Some(s) => s.clone(),
        None => match Slug::from_text(stem) {
            Some(s) => s,
            None => {
                diagnostics.push(
                    Diagnostic::error(
                        "the file name has no letters or digits to make a page address from",
                    )
                    .in_file(&e.file.path)
                    .with_help("rename the file or set `slug:` in its front matter"),
                );
                return None;
            }
        },
    };
    let mut path = String::new();
    for dir in dirs.split('/').filter(|d| !d.is_empty()) {
        match Slug::from_text(dir) {
            Some(d) => {
                path.push_str(d.as_str());
                path.push('/');
            }
            None => {
                diagnostics.push(
                    Diagnostic::error(format!("the folder name `{dir}` has no letters or digits to make a page address from"))
                        .in_file(&e.file.path),
                );
                return None;
            }
        }
    }
    path.push_str(slug.as_str());
    path.push('/');
    Some(path)
}

fn merged_timeline(explainers: &[Explainer<'_>], ids: &[ExplainerId]) -> Vec<(ExplainerId, usize)> {
    let mut entries: Vec<(ExplainerId, usize)> = ids
        .iter()
        .flat_map(|&id| (0..explainers[id].meta.timeline.len()).map(move |i| (id, i)))
        .collect();
    let date = |&(id, i): &(ExplainerId, usize)| -> Date { explainers[id].meta.timeline[i].date };
    entries.sort_by(|a, b| date(a).cmp(&date(b)).then(a.cmp(b)));
    entries
}

fn key_actors(
    explainers: &[Explainer<'_>],
    ids: &[ExplainerId],
    actors: &[Actor<'_>],
) -> Vec<(ActorId, usize)> {
    let mut counts: BTreeMap<ActorId, usize> = BTreeMap::new();
    for &id in ids {
        for &a in &explainers[id].actors {
            *counts.entry(a).or_default() += 1;
        }
    }
    let mut ranked: Vec<(ActorId, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| actors[a.0].name.cmp(&actors[b.0].name))
    });
    ranked.truncate(KEY_ACTORS);
    ranked
}

trait HasProfile {
    fn profile_file(&self) -> Option<&ContentFile>;
    fn explainer_count(&self) -> usize;
    fn slug(&self) -> &Slug;
}

impl HasProfile for Actor<'_> {
    fn profile_file(&self) -> Option<&ContentFile> {
        self.profile.as_ref().map(|p| p.file)
    }
    fn explainer_count(&self) -> usize {
        self.explainers.len() + self.backlinks.len()
    }
    fn slug(&self) -> &Slug {
        &self.slug
    }
}

impl HasProfile for Topic<'_> {
    fn profile_file(&self) -> Option<&ContentFile> {
        self.profile.as_ref().map(|p| p.file)
    }
    fn explainer_count(&self) -> usize {
        self.explainers.len() + self.backlinks.len()
    }
    fn slug(&self) -> &Slug {
        &self.slug
    }
}

/// A profile that no explainer names or links to is probably a forgotten file or a misspelt slug.
fn unused_profile_warnings<E: HasProfile>(entities: &[E], label: &str) -> Vec<Diagnostic> {
    entities
        .iter()
        .filter(|e| e.explainer_count() == 0)
        .filter_map(|e| {
            let file = e.profile_file()?;
            let source = SourceFile::new(&file.path, &file.text);
            Some(
                Diagnostic::warning(format!("no explainer names or links to {label} `{}`", e.slug()))
                    .at(&source, 0, 0)
                    .with_help(format!("list it under `{label}s:` in an explainer's front matter, or remove the profile")),
            )
        })
        .collect()
}
