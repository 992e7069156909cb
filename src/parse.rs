//! Parse: every content file, independently and in parallel, into typed front matter and a parsed body.

use crate::config::Config;
use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::frontmatter::{self, ActorMeta, ExplainerMeta, HomeMeta, Read, SectionMeta, Split, TopicMeta};
use crate::load::{ContentFile, TemplateFile};
use crate::markdown::{self, BodyOptions, ParsedBody, RawHtmlPolicy, ReservedIds};
use crate::page_ids::{self, TemplateIds};
use crate::slug::Slug;
use rayon::prelude::*;
use std::sync::Arc;

pub const ACTORS_DIR: &str = "actors";
pub const TOPICS_DIR: &str = "topics";
pub const HOME_FILE: &str = "index.md";
/// The file that makes its folder a section (`content/articles/asia/_index.md`), as in Hugo.
pub const SECTION_FILE: &str = "_index.md";

/// What a content file is, from where it sits under `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    Home,
    Actor,
    Topic,
    Explainer,
    /// An `_index.md`: a section's title, summary and intro (an error where no section can be).
    Section,
}

pub fn classify(rel: &str) -> ContentKind {
    if rel == HOME_FILE {
        ContentKind::Home
    } else if rel == SECTION_FILE || rel.ends_with("/_index.md") {
        ContentKind::Section
    } else if rel.starts_with("actors/") {
        ContentKind::Actor
    } else if rel.starts_with("topics/") {
        ContentKind::Topic
    } else {
        ContentKind::Explainer
    }
}

#[derive(Debug, Clone)]
pub struct ParsedExplainer<'s> {
    pub file: &'s ContentFile,
    /// Shared, so that `serve` reuses it between builds without copying.
    pub meta: Arc<ExplainerMeta>,
    pub body: Arc<ParsedBody<'s>>,
}

/// An actor or topic profile; `slug` comes from the file name.
#[derive(Debug, Clone)]
pub struct ParsedProfile<'s, M> {
    pub file: &'s ContentFile,
    pub slug: Slug,
    pub meta: M,
    pub body: Arc<ParsedBody<'s>>,
}

/// A section's `_index.md`; `folder` is its folder relative to content/ (`articles/asia`).
#[derive(Debug, Clone)]
pub struct ParsedSection<'s> {
    pub file: &'s ContentFile,
    pub folder: &'s str,
    pub meta: SectionMeta,
    pub body: Arc<ParsedBody<'s>>,
}

#[derive(Debug, Clone)]
pub struct ParsedHome<'s> {
    pub file: &'s ContentFile,
    pub meta: HomeMeta,
    pub body: Arc<ParsedBody<'s>>,
}

/// Every content file, parsed; in the order of their paths.
#[derive(Debug, Default)]
pub struct ParsedSite<'s> {
    pub explainers: Vec<ParsedExplainer<'s>>,
    pub actors: Vec<ParsedProfile<'s, ActorMeta>>,
    pub topics: Vec<ParsedProfile<'s, TopicMeta>>,
    /// In the order of their paths: a section comes before the sections inside it.
    pub sections: Vec<ParsedSection<'s>>,
    pub home: Option<ParsedHome<'s>>,
    /// Files (relative to content/) that did not parse: links to them are not reported again.
    pub failed: Vec<String>,
}

