//! Page fingerprints: a hash of everything a page shows, computed from the assembled site without
//! rendering it. With a cache (`serve`), the pipeline renders again only the pages whose
//! fingerprint changed.
//!
//! Fingerprints do not list by hand what a page shows of the others. A page hashes:
//! - its own entity whole: the fields of its `Explainer`, `Actor`, `Topic` or `Home` are
//!   destructured without `..`, so that a field added to one of them does not compile until it
//!   is hashed here (or said to be shown nowhere);
//! - each other entity it shows, through [`Shown`]: the view values the renderer makes of it
//!   (a card, a link, a list entry, a JSON-LD node), made by the very functions it calls, so
//!   that what they read is what is hashed;
//! - for feeds, [`FeedArgs`](crate::render::FeedArgs), made by the function the renderer calls.
//!
//! Configuration, templates and static files are in `global`: when they change, every page does.
//! A content file stands for its whole text (front matter and body) by its version: a file read
//! again with other text gets a new one.

use crate::assemble::{
    Actor, ActorId, AnnotationKind, ExplainerId, GlossaryTerm, Home, Page, PageKind, Profile, Section, SectionId, Site,
    Topic, TopicId,
};
use crate::load::ContentFile;
use crate::render::feeds::{self, FEED_ENTRIES};
use crate::render::jsonld;
use crate::render::lists::TERM_USES;
use crate::render::views::{self, QUOTES, SIDE_LIST, page_slice};
use crate::render::{FeedArgs, feed_args};
use rayon::prelude::*;
use std::hash::{Hash, Hasher};
use xxhash_rust::xxh3::Xxh3Default;

/// The version of each content file (see the module's comment), by the file's address: valid
/// while the files are, that is during one run.
pub type FileVersions = rustc_hash::FxHashMap<usize, u64>;

