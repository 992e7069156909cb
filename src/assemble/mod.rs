//! Assemble: the parsed files become one immutable `Site`: entities indexed, links resolved, pages planned.

mod annotate;
mod entities;
mod links;
mod names;
mod plan;
mod related;

pub use annotate::{Annotation, AnnotationKind, Quote};
pub use links::{ResolvedLink, Target};
pub use plan::{FeedOf, Page, PageKind, SITEMAP_URLS};

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::frontmatter::{ActorKind, ActorMeta, ExplainerMeta, Located, TopicMeta};
use crate::load::{ContentFile, StaticFile};
use crate::markdown::ParsedBody;
use crate::page_ids::AnchorCheck;
use crate::parse::{ParsedExplainer, ParsedProfile, ParsedSite};
use crate::slug::Slug;
use crate::urls::Urls;
use entities::{EntityDraft, ProfileInput, Registry};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

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
    /// In the order of `[glossary]` (alphabetical).
    pub glossary: Vec<GlossaryTerm<'s>>,
    pub home: Home<'s>,
    /// Every page to render, by site path.
    pub pages: Vec<Page>,
    pub static_files: &'s [StaticFile],
    /// The `#fragment`s links name, checked once their pages are rendered.
    pub anchor_checks: Vec<AnchorCheck<'s>>,
}

#[derive(Debug)]
pub struct Explainer<'s> {
    pub file: &'s ContentFile,
    /// Site path: `articles/biden-xi-lima/`.
    pub path: String,
    pub meta: Arc<ExplainerMeta>,
    pub body: Arc<ParsedBody<'s>>,
    /// One per `body.links`, in the same order.
    pub links: Vec<ResolvedLink>,
    /// Mentions to link and terms to explain, sorted by position.
    pub annotations: Arc<[Annotation]>,
    /// Blockquotes attributed to actors.
    pub quotes: Arc<[Quote]>,
    /// Actors named in the text but not listed in front matter, by id.
    pub mentioned: Vec<ActorId>,
    /// From front matter, or the first paragraph.
    pub summary: String,
    /// In front matter order.
    pub topics: Vec<TopicId>,
    pub actors: Vec<ActorId>,
    /// Explainers that link here, newest first.
    pub backlinks: Vec<ExplainerId>,
    /// Explainers sharing the most topics and actors, best first.
    pub related: Vec<ExplainerId>,
}

/// The text of an actor's or topic's profile file.
#[derive(Debug)]
pub struct Profile<'s> {
    pub file: &'s ContentFile,
    pub body: Arc<ParsedBody<'s>>,
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
    /// Explainers whose text names this actor without listing it, newest first.
    pub mentioned_in: Vec<ExplainerId>,
    /// Explainers that link to this actor's page, newest first.
    pub backlinks: Vec<ExplainerId>,
    /// Quotes attributed to this actor: (explainer, index into its `quotes`), newest first.
    pub quotes: Vec<(ExplainerId, usize)>,
    /// Actors sharing the most explainers with this one: (actor, explainers shared).
    pub co_actors: Vec<(ActorId, usize)>,
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
    /// The timeline entries of its explainers, by date; the same event told by several explainers once.
    pub timeline: Vec<TopicEvent>,
    /// Actors of its explainers, most frequent first: (actor, number of explainers).
    pub key_actors: Vec<(ActorId, usize)>,
}

/// One event of a topic's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicEvent {
    pub date: Date,
    /// Where its text comes from: (explainer, index into its `timeline`).
    pub entry: (ExplainerId, usize),
    /// Every explainer whose timeline has this event (same date and text), newest first.
    pub explainers: Vec<ExplainerId>,
}

#[derive(Debug)]
pub struct GlossaryTerm<'s> {
    pub term: &'s str,
    pub expansion: &'s str,
    /// Explainers using the term, newest first.
    pub explainers: Vec<ExplainerId>,
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

/// What `serve` keeps from one assembly to the next: the costly derived data, keyed by
/// everything it depends on, so that a rebuild after one edit recomputes only what the edit
/// touched. A build from scratch passes none.
#[derive(Default)]
pub struct AssembleCache<'s> {
    /// By body: (the body, a hash of the annotator and of the body's resolved links, the result).
    annotations: std::collections::HashMap<usize, (Arc<ParsedBody<'s>>, u64, annotate::Annotated)>,
    /// (hash of every explainer's topics and actors, the related explainers).
    related: Option<(u64, Vec<Vec<ExplainerId>>)>,
    /// (hash of every explainer's actors and the actor names, the co-actors).
    co_actors: Option<(u64, CoActors)>,
}

