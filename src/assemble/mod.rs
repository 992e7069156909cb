//! Assemble: the parsed files become one immutable `Site`: entities indexed, links resolved, pages planned.

mod annotate;
mod authors;
mod builders;
mod cache;
mod entities;
mod languages;
mod links;
mod names;
mod plan;
mod publish;
mod related;
mod sections;

pub use annotate::{Annotation, AnnotationKind, Quote};
pub use cache::{AnnotatedRecord, AssembleCache, CoActors, Derived};
pub use languages::{Language, Translations, fallback_of, is_fallback, original_of, translation_paths};
pub use links::{Fallback, ResolvedLink, SocialImage, Target};
pub use plan::{ACTORS_PER_PAGE, FeedOf, Page, PageKind, SITEMAP_URLS, TOPICS_PER_PAGE};
pub use publish::{LeftOut, Schedule, utc_day};
pub use sections::{Section, SectionId, explainer_folder, trail};

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::frontmatter::{ActorKind, ActorMeta, ExplainerMeta, Located, TopicMeta};
use crate::load::{ContentFile, StaticFile};
use crate::markdown::ParsedBody;
use crate::page_ids::AnchorCheck;
use crate::parse::{ParsedExplainer, ParsedHome, ParsedProfile, ParsedSite};
use crate::slug::Slug;
use crate::urls::{self, Urls};
use builders::{ActorBuilder, ExplainerBuilder, TopicBuilder};
use cache::hash_of;
use chrono::NaiveDate;
use entities::{EntityDraft, ProfileInput, Registry};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::HashSet;
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
    /// The archive of each top-level folder and the sections below, in the order of their
    /// folders.
    pub sections: Vec<Section<'s>>,
    /// In the order of `[glossary]` (alphabetical).
    pub glossary: Vec<GlossaryTerm<'s>>,
    pub home: Home<'s>,
    /// Every page to render, by site path.
    pub pages: Vec<Page>,
    pub static_files: &'s [StaticFile],
    /// The `#fragment`s links name, checked once their pages are rendered.
    pub anchor_checks: Vec<AnchorCheck<'s>>,
    /// What was left out for its dates, and when the output changes next.
    pub schedule: Schedule,
    /// In a multilingual site, every language's pages (for `hreflang` and the language menu):
    /// set by the pipeline once every language is assembled, before any page is rendered.
    pub translations: Option<Arc<Translations>>,
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
    /// The actors `authors:` names (persons), in written order, without repeats.
    pub authors: Vec<ActorId>,
    /// Explainers that link here, newest first.
    pub backlinks: Vec<ExplainerId>,
    /// Explainers sharing the most topics and actors, best first.
    pub related: Vec<ExplainerId>,
    /// The nearest section above it (the archive of its folder, or a section of an `_index.md`);
    /// `None` for an explainer at the top of content/.
    pub section: Option<SectionId>,
    /// The social card image (`image:`).
    pub image: Option<SocialImage>,
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
    /// From the profile's front matter; empty without one.
    pub extra: crate::extra::Extra,
    /// `wikidata:` and `same_as:` of its profile; empty without one.
    pub identity: crate::frontmatter::Identity,
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
    /// From the profile's front matter; empty without one.
    pub extra: crate::extra::Extra,
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
#[derive(Debug, Clone, Copy)]
pub struct AssembleOptions {
    pub include_drafts: bool,
    /// `--future`: explainers dated after `today` are published too.
    pub include_future: bool,
    /// The build's day (UTC): explainers dated after it are scheduled, those whose `expires` is
    /// on or before it have expired.
    pub today: NaiveDate,
}

impl AssembleOptions {
    /// What a plain `build` publishes today: no drafts, nothing dated after today's UTC day.
    pub fn today() -> AssembleOptions {
        AssembleOptions { include_drafts: false, include_future: false, today: chrono::Utc::now().date_naive() }
    }
}

