//! The content folder of a Hugo or Zola site: its pages, page bundles with their files, and
//! sections (`_index.md`), read in path order; files that are none of these are reported.

use crate::extra::Map;
use crate::import::archive::{Document, FileCopy, Origin, Report};
use crate::import::frontmatter::scalar_text;
use crate::import::links::LinkIndex;
use crate::import::shortcodes::{self, Flavor};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `posts/lima.md`
    Page,
    /// `posts/lima/index.md`, with the other files of its folder
    Bundle,
    /// `posts/_index.md`
    Section,
}

/// A Markdown file of the content folder.
#[derive(Debug, Clone)]
pub struct SourcePage {
    /// Relative to the content folder, `/`-separated.
    pub rel: String,
    pub kind: Kind,
    /// The folders above the page (for a bundle, above its folder; for a section, its own path).
    pub dirs: Vec<String>,
    /// The file's name without `.md`, or the bundle's folder name; empty for sections.
    pub stem: String,
    pub resources: Vec<FileCopy>,
    /// The language of a translation (`lima.fr.md`), `None` for the default language.
    pub language: Option<String>,
    /// For a translation, the path of the page it translates (`posts/lima.md` for
    /// `posts/lima.fr.md`), whether that page exists or not; for others, `rel`.
    pub original: String,
}

/// The languages of a source: its default and the others, as the translations' file names spell
/// them (`lima.fr.md`).
#[derive(Debug, Clone, Default)]
pub struct Languages {
    pub default: Option<String>,
    pub others: Vec<String>,
}

impl Languages {
    /// The declared languages, the default first, without repeats (a source may list its default
    /// among the others); the default is `en` when the source names none.
    pub fn new(default: Option<String>, declared: impl IntoIterator<Item = String>) -> Languages {
        let first = default.clone().unwrap_or_else(|| "en".to_string());
        let mut others: Vec<String> = Vec::new();
        for l in declared {
            if l != first && !others.contains(&l) && is_language_code(&l) {
                others.push(l);
            }
        }
        Languages { default, others }
    }

    /// `languages = [...]` of site.toml: empty for a site with one language.
    pub fn for_site_toml(&self) -> Vec<String> {
        if self.others.is_empty() {
            return Vec::new();
        }
        let first = self.default.clone().unwrap_or_else(|| "en".to_string());
        std::iter::once(first).chain(self.others.iter().cloned()).collect()
    }

    /// A Markdown file name without its language: `lima.fr.md` → (`lima.md`, `fr`) when `fr` is
    /// one of the other languages; `lima.en.md` → (`lima.md`, none) when `en` is the default.
    fn split<'a>(&self, name: &'a str) -> (std::borrow::Cow<'a, str>, Option<String>) {
        let Some((stem, ext)) = name.rsplit_once('.') else { return (name.into(), None) };
        let Some((base, lang)) = stem.rsplit_once('.') else { return (name.into(), None) };
        if base.is_empty() || !(ext == "md" || ext == "markdown") {
            return (name.into(), None);
        }
        if self.others.iter().any(|l| l == lang) {
            (format!("{base}.{ext}").into(), Some(lang.to_string()))
        } else if self.default.as_deref() == Some(lang) {
            (format!("{base}.{ext}").into(), None)
        } else {
            (name.into(), None)
        }
    }
}

/// A language code as file names and dossier's `languages` take it: `fr`, `pt-br`.
fn is_language_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 12 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Every file under `dir`, relative to it, `/`-separated, sorted; hidden files and folders left out.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.path().strip_prefix(dir).ok().map(|p| p.to_string_lossy().replace('\\', "/")))
        .collect();
    out.sort();
    out
}

