//! The page plan: every file the build writes, at which path, checked so that no two claim one path.

use super::{ActorId, ExplainerId, TopicId};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::load::StaticFile;
use crate::parse::ParsedExplainer;
use crate::slug::Slug;
use crate::urls::{output_file, paginated};
use std::collections::BTreeMap;

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
    NotFound,
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
    let mut claimed: BTreeMap<String, (String, Page)> = BTreeMap::new();
    let mut claim = |page: Page, origin: String, diagnostics: &mut Vec<Diagnostic>| {
        let file = output_file(&page.path);
        if let Some((other, _)) = claimed.get(&file) {
            diagnostics.push(Diagnostic::error(format!("{origin} and {other} would both write /{file}")));
            return false;
        }
        claimed.insert(file, (origin, page));
        true
    };

    let home_pages = page_count(input.explainers.len(), config.paginate);
    for page in 1..=home_pages {
        let path = paginated("", page);
        claim(Page { path, kind: PageKind::Home { page, pages: home_pages } }, "the home page".into(), diagnostics);
    }
    claim(Page { path: "topics/".into(), kind: PageKind::Topics }, "the topic index".into(), diagnostics);
    claim(Page { path: "actors/".into(), kind: PageKind::Actors }, "the actor index".into(), diagnostics);
    claim(Page { path: "404.html".into(), kind: PageKind::NotFound }, "the not-found page".into(), diagnostics);
    if !config.glossary.is_empty() {
        claim(Page { path: "glossary/".into(), kind: PageKind::Glossary }, "the glossary".into(), diagnostics);
    }
    for (id, (slug, &count)) in input.topic_slugs.iter().zip(input.topic_counts).enumerate() {
        let pages = page_count(count, config.paginate);
        for page in 1..=pages {
            let path = paginated(&format!("topics/{slug}/"), page);
            claim(Page { path, kind: PageKind::Topic { id, page, pages } }, format!("topic `{slug}`"), diagnostics);
        }
    }
    for (id, (slug, &count)) in input.actor_slugs.iter().zip(input.actor_counts).enumerate() {
        let pages = page_count(count, config.paginate);
        for page in 1..=pages {
            let path = paginated(&format!("actors/{slug}/"), page);
            claim(Page { path, kind: PageKind::Actor { id, page, pages } }, format!("actor `{slug}`"), diagnostics);
        }
    }
    for (id, (e, path)) in input.explainers.iter().zip(input.explainer_paths).enumerate() {
        if !path.is_empty() {
            claim(Page { path: path.clone(), kind: PageKind::Explainer(id) }, e.file.path.clone(), diagnostics);
        }
    }
    for (id, e) in input.explainers.iter().enumerate() {
        for alias in &e.meta.aliases {
            let path = alias.value.trim_start_matches('/').to_string();
            let mut found = Vec::new();
            let origin = format!("alias `{}` of {}", alias.value, e.file.path);
            if !claim(Page { path, kind: PageKind::Alias { explainer: id } }, origin, &mut found) {
                let source = SourceFile::new(&e.file.path, &e.file.text);
                for d in found {
                    diagnostics.push(d.at(&source, alias.offset, alias.len));
                }
            }
        }
    }
    for file in input.static_files {
        if let Some((other, _)) = claimed.get(&file.output_path) {
            diagnostics.push(
                Diagnostic::error(format!("{} and {other} would both write /{}", file.origin, file.output_path))
                    .with_help("rename or remove the static file"),
            );
        }
    }
    claimed.into_values().map(|(_, page)| page).collect()
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