/// How pages show the entities that are not their own, each as a function that hashes the view
/// values the renderers make of one entity. A test replaces one with a version that leaves
/// something out, and sees the `serve` = `build` property test fail.
#[derive(Clone, Copy)]
pub struct Shown {
    /// An explainer in lists, feeds, timelines, the glossary and alias pages.
    pub explainer: fn(&Site<'_>, ExplainerId, &mut dyn Hasher),
    /// An actor linked from an explainer's page (its list of actors, mentions, quotes, JSON-LD).
    pub actor_link: fn(&Site<'_>, ActorId, &mut dyn Hasher),
    /// An actor in a list of actors (the home page, the actors page, key actors, co-actors).
    pub actor_listed: fn(&Site<'_>, ActorId, &mut dyn Hasher),
    /// A topic linked from an explainer's page (its list of topics, tags, JSON-LD).
    pub topic_link: fn(&Site<'_>, TopicId, &mut dyn Hasher),
    /// A topic in a list of topics (the home page, the topics page).
    pub topic_listed: fn(&Site<'_>, TopicId, &mut dyn Hasher),
    /// A section in breadcrumbs (of explainers and sections) and `explainer.sections`.
    pub section_link: fn(&Site<'_>, SectionId, &mut dyn Hasher),
    /// A section in the list of the section above it.
    pub section_listed: fn(&Site<'_>, SectionId, &mut dyn Hasher),
}

impl Shown {
    pub const ALL: Shown = Shown {
        explainer: explainer_shown,
        actor_link,
        actor_listed,
        topic_link,
        topic_listed,
        section_link,
        section_listed,
    };
}

impl Default for Shown {
    fn default() -> Shown {
        Shown::ALL
    }
}

/// Hashes a view value as the template engine or the JSON writer receives it: a field added to
/// the view is in the hash.
/// The JSON is written into a buffer kept by each thread, and hashed in one piece: a hasher fed
/// token by token made the explainers' part of the fingerprints a quarter slower.
fn hash_view(h: &mut dyn Hasher, view: &impl serde::Serialize) {
    thread_local! {
        static JSON: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    JSON.with_borrow_mut(|json| {
        json.clear();
        // views have string keys only, and a `Vec` takes every write
        serde_json::to_writer(&mut *json, view).expect("views serialize");
        h.write(json);
    });
}

/// An explainer's card, and what feeds add to it: when it last changed, and the slugs of its
/// topics (their titles and addresses are on the card).
fn explainer_shown(site: &Site<'_>, id: ExplainerId, h: &mut dyn Hasher) {
    let e = &site.explainers[id];
    hash_view(h, &views::card(site, e));
    let mut h = h;
    feeds::modified(site, id).hash(&mut h);
    for &t in &e.topics {
        site.topics[t].slug.hash(&mut h);
    }
}

fn actor_link(site: &Site<'_>, id: ActorId, h: &mut dyn Hasher) {
    hash_view(h, &views::actor_link(site, id));
    hash_view(h, &jsonld::actor_thing(site, &site.actors[id]));
}

fn actor_listed(site: &Site<'_>, id: ActorId, h: &mut dyn Hasher) {
    let a = &site.actors[id];
    hash_view(h, &views::actor_count(site, a));
    // the actors page groups them by kind
    let mut h = h;
    a.kind.map(|k| k.name()).hash(&mut h);
}

fn topic_link(site: &Site<'_>, id: TopicId, h: &mut dyn Hasher) {
    hash_view(h, &views::topic_link(site, id));
    hash_view(h, &jsonld::topic_thing(site, &site.topics[id]));
}

fn topic_listed(site: &Site<'_>, id: TopicId, h: &mut dyn Hasher) {
    hash_view(h, &views::topic_count(site, &site.topics[id]));
}

fn section_link(site: &Site<'_>, id: SectionId, h: &mut dyn Hasher) {
    hash_view(h, &views::section_link(site, id));
}

fn section_listed(site: &Site<'_>, id: SectionId, h: &mut dyn Hasher) {
    hash_view(h, &views::section_count(site, &site.sections[id]));
}

fn hash_one(f: impl FnOnce(&mut dyn Hasher)) -> u64 {
    let mut h = Xxh3Default::new();
    f(&mut h);
    h.finish()
}

struct Fingerprinter<'a, 's> {
    site: &'a Site<'s>,
    versions: &'a FileVersions,
    /// Configuration, templates and static files: when it changes, every page changes.
    global: u64,
    /// [`Shown`] of each explainer, actor and topic, computed once: lists combine thousands.
    explainers: Vec<u64>,
    actor_links: Vec<u64>,
    actors_listed: Vec<u64>,
    topic_links: Vec<u64>,
    topics_listed: Vec<u64>,
    section_links: Vec<u64>,
    sections_listed: Vec<u64>,
    /// The archives every page links to (`site.archives`, and the nav with one archive).
    archives: u64,
}

impl Fingerprinter<'_, '_> {
    fn version(&self, file: &ContentFile) -> u64 {
        // every file of the site has one: a file without is hashed as one that changed
        self.versions.get(&(file as *const ContentFile as usize)).copied().unwrap_or(u64::MAX)
    }

    fn cards(&self, h: &mut Xxh3Default, ids: &[ExplainerId]) {
        ids.len().hash(h);
        for &id in ids {
            self.explainers[id].hash(h);
        }
    }

    fn actor_links(&self, h: &mut Xxh3Default, ids: impl IntoIterator<Item = ActorId>) {
        for a in ids {
            self.actor_links[a].hash(h);
        }
    }

    fn topic_links(&self, h: &mut Xxh3Default, ids: &[TopicId]) {
        ids.len().hash(h);
        for &t in ids {
            self.topic_links[t].hash(h);
        }
    }

    /// The sections of a trail, as breadcrumbs show them: from the archive down to `id`.
    fn trail(&self, h: &mut Xxh3Default, id: Option<SectionId>) {
        let trail = id.map(|id| crate::assemble::trail(&self.site.sections, id)).unwrap_or_default();
        trail.len().hash(h);
        for s in trail {
            self.section_links[s].hash(h);
        }
    }

    fn profile(&self, h: &mut Xxh3Default, profile: &Option<Profile<'_>>) {
        match profile {
            Some(Profile { file, body: _, links }) => (self.version(file), links).hash(h),
            None => 0u8.hash(h),
        }
    }

    fn page(&self, page: &Page) -> u64 {
        let site = self.site;
        let mut h = Xxh3Default::new();
        (self.global, self.archives).hash(&mut h);
        let Page { path, kind } = page;
        path.hash(&mut h);
        let per = site.config.paginate;
        match *kind {
            PageKind::Explainer(id) => self.explainer_page(&mut h, id),
            PageKind::Alias { explainer } => self.cards(&mut h, &[explainer]),
            PageKind::Home { page: n, pages } => {
                let Home { title, description, intro } = &site.home;
                (n, pages, title, description).hash(&mut h);
                if n == 1 {
                    self.profile(&mut h, intro);
                    // the explainer the page leads with, and its key points
                    if let Some(id) = crate::render::home::lead_id(site) {
                        let meta = &site.explainers[id].meta;
                        (meta.featured, &meta.takeaways).hash(&mut h);
                        self.cards(&mut h, &[id]);
                    }
                }
                let all: Vec<ExplainerId> = (0..site.explainers.len()).collect();
                self.cards(&mut h, page_slice(&all, n, per));
                self.topics_listed.hash(&mut h);
                self.actors_listed.hash(&mut h);
            }
            PageKind::Topics { page: n, pages } => {
                // each page shows the letter jumps of all the topics
                (n, pages).hash(&mut h);
                self.topics_listed.hash(&mut h);
            }
            PageKind::Actors { page: n, pages } => {
                // each page shows the letter jumps of all the actors
                (n, pages).hash(&mut h);
                self.actors_listed.hash(&mut h);
            }
            PageKind::Topic { id, page: n, pages } => {
                (n, pages).hash(&mut h);
                self.topic_page(&mut h, id, n);
            }
            PageKind::Actor { id, page: n, pages } => {
                (n, pages).hash(&mut h);
                self.actor_page(&mut h, id, n);
            }
            PageKind::Section { id, page: n, pages } => {
                (n, pages).hash(&mut h);
                self.section_page(&mut h, id, n);
            }
            PageKind::Glossary => {
                // each term's count and newest uses (its search link is the configuration's)
                for GlossaryTerm { term, expansion, explainers } in &site.glossary {
                    (term, expansion, explainers.len()).hash(&mut h);
                    self.cards(&mut h, &explainers[..explainers.len().min(TERM_USES)]);
                }
            }
            PageKind::Feed(of) => {
                let FeedArgs { title, subtitle, page_path, ids } = feed_args(site, of);
                (title, subtitle, page_path).hash(&mut h);
                // the entries it shows, not their ids (which move when explainers are added)
                let entries = &ids[..ids.len().min(FEED_ENTRIES)];
                self.cards(&mut h, entries);
                if entries.is_empty() {
                    // an empty feed is dated by the site's latest change
                    feeds::latest(site, 0..site.explainers.len()).hash(&mut h);
                }
            }
            PageKind::Sitemap { .. } | PageKind::SitemapIndex { .. } => {
                // every page's address, and the dates its last change is taken from
                for page in &site.pages {
                    page.path.hash(&mut h);
                }
                for id in 0..site.explainers.len() {
                    feeds::modified(site, id).hash(&mut h);
                }
                site.topics.iter().for_each(|t| t.explainers.hash(&mut h));
                site.actors.iter().for_each(|a| a.explainers.hash(&mut h));
                site.sections.iter().for_each(|s| s.explainers.hash(&mut h));
            }
            // the 404 page lists the topics
            PageKind::NotFound => self.topics_listed.hash(&mut h),
            PageKind::Robots | PageKind::Search => {}
            // what cite.json holds of the explainer (not its body: a body edit leaves it as it is)
            PageKind::Cite(id) => {
                let e = &site.explainers[id];
                (&e.meta.title, &e.meta.date, &e.summary, &e.path).hash(&mut h);
                self.authors(&mut h, id);
            }
            // every explainer's updates (its file's version), its title and address
            PageKind::Corrections | PageKind::CorrectionsFeed => {
                for e in site.explainers.iter().filter(|e| !e.meta.updates.is_empty()) {
                    (self.version(e.file), &e.path).hash(&mut h);
                }
            }
        }
        h.finish()
    }

    /// An explainer's own page: the explainer whole, and what it shows of the others.
    fn explainer_page(&self, h: &mut Xxh3Default, id: ExplainerId) {
        let e = &self.site.explainers[id];
        let crate::assemble::Explainer {
            file,
            path,
            // both come from the file: its version stands for them
            meta: _,
            body: _,
            links,
            annotations,
            quotes,
            mentioned,
            summary,
            topics,
            actors,
            // their names and pages, below
            authors: _,
            backlinks,
            related,
            section,
            image,
        } = e;
        (self.version(file), path, links, annotations, quotes, summary, image).hash(h);
        self.trail(h, *section);
        self.topic_links(h, topics);
        actors.len().hash(h);
        self.actor_links(h, actors.iter().copied());
        mentioned.len().hash(h);
        self.actor_links(h, mentioned.iter().copied());
        self.decorations(h, id);
        self.authors(h, id);
        // the one side list made of both, as the renderer makes it
        let side = views::related_and_backlinks(related, backlinks);
        side.hash(h);
        let ids: Vec<ExplainerId> = side.iter().map(|&(id, _)| id).collect();
        self.cards(h, &ids);
    }

    /// Its authors as the byline and citations show them: names and pages.
    fn authors(&self, h: &mut Xxh3Default, id: ExplainerId) {
        let site = self.site;
        for &a in &site.explainers[id].authors {
            (&site.actors[a].name, &site.actors[a].path).hash(h);
        }
    }

    /// What a body shows of other actors: the actors its mentions link to and its quotes name.
    fn decorations(&self, h: &mut Xxh3Default, id: ExplainerId) {
        let e = &self.site.explainers[id];
        self.actor_links(
            h,
            e.annotations.iter().filter_map(|a| match a.kind {
                AnnotationKind::Mention(actor) => Some(actor),
                AnnotationKind::Term(_) => None,
            }),
        );
        self.actor_links(h, e.quotes.iter().map(|q| q.actor));
    }

    fn topic_page(&self, h: &mut Xxh3Default, id: TopicId, n: usize) {
        let site = self.site;
        let t = &site.topics[id];
        let Topic { slug, title, summary, aliases, extra, path, profile, explainers, backlinks, timeline, key_actors } =
            t;
        (slug, title, summary, aliases, extra, path).hash(h);
        self.profile(h, profile);
        explainers.len().hash(h);
        self.cards(h, page_slice(explainers, n, site.config.paginate));
        self.cards(h, backlinks);
        timeline.len().hash(h);
        for event in timeline {
            // the entry as the page reads it, from the explainer that tells it
            let (e, i) = event.entry;
            let entry = &site.explainers[e].meta.timeline[i];
            (event.date, entry.date, &entry.event).hash(h);
            self.cards(h, &event.explainers);
        }
        key_actors.len().hash(h);
        for &(a, count) in key_actors {
            (self.actors_listed[a], count).hash(h);
        }
    }

    fn section_page(&self, h: &mut Xxh3Default, id: SectionId, n: usize) {
        let site = self.site;
        let Section { path, folder, title, summary, extra, intro, parent, children, explainers } = &site.sections[id];
        (path, folder, title, summary, extra).hash(h);
        self.profile(h, intro);
        self.trail(h, *parent);
        children.len().hash(h);
        for &c in children {
            self.sections_listed[c].hash(h);
        }
        explainers.len().hash(h);
        let range = views::page_range(explainers.len(), n, site.config.paginate);
        // the year of the explainer before the page: whether its first year goes on from there
        if let Some(before) = range.start.checked_sub(1).map(|i| explainers[i]) {
            site.explainers[before].meta.date.day().hash(h);
        }
        self.cards(h, &explainers[range]);
    }

    fn actor_page(&self, h: &mut Xxh3Default, id: ActorId, n: usize) {
        let site = self.site;
        let a = &site.actors[id];
        let Actor {
            slug,
            name,
            kind,
            role,
            country,
            aliases,
            extra,
            identity,
            profile,
            path,
            explainers,
            mentioned_in,
            backlinks,
            quotes,
            co_actors,
        } = a;
        (slug, name, kind.map(|k| k.name()), role, country, aliases, extra, identity, path).hash(h);
        self.profile(h, profile);
        explainers.len().hash(h);
        self.cards(h, page_slice(explainers, n, site.config.paginate));
        // the side lists as the page shows them: the newest few, and a count
        let shown = |ids: &[ExplainerId]| ids[..ids.len().min(SIDE_LIST)].to_vec();
        self.cards(h, &shown(mentioned_in));
        mentioned_in.len().hash(h);
        let listed = |e: &usize| explainers.binary_search(e).is_ok() || mentioned_in.binary_search(e).is_ok();
        let backlinks: Vec<ExplainerId> = backlinks.iter().copied().filter(|e| !listed(e)).collect();
        self.cards(h, &shown(&backlinks));
        backlinks.len().hash(h);
        quotes.len().hash(h);
        for &(e, q) in quotes.iter().take(QUOTES) {
            // the quote's words come from the explainer's body, as its page writes them
            let quoting = &site.explainers[e];
            (self.version(quoting.file), &quoting.links, &quoting.annotations, &quoting.quotes, q).hash(h);
            self.decorations(h, e);
            self.cards(h, &[e]);
        }
        co_actors.len().hash(h);
        for &(other, count) in co_actors {
            (self.actors_listed[other], count).hash(h);
        }
    }
}

/// The fingerprint of every page of the site: (output file, fingerprint), in the order of
/// `site.pages`.
pub fn fingerprints(site: &Site<'_>, global: u64, versions: &FileVersions, shown: Shown) -> Vec<(String, u64)> {
    // every part of the site is in a page's hash, or said here to be elsewhere
    let Site {
        // in `global`
        config: _,
        urls: _,
        static_files: _,
        // checked once pages are rendered, not shown
        anchor_checks: _,
        // what was left out is not in the site; this counts it for `build`'s summary
        schedule: _,
        // multilingual sites are built whole, without fingerprints (`pipeline::run_languages`)
        translations: _,
        explainers,
        actors,
        topics,
        sections,
        glossary: _,
        home: _,
        pages,
    } = site;
    let each = |n: usize, shown: fn(&Site<'_>, usize, &mut dyn Hasher)| -> Vec<u64> {
        (0..n).into_par_iter().with_max_len(crate::ITEMS_PER_JOB).map(|id| hash_one(|h| shown(site, id, h))).collect()
    };
    let explainers = each(explainers.len(), shown.explainer);
    let (actor_links, actors_listed) = (each(actors.len(), shown.actor_link), each(actors.len(), shown.actor_listed));
    let (topic_links, topics_listed) = (each(topics.len(), shown.topic_link), each(topics.len(), shown.topic_listed));
    let (section_links, sections_listed) =
        (each(sections.len(), shown.section_link), each(sections.len(), shown.section_listed));
    let archives = hash_one(|h| hash_view(h, &views::archives(site)));
    let f = Fingerprinter {
        site,
        versions,
        global,
        explainers,
        actor_links,
        actors_listed,
        topic_links,
        topics_listed,
        section_links,
        sections_listed,
        archives,
    };
    pages
        .par_iter()
        .with_max_len(crate::ITEMS_PER_JOB)
        .map(|page| (crate::urls::output_file(&page.path), f.page(page)))
        .collect()
}
