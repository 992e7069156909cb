//! Page fingerprints: a hash of everything a page shows, computed from the assembled site without
//! rendering it. `serve` renders again only the pages whose fingerprint changed.
//!
//! A content file is identified by its address: `serve` keeps unchanged files in place and gives
//! every reloaded file a new one, so the address stands for its text (front matter and body).

use crate::assemble::{ActorId, ExplainerId, FeedOf, Page, PageKind, Site};
use crate::load::ContentFile;
use crate::render::views::{QUOTES, SIDE_LIST};
use rayon::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

fn file_id(file: &ContentFile) -> usize {
    file as *const ContentFile as usize
}

struct Fingerprinter<'a, 's> {
    site: &'a Site<'s>,
    /// Configuration, templates and static files: when it changes, every page changes.
    global: u64,
    /// The hash of each explainer's card, computed once: lists combine thousands of them.
    cards: Vec<u64>,
}

/// What a card of an explainer shows: title, dates, summary, address, topic links. Not the
/// file: an edit of the body leaves the cards that show it as they were.
fn card_hash(site: &Site<'_>, id: ExplainerId) -> u64 {
    let e = &site.explainers[id];
    let mut h = DefaultHasher::new();
    (&e.meta.title, e.meta.date, e.meta.updated, &e.summary, &e.path).hash(&mut h);
    for &t in &e.topics {
        let topic = &site.topics[t];
        topic.title.hash(&mut h);
        topic.path.hash(&mut h);
    }
    h.finish()
}

impl Fingerprinter<'_, '_> {
    fn card(&self, h: &mut DefaultHasher, id: ExplainerId) {
        self.cards[id].hash(h);
    }

    fn cards(&self, h: &mut DefaultHasher, ids: &[ExplainerId]) {
        ids.len().hash(h);
        for &id in ids {
            self.card(h, id);
        }
    }

    /// An actor as lists show it: name, address, role, count.
    fn actor_entry(&self, h: &mut DefaultHasher, a: ActorId) {
        let actor = &self.site.actors[a];
        actor.name.hash(h);
        actor.path.hash(h);
        actor.role.hash(h);
        actor.explainers.len().hash(h);
    }

    /// What an explainer's own page and its quotes depend on: its file, its card, and what
    /// assembly made of it.
    fn explainer_content(&self, h: &mut DefaultHasher, id: ExplainerId) {
        let e = &self.site.explainers[id];
        file_id(e.file).hash(h);
        self.card(h, id);
        e.links.hash(h);
        e.annotations.hash(h);
        e.quotes.hash(h);
        for &a in e.actors.iter().chain(&e.mentioned) {
            self.actor_entry(h, a);
        }
        for annotation in e.annotations.iter() {
            if let crate::assemble::AnnotationKind::Mention(a) = annotation.kind {
                self.site.actors[a].path.hash(h);
            }
        }
    }