/// For each actor: (actor seen with it, explainers shared).
type CoActors = Vec<Vec<(ActorId, usize)>>;

fn hash_of<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(value)
}

/// Builds the site. Every problem found is returned; the site only when there are no errors.
pub fn assemble<'s>(
    config: &'s Config,
    parsed: ParsedSite<'s>,
    static_files: &'s [StaticFile],
    options: AssembleOptions,
    mut cache: Option<&mut AssembleCache<'s>>,
) -> Result<(Site<'s>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let ParsedSite { explainers, actors: actor_profiles, topics: topic_profiles, home, failed } = parsed;

    // Drafts leave the site here unless asked for; links to them are reported later.
    let (explainers, drafts): (Vec<_>, Vec<_>) =
        explainers.into_iter().partition(|e| options.include_drafts || !e.meta.draft);
    let draft_paths: HashSet<&str> = drafts.iter().map(|d| d.file.rel.as_str()).collect();

    // Entities: profiles first, then every name used in front matter.
    let (actor_drafts, actor_rank, explainer_actors, topic_drafts, topic_rank, explainer_topics) = {
        let actor_inputs = profile_inputs(&actor_profiles, |m: &ActorMeta| (&m.name, &m.aliases));
        let topic_inputs = profile_inputs(&topic_profiles, |m: &TopicMeta| (&m.title, &m.aliases));
        let mut actor_registry = Registry::new("actor", &actor_inputs, &mut diagnostics);
        let mut topic_registry = Registry::new("topic", &topic_inputs, &mut diagnostics);
        let mut explainer_actors = Vec::with_capacity(explainers.len());
        let mut explainer_topics = Vec::with_capacity(explainers.len());
        for e in &explainers {
            explainer_topics.push(resolve_all(&mut topic_registry, &e.meta.topics, e.file, &mut diagnostics));
            explainer_actors.push(resolve_all(&mut actor_registry, &e.meta.actors, e.file, &mut diagnostics));
        }
        let (actor_drafts, actor_rank) = sorted_by_slug(actor_registry.into_entities());
        let (topic_drafts, topic_rank) = sorted_by_slug(topic_registry.into_entities());
        (actor_drafts, actor_rank, explainer_actors, topic_drafts, topic_rank, explainer_topics)
    };

    // Explainers, newest first, with their site paths; `order[new] = old`.
    let paths: Vec<Result<String, Diagnostic>> = explainers.par_iter().map(explainer_path).collect();
    let mut paths: Vec<Option<String>> = paths.into_iter().map(|p| p.map_err(|d| diagnostics.push(d)).ok()).collect();
    // the sort keys side by side (comparing through each explainer's metadata cost a cache miss
    // per comparison: a tenth of assembly at 100,000 explainers); the index last, so that equal
    // keys keep their order
    let mut keys: Vec<(std::cmp::Reverse<Date>, &str, Option<&str>, usize)> = explainers
        .iter()
        .zip(&paths)
        .enumerate()
        .map(|(i, (e, path))| (std::cmp::Reverse(e.meta.date), e.meta.title.as_str(), path.as_deref(), i))
        .collect();
    keys.par_sort_unstable();
    let order: Vec<usize> = keys.into_iter().map(|(.., i)| i).collect();
    let remap = |ids: &[usize], rank: &[usize]| -> Vec<usize> {
        let mut out: Vec<usize> = Vec::with_capacity(ids.len());
        for &i in ids {
            if !out.contains(&rank[i]) {
                out.push(rank[i]);
            }
        }
        out
    };
    let explainer_actors: Vec<Vec<ActorId>> =
        order.par_iter().map(|&old| remap(&explainer_actors[old], &actor_rank)).collect();
    let explainer_topics: Vec<Vec<TopicId>> =
        order.par_iter().map(|&old| remap(&explainer_topics[old], &topic_rank)).collect();
    let explainer_paths: Vec<String> = order.iter().map(|&i| paths[i].take().unwrap_or_default()).collect();
    let mut slots: Vec<Option<ParsedExplainer<'s>>> = explainers.into_iter().map(Some).collect();
    let explainers: Vec<ParsedExplainer<'s>> =
        order.iter().map(|&old| slots[old].take().expect("each explainer once")).collect();
    drop(slots);

    let mut actor_explainers = vec![Vec::new(); actor_drafts.len()];
    let mut topic_explainers = vec![Vec::new(); topic_drafts.len()];
    for (id, (actors, topics)) in explainer_actors.iter().zip(&explainer_topics).enumerate() {
        actors.iter().for_each(|&a| actor_explainers[a].push(id));
        topics.iter().for_each(|&t| topic_explainers[t].push(id));
    }

    // Pages, and the paths they take: two things at one path is an error.
    let explainer_refs: Vec<&ParsedExplainer<'_>> = explainers.iter().collect();
    let pages = plan::plan_pages(
        config,
        &plan::PlanInput {
            explainers: &explainer_refs,
            explainer_paths: &explainer_paths,
            actor_slugs: &actor_drafts.iter().map(|d| &d.slug).collect::<Vec<_>>(),
            actor_counts: &actor_explainers.iter().map(Vec::len).collect::<Vec<_>>(),
            topic_slugs: &topic_drafts.iter().map(|d| &d.slug).collect::<Vec<_>>(),
            topic_counts: &topic_explainers.iter().map(Vec::len).collect::<Vec<_>>(),
            static_files,
        },
        &mut diagnostics,
    );

    // Links: every body, resolved against everything above.
    let urls = Urls::new(&config.base_url);
    let actor_bodies: Vec<Option<&ParsedProfile<'_, ActorMeta>>> =
        actor_drafts.iter().map(|d| d.profile.map(|i| &actor_profiles[i])).collect();
    let topic_bodies: Vec<Option<&ParsedProfile<'_, TopicMeta>>> =
        topic_drafts.iter().map(|d| d.profile.map(|i| &topic_profiles[i])).collect();
    let failed_paths: HashSet<&str> = failed.iter().map(String::as_str).collect();
    let mut anchor_checks = Vec::new();
    let (explainer_links, actor_links, topic_links, home_links) = {
        let index = links::LinkIndex::new(links::LinkIndexInput {
            urls: &urls,
            explainers: &explainer_refs,
            explainer_paths: &explainer_paths,
            actors: actor_bodies.iter().map(|p| p.map(|p| (p.file, &*p.body))).collect(),
            topics: topic_bodies.iter().map(|p| p.map(|p| (p.file, &*p.body))).collect(),
            actor_slugs: actor_drafts.iter().map(|d| &d.slug).collect(),
            topic_slugs: topic_drafts.iter().map(|d| &d.slug).collect(),
            home: home.as_ref().map(|h| (h.file, &*h.body)),
            draft_paths: &draft_paths,
            failed_paths: &failed_paths,
            pages: &pages,
            static_files,
            raw_html: config.markdown.raw_html,
        });
        let explainer_links = index.resolve_explainers(&mut diagnostics, &mut anchor_checks);
        let mut profile_links = |body: Option<(&'s ContentFile, &ParsedBody<'_>)>| {
            body.map(|(file, body)| index.resolve_body(file, body, &[], &mut diagnostics, &mut anchor_checks))
        };
        let actor_links: Vec<Option<Vec<ResolvedLink>>> =
            actor_bodies.iter().map(|p| profile_links(p.map(|p| (p.file, &*p.body)))).collect();
        let topic_links: Vec<Option<Vec<ResolvedLink>>> =
            topic_bodies.iter().map(|p| profile_links(p.map(|p| (p.file, &*p.body)))).collect();
        let home_links = profile_links(home.as_ref().map(|h| (h.file, &*h.body)));
        (explainer_links, actor_links, topic_links, home_links)
    };
    drop((actor_bodies, topic_bodies, explainer_refs));

    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }

    // Mentions, glossary terms and attributed quotes in the text of each explainer.
    let terms: Vec<&str> = config.glossary.keys().map(String::as_str).collect();
    let annotated: Vec<annotate::Annotated> = {
        let names: Vec<Vec<&str>> = actor_drafts
            .iter()
            .map(|d| {
                let mut names = vec![d.name.as_str()];
                if let Some(p) = d.profile {
                    names.extend(actor_profiles[p].meta.aliases.iter().map(|a| a.value.as_str()));
                }
                names
            })
            .collect();
        let annotator = annotate::Annotator::new(&names, &terms, config.autolink);
        let annotator_key = hash_of(&(&names, &terms, config.autolink as u8));
        let previous = cache.as_deref().map(|c| &c.annotations);
        let results: Vec<(u64, annotate::Annotated)> = explainers
            .par_iter()
            .with_max_len(crate::ITEMS_PER_JOB)
            .zip(&explainer_links)
            .map(|(e, links)| {
                let key = hash_of(&(annotator_key, links));
                let cached = previous
                    .and_then(|p| p.get(&(Arc::as_ptr(&e.body) as usize)))
                    .filter(|(_, k, _)| *k == key)
                    .map(|(_, _, a)| a.clone());
                (key, cached.unwrap_or_else(|| annotator.annotate(&e.body, links)))
            })
            .collect();
        if let Some(cache) = cache.as_deref_mut() {
            cache.annotations = explainers
                .iter()
                .zip(&results)
                .map(|(e, (key, a))| (Arc::as_ptr(&e.body) as usize, (Arc::clone(&e.body), *key, a.clone())))
                .collect();
        }
        results.into_iter().map(|(_, a)| a).collect()
    };

    // Backlinks: which explainers link to each page.
    let mut explainer_backlinks = vec![Vec::new(); explainers.len()];
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

    // Mentions and quotes, by actor; terms by explainer.
    let mut actor_mentions = vec![Vec::new(); actor_drafts.len()];
    let mut actor_quotes = vec![Vec::new(); actor_drafts.len()];
    let mut term_explainers = vec![Vec::new(); terms.len()];
    for (id, a) in annotated.iter().enumerate() {
        for &actor in &a.mentioned {
            if !explainer_actors[id].contains(&actor) {
                actor_mentions[actor].push(id);
            }
        }
        for (q, quote) in a.quotes.iter().enumerate() {
            actor_quotes[quote.actor].push((id, q));
        }
        for &t in &a.terms {
            term_explainers[t].push(id);
        }
    }

    let related_key = hash_of(&(&explainer_topics, &explainer_actors, topic_drafts.len(), actor_drafts.len()));
    let actor_names: Vec<&str> = actor_drafts.iter().map(|d| d.name.as_str()).collect();
    let co_key = hash_of(&(&explainer_actors, &actor_names));
    // co-actors on one thread while related explainers take the others
    let (related, co_actors) = rayon::join(
        || match cache.as_deref().and_then(|c| c.related.as_ref()).filter(|(k, _)| *k == related_key) {
            Some((_, related)) => related.clone(),
            None => related::related(&explainer_topics, &explainer_actors, topic_drafts.len(), actor_drafts.len()),
        },
        || match cache.as_deref().and_then(|c| c.co_actors.as_ref()).filter(|(k, _)| *k == co_key) {
            Some((_, co)) => co.clone(),
            None => related::co_actors(&explainer_actors, actor_drafts.len(), &actor_names),
        },
    );
    if let Some(cache) = cache {
        cache.related = Some((related_key, related.clone()));
        cache.co_actors = Some((co_key, co_actors.clone()));
    }
    drop(actor_names);

    // Move everything into the final structures.
    let final_explainers: Vec<Explainer<'s>> = explainers
        .into_par_iter()
        .zip(explainer_paths)
        .zip(explainer_links.into_par_iter().zip(annotated))
        .zip(explainer_backlinks.into_par_iter().zip(related))
        .zip(explainer_topics.into_par_iter().zip(explainer_actors))
        .map(|((((e, path), (links, annotated)), (backlinks, related)), (topics, actors))| {
            let summary = e.meta.summary.clone().or_else(|| e.body.first_paragraph.clone()).unwrap_or_default();
            let mentioned = annotated.mentioned.iter().copied().filter(|a| !actors.contains(a)).collect();
            Explainer {
                file: e.file,
                path,
                summary,
                topics,
                actors,
                links,
                mentioned,
                annotations: annotated.annotations,
                quotes: annotated.quotes,
                backlinks,
                related,
                meta: e.meta,
                body: e.body,
            }
        })
        .collect();

    let mut actor_profiles: Vec<Option<ParsedProfile<'s, ActorMeta>>> = actor_profiles.into_iter().map(Some).collect();
    let mut actor_parts = actor_links
        .into_iter()
        .zip(actor_explainers)
        .zip(actor_backlinks)
        .zip(actor_mentions)
        .zip(actor_quotes)
        .zip(co_actors);
    let final_actors: Vec<Actor<'s>> = actor_drafts
        .into_iter()
        .map(|draft| {
            let (((((links, explainers), backlinks), mentioned_in), quotes), co_actors) =
                actor_parts.next().expect("one per actor");
            let parsed = draft.profile.and_then(|i| actor_profiles[i].take());
            let path = format!("actors/{}/", draft.slug);
            let mut actor = Actor {
                slug: draft.slug,
                name: draft.name,
                kind: None,
                role: None,
                country: None,
                aliases: Vec::new(),
                profile: None,
                path,
                explainers,
                mentioned_in,
                backlinks,
                quotes,
                co_actors,
            };
            if let Some(p) = parsed {
                actor.name = p.meta.name;
                actor.kind = p.meta.kind;
                actor.role = p.meta.role;
                actor.country = p.meta.country;
                actor.aliases = p.meta.aliases.into_iter().map(|a| a.value).collect();
                actor.profile = Some(Profile { file: p.file, body: p.body, links: links.unwrap_or_default() });
            }
            actor
        })
        .collect();

    let mut topic_profiles: Vec<Option<ParsedProfile<'s, TopicMeta>>> = topic_profiles.into_iter().map(Some).collect();
    // what each topic gathers from its explainers (timeline, key actors), in parallel
    type Gathered = (Vec<TopicEvent>, Vec<(ActorId, usize)>);
    let gathered: Vec<Gathered> = topic_explainers
        .par_iter()
        .map(|ids| (merged_timeline(&final_explainers, ids), key_actors(&final_explainers, ids, &final_actors)))
        .collect();
    let final_topics: Vec<Topic<'s>> = topic_drafts
        .into_iter()
        .zip(topic_links)
        .zip(topic_explainers.into_iter().zip(topic_backlinks))
        .zip(gathered)
        .map(|(((draft, links), (explainers, backlinks)), (timeline, key_actors))| {
            let parsed = draft.profile.and_then(|i| topic_profiles[i].take());
            let path = format!("topics/{}/", draft.slug);
            let (title, summary, aliases, profile) = match parsed {
                Some(p) => (
                    p.meta.title,
                    p.meta.summary,
                    p.meta.aliases.into_iter().map(|a| a.value).collect(),
                    Some(Profile { file: p.file, body: p.body, links: links.unwrap_or_default() }),
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

    let glossary = config
        .glossary
        .iter()
        .zip(term_explainers)
        .map(|((term, expansion), explainers)| GlossaryTerm { term, expansion, explainers })
        .collect();

    let home = match home {
        Some(h) => Home {
            title: h.meta.title,
            description: h.meta.description,
            intro: Some(Profile { file: h.file, body: h.body, links: home_links.unwrap_or_default() }),
        },
        None => Home::default(),
    };

    diagnostics.extend(unused_profile_warnings(&final_actors, "actor", |a| {
        a.explainers.len() + a.mentioned_in.len() + a.backlinks.len()
    }));
    diagnostics.extend(unused_profile_warnings(&final_topics, "topic", |t| t.explainers.len() + t.backlinks.len()));

    let site = Site {
        config,
        urls,
        explainers: final_explainers,
        actors: final_actors,
        topics: final_topics,
        glossary,
        home,
        pages,
        static_files,
        anchor_checks,
    };
    Ok((site, diagnostics))
}

fn profile_inputs<'a, M>(
    profiles: &'a [ParsedProfile<'_, M>],
    name_and_aliases: impl Fn(&'a M) -> (&'a String, &'a Vec<Located<String>>),
) -> Vec<ProfileInput<'a>> {
    profiles
        .iter()
        .map(|p| {
            let (name, aliases) = name_and_aliases(&p.meta);
            ProfileInput { slug: p.slug.clone(), name, aliases, file: p.file }
        })
        .collect()
}

fn resolve_all(
    registry: &mut Registry,
    references: &[Located<String>],
    file: &ContentFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    references.iter().filter_map(|r| registry.resolve_or_add(r, file).map_err(|d| diagnostics.push(d)).ok()).collect()
}

/// Sorts entity drafts by slug; returns them with `rank[old index] = new index`.
fn sorted_by_slug(drafts: Vec<EntityDraft>) -> (Vec<EntityDraft>, Vec<usize>) {
    let mut indexed: Vec<(usize, EntityDraft)> = drafts.into_iter().enumerate().collect();
    indexed.sort_by(|a, b| a.1.slug.cmp(&b.1.slug));
    let mut rank = vec![0; indexed.len()];
    for (new, (old, _)) in indexed.iter().enumerate() {
        rank[*old] = new;
    }
    (indexed.into_iter().map(|(_, d)| d).collect(), rank)
}

/// `articles/x/` for `content/articles/x.md`: the folders, slugified, then the slug.
fn explainer_path(e: &ParsedExplainer<'_>) -> Result<String, Diagnostic> {
    let rel = &e.file.rel;
    let (dirs, file_name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    let slug = match &e.meta.slug {
        Some(s) => s.clone(),
        None => match Slug::from_text(stem) {
            Some(s) => s,
            None => {
                return Err(Diagnostic::error("the file name has no letters or digits to make a page address from")
                    .code(crate::diagnostics::Code::NoSlug)
                    .in_file(&e.file.path)
                    .with_help("rename the file or set `slug:` in its front matter"));
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
                return Err(Diagnostic::error(format!(
                    "the folder name `{dir}` has no letters or digits to make a page address from"
                ))
                .code(crate::diagnostics::Code::NoSlug)
                .in_file(&e.file.path));
            }
        }
    }
    path.push_str(slug.as_str());
    path.push('/');
    Ok(path)
}

/// The timeline entries of `ids`, oldest first; an event told with the same date and text by
/// several explainers appears once, with all of them.
fn merged_timeline(explainers: &[Explainer<'_>], ids: &[ExplainerId]) -> Vec<TopicEvent> {
    let mut events: BTreeMap<(Date, &str), TopicEvent> = BTreeMap::new();
    for &id in ids {
        for (i, entry) in explainers[id].meta.timeline.iter().enumerate() {
            events
                .entry((entry.date, entry.event.as_str()))
                .and_modify(|e| e.explainers.push(id))
                .or_insert(TopicEvent { date: entry.date, entry: (id, i), explainers: vec![id] });
        }
    }
    let mut merged: Vec<TopicEvent> = events.into_values().collect();
    merged.sort_by(|a, b| a.date.cmp(&b.date).then(a.entry.cmp(&b.entry)));
    merged
}

fn key_actors(explainers: &[Explainer<'_>], ids: &[ExplainerId], actors: &[Actor<'_>]) -> Vec<(ActorId, usize)> {
    let mut counts = vec![0usize; actors.len()];
    for &id in ids {
        for &a in &explainers[id].actors {
            counts[a] += 1;
        }
    }
    let mut ranked: Vec<(ActorId, usize)> = counts.into_iter().enumerate().filter(|&(_, n)| n > 0).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| actors[a.0].name.cmp(&actors[b.0].name)));
    ranked.truncate(KEY_ACTORS);
    ranked
}

/// Entities with a profile file, for the warning about profiles nothing uses.
trait Profiled {
    fn profile_file(&self) -> Option<&ContentFile>;
    fn slug(&self) -> &Slug;
}

impl Profiled for Actor<'_> {
    fn profile_file(&self) -> Option<&ContentFile> {
        self.profile.as_ref().map(|p| p.file)
    }
    fn slug(&self) -> &Slug {
        &self.slug
    }
}

impl Profiled for Topic<'_> {
    fn profile_file(&self) -> Option<&ContentFile> {
        self.profile.as_ref().map(|p| p.file)
    }
    fn slug(&self) -> &Slug {
        &self.slug
    }
}

/// A profile that no explainer names, mentions or links to is probably a forgotten file or a
/// misspelt slug.
fn unused_profile_warnings<E: Profiled>(entities: &[E], label: &str, uses: impl Fn(&E) -> usize) -> Vec<Diagnostic> {
    entities
        .iter()
        .filter(|e| uses(e) == 0)
        .filter_map(|e| {
            let file = e.profile_file()?;
            Some(
                Diagnostic::warning(format!("no explainer names or links to {label} `{}`", e.slug()))
                    .code(crate::diagnostics::Code::UnusedProfile)
                    .in_file(&file.path)
                    .with_help(format!(
                        "list it under `{label}s:` in an explainer's front matter, or remove the profile"
                    )),
            )
        })
        .collect()
}