/// The pages of the content folder `content` (relative to the site `site`, for the report).
/// Translations (`lima.fr.md`, `index.fr.md`, `_index.fr.md`) are pages with their `language`.
pub fn walk(site: &Path, content: &str, languages: &Languages, report: &mut Report) -> Vec<SourcePage> {
    let root = site.join(content);
    let files = files_under(&root);
    let set: BTreeSet<&str> = files.iter().map(String::as_str).collect();
    let dir_of = |f: &str| f.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_string());
    // each file's name without its language, and the language
    fn named<'f>(languages: &Languages, f: &'f str) -> (std::borrow::Cow<'f, str>, Option<String>) {
        languages.split(f.rsplit('/').next().unwrap_or(f))
    }
    let bundles: BTreeSet<String> =
        files.iter().filter(|f| f.contains('/') && named(languages, f).0 == "index.md").map(|f| dir_of(f)).collect();
    let mut pages: Vec<SourcePage> = Vec::new();
    let mut resources: std::collections::BTreeMap<String, Vec<FileCopy>> = Default::default();
    let origin = |f: &str| Origin { path: format!("{content}/{f}"), line: None };
    for f in &files {
        let dir = dir_of(f);
        let (name, language) = named(languages, f);
        let name = name.as_ref();
        let original = if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") };
        // the nearest folder above the file that is a page bundle (not the bundle's own index.md,
        // in any language)
        let bundle = f
            .match_indices('/')
            .rev()
            .map(|(at, _)| &f[..at])
            .find(|d| bundles.contains(*d) && original != format!("{d}/index.md"));
        if let Some(b) = bundle {
            if f.ends_with(".md") {
                report.skipped.push((origin(f), "a Markdown file inside a page bundle: not imported".into()));
            } else {
                let copy = FileCopy { from: root.join(f), to: f[b.len() + 1..].to_string() };
                resources.entry(b.to_string()).or_default().push(copy);
            }
            continue;
        }
        let dirs: Vec<String> = dir.split('/').filter(|d| !d.is_empty()).map(str::to_string).collect();
        let is_md = name.ends_with(".md") || name.ends_with(".markdown");
        let (kind, dirs, stem) = if name == "index.md" && !dirs.is_empty() {
            let mut parents = dirs;
            let stem = parents.pop().unwrap_or_default();
            (Kind::Bundle, parents, stem)
        } else if name == "_index.md" {
            (Kind::Section, dirs, String::new())
        } else if is_md {
            (Kind::Page, dirs, name.trim_end_matches(".markdown").trim_end_matches(".md").to_string())
        } else {
            let why = if set.contains(format!("{dir}/_index.md").trim_start_matches('/')) {
                "a file of a section (branch bundle): dossier copies the files of page bundles only"
            } else {
                "not a Markdown page: only Markdown content is imported"
            };
            report.skipped.push((origin(f), why.into()));
            continue;
        };
        pages.push(SourcePage { rel: f.clone(), kind, dirs, stem, resources: Vec::new(), language, original });
    }
    // a bundle's files belong to it in every language (`index.md` and `index.fr.md`)
    for page in &mut pages {
        if page.kind == Kind::Bundle {
            page.resources = resources.get(&dir_of(&page.rel)).cloned().unwrap_or_default();
        }
    }
    pages
}

/// Puts each translation at the place of the page it translates (`keys[i]` is
/// `SourcePage::original` of `documents[i]`), where the writer writes it as `x.fr.md` beside
/// `x.md`: it takes the original's address (its own slug is dropped; its old address becomes an
/// alias), and its files when the original is a page bundle. A translation of a page the source
/// does not have in its default language keeps its own place.
pub fn pair_translations(documents: &mut [Document], keys: &[String]) {
    let originals: std::collections::HashMap<&str, (Vec<String>, Vec<FileCopy>)> = documents
        .iter()
        .zip(keys)
        .filter(|(d, _)| d.language.is_none())
        .map(|(d, k)| (k.as_str(), (d.place.clone(), d.resources.clone())))
        .collect();
    for (doc, key) in documents.iter_mut().zip(keys) {
        if doc.language.is_none() {
            continue;
        }
        if let Some((place, resources)) = originals.get(key.as_str()) {
            doc.place = place.clone();
            doc.slug = None;
            if doc.resources.is_empty() {
                doc.resources = resources.clone();
            }
        }
    }
}

