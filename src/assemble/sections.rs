//! Sections: the archive of each top-level folder of explainers (`/articles/`), and the sections
//! that an `_index.md` makes of the folders below it (`/articles/asia/`), nested as the folders are.
//!
//! A top-level folder of explainers always has its archive, with or without an `_index.md`; a
//! folder below it is a section only with an `_index.md`, and the explainers of a folder without
//! one belong to the nearest section above. A section lists every explainer in its folder and
//! below, newest first. A page bundle's folder (`lima/index.md`) is an explainer, not a section.

use super::builders::ExplainerBuilder;
use super::{ExplainerId, Profile};
use crate::diagnostics::{Code, Diagnostic};
use crate::extra::Extra;
use crate::parse::ParsedSection;
use crate::slug::Slug;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

pub type SectionId = usize;

/// A section, or the archive of a top-level folder (`parent` is `None`).
#[derive(Debug)]
pub struct Section<'s> {
    /// Site path: `articles/`, `articles/asia/`.
    pub path: String,
    /// Its folder under content/: `articles`, `articles/asia`.
    pub folder: &'s str,
    /// From its `_index.md`, or the folder's name (`Articles` for an archive without one).
    pub title: String,
    pub summary: Option<String>,
    /// `extra:` of its `_index.md`, keys in written order (empty without one).
    pub extra: Extra,
    /// Its `_index.md`, whose body is the page's intro; `None` for an archive without one.
    pub intro: Option<Profile<'s>>,
    /// The section whose folder holds this one; `None` for an archive.
    pub parent: Option<SectionId>,
    /// The sections directly inside it, by title.
    pub children: Vec<SectionId>,
    /// Every explainer in its folder and below, newest first.
    pub explainers: Vec<ExplainerId>,
}

impl Section<'_> {
    /// Whether it is the archive of a top-level folder.
    pub fn is_archive(&self) -> bool {
        self.parent.is_none()
    }
}

/// The folder an explainer is in, relative to content/: `articles/asia` for
/// `articles/asia/x.md` and for the page bundle `articles/asia/lima/index.md`.
pub fn explainer_folder(rel: &str) -> &str {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    if name == crate::load::BUNDLE_INDEX {
        return dir.rsplit_once('/').map_or("", |(above, _)| above);
    }
    dir
}

