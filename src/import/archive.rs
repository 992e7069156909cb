//! The imported archive: what every reader (Hugo, Zola, WordPress) makes of its source, in
//! dossier's terms, and what the site writer writes out. Readers fill it; the taxonomy mapping
//! (`import.toml`) and the writer work on it without knowing where it came from.
//!
//! Everything here is plain data, owned, in the order the reader found it (readers sort their
//! inputs by path or id, so an import is deterministic).

use crate::extra::Map;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The generator or export an archive was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceKind {
    Hugo,
    Zola,
    WordPress,
}

/// A whole imported site.
#[derive(Debug, Clone)]
pub struct Archive {
    pub source: SourceKind,
    pub settings: Settings,
    /// Explainers and sections, in the order the reader found them.
    pub documents: Vec<Document>,
    /// Metadata pages of taxonomy terms (Hugo `content/tags/x/_index.md`, WordPress term
    /// descriptions): they become topic and actor profiles once the mapping has said which.
    pub term_profiles: Vec<TermProfile>,
    /// Files copied as they are into the new site's `static/` (Hugo and Zola `static/`, loose
    /// WordPress uploads), each with its path there.
    pub static_files: Vec<FileCopy>,
    /// What the reader could not carry across, for MIGRATION.md.
    pub report: Report,
}

/// What becomes `site.toml`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub title: Option<String>,
    pub base_url: Option<String>,
    pub language: Option<String>,
    /// Every language of a multilingual source, the default first (`["en", "fr"]`); empty when
    /// the source has one language. Translations are documents with a `language`.
    pub languages: Vec<String>,
    pub description: Option<String>,
    /// Explainers per list page (Hugo `pagination.pagerSize` / `paginate`, Zola `paginate_by`,
    /// WordPress `posts_per_page` when the export has it).
    pub paginate: Option<u32>,
    /// Every other setting of the source that dossier has no place for: `[extra]`.
    pub extra: Map,
}

/// An explainer or a section page.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it came from, for the report and for links between documents.
    pub origin: Origin,
    pub kind: DocumentKind,
    /// Its place under `content/`, as `/`-separated folder names and a last name, without
    /// extension: `["posts", "2019", "lima"]`. The writer makes `content/posts/2019/lima.md`,
    /// or `content/posts/2019/lima/index.md` when it has resources (a page bundle), or
    /// `content/posts/2019/_index.md` for a section (`["posts", "2019"]`).
    pub place: Vec<String>,
    pub title: Option<String>,
    /// As written in the source (RFC 3339 or `YYYY-MM-DD`); the writer checks and normalizes.
    pub date: Option<String>,
    pub updated: Option<String>,
    /// Hugo `publishDate` when later than `date`, or WordPress scheduled posts: the day it goes
    /// out (dossier schedules by `date`; the writer decides how to carry both).
    pub publish_date: Option<String>,
    pub expires: Option<String>,
    pub draft: bool,
    pub slug: Option<String>,
    pub summary: Option<String>,
    /// The social card image: a resource name of this document or a static path (`/img/x.png`).
    pub image: Option<String>,
    /// Old URL paths that must keep working (`/2019/11/lima/`), besides `old_url`.
    pub aliases: Vec<String>,
    /// The URL path this page had in the source site (`/posts/lima/`), when known. The writer
    /// compares it with the path dossier will give the page; when they differ it becomes an alias
    /// and a line in the report's changed URLs.
    pub old_url: Option<String>,
    /// Taxonomy terms as written, by taxonomy name (`tags`, `categories`, `authors`, custom ones;
    /// WordPress `category`, `post_tag`, and `author` for the post's author's display name).
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Every other front matter field.
    pub extra: Map,
    /// The body as Markdown: links to other documents already written as relative `.md` paths
    /// (see `place`), shortcodes converted, or marked as the report says.
    pub body: String,
    /// Files of a page bundle, copied beside it.
    pub resources: Vec<FileCopy>,
    /// The language of a translation (`fr`: written as `x.fr.md` beside `x.md`, at the place of
    /// the page it translates); `None` for the default language.
    pub language: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Explainer,
    /// A section's `_index.md` (title, summary, body, extra).
    Section,
}

/// A taxonomy term's own page: its title, text and fields.
#[derive(Debug, Clone)]
pub struct TermProfile {
    pub origin: Origin,
    /// The taxonomy's name in the source (`tags`, `authors`, `category`).
    pub taxonomy: String,
    /// The term as documents name it.
    pub term: String,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body: String,
    pub extra: Map,
}

/// A file to copy: from the source (never modified), to a path relative to its destination
/// folder (`static/` for static files, the bundle's folder for resources).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileCopy {
    pub from: PathBuf,
    pub to: String,
}

/// A place in the source: a file (relative to the source site, or the export's name) and a
/// 1-based line when known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    pub path: String,
    pub line: Option<usize>,
}

/// What did not come across as it was, for MIGRATION.md. Readers add to it; the mapping and the
/// writer add their own lines (changed URLs, merged terms, conflicts).
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Shortcodes that could not be converted, by name: every place that calls them. Their
    /// calls are left in the body as a visible marker that `check --strict` flags.
    pub unconverted_shortcodes: BTreeMap<String, Vec<Origin>>,
    /// Source files not imported, with the reason (`layouts/…: templates are not imported`).
    pub skipped: Vec<(Origin, String)>,
    /// Files the source refers to but that were not found (WordPress attachments missing from
    /// `--uploads`, a bundle resource that does not exist).
    pub missing_files: Vec<(Origin, String)>,
    /// Anything else the user should know, one sentence each.
    pub notes: Vec<String>,
}
