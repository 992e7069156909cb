//! The page plan: every file the build writes, at which path, checked so that no two claim one path.

use super::{ActorId, ExplainerId, TopicId};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::load::StaticFile;
use crate::parse::ParsedExplainer;
use crate::slug::Slug;
use crate::urls::{output_file, paginated};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// What a page shows. List pages carry their page number (1-based) and page count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home {
        page: usize,
        pages: usize,
    },
    Explainer(ExplainerId),
    Topics,
    Topic {
        id: TopicId,
        page: usize,
        pages: usize,
    },
    Actors,
    Actor {
        id: ActorId,
        page: usize,
        pages: usize,
    },
    /// A redirect from an old path (`aliases:`) to an explainer.
    Alias {
        explainer: ExplainerId,
    },
    /// Every glossary term with the explainers using it (when the site has a glossary).
    Glossary,
    /// The search page (when `search` is on).
    Search,
    /// An Atom feed.
    Feed(FeedOf),
    /// The sitemap; `part` is `None` for the only one, or the 0-based part under a sitemap index.
    Sitemap {
        part: Option<usize>,
    },
    /// The sitemap index, when the site has more pages than one sitemap may list.
    SitemapIndex {
        parts: usize,
    },
    Robots,
    NotFound,
}

/// URLs per sitemap file, the limit of the sitemap protocol.
pub const SITEMAP_URLS: usize = 50_000;

impl PageKind {
    /// Whether the page belongs in the sitemap: public HTML pages, not redirects, feeds or the 404 page.
    pub fn in_sitemap(&self) -> bool {
        matches!(
            self,
            PageKind::Home { .. }
                | PageKind::Explainer(_)
                | PageKind::Topics
                | PageKind::Topic { .. }
                | PageKind::Actors
                | PageKind::Actor { .. }
                | PageKind::Glossary
                | PageKind::Search
        )
    }
}

/// What a feed follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedOf {
    Site,
    Topic(TopicId),
    Actor(ActorId),
}

/// One page of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Site path: `articles/x/`, `topics/taiwan/page/2/`, `404.html`.
    pub path: String,
    pub kind: PageKind,
}

pub struct PlanInput<'a, 's> {
    pub explainers: &'a [&'a ParsedExplainer<'s>],
    pub explainer_paths: &'a [String],
    pub actor_slugs: &'a [&'a Slug],
    pub actor_counts: &'a [usize],
    pub topic_slugs: &'a [&'a Slug],
    pub topic_counts: &'a [usize],
    pub static_files: &'a [StaticFile],
}

/// How many pages a list of `count` explainers takes.
pub fn page_count(count: usize, per_page: usize) -> usize {
    if per_page == 0 { 1 } else { count.div_ceil(per_page).max(1) }
}