/// The sections of the site, in the order of their folders, and the section of each explainer
/// (the nearest one above it; `None` for an explainer at the top of content/).
pub fn build<'s>(
    explainers: &mut [ExplainerBuilder<'s>],
    parsed: Vec<ParsedSection<'s>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Section<'s>> {
    // every folder that is a section: those with an `_index.md`, and each top-level folder
    // holding an explainer or a section
    let mut folders: BTreeMap<&'s str, Option<ParsedSection<'s>>> = BTreeMap::new();
    for e in explainers.iter() {
        let folder = explainer_folder(&e.parsed.file.rel);
        if let Some(top) = folder.split('/').next().filter(|t| !t.is_empty()) {
            folders.entry(top).or_insert(None);
        }
    }
    let bundles: rustc_hash::FxHashSet<&str> = explainers
        .iter()
        .filter_map(|e| e.parsed.file.rel.strip_suffix(crate::load::BUNDLE_INDEX)?.strip_suffix('/'))
        .collect();
    for section in parsed {
        if bundles.contains(section.folder) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "content/{}/ has an `index.md` and an `_index.md`: a page bundle's folder is an explainer, not a section",
                    section.folder
                ))
                .code(Code::SectionPlace)
                .in_file(&section.file.path)
                .with_help("move the explainer into a folder of its own inside the section, or remove `_index.md`"),
            );
            continue;
        }
        let top = section.folder.split('/').next().unwrap_or(section.folder);
        folders.entry(top).or_insert(None);
        folders.insert(section.folder, Some(section));
    }
    let mut sections: Vec<Section<'s>> = Vec::with_capacity(folders.len());
    for (folder, parsed) in folders {
        let Some(path) = folder_path(folder) else {
            // an explainer in such a folder reports it; an `_index.md` does here
            if let Some(p) = parsed {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "the folder `{folder}` has no letters or digits to make a section's address from"
                    ))
                    .code(Code::NoSlug)
                    .in_file(&p.file.path)
                    .with_help("rename the folder"),
                );
            }
            continue;
        };
        let section = match parsed {
            Some(p) => Section {
                path,
                folder,
                title: p.meta.title,
                summary: p.meta.summary,
                extra: p.meta.extra,
                intro: Some(Profile { file: p.file, body: p.body, links: Vec::new() }),
                parent: None,
                children: Vec::new(),
                explainers: Vec::new(),
            },
            None => Section {
                path,
                folder,
                title: title_of_folder(folder),
                summary: None,
                extra: Extra::default(),
                intro: None,
                parent: None,
                children: Vec::new(),
                explainers: Vec::new(),
            },
        };
        sections.push(section);
    }
    let by_folder: FxHashMap<&str, SectionId> = sections.iter().enumerate().map(|(id, s)| (s.folder, id)).collect();
    for id in 0..sections.len() {
        let parent = enclosing(&by_folder, sections[id].folder);
        sections[id].parent = parent;
        if let Some(parent) = parent {
            sections[parent].children.push(id);
        }
    }
    let titles: Vec<(String, String)> = sections.iter().map(|s| (s.title.to_lowercase(), s.path.clone())).collect();
    for s in &mut sections {
        s.children.sort_by(|&a, &b| titles[a].cmp(&titles[b]));
    }
    // each explainer in its section and every one above, newest first (ids are in that order)
    for (id, e) in explainers.iter_mut().enumerate() {
        let folder = explainer_folder(&e.parsed.file.rel);
        e.section = by_folder.get(folder).copied().or_else(|| enclosing(&by_folder, folder));
        let mut at = e.section;
        while let Some(s) = at {
            sections[s].explainers.push(id);
            at = sections[s].parent;
        }
    }
    sections
}

/// The nearest section strictly above `folder`.
fn enclosing(by_folder: &FxHashMap<&str, SectionId>, folder: &str) -> Option<SectionId> {
    folder.match_indices('/').rev().find_map(|(at, _)| by_folder.get(&folder[..at]).copied())
}

/// `articles/asia/` for `articles/Asia`: each folder as a slug, as explainers' paths have them.
fn folder_path(folder: &str) -> Option<String> {
    let mut path = String::with_capacity(folder.len() + 1);
    for part in folder.split('/') {
        path.push_str(Slug::from_text(part)?.as_str());
        path.push('/');
    }
    Some(path)
}

/// The title of an archive without `_index.md`: its folder's name, words split at `-` and `_`,
/// the first letter in capitals (`policy-briefs` → "Policy briefs").
fn title_of_folder(folder: &str) -> String {
    let words = folder.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => folder.to_string(),
    }
}

/// The trail of sections down to `id`: the archive first, `id` last.
pub fn trail(sections: &[Section<'_>], id: SectionId) -> Vec<SectionId> {
    let mut trail = vec![id];
    while let Some(parent) = sections[*trail.last().expect("not empty")].parent {
        trail.push(parent);
    }
    trail.reverse();
    trail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_of_explainers_and_bundles() {
        assert_eq!(explainer_folder("articles/x.md"), "articles");
        assert_eq!(explainer_folder("articles/asia/lima/index.md"), "articles/asia");
        assert_eq!(explainer_folder("articles/lima/index.md"), "articles");
        assert_eq!(explainer_folder("x.md"), "");
        assert_eq!(explainer_folder("lima/index.md"), "");
    }

    #[test]
    fn titles_and_paths_of_folders() {
        assert_eq!(title_of_folder("articles"), "Articles");
        assert_eq!(title_of_folder("policy-briefs"), "Policy briefs");
        assert_eq!(folder_path("articles/Asia Pacific").as_deref(), Some("articles/asia-pacific/"));
        assert_eq!(folder_path("articles/__"), None);
    }
}