/// One content file after parsing.
#[derive(Debug, Clone)]
pub enum ParsedFile<'s> {
    Explainer(ParsedExplainer<'s>),
    Actor(ParsedProfile<'s, ActorMeta>),
    Topic(ParsedProfile<'s, TopicMeta>),
    Section(ParsedSection<'s>),
    Home(ParsedHome<'s>),
}

/// What parsing one file gave: the parsed file (when nothing required failed) and its diagnostics.
pub type FileResult<'s> = (Option<ParsedFile<'s>>, Vec<Diagnostic>);

/// How every body of a site is parsed. `serve` parses every file again when this changes.
#[derive(Debug, Default, PartialEq)]
pub struct ParseOptions {
    /// Bodies count their words for search.
    pub count_words: bool,
    pub raw_html: RawHtmlPolicy,
    /// Ids the templates write, which ids made from bodies step around.
    pub template_ids: TemplateIds,
}

impl ParseOptions {
    pub fn new(config: &Config, templates: &[TemplateFile]) -> ParseOptions {
        ParseOptions {
            count_words: config.search,
            raw_html: RawHtmlPolicy::from_config(&config.markdown, config.base_url.path()),
            template_ids: TemplateIds::from_templates(templates),
        }
    }
}

/// Parses every content file, in parallel.
pub fn parse_site<'s>(files: &'s [ContentFile], options: &ParseOptions) -> (ParsedSite<'s>, Vec<Diagnostic>) {
    let results: Vec<FileResult<'_>> =
        files.par_iter().with_max_len(crate::ITEMS_PER_JOB).map(|file| parse_file(file, options)).collect();
    collect(files.iter().zip(results))
}

/// Puts per-file results (in path order) together into a site; `serve` keeps them between builds.
pub fn collect<'s>(
    results: impl IntoIterator<Item = (&'s ContentFile, FileResult<'s>)>,
) -> (ParsedSite<'s>, Vec<Diagnostic>) {
    let mut site = ParsedSite::default();
    let mut diagnostics = Vec::new();
    for (file, (parsed, diags)) in results {
        if parsed.is_none() {
            site.failed.push(file.rel.clone());
        }
        diagnostics.extend(diags);
        match parsed {
            Some(ParsedFile::Explainer(e)) => site.explainers.push(e),
            Some(ParsedFile::Actor(a)) => site.actors.push(a),
            Some(ParsedFile::Topic(t)) => site.topics.push(t),
            Some(ParsedFile::Section(s)) => site.sections.push(s),
            Some(ParsedFile::Home(h)) => site.home = Some(h),
            None => {}
        }
    }
    (site, diagnostics)
}

/// Parses one content file.
pub fn parse_file<'s>(file: &'s ContentFile, options: &ParseOptions) -> FileResult<'s> {
    let (parsed, mut diagnostics) = parse_text(file, options);
    if let Some(at) = file.control_character {
        let source = SourceFile::new(&file.path, &file.text);
        diagnostics.push(
            Diagnostic::warning("control characters (invisible, and not allowed in HTML) are written as spaces")
                .code(Code::ControlCharacters)
                .at(&source, at, 1)
                .with_help("they usually come from pasting out of a word processor or a PDF"),
        );
    }
    (parsed, diagnostics)
}