/// Lists every page; reports two pages, aliases or static files that would write the same file.
pub fn plan_pages(config: &Config, input: &PlanInput<'_, '_>, diagnostics: &mut Vec<Diagnostic>) -> Vec<Page> {
    let mut claimed = Claims::default();

    let home_pages = page_count(input.explainers.len(), config.paginate);
    for page in 1..=home_pages {
        let path = paginated("", page);
        claimed.claim(
            Page { path, kind: PageKind::Home { page, pages: home_pages } },
            "the home page".into(),
            diagnostics,
        );
    }
    claimed.claim(Page { path: "topics/".into(), kind: PageKind::Topics }, "the topic index".into(), diagnostics);
    claimed.claim(Page { path: "actors/".into(), kind: PageKind::Actors }, "the actor index".into(), diagnostics);
    claimed.claim(Page { path: "404.html".into(), kind: PageKind::NotFound }, "the not-found page".into(), diagnostics);
    if !config.glossary.is_empty() {
        claimed.claim(Page { path: "glossary/".into(), kind: PageKind::Glossary }, "the glossary".into(), diagnostics);
    }
    if config.search {
        claimed.claim(Page { path: "search/".into(), kind: PageKind::Search }, "the search page".into(), diagnostics);
    }
    claimed.claim(
        Page { path: "atom.xml".into(), kind: PageKind::Feed(FeedOf::Site) },
        "the site feed".into(),
        diagnostics,
    );
    claimed.claim(Page { path: "robots.txt".into(), kind: PageKind::Robots }, "robots.txt".into(), diagnostics);
    let per_page = config.paginate;
    let topics = (input.topic_slugs, input.topic_counts);
    claimed.claim_entity_pages("topic", topics, per_page, FeedOf::Topic, diagnostics, |id, page, pages| {
        PageKind::Topic { id, page, pages }
    });
    let actors = (input.actor_slugs, input.actor_counts);
    claimed.claim_entity_pages("actor", actors, per_page, FeedOf::Actor, diagnostics, |id, page, pages| {
        PageKind::Actor { id, page, pages }
    });
    for (id, (e, path)) in input.explainers.iter().zip(input.explainer_paths).enumerate() {
        if !path.is_empty() {
            let origin = Cow::Borrowed(e.file.path.as_str());
            claimed.claim(Page { path: path.clone(), kind: PageKind::Explainer(id) }, origin, diagnostics);
        }
    }
    for (id, e) in input.explainers.iter().enumerate() {
        for alias in &e.meta.aliases {
            let path = alias.value.trim_start_matches('/').to_string();
            let mut found = Vec::new();
            let origin = format!("alias `{}` of {}", alias.value, e.file.path).into();
            if !claimed.claim(Page { path, kind: PageKind::Alias { explainer: id } }, origin, &mut found) {
                let source = SourceFile::new(&e.file.path, &e.file.text);
                for d in found {
                    diagnostics.push(d.at(&source, alias.offset, alias.len));
                }
            }
        }
    }
    // the sitemap, split under an index when it would list more than the protocol allows
    let listed = claimed.listed_in_sitemap();
    if listed <= SITEMAP_URLS {
        claimed.claim(
            Page { path: "sitemap.xml".into(), kind: PageKind::Sitemap { part: None } },
            "the sitemap".into(),
            diagnostics,
        );
    } else {
        let parts = listed.div_ceil(SITEMAP_URLS);
        claimed.claim(
            Page { path: "sitemap.xml".into(), kind: PageKind::SitemapIndex { parts } },
            "the sitemap".into(),
            diagnostics,
        );
        for part in 0..parts {
            let path = format!("sitemap-{}.xml", part + 1);
            claimed.claim(
                Page { path, kind: PageKind::Sitemap { part: Some(part) } },
                "the sitemap".into(),
                diagnostics,
            );
        }
    }
    if config.search {
        for (e, path) in input.explainers.iter().zip(input.explainer_paths) {
            if path.starts_with("search/index/") {
                diagnostics.push(Diagnostic::error(format!(
                    "{} would write into /search/index/, where the search index lives",
                    e.file.path
                )));
            }
        }
    }
    for file in input.static_files {
        if let Some((other, _)) = claimed.0.get(&file.output_path) {
            diagnostics.push(
                Diagnostic::error(format!("{} and {other} would both write /{}", file.origin, file.output_path))
                    .with_help("rename or remove the static file"),
            );
        }
    }
    claimed.into_pages()
}

/// Output files claimed so far: file → (who claimed it, the page).
#[derive(Default)]
struct Claims<'a>(FxHashMap<String, (Cow<'a, str>, Page)>);

impl<'a> Claims<'a> {
    /// Claims the page's file; a second claim on one file is an error naming both.
    /// The pages of every topic or actor (`noun`): its list of explainers, paginated, and its feed.
    fn claim_entity_pages(
        &mut self,
        noun: &str,
        (slugs, counts): (&[&Slug], &[usize]),
        per_page: usize,
        feed_of: impl Fn(usize) -> FeedOf,
        diagnostics: &mut Vec<Diagnostic>,
        page_kind: impl Fn(usize, usize, usize) -> PageKind,
    ) {
        for (id, (slug, &count)) in slugs.iter().zip(counts).enumerate() {
            let pages = page_count(count, per_page);
            for page in 1..=pages {
                let path = paginated(&format!("{noun}s/{slug}/"), page);
                let origin = format!("{noun} `{slug}`").into();
                self.claim(Page { path, kind: page_kind(id, page, pages) }, origin, diagnostics);
            }
            let feed = Page { path: format!("{noun}s/{slug}/atom.xml"), kind: PageKind::Feed(feed_of(id)) };
            self.claim(feed, format!("the feed of {noun} `{slug}`").into(), diagnostics);
        }
    }

    fn claim(&mut self, page: Page, origin: Cow<'a, str>, diagnostics: &mut Vec<Diagnostic>) -> bool {
        use std::collections::hash_map::Entry;
        match self.0.entry(output_file(&page.path)) {
            Entry::Occupied(claimed) => {
                let (file, (other, _)) = (claimed.key(), claimed.get());
                diagnostics.push(Diagnostic::error(format!("{origin} and {other} would both write /{file}")));
                false
            }
            Entry::Vacant(free) => {
                free.insert((origin, page));
                true
            }
        }
    }

    fn listed_in_sitemap(&self) -> usize {
        self.0.values().filter(|(_, page)| page.kind.in_sitemap()).count()
    }

    /// The pages, in the order of their files (each file is claimed once, so the order is total).
    fn into_pages(self) -> Vec<Page> {
        let mut pages: Vec<(String, Page)> = self.0.into_iter().map(|(file, (_, page))| (file, page)).collect();
        pages.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        pages.into_iter().map(|(_, page)| page).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_counts() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        assert_eq!(page_count(500, 0), 1);
    }
}