/// Hugo's `urlize` as far as addresses go: lower case, spaces as `-`.
pub fn urlize(text: &str) -> String {
    text.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")
}

/// A place part from a folder or file name: its slug, or `page` when it has no letters or digits.
pub fn place_part(name: &str) -> String {
    crate::slug::Slug::from_text(name).map_or_else(|| "page".to_string(), |s| s.to_string())
}

/// The place of a page under `content/`: its folders' slugs (a first folder dossier keeps for
/// itself renamed), then `last`.
pub fn place(dirs: &[String], last: Option<&str>) -> Vec<String> {
    let mut place: Vec<String> = dirs.iter().map(|d| place_part(d)).collect();
    if let Some(first) = place.first_mut()
        && let Some(renamed) = crate::import::reserved_folder(first)
    {
        *first = renamed;
    }
    if let Some(last) = last {
        place.push(place_part(last));
    }
    place
}

/// The 1-based line of byte `offset` of `body`, whose first line is `first_line` of its file.
pub fn line_at(body: &str, offset: usize, first_line: usize) -> usize {
    first_line + body.as_bytes()[..offset.min(body.len())].iter().filter(|&&b| b == b'\n').count()
}

/// Every file of the static folder, to copy to the same path.
pub fn static_files(src: &Path, dir: &str) -> Vec<FileCopy> {
    let root = src.join(dir);
    if !root.is_dir() {
        return Vec::new();
    }
    files_under(&root).into_iter().map(|rel| FileCopy { from: root.join(&rel), to: rel }).collect()
}

/// Converts every body's shortcodes and internal links (in parallel), listing what it could not.
/// `sources` holds each document's path relative to the content folder and its body's first line.
pub fn convert_bodies(
    documents: &mut [Document],
    sources: &[(String, usize)],
    site_params: &Map,
    flavor: Flavor,
    report: &mut Report,
) {
    let index = LinkIndex::new(
        documents.iter().zip(sources).map(|(d, (rel, _))| (rel.clone(), crate::import::write::link_file(d))),
    );
    // the site paths the source's pages had (and will have), for links written as addresses
    let mut by_url: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for d in documents.iter() {
        let file = crate::import::write::link_file(d);
        let new = crate::import::write::new_url(d);
        for url in d.old_url.iter().chain(std::iter::once(&new)) {
            if let Ok(path) = crate::frontmatter::normalize_site_path(url) {
                by_url.entry(path).or_insert_with(|| file.clone());
            }
        }
    }
    let unconverted: Vec<Vec<(String, Origin)>> = documents
        .par_iter_mut()
        .zip(sources)
        .map(|(doc, (rel, line))| {
            let from = crate::import::write::content_file(doc);
            let resolve = |t: &str| index.resolve(&from, rel, t);
            let extra = doc.extra.clone();
            let param = |name: &str| {
                let key = name.trim();
                extra.get(key).or_else(|| site_params.get(key)).and_then(scalar_text)
            };
            let ctx = shortcodes::Context { flavor, resolve: &resolve, param: &param };
            let mut converted = shortcodes::convert(&doc.body, &ctx);
            if flavor == Flavor::Zola {
                let from_root = |t: &str| index.resolve(&from, rel, &format!("/{t}"));
                converted.body = shortcodes::zola_links(&converted.body, &from_root);
            }
            let page_url = doc.old_url.clone().unwrap_or_else(|| crate::import::write::new_url(doc));
            converted.body = crate::import::links::site_links(&converted.body, &page_url, &from, &by_url);
            let origins = converted
                .unconverted
                .iter()
                .map(|(name, offset)| {
                    let line = line_at(&doc.body, *offset, *line);
                    (name.clone(), Origin { path: doc.origin.path.clone(), line: Some(line) })
                })
                .collect();
            doc.body = converted.body;
            origins
        })
        .collect();
    for (name, origin) in unconverted.into_iter().flatten() {
        report.unconverted_shortcodes.entry(name).or_default().push(origin);
    }
}