/// Builds the site. Every problem found is returned; the site only when there are no errors.
///
/// The steps, in order: what is not published leaves (drafts, scheduled and expired explainers:
/// `publish`); the entities every explainer names are registered; explainers are ordered; the
/// pages are planned; every link is resolved (errors so far end here); then what is derived
/// from the text (annotations, backlinks, mentions, quotes, glossary uses, related explainers
/// and co-actors); last, each builder becomes its final struct.
pub fn assemble<'s>(
    config: &'s Config,
    parsed: ParsedSite<'s>,
    static_files: &'s [StaticFile],
    options: AssembleOptions,
    mut cache: Option<&mut AssembleCache<'s>>,
    fallback: Option<&Fallback>,
) -> Result<(Site<'s>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let ParsedSite { explainers, actors: actor_profiles, topics: topic_profiles, sections, home, failed } = parsed;

    // What is not published leaves the site here (drafts unless asked for, scheduled and
    // expired explainers); links to them are reported later.
    let left_out: Vec<Option<LeftOut>> = explainers.iter().map(|e| publish::left_out(&e.meta, &options)).collect();
    let schedule = Schedule::of(explainers.iter().map(|e| &*e.meta).zip(left_out.iter().copied()), &options);
    let mut unpublished: FxHashMap<&str, LeftOut> = FxHashMap::default();
    let explainers: Vec<_> = explainers
        .into_iter()
        .zip(left_out)
        .filter_map(|(e, left_out)| match left_out {
            Some(reason) => {
                unpublished.insert(e.file.rel.as_str(), reason);
                None
            }
            None => Some(e),
        })
        .collect();
    let named = name_entities(&explainers, &actor_profiles, &topic_profiles, &mut diagnostics);
    let mut explainers = order_explainers(explainers, named.listed, &mut diagnostics);
    let mut actors = ActorBuilder::from_drafts(named.actors, actor_profiles, urls::actor_path);
    let mut topics = TopicBuilder::from_drafts(named.topics, topic_profiles, urls::topic_path);
    list_explainers_of_entities(&explainers, &mut actors, &mut topics);
    let mut sections = sections::build(&mut explainers, sections, &mut diagnostics);

    // Pages, and the paths they take: two things at one path is an error.
    let plan_input = plan::PlanInput {
        explainers: &explainers,
        actors: &actors,
        topics: &topics,
        sections: &sections,
        static_files,
    };
    let pages = plan::plan_pages(config, &plan_input, &mut diagnostics);

    // Links: every body, resolved against everything above.
    let urls = Urls::for_language(&config.base_url, &config.language_prefix());
    let failed_paths: HashSet<&str> = failed.iter().map(String::as_str).collect();
    let resolved = links::LinkIndex::new(links::LinkIndexInput {
        urls: &urls,
        explainers: &explainers,
        actors: &actors,
        topics: &topics,
        sections: &sections,
        home: home.as_ref(),
        unpublished: &unpublished,
        failed_paths: &failed_paths,
        pages: &pages,
        static_files,
        raw_html: config.markdown.raw_html,
        fallback,
    })
    .resolve_all(&mut diagnostics);
    let (home_links, anchor_checks) = store_links(resolved, &mut explainers, &mut actors, &mut topics, &mut sections);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }

    annotate_explainers(config, &mut explainers, &actors, cache.as_deref_mut());
    collect_backlinks(&mut explainers, &mut actors, &mut topics);
    let mut glossary: Vec<GlossaryTerm<'s>> = config
        .glossary
        .iter()
        .map(|(term, expansion)| GlossaryTerm { term, expansion, explainers: Vec::new() })
        .collect();
    collect_mentions_quotes_and_terms(&explainers, &mut actors, &mut glossary);
    find_related(&mut explainers, &mut actors, topics.len(), cache);

    let actors: Vec<Actor<'s>> = actors.into_iter().map(ActorBuilder::finish).collect();
    let author_index = authors::AuthorIndex::new(&actors);
    let finished: Vec<(Explainer<'s>, Vec<Diagnostic>)> = explainers
        .into_par_iter()
        .map(|e| {
            let (authors, problems) = author_index.resolve(&actors, &e.parsed.meta.authors, e.parsed.file);
            (e.finish(authors), problems)
        })
        .collect();
    let explainers: Vec<Explainer<'s>> = finished
        .into_iter()
        .map(|(e, problems)| {
            diagnostics.extend(problems);
            e
        })
        .collect();
    // each topic gathers its timeline and key actors from its explainers: in parallel
    let topics: Vec<Topic<'s>> = topics.into_par_iter().map(|t| t.finish(&explainers, &actors)).collect();
    let home = finish_home(home, home_links);

    diagnostics.extend(unused_profiles(&explainers, &actors, &topics));
    let site = Site {
        config,
        urls,
        explainers,
        actors,
        topics,
        sections,
        glossary,
        home,
        pages,
        static_files,
        anchor_checks,
        schedule,
        translations: None,
    };
    Ok((site, diagnostics))
}