fn parse_text<'s>(file: &'s ContentFile, options: &ParseOptions) -> FileResult<'s> {
    let source = SourceFile::new(&file.path, &file.text);
    let split = match frontmatter::split(&source) {
        Ok(split) => split,
        Err(d) => return (None, vec![d]),
    };
    let kind = classify(&file.rel);
    if split.yaml.is_none() && kind != ContentKind::Home {
        let needed = match kind {
            ContentKind::Actor => "`name`",
            ContentKind::Topic | ContentKind::Section => "`title`",
            _ => "`title` and `date`",
        };
        let d = Diagnostic::error(format!("no front matter: the file must start with a `---` block with {needed}"))
            .code(Code::FrontMatter)
            .in_file(&file.path)
            .with_help("see docs/content.md for the fields");
        return (None, vec![d]);
    }
    let written = options.template_ids.for_kind(kind);
    let body = |split: &Split<'_>, given: &[String], diags: &mut Vec<Diagnostic>| {
        let body_options = BodyOptions {
            for_search: options.count_words,
            raw_html: &options.raw_html,
            reserved_ids: ReservedIds { written: Some(written), given },
            max_html: markdown::max_body_html(),
        };
        let parsed = markdown::parse_with(&file.text[split.body_offset..], split.body_offset, &body_options);
        diags.extend(parsed.issues.iter().map(|issue| {
            let d = if issue.error { Diagnostic::error(&issue.message) } else { Diagnostic::warning(&issue.message) };
            let d = d.code(issue.code).at(&source, issue.offset, issue.len);
            match &issue.help {
                Some(help) => d.with_help(help),
                None => d,
            }
        }));
        Arc::new(parsed)
    };
    match kind {
        ContentKind::Explainer => {
            let (meta, mut diags) = frontmatter::read_explainer(&source, &split);
            let parsed = meta.map(|meta| {
                let anchors: Vec<String> = meta.sources.iter().map(|s| page_ids::source_anchor(&s.id)).collect();
                let body = body(&split, &anchors, &mut diags);
                ParsedFile::Explainer(ParsedExplainer { file, meta: Arc::new(meta), body })
            });
            (parsed, diags)
        }
        ContentKind::Actor => {
            profile(file, &source, &split, frontmatter::read_actor, |s, d| body(s, &[], d), ParsedFile::Actor)
        }
        ContentKind::Topic => {
            profile(file, &source, &split, frontmatter::read_topic, |s, d| body(s, &[], d), ParsedFile::Topic)
        }
        ContentKind::Section => {
            let folder = section_folder(&file.rel);
            if let Some(d) = misplaced_section(file, folder) {
                return (None, vec![d]);
            }
            let (meta, mut diags) = frontmatter::read_section(&source, &split);
            let parsed = meta.map(|meta| {
                ParsedFile::Section(ParsedSection { file, folder, meta, body: body(&split, &[], &mut diags) })
            });
            (parsed, diags)
        }
        ContentKind::Home => {
            let (meta, mut diags) = frontmatter::read_home(&source, &split);
            let parsed =
                meta.map(|meta| ParsedFile::Home(ParsedHome { file, meta, body: body(&split, &[], &mut diags) }));
            (parsed, diags)
        }
    }
}

/// The folder (relative to content/) of the section whose `_index.md` is at `rel`.
pub fn section_folder(rel: &str) -> &str {
    rel.strip_suffix(SECTION_FILE).unwrap_or_default().trim_end_matches('/')
}

/// The error for an `_index.md` where no section can be: at the top of content/ (the home page's
/// text is `content/index.md`), or in actors/ or topics/, whose list pages are dossier's own.
fn misplaced_section(file: &ContentFile, folder: &str) -> Option<Diagnostic> {
    let (message, help) = match folder.split('/').next() {
        Some("") => (
            "`_index.md` at the top of content/: the home page's text is content/index.md",
            "rename it to content/index.md (with `title` and `description`), or move it into a folder",
        ),
        Some(ACTORS_DIR | TOPICS_DIR) => (
            "`_index.md` in actors/ or topics/: these folders hold profiles, not sections",
            "remove it; the intro of the home page is content/index.md",
        ),
        _ => return None,
    };
    Some(Diagnostic::error(message).code(Code::SectionPlace).in_file(&file.path).with_help(help))
}

fn profile<'s, M>(
    file: &'s ContentFile,
    source: &SourceFile<'_>,
    split: &Split<'_>,
    read: impl Fn(&SourceFile<'_>, &Split<'_>) -> Read<M>,
    body: impl Fn(&Split<'_>, &mut Vec<Diagnostic>) -> Arc<ParsedBody<'s>>,
    wrap: impl Fn(ParsedProfile<'s, M>) -> ParsedFile<'s>,
) -> (Option<ParsedFile<'s>>, Vec<Diagnostic>) {
    let (meta, mut diags) = read(source, split);
    let stem = file.rel.rsplit('/').next().unwrap_or(&file.rel).trim_end_matches(".md");
    let Some(slug) = Slug::from_text(stem) else {
        diags.push(
            Diagnostic::error("the file name has no letters or digits to make a page address from")
                .code(Code::NoSlug)
                .in_file(&file.path),
        );
        return (None, diags);
    };
    let parsed = meta.map(|meta| {
        let body = body(split, &mut diags);
        wrap(ParsedProfile { file, slug, meta, body })
    });
    (parsed, diags)
}