    fn page(&self, page: &Page) -> u64 {
        let site = self.site;
        let mut h = DefaultHasher::new();
        self.global.hash(&mut h);
        page.path.hash(&mut h);
        let per = site.config.paginate;
        let slice = |ids: &[ExplainerId], n: usize| -> Vec<ExplainerId> {
            crate::render::views::page_slice(ids, n, per).to_vec()
        };
        match page.kind {
            PageKind::Explainer(id) => {
                let e = &site.explainers[id];
                self.explainer_content(&mut h, id);
                self.cards(&mut h, &e.related);
                self.cards(&mut h, &e.backlinks);
            }
            PageKind::Alias { explainer } => self.card(&mut h, explainer),
            PageKind::Home { page: n, pages } => {
                pages.hash(&mut h);
                let all: Vec<ExplainerId> = (0..site.explainers.len()).collect();
                self.cards(&mut h, &slice(&all, n));
                if let Some(intro) = &site.home.intro {
                    file_id(intro.file).hash(&mut h);
                    intro.links.hash(&mut h);
                }
                self.entity_counts(&mut h);
            }
            PageKind::Topics | PageKind::Actors => self.entity_counts(&mut h),
            PageKind::Topic { id, page: n, pages } => {
                let t = &site.topics[id];
                pages.hash(&mut h);
                t.title.hash(&mut h);
                t.summary.hash(&mut h);
                t.aliases.hash(&mut h);
                if let Some(p) = &t.profile {
                    file_id(p.file).hash(&mut h);
                    p.links.hash(&mut h);
                }
                t.explainers.len().hash(&mut h);
                self.cards(&mut h, &slice(&t.explainers, n));
                self.cards(&mut h, &t.backlinks);
                for event in &t.timeline {
                    event.date.hash(&mut h);
                    event.entry.hash(&mut h);
                    self.cards(&mut h, &event.explainers);
                }
                for &(a, count) in &t.key_actors {
                    self.actor_entry(&mut h, a);
                    count.hash(&mut h);
                }
            }
            PageKind::Actor { id, page: n, pages } => {
                let a = &site.actors[id];
                pages.hash(&mut h);
                self.actor_entry(&mut h, id);
                (a.kind.map(|k| k.name()), &a.country, &a.aliases).hash(&mut h);
                if let Some(p) = &a.profile {
                    file_id(p.file).hash(&mut h);
                    p.links.hash(&mut h);
                }
                self.cards(&mut h, &slice(&a.explainers, n));
                // the side lists and quotes as the page shows them: the newest few, and a count
                let shown = |ids: &[ExplainerId]| ids[..ids.len().min(SIDE_LIST)].to_vec();
                (a.mentioned_in.len(), a.backlinks.len(), a.quotes.len()).hash(&mut h);
                self.cards(&mut h, &shown(&a.mentioned_in));
                self.cards(&mut h, &shown(&a.backlinks));
                for &(e, q) in a.quotes.iter().take(QUOTES) {
                    self.explainer_content(&mut h, e);
                    q.hash(&mut h);
                }
                for &(other, count) in &a.co_actors {
                    self.actor_entry(&mut h, other);
                    count.hash(&mut h);
                }
            }
            PageKind::Glossary => {
                for term in &site.glossary {
                    self.cards(&mut h, &term.explainers);
                }
            }
            PageKind::Feed(of) => {
                let ids: &[ExplainerId] = match of {
                    FeedOf::Site => &[],
                    FeedOf::Topic(t) => &site.topics[t].explainers,
                    FeedOf::Actor(a) => &site.actors[a].explainers,
                };
                if of == FeedOf::Site {
                    let all: Vec<ExplainerId> =
                        (0..site.explainers.len().min(crate::render::feeds::FEED_ENTRIES)).collect();
                    self.cards(&mut h, &all);
                    site.explainers.len().hash(&mut h);
                } else {
                    self.cards(&mut h, &ids[..ids.len().min(crate::render::feeds::FEED_ENTRIES)]);
                }
            }
            PageKind::Sitemap { .. } | PageKind::SitemapIndex { .. } => {
                // every page's address and date
                for page in &site.pages {
                    page.path.hash(&mut h);
                }
                for e in &site.explainers {
                    (e.meta.date, e.meta.updated).hash(&mut h);
                }
            }
            PageKind::NotFound | PageKind::Robots | PageKind::Search => {}
        }
        h.finish()
    }

    /// What the home page's and the index pages' entity lists show.
    fn entity_counts(&self, h: &mut DefaultHasher) {
        for t in &self.site.topics {
            (&t.title, &t.path, &t.summary, t.explainers.len()).hash(h);
        }
        for (id, a) in self.site.actors.iter().enumerate() {
            self.actor_entry(h, id);
            a.kind.map(|k| k.name()).hash(h);
        }
    }
}

/// The fingerprint of every page of the site: (output file, fingerprint).
pub fn fingerprints(site: &Site<'_>, global: u64) -> Vec<(String, u64)> {
    let cards = (0..site.explainers.len()).into_par_iter().map(|id| card_hash(site, id)).collect();
    let f = Fingerprinter { site, global, cards };
    site.pages.par_iter().map(|page| (crate::urls::output_file(&page.path), f.page(page))).collect()
}