/// A warning for each profile no explainer uses (lists, names, links to, or has as author).
fn unused_profiles(explainers: &[Explainer<'_>], actors: &[Actor<'_>], topics: &[Topic<'_>]) -> Vec<Diagnostic> {
    // an author (`authors:`) uses its profile too
    let authors: HashSet<&str> =
        explainers.iter().flat_map(|e| e.authors.iter().map(|&id| actors[id].slug.as_str())).collect();
    let is_author = |a: &Actor<'_>| authors.contains(a.slug.as_str());
    let mut warnings = unused_profile_warnings(actors, "actor", |a| {
        a.explainers.len() + a.mentioned_in.len() + a.backlinks.len() + usize::from(is_author(a))
    });
    warnings.extend(unused_profile_warnings(topics, "topic", |t| t.explainers.len() + t.backlinks.len()));
    warnings
}

/// The actors and topics of the site, each list sorted by slug, and those each explainer lists.
struct NamedEntities {
    actors: Vec<EntityDraft>,
    topics: Vec<EntityDraft>,
    /// Per explainer, in the order given: the (actors, topics) its front matter lists, as
    /// indexes into the lists above, without repeats.
    listed: Vec<(Vec<ActorId>, Vec<TopicId>)>,
}

/// Registers every actor and topic: profiles first, then every name explainers use in front
/// matter (an unknown name makes a new entity, a near miss of a known one is an error).
fn name_entities(
    explainers: &[ParsedExplainer<'_>],
    actor_profiles: &[ParsedProfile<'_, ActorMeta>],
    topic_profiles: &[ParsedProfile<'_, TopicMeta>],
    diagnostics: &mut Vec<Diagnostic>,
) -> NamedEntities {
    let actor_inputs = profile_inputs(actor_profiles, |m: &ActorMeta| (&m.name, &m.aliases));
    let topic_inputs = profile_inputs(topic_profiles, |m: &TopicMeta| (&m.title, &m.aliases));
    let mut actor_registry = Registry::new("actor", &actor_inputs, diagnostics);
    let mut topic_registry = Registry::new("topic", &topic_inputs, diagnostics);
    let listed: Vec<(Vec<usize>, Vec<usize>)> = explainers
        .iter()
        .map(|e| {
            let topics = resolve_all(&mut topic_registry, &e.meta.topics, e.file, diagnostics);
            let actors = resolve_all(&mut actor_registry, &e.meta.actors, e.file, diagnostics);
            (actors, topics)
        })
        .collect();
    let (actors, actor_rank) = sorted_by_slug(actor_registry.into_entities());
    let (topics, topic_rank) = sorted_by_slug(topic_registry.into_entities());
    let listed = listed
        .into_par_iter()
        .map(|(actors, topics)| (in_slug_order(&actors, &actor_rank), in_slug_order(&topics, &topic_rank)))
        .collect();
    NamedEntities { actors, topics, listed }
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

/// Entity ids in registration order (`ids`) as ids in slug order, the first of repeats only
/// (two spellings of one name).
fn in_slug_order(ids: &[usize], rank: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(ids.len());
    for &i in ids {
        if !out.contains(&rank[i]) {
            out.push(rank[i]);
        }
    }
    out
}

/// The explainers newest first, then by title, then by path, each with its site path and the
/// entities it lists (`listed`, in the order of `explainers`). A file whose name makes no path
/// is an error.
fn order_explainers<'s>(
    explainers: Vec<ParsedExplainer<'s>>,
    listed: Vec<(Vec<ActorId>, Vec<TopicId>)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ExplainerBuilder<'s>> {
    let paths: Vec<Result<String, Diagnostic>> = explainers.par_iter().map(explainer_path).collect();
    let paths: Vec<Option<String>> = paths.into_iter().map(|p| p.map_err(|d| diagnostics.push(d)).ok()).collect();
    let order = newest_first(&explainers, &paths);
    let mut slots: Vec<Option<_>> = explainers.into_iter().zip(paths).zip(listed).map(Some).collect();
    order
        .into_iter()
        .map(|old| {
            let ((parsed, path), listed) = slots[old].take().expect("each explainer once");
            ExplainerBuilder::new(parsed, path.unwrap_or_default(), listed)
        })
        .collect()
}

/// The order of the site's explainers: `order[new] = old`.
fn newest_first(explainers: &[ParsedExplainer<'_>], paths: &[Option<String>]) -> Vec<usize> {
    // the sort keys side by side (comparing through each explainer's metadata cost a cache miss
    // per comparison: a tenth of assembly at 100,000 explainers); the index last, so that equal
    // keys keep their order
    let mut keys: Vec<(std::cmp::Reverse<Date>, &str, Option<&str>, usize)> = explainers
        .iter()
        .zip(paths)
        .enumerate()
        .map(|(i, (e, path))| (std::cmp::Reverse(e.meta.date), e.meta.title.as_str(), path.as_deref(), i))
        .collect();
    keys.par_sort_unstable();
    keys.into_iter().map(|(.., i)| i).collect()
}

/// `articles/x/` for `content/articles/x.md`: the folders, slugified, then the slug.
fn explainer_path(e: &ParsedExplainer<'_>) -> Result<String, Diagnostic> {
    let rel = &e.file.rel;
    let (mut dirs, file_name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
    let mut stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    // a page bundle, `articles/lima/index.md`: the explainer `lima`, its files beside its page
    if file_name == crate::load::BUNDLE_INDEX && !dirs.is_empty() {
        (dirs, stem) = dirs.rsplit_once('/').unwrap_or(("", dirs));
        if let (Some(wanted), Some(folder)) = (&e.meta.slug, Slug::from_text(stem))
            && *wanted != folder
        {
            // the bundle's files are listed (by `load`) under the folder's address
            return Err(Diagnostic::error(format!(
                "`slug: {wanted}` in a page bundle: a bundle's address is its folder's name, `{folder}`"
            ))
            .code(crate::diagnostics::Code::FieldValue)
            .in_file(&e.file.path)
            .with_help(format!("rename the folder content/{dirs}/{stem}/ instead, or remove `slug:`")));
        }
    }
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

/// Each actor and topic gets the explainers that list it, newest first.
fn list_explainers_of_entities(
    explainers: &[ExplainerBuilder<'_>],
    actors: &mut [ActorBuilder<'_>],
    topics: &mut [TopicBuilder<'_>],
) {
    for (id, e) in explainers.iter().enumerate() {
        e.actors.iter().for_each(|&a| actors[a].explainers.push(id));
        e.topics.iter().for_each(|&t| topics[t].explainers.push(id));
    }
}

/// Gives each body its resolved links; returns the home page's and the anchors to check.
fn store_links<'s>(
    resolved: links::ResolvedLinks<'s>,
    explainers: &mut [ExplainerBuilder<'s>],
    actors: &mut [ActorBuilder<'s>],
    topics: &mut [TopicBuilder<'s>],
    sections: &mut [Section<'s>],
) -> (Vec<ResolvedLink>, Vec<AnchorCheck<'s>>) {
    for (e, (links, image)) in explainers.iter_mut().zip(resolved.explainers) {
        e.links = links;
        e.image = image;
    }
    for (a, links) in actors.iter_mut().zip(resolved.actors) {
        a.profile_links = links;
    }
    for (t, links) in topics.iter_mut().zip(resolved.topics) {
        t.profile_links = links;
    }
    for (s, links) in sections.iter_mut().zip(resolved.sections) {
        if let Some(intro) = &mut s.intro {
            intro.links = links;
        }
    }
    (resolved.home, resolved.anchor_checks)
}

/// Finds actor mentions, glossary terms and attributed quotes in the text of each explainer.
/// With a cache, a body annotated before with the same names, terms and links is not again.
fn annotate_explainers<'s>(
    config: &Config,
    explainers: &mut [ExplainerBuilder<'s>],
    actors: &[ActorBuilder<'s>],
    cache: Option<&mut AssembleCache<'s>>,
) {
    let terms: Vec<&str> = config.glossary.keys().map(String::as_str).collect();
    let names: Vec<Vec<&str>> = actors
        .iter()
        .map(|a| {
            let mut names = vec![a.name.as_str()];
            if let Some(p) = &a.profile {
                names.extend(p.meta.aliases.iter().map(|a| a.value.as_str()));
            }
            names
        })
        .collect();
    let annotator = annotate::Annotator::new(&names, &terms, config.autolink);
    let Some(cache) = cache else {
        explainers.par_iter_mut().with_max_len(crate::ITEMS_PER_JOB).for_each(|e| {
            e.annotated = annotator.annotate(&e.parsed.body, &e.links);
        });
        return;
    };
    let annotator_key = hash_of(&(&names, &terms, config.autolink as u8));
    let kept = &*cache;
    let keys: Vec<u64> = explainers
        .par_iter_mut()
        .with_max_len(crate::ITEMS_PER_JOB)
        .map(|e| {
            let key = hash_of(&(annotator_key, &e.links));
            e.annotated = match kept.annotations_of(&e.parsed.body, e.parsed.file, key, (names.len(), terms.len())) {
                Some(annotated) => annotated,
                None => annotator.annotate(&e.parsed.body, &e.links),
            };
            key
        })
        .collect();
    cache.keep_annotations(
        explainers.iter().zip(keys).map(|(e, key)| (&e.parsed.body, e.parsed.file, key, &e.annotated)),
    );
}

/// Backlinks: which explainers link to each explainer, actor and topic, newest first.
fn collect_backlinks(
    explainers: &mut [ExplainerBuilder<'_>],
    actors: &mut [ActorBuilder<'_>],
    topics: &mut [TopicBuilder<'_>],
) {
    let mut to_explainers: Vec<Vec<ExplainerId>> = vec![Vec::new(); explainers.len()];
    for (from, e) in explainers.iter().enumerate() {
        for target in e.links.iter().filter_map(|l| l.target) {
            let list = match target {
                Target::Explainer(id) if id != from => &mut to_explainers[id],
                Target::Actor(id) => &mut actors[id].backlinks,
                Target::Topic(id) => &mut topics[id].backlinks,
                _ => continue,
            };
            if list.last() != Some(&from) {
                list.push(from);
            }
        }
    }
    for (e, backlinks) in explainers.iter_mut().zip(to_explainers) {
        e.backlinks = backlinks;
    }
}

/// What annotating found, by actor (mentions, quotes) and by glossary term, newest first.
fn collect_mentions_quotes_and_terms(
    explainers: &[ExplainerBuilder<'_>],
    actors: &mut [ActorBuilder<'_>],
    glossary: &mut [GlossaryTerm<'_>],
) {
    for (id, e) in explainers.iter().enumerate() {
        for actor in e.mentioned_only() {
            actors[actor].own.mentioned_in.push(id);
        }
        for (q, quote) in e.annotated.quotes.iter().enumerate() {
            actors[quote.actor].own.quotes.push((id, q));
        }
        for &t in &e.annotated.terms {
            glossary[t].explainers.push(id);
        }
    }
}

/// The related explainers of each explainer and the co-actors of each actor; with a cache,
/// reused while the topics and actors of every explainer (and the actors' names) are the same.
fn find_related<'s>(
    explainers: &mut [ExplainerBuilder<'s>],
    actors: &mut [ActorBuilder<'s>],
    topic_count: usize,
    cache: Option<&mut AssembleCache<'s>>,
) {
    let explainer_topics: Vec<&[TopicId]> = explainers.iter().map(|e| e.topics.as_slice()).collect();
    let explainer_actors: Vec<&[ActorId]> = explainers.iter().map(|e| e.actors.as_slice()).collect();
    let actor_names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
    let actor_count = actors.len();
    let keys = cache.is_some().then(|| {
        let related = hash_of(&(&explainer_topics, &explainer_actors, topic_count, actor_count));
        (related, hash_of(&(&explainer_actors, &actor_names)))
    });
    let kept = cache.as_deref().zip(keys);
    // co-actors on one thread while related explainers take the others
    let (related, co_actors) = rayon::join(
        || match kept.and_then(|(c, (key, _))| c.related(key, explainer_topics.len())) {
            Some(related) => related,
            None => related::related(&explainer_topics, &explainer_actors, topic_count, actor_count),
        },
        || match kept.and_then(|(c, (_, key))| c.co_actors(key, actor_count)) {
            Some(co_actors) => co_actors,
            None => related::co_actors(&explainer_actors, actor_count, &actor_names),
        },
    );
    if let Some((cache, (related_key, co_key))) = cache.zip(keys) {
        cache.keep_related(related_key, &related);
        cache.keep_co_actors(co_key, &co_actors);
    }
    drop((explainer_topics, explainer_actors, actor_names));
    for (e, related) in explainers.iter_mut().zip(related) {
        e.related = related;
    }
    for (a, co_actors) in actors.iter_mut().zip(co_actors) {
        a.own.co_actors = co_actors;
    }
}

fn finish_home<'s>(home: Option<ParsedHome<'s>>, links: Vec<ResolvedLink>) -> Home<'s> {
    match home {
        Some(h) => Home {
            title: h.meta.title,
            description: h.meta.description,
            intro: Some(Profile { file: h.file, body: h.body, links }),
        },
        None => Home::default(),
    }
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
