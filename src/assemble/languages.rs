//! The languages of a multilingual site: which page of one language is which page of another
//! (`Translations`, for `hreflang` and the language menu), the default language's pages that
//! another language's links fall back to, and the rule that a translation keeps its original's
//! address.

use super::Site;
use super::links::Fallback;
use super::plan::PageKind;
use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::load::ContentFile;
use crate::urls::Urls;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// One language of the site, as its pages name it.
#[derive(Debug, Clone)]
pub struct Language {
    /// `en`, `fr`.
    pub tag: String,
    /// Its own name, from its catalogue (`language_name`): `Français`.
    pub name: String,
    /// Its pages' links (under `fr/` for a language other than the default).
    pub urls: Urls,
    /// How many sitemap files it has (`sitemap-1.xml`…), which the index at the root lists.
    pub sitemap_parts: usize,
}

/// Every page of every language of the site, by site path: a translation keeps its original's
/// path (see [`translation_paths`]), so the versions of a page are the pages at the same path.
#[derive(Debug, Default)]
pub struct Translations {
    /// The default language first, then the others in the order of `languages`.
    pub languages: Vec<Language>,
    /// Site path (`articles/x/`, without a language's folder) → the indexes into `languages`
    /// of the languages that have a page there, in order.
    pub pages: FxHashMap<String, Vec<usize>>,
}

impl Translations {
    /// The table of every assembled site, the default language's first.
    pub fn of(sites: &[Site<'_>]) -> Translations {
        let mut pages: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut languages = Vec::with_capacity(sites.len());
        for (index, site) in sites.iter().enumerate() {
            let config = site.config;
            languages.push(Language {
                tag: config.language.clone(),
                name: config.i18n.word("language_name"),
                urls: site.urls.clone(),
                sitemap_parts: site.pages.iter().filter(|p| matches!(p.kind, PageKind::Sitemap { .. })).count(),
            });
            for page in site.pages.iter().filter(|p| p.kind.in_sitemap()) {
                pages.entry(page.path.clone()).or_default().push(index);
            }
        }
        Translations { languages, pages }
    }

    /// The versions of the page at `path`: (language, whether it is the one of `current`), in
    /// the order of `languages`; empty when the page has no other version.
    pub fn versions(&self, path: &str) -> Vec<&Language> {
        match self.pages.get(path) {
            Some(found) if found.len() > 1 => found.iter().map(|&i| &self.languages[i]).collect(),
            _ => Vec::new(),
        }
    }
}

/// The content file that `file` is a version of, relative to content/ (`articles/x.md` for
/// `articles/x.fr.md`, and for `articles/x.md` itself), and whether `file` is a translation.
pub fn original_of(file: &ContentFile) -> (&str, bool) {
    let translated = file.path.strip_prefix("content/").is_some_and(|real| real != file.rel);
    (&file.rel, translated)
}

/// Whether `file`, in a language other than the default, is the default language's file shown
/// for want of a translation (an actor's or topic's profile).
pub fn is_fallback(site: &Site<'_>, file: &ContentFile) -> bool {
    site.config.language != site.config.default_language() && !original_of(file).1
}

/// The pages of the default language's site, for the links of the other languages.
pub fn fallback_of(site: &Site<'_>) -> Fallback {
    let mut by_content_path = FxHashMap::default();
    for e in &site.explainers {
        by_content_path.insert(e.file.rel.clone(), e.path.clone());
    }
    for s in &site.sections {
        if let Some(intro) = &s.intro {
            by_content_path.insert(intro.file.rel.clone(), s.path.clone());
        }
    }
    Fallback { language: site.config.language.clone(), urls: site.urls.clone(), by_content_path }
}

/// A translation keeps the address of its original, so that the versions of a page are found
/// from file names: an explainer of another language whose path differs from its original's
/// (a `slug:` of its own, or none where the original has one) is an error at the translation.
pub fn translation_paths(default: &Site<'_>, other: &Site<'_>) -> Vec<Diagnostic> {
    let originals: BTreeMap<&str, &str> =
        default.explainers.iter().map(|e| (e.file.rel.as_str(), e.path.as_str())).collect();
    let mut diagnostics = Vec::new();
    for e in &other.explainers {
        let Some(&original) = originals.get(e.file.rel.as_str()) else { continue };
        if original == e.path {
            continue;
        }
        let message = format!(
            "this translation would be at `{}`, but its original content/{} is at `{original}`: a translation keeps its original's address",
            e.path, e.file.rel
        );
        let help = match e.meta.slug.as_ref() {
            Some(_) => "remove `slug:` from the translation, or set it to the original's".to_string(),
            None => format!("write the original's slug in the translation: `slug: {}`", last_part(original)),
        };
        let d = Diagnostic::error(message).code(Code::TranslationPath).with_help(help);
        let d = match e.meta.slug.as_ref().and_then(|_| super::plan::slug_field(e.file)) {
            Some((offset, len)) => d.at(&SourceFile::new(&e.file.path, &e.file.text), offset, len),
            None => d.in_file(&e.file.path),
        };
        diagnostics.push(d);
    }
    diagnostics
}

/// The last folder of a site path: `articles/lima/` → `lima`.
fn last_part(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or(path)
}
