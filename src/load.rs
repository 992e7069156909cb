//! Load: the one module that reads the site's files (site.toml, content/, templates, static listings).

use crate::config::{self, Config};
use crate::diagnostics::{Code, Diagnostic};
use crate::theme;
use rayon::prelude::*;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

pub const CONTENT_DIR: &str = "content";
pub const STATIC_DIR: &str = "static";
pub const TEMPLATES_DIR: &str = "templates";
pub const THEMES_DIR: &str = "themes";

/// A Markdown file under `content/`, read into memory.
#[derive(Debug, Clone)]
pub struct ContentFile {
    /// Relative to the site root, `/`-separated: `content/articles/x.md`.
    pub path: String,
    /// Relative to `content/`: `articles/x.md`.
    pub rel: String,
    pub text: String,
    /// Where the first control character was (U+0001–U+001F but tab, line feed, form feed and
    /// carriage return, U+007F–U+009F): each is written as spaces, one per byte, since no HTML or
    /// XML page may hold one. The parse reports it.
    pub control_character: Option<usize>,
}

/// Writes the control characters of `text` (see [`ContentFile::control_character`]) as spaces,
/// one per byte so that every offset stays where it is; returns where the first one was.
fn blank_control_characters(text: String) -> (String, Option<usize>) {
    let is_control = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0c | b'\r')) || b == 0x7f;
    // a C1 control is U+0080–U+009F: 0xC2 then 0x80–0x9F in UTF-8
    let candidate = |b: u8| is_control(b) || b == 0xc2;
    // chunks without a branch inside vectorize: most files have no candidate at all
    if !text.as_bytes().chunks(64).any(|chunk| chunk.iter().fold(false, |seen, &b| seen | candidate(b))) {
        return (text, None);
    }
    let mut bytes = text.into_bytes();
    let mut first = None;
    let mut at = 0;
    while at < bytes.len() {
        let width = if is_control(bytes[at]) {
            1
        } else if bytes[at] == 0xc2 && bytes.get(at + 1).is_some_and(|b| (0x80..=0x9f).contains(b)) {
            2
        } else {
            0
        };
        if width > 0 {
            first.get_or_insert(at);
            bytes[at..at + width].fill(b' ');
            at += width;
        } else {
            at += 1;
        }
    }
    (String::from_utf8(bytes).expect("ASCII spaces for whole characters keep UTF-8 valid"), first)
}

/// A template, from the theme or from the site's `templates/` (which wins).
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// The name templates use to refer to it: `explainer.html`, `partials/card.html`.
    pub name: String,
    /// Where it came from, for error messages: `templates/explainer.html`.
    pub origin: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub enum StaticSource {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

/// A file copied as is to the output.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Path in the output, `/`-separated: `style.css`, `img/map.png`.
    pub output_path: String,
    /// Where it came from, for error messages.
    pub origin: String,
    pub source: StaticSource,
    /// For a file of a page bundle (`content/articles/lima/map.png`, beside an `index.md`): its
    /// path relative to `content/` (`articles/lima/map.png`), which relative links in the
    /// bundle's body resolve against.
    pub bundle: Option<String>,
    /// For an image (`.png`, `.jpg`, `.gif`, `.webp`, `.svg`…): its width and height in pixels,
    /// read from the file's header once per build ([`measure_images`]), for the `<img>` tags
    /// that show it.
    pub dimensions: Option<(u32, u32)>,
}

/// The language of a content file named `<stem>.<lang>.md` where `lang` is one of `others` (the
/// site's languages but the default), and the file it is a version of: `articles/x.fr.md` →
/// (`fr`, `articles/x.md`). Any other name (`x.md`, or `x.pt.md` in a site without `pt`) is the
/// default language's, `.pt` part of its name as in a site of one language.
pub fn file_language<'l>(rel: &str, others: &'l [String]) -> Option<(&'l str, String)> {
    let stem = rel.strip_suffix(".md")?;
    let (before, lang) = stem.rsplit_once('.')?;
    let language = others.iter().find(|l| l.as_str() == lang)?;
    // `x/.fr.md` is a hidden file, no version of anything
    (!before.is_empty() && !before.ends_with('/')).then(|| (language.as_str(), format!("{before}.md")))
}

/// The content files of each language of a site that declares `languages`, in that order, each
/// list in path order. A language other than the default has its versions (`x.fr.md`, read as
/// `x.md`, its `rel`, so that its links and slugs are the original's; `path` still names the
/// file) and, for each actor or topic profile it has no version of, the default language's:
/// a profile is shown in the default language rather than missing. The default language has
/// every other file.
pub fn split_languages(
    content: &[std::sync::Arc<ContentFile>],
    languages: &[String],
) -> Vec<Vec<std::sync::Arc<ContentFile>>> {
    use crate::parse::{ContentKind, classify};
    let others = languages.get(1..).unwrap_or_default();
    let mut split: Vec<Vec<std::sync::Arc<ContentFile>>> = vec![Vec::new(); others.len() + 1];
    for file in content {
        match file_language(&file.rel, others) {
            Some((language, original)) => {
                let index = 1 + others.iter().position(|l| l == language).unwrap_or_default();
                let version = ContentFile { rel: original, ..ContentFile::clone(file) };
                split[index].push(std::sync::Arc::new(version));
            }
            None => split[0].push(std::sync::Arc::clone(file)),
        }
    }
    let (default, rest) = split.split_first_mut().expect("one list per language");
    for files in rest {
        let translated: std::collections::HashSet<String> = files.iter().map(|f| f.rel.clone()).collect();
        let profiles = default.iter().filter(|f| {
            matches!(classify(&f.rel), ContentKind::Actor | ContentKind::Topic) && !translated.contains(&f.rel)
        });
        files.extend(profiles.cloned());
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
    }
    split
}

/// Everything read from disk for one build. Sorted by path, so later stages see the same order every time.
#[derive(Debug)]
pub struct LoadedSite {
    pub config: Config,
    pub content: Vec<ContentFile>,
    pub templates: Vec<TemplateFile>,
    pub static_files: Vec<StaticFile>,
    /// Content files that exist but could not be read (relative to content/): links to them are
    /// not reported again as broken.
    pub unreadable: Vec<String>,
    /// The metadata of each content file as it was read, in the order of `content` (`None` where
    /// the system gives none to trust): the build cache records them, to know an unchanged file
    /// without reading it again.
    pub stamps: Vec<Option<FileStamp>>,
}

/// A file's metadata as git's index records it: length, modification and status change times
/// (seconds and nanoseconds), device and inode. A file whose stamp is the one recorded when it
/// was read has the bytes it had then, provided it was not changed within the same tick of the
/// file system's clock as it was read (see `build_cache::files`, which hashes such files
/// again). The status change time (`ctime`) cannot be set by a program: a file written and then
/// given its old modification time back still shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    pub len: u64,
    pub modified: (i64, i64),
    pub changed: (i64, i64),
    pub device: u64,
    pub inode: u64,
}

impl FileStamp {
    /// The stamp of a file with these metadata; `None` where the system has no inodes or times.
    pub fn of(meta: &std::fs::Metadata) -> Option<FileStamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            meta.is_file().then(|| FileStamp {
                len: meta.len(),
                modified: (meta.mtime(), meta.mtime_nsec()),
                changed: (meta.ctime(), meta.ctime_nsec()),
                device: meta.dev(),
                inode: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// The stamp of the file at `path` now (symbolic links followed, as reading does).
    pub fn read(path: &Path) -> Option<FileStamp> {
        FileStamp::of(&std::fs::metadata(path).ok()?)
    }
}

/// What [`load_site_unread`] finds of each Markdown file under `content/`, in path order: its
/// name (relative to content/), where it is, and its stamp now.
pub type UnreadFiles = Vec<(String, PathBuf, Option<FileStamp>)>;

/// Reads `site.toml` and parses it, checking its `theme` against the themes the site has.
pub fn load_config(root: &Path, base_url_override: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
    let path = root.join(config::CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        vec![match e.kind() {
            // no file to point at: the message names the folder, `--root` and `dossier init`
            ErrorKind::NotFound => config::no_site_here(root),
            ErrorKind::InvalidData => {
                Diagnostic::error("site.toml is not UTF-8 text").code(Code::NotUtf8).in_file(config::CONFIG_FILE)
            }
            _ => Diagnostic::error(format!("cannot read site.toml: {e}"))
                .code(Code::Unreadable)
                .in_file(config::CONFIG_FILE),
        }]
    })?;
    let mut translations = theme_i18n_files(root);
    translations.extend(i18n_files(root));
    config::parse(&text, base_url_override, &themes_found(root), &translations)
}

/// The catalogues the site's themes ship, `themes/<name>/i18n/<lang>.toml`, sorted: the
/// configuration keeps those of the theme it chooses (`i18n::files_for_theme`). One that cannot
/// be read is read as empty, as the site's own are.
fn theme_i18n_files(root: &Path) -> Vec<crate::i18n::I18nFile> {
    let mut files = Vec::new();
    for theme in themes_found(root) {
        let folder = Path::new(THEMES_DIR).join(&theme);
        for file in i18n_files(&root.join(&folder)) {
            files.push(crate::i18n::I18nFile { path: format!("{THEMES_DIR}/{theme}/{}", file.path), text: file.text });
        }
    }
    files
}

/// The site's translation files, `i18n/<lang>.toml`, sorted (`src/i18n/`). One that cannot be
/// read is read as empty: a language missing strings is reported by the catalogue.
fn i18n_files(root: &Path) -> Vec<crate::i18n::I18nFile> {
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root.join("i18n")) {
        for entry in entries.flatten() {
            if let Some(name) = entry.file_name().to_str()
                && name.ends_with(".toml")
                && !name.starts_with('.')
            {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                files.push(crate::i18n::I18nFile { path: format!("i18n/{name}"), text });
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The themes a site can choose: the built-in `default` and each folder under `themes/`, sorted.
fn themes_found(root: &Path) -> Vec<String> {
    let mut themes = vec![theme::DEFAULT_THEME.to_string()];
    if let Ok(entries) = std::fs::read_dir(root.join(THEMES_DIR)) {
        for entry in entries.flatten() {
            if let Some(name) = entry.file_name().to_str()
                && !name.starts_with('.')
                && entry.path().is_dir()
            {
                themes.push(name.to_string());
            }
        }
    }
    themes.sort();
    themes.dedup();
    themes
}

/// Reads the content tree, the templates and the list of static files. Files that cannot be read
/// are left out and reported, so that the other files are still checked in the same run.
pub fn load_site(root: &Path, config: Config) -> (LoadedSite, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let walked = walk_content(root, &mut diagnostics);
    let bundles = bundle_files(root, walked.as_deref().unwrap_or_default(), &mut diagnostics);
    let (read, (unreadable, read_errors)) = read_walked_content(root, walked);
    diagnostics.extend(read_errors);
    let (content, stamps) = read.into_iter().unzip();
    let templates = read_templates(root, &config.theme, &mut diagnostics);
    let mut static_files = list_static_only(root, &config.theme, &mut diagnostics);
    static_files.extend(bundles);
    measure_images(&mut static_files);
    (LoadedSite { config, content, templates, static_files, unreadable, stamps }, diagnostics)
}

/// The Markdown files under `content/`, not read: each one's name, where it is and its stamp
/// now, in path order; and the walk, for [`load_site_unread`]. A rebuild of an unchanged site
/// tells it from the stamps (`pipeline::run_unchanged`), without reading 80 MB at 10,000
/// explainers.
pub fn unread_content(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> (Option<Vec<(PathBuf, String)>>, UnreadFiles) {
    let walked = walk_content(root, diagnostics);
    let unread: UnreadFiles = walked
        .as_deref()
        .unwrap_or_default()
        .par_iter()
        .with_max_len(crate::ITEMS_PER_JOB)
        .filter(|(_, rel)| rel.ends_with(".md"))
        .map(|(path, rel)| (rel.clone(), path.clone(), FileStamp::read(path)))
        .collect();
    (walked, unread)
}

/// [`load_site`] after [`unread_content`], which gave `walked`: everything but the text of the
/// content files (`content`, `unreadable` and `stamps` are empty).
pub fn load_site_unread(
    root: &Path,
    config: Config,
    walked: Option<Vec<(PathBuf, String)>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> LoadedSite {
    let bundles = bundle_files(root, walked.as_deref().unwrap_or_default(), diagnostics);
    let templates = read_templates(root, &config.theme, diagnostics);
    let mut static_files = list_static_only(root, &config.theme, diagnostics);
    static_files.extend(bundles);
    measure_images(&mut static_files);
    LoadedSite { config, content: Vec::new(), templates, static_files, unreadable: Vec::new(), stamps: Vec::new() }
}

/// `a/b/c` from a path below `base`, or a diagnostic when the name is not UTF-8.
fn relative_name(base: &Path, path: &Path, shown_prefix: &str) -> Result<String, Diagnostic> {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let mut parts = Vec::new();
    for part in rel.components() {
        match part.as_os_str().to_str() {
            Some(p) => parts.push(p),
            None => {
                return Err(Diagnostic::error(format!(
                    "file name is not UTF-8: {shown_prefix}/{}",
                    rel.to_string_lossy()
                ))
                .code(Code::NotUtf8));
            }
        }
    }
    Ok(parts.join("/"))
}

/// Whether `path`, symbolic links resolved, is inside the site folder `root`.
fn inside(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        _ => false,
    }
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_str().is_some_and(|n| n.starts_with('.'))
}

/// Walks `dir`, following symlinks but not loops, skipping hidden files. Returns (path, relative
/// name), in path order: each folder's entries by name, a subfolder's files where the subfolder is.
fn walk_files(dir: &Path, shown_prefix: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<(PathBuf, String)> {
    walk_files_but(dir, shown_prefix, is_hidden, diagnostics)
}

/// [`walk_files`], skipping the entries (and the folders' contents) `skipped` names.
fn walk_files_but(
    dir: &Path,
    shown_prefix: &str,
    skipped: impl Fn(&walkdir::DirEntry) -> bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir).follow_links(true).into_iter();
    for entry in walker.filter_entry(|e| !skipped(e)) {
        match entry {
            Ok(entry) if entry.file_type().is_file() => match relative_name(dir, entry.path(), shown_prefix) {
                Ok(rel) => files.push((entry.into_path(), rel)),
                Err(d) => diagnostics.push(d),
            },
            Ok(_) => {}
            Err(e) if e.loop_ancestor().is_some() => {
                let shown =
                    e.path().map(|p| relative_name(dir, p, shown_prefix).unwrap_or_default()).unwrap_or_default();
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "skipped a symbolic link that loops back to a parent folder: {shown_prefix}/{shown}"
                    ))
                    .code(Code::SymlinkLoop),
                );
            }
            Err(e) if e.io_error().is_some_and(|io| io.kind() == ErrorKind::NotFound) => {
                // removed while we walked, or a dangling symlink: nothing to read
            }
            Err(e) => {
                let shown =
                    e.path().map(|p| relative_name(dir, p, shown_prefix).unwrap_or_default()).unwrap_or_default();
                diagnostics
                    .push(Diagnostic::error(format!("cannot read {shown_prefix}/{shown}: {e}")).code(Code::Unreadable));
            }
        }
    }
    // in path order: folder by folder, names byte by byte. Sorted here rather than by the walk,
    // which takes both names out of their paths at every comparison (10 ms at 10,000 files);
    // by each path's bytes with `/` as the smallest (a name never holds a NUL), which is the same
    // order, and compares with `memcmp` instead of splitting both paths at every comparison.
    files.sort_by_cached_key(|(_, rel)| rel.bytes().map(|b| if b == b'/' { 0 } else { b }).collect::<Vec<u8>>());
    files
}

/// Reads every Markdown file under `content/`, in path order.
pub fn read_content(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<ContentFile> {
    read_content_and_failures(root, diagnostics).0
}

/// [`read_content`], and the files that could not be read (relative to content/).
pub fn read_content_and_failures(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> (Vec<ContentFile>, Vec<String>) {
    let walked = walk_content(root, diagnostics);
    let (content, unreadable) = read_walked_content(root, walked);
    diagnostics.extend(unreadable.1);
    (content.into_iter().map(|(file, _)| file).collect(), unreadable.0)
}

/// Every file under `content/` (Markdown and the files of bundles), in path order; `None`, with
/// an error, when the site has no `content/` folder.
fn walk_content(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<Vec<(PathBuf, String)>> {
    let dir = root.join(CONTENT_DIR);
    if !dir.is_dir() {
        // an empty site would replace the previous output: a missing folder is a mistake
        diagnostics.push(
            Diagnostic::error(format!("the site has no {CONTENT_DIR}/ folder: there is nothing to build"))
                .code(Code::NoContent)
                .with_help(
                    "explainers go in content/articles/, actors in content/actors/, topics in content/topics/; \
             `dossier new article \"Title\"` creates the first one",
                ),
        );
        return None;
    }
    Some(walk_files(&dir, CONTENT_DIR, diagnostics))
}

/// A content file read, with its stamp as it was opened.
pub type Stamped = (ContentFile, Option<FileStamp>);

/// Reads the Markdown files of a walk of `content/`: the files, and those that could not be read
/// (relative to content/) with their errors.
fn read_walked_content(
    root: &Path,
    walked: Option<Vec<(PathBuf, String)>>,
) -> (Vec<Stamped>, (Vec<String>, Vec<Diagnostic>)) {
    let mut diagnostics = Vec::new();
    let files: Vec<(PathBuf, String)> =
        walked.unwrap_or_default().into_iter().filter(|(_, rel)| rel.ends_with(".md")).collect();
    let read: Vec<(String, Result<Option<Stamped>, Diagnostic>)> = files
        .into_par_iter()
        .with_max_len(crate::ITEMS_PER_JOB)
        .map(|(_, rel)| {
            let read = read_content_file_stamped(root, &rel);
            (rel, read)
        })
        .collect();
    let mut content = Vec::with_capacity(read.len());
    let mut unreadable = Vec::new();
    for (rel, r) in read {
        match r {
            Ok(Some(file)) => content.push(file),
            Ok(None) => {}
            Err(d) => {
                diagnostics.push(d);
                unreadable.push(rel);
            }
        }
    }
    (content, (unreadable, diagnostics))
}

/// The name of the Markdown file that makes its folder a page bundle.
pub const BUNDLE_INDEX: &str = "index.md";

/// The files of page bundles in a walk of `content/`: every file that is not Markdown in a
/// folder holding an `index.md` (or below it, in a folder of its own), to be copied next to the
/// bundle's page. Its output path is the page's (the folders slugified, as explainers' paths
/// are) and its path within the bundle. One pass over the walk: cheap.
fn bundle_files(root: &Path, walked: &[(PathBuf, String)], diagnostics: &mut Vec<Diagnostic>) -> Vec<StaticFile> {
    let bundles: std::collections::BTreeSet<&str> = walked
        .iter()
        .filter_map(|(_, rel)| rel.strip_suffix(BUNDLE_INDEX).and_then(|dir| dir.strip_suffix('/')))
        // explainers only: actors and topics are named by their files
        .filter(|dir| !dir.is_empty() && crate::parse::classify(dir) == crate::parse::ContentKind::Explainer)
        .collect();
    if bundles.is_empty() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for (path, rel) in walked {
        if rel.ends_with(".md") || rel.split('/').any(left_out_of_static) {
            continue;
        }
        // the nearest folder above the file that is a bundle
        let Some(bundle) = rel.match_indices('/').rev().map(|(at, _)| &rel[..at]).find(|dir| bundles.contains(dir))
        else {
            continue;
        };
        let origin = format!("{CONTENT_DIR}/{rel}");
        if !inside(root, path) {
            diagnostics.push(
                Diagnostic::warning(format!("skipped {origin}: it is a symbolic link to a file outside the site"))
                    .code(Code::OutsideSite),
            );
            continue;
        }
        // folders without letters or digits give no page (its explainer reports it)
        let Some(page) = bundle.split('/').map(crate::slug::Slug::from_text).collect::<Option<Vec<_>>>() else {
            continue;
        };
        let mut output_path = page.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("/");
        output_path.push_str(&rel[bundle.len()..]);
        files.push(StaticFile {
            output_path,
            origin,
            source: StaticSource::Disk(path.clone()),
            bundle: Some(rel.clone()),
            dimensions: None,
        });
    }
    files
}

/// Reads one content file (`rel` is relative to content/); `Ok(None)` when it is gone.
pub fn read_content_file(root: &Path, rel: &str) -> Result<Option<ContentFile>, Diagnostic> {
    read_content_file_stamped(root, rel).map(|read| read.map(|(file, _)| file))
}

/// [`read_content_file`], with the file's stamp as it was opened (before it was read: a change
/// while it is read shows in its next stamp).
pub fn read_content_file_stamped(root: &Path, rel: &str) -> Result<Option<Stamped>, Diagnostic> {
    let shown = format!("{CONTENT_DIR}/{rel}");
    match read_at_most(&root.join(CONTENT_DIR).join(rel), MAX_CONTENT_FILE_BYTES) {
        Ok(None) => Err(Diagnostic::error(format!(
            "file is larger than {} MiB, the most a content file may be; split it into several explainers",
            MAX_CONTENT_FILE_BYTES >> 20
        ))
        .code(Code::FileTooLarge)
        .in_file(&shown)),
        Ok(Some((bytes, stamp))) => match String::from_utf8(bytes) {
            Ok(text) => {
                let (text, control_character) = blank_control_characters(text);
                Ok(Some((ContentFile { path: shown, rel: rel.to_string(), text, control_character }, stamp)))
            }
            Err(e) => Err(Diagnostic::error(format!(
                "file is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ))
            .code(Code::NotUtf8)
            .in_file(&shown)),
        },
        Err(e) if e.kind() == ErrorKind::NotFound || e.kind() == ErrorKind::IsADirectory => Ok(None),
        Err(e) => Err(Diagnostic::error(format!("cannot read file: {e}")).code(Code::Unreadable).in_file(&shown)),
    }
}

/// The largest content file read: far beyond any article (a long book is a few MiB), and small
/// enough that offsets in its HTML fit in 32 bits even where Markdown expands most.
pub const MAX_CONTENT_FILE_BYTES: u64 = 64 << 20;

/// The bytes of the file at `path` and its stamp as opened, or `None` when it has more than
/// `limit` (without reading it).
fn read_at_most(path: &Path, limit: u64) -> std::io::Result<Option<(Vec<u8>, Option<FileStamp>)>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let len = meta.len();
    if len > limit {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // a file that grew since: read one byte past the limit to notice
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some((bytes, FileStamp::of(&meta))))
}

fn read_text_file(path: &Path, shown: &str) -> Result<String, Diagnostic> {
    std::fs::read(path)
        .map_err(|e| Diagnostic::error(format!("cannot read file: {e}")).code(Code::Unreadable).in_file(shown))
        .and_then(|bytes| {
            String::from_utf8(bytes)
                .map_err(|_| Diagnostic::error("file is not UTF-8 text").code(Code::NotUtf8).in_file(shown))
        })
}

/// Reads the theme's templates, then the site's overrides.
pub fn read_templates(root: &Path, theme_name: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<TemplateFile> {
    let mut by_name = std::collections::BTreeMap::new();
    let theme_dir = root.join(THEMES_DIR).join(theme_name);
    let theme_prefix = format!("{THEMES_DIR}/{theme_name}/{TEMPLATES_DIR}");
    if theme_dir.is_dir() {
        for (path, name) in walk_files(&theme_dir.join(TEMPLATES_DIR), &theme_prefix, diagnostics) {
            let origin = format!("{theme_prefix}/{name}");
            match read_text_file(&path, &origin) {
                Ok(text) => {
                    by_name.insert(name.clone(), TemplateFile { name, origin, text });
                }
                Err(d) => diagnostics.push(d),
            }
        }
    } else if theme_name == theme::DEFAULT_THEME {
        for (name, text) in theme::embedded_templates() {
            let origin = format!("{theme_prefix}/{name} (built in)");
            by_name.insert(name.to_string(), TemplateFile { name: name.to_string(), origin, text: text.to_string() });
        }
    } else {
        // `load_config` checked the theme; its folder went away since (`serve`)
        diagnostics.push(
            Diagnostic::error(format!(
                "theme `{theme_name}` not found: there is no folder {THEMES_DIR}/{theme_name}/ any more"
            ))
            .code(Code::Theme),
        );
    }
    let overrides = root.join(TEMPLATES_DIR);
    if overrides.is_dir() {
        for (path, name) in walk_files(&overrides, TEMPLATES_DIR, diagnostics) {
            let origin = format!("{TEMPLATES_DIR}/{name}");
            match read_text_file(&path, &origin) {
                Ok(text) => {
                    by_name.insert(name.clone(), TemplateFile { name, origin, text });
                }
                Err(d) => diagnostics.push(d),
            }
        }
    }
    by_name.into_values().collect()
}

/// The files copied as they are: [`list_static_only`], then the files of page bundles under
/// `content/` (what walking `content/` reports is left to the reading of content files, which
/// walks it too, so that it is reported once).
pub fn list_static(root: &Path, theme_name: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<StaticFile> {
    let mut files = list_static_only(root, theme_name, diagnostics);
    let walked = walk_content(root, &mut Vec::new());
    files.extend(bundle_files(root, walked.as_deref().unwrap_or_default(), &mut Vec::new()));
    measure_images(&mut files);
    files
}

/// Whether a file name is that of an image `<img>` can show and [`measure_images`] measures.
pub fn is_image(name: &str) -> bool {
    let Some((_, extension)) = name.rsplit_once('.') else { return false };
    ["png", "jpg", "jpeg", "gif", "webp", "avif", "svg"].iter().any(|e| extension.eq_ignore_ascii_case(e))
}

/// Reads the width and height of every image among `files` from its header (the first bytes:
/// nothing is decoded), in parallel. Other files, and images whose header says nothing
/// readable, are left without.
fn measure_images(files: &mut [StaticFile]) {
    files.par_iter_mut().with_max_len(crate::ITEMS_PER_JOB).filter(|f| is_image(&f.output_path)).for_each(|file| {
        let svg = file.output_path.rsplit_once('.').is_some_and(|(_, e)| e.eq_ignore_ascii_case("svg"));
        file.dimensions = match (&file.source, svg) {
            (StaticSource::Disk(path), true) => svg_head(path).as_deref().and_then(svg_dimensions),
            (StaticSource::Embedded(bytes), true) => svg_dimensions(&bytes[..bytes.len().min(SVG_HEAD)]),
            (StaticSource::Disk(path), false) => imagesize::size(path).ok().and_then(pixels),
            (StaticSource::Embedded(bytes), false) => imagesize::blob_size(bytes).ok().and_then(pixels),
        };
    });
}

fn pixels(size: imagesize::ImageSize) -> Option<(u32, u32)> {
    Some((u32::try_from(size.width).ok()?, u32::try_from(size.height).ok()?))
}

/// How much of an SVG file is read to find its `<svg …>` tag.
const SVG_HEAD: usize = 4096;

fn svg_head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(SVG_HEAD);
    std::fs::File::open(path).ok()?.take(SVG_HEAD as u64).read_to_end(&mut head).ok()?;
    Some(head)
}

/// The size an SVG declares on its root element: `width` and `height` in pixels (plain numbers or
/// `px`), else its `viewBox`'s. `None` for relative sizes (`100%`, `em`) or no `<svg` tag in `head`.
pub fn svg_dimensions(head: &[u8]) -> Option<(u32, u32)> {
    let text = String::from_utf8_lossy(head);
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attribute = |name: &str| -> Option<&str> {
        let mut rest = tag;
        while let Some(at) = rest.find(name) {
            let before = rest[..at].chars().next_back();
            let after = rest[at + name.len()..].trim_start();
            rest = &rest[at + name.len()..];
            if before.is_some_and(char::is_whitespace)
                && let Some(value) = after.strip_prefix('=')
            {
                let value = value.trim_start();
                let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'')?;
                return value[1..].split(quote).next();
            }
        }
        None
    };
    let px = |value: &str| -> Option<u32> {
        let number: f64 = value.trim().strip_suffix("px").unwrap_or(value.trim()).trim().parse().ok()?;
        (number.is_finite() && number > 0.0 && number < f64::from(u32::MAX)).then(|| number.round() as u32)
    };
    if let (Some(w), Some(h)) = (attribute("width").and_then(px), attribute("height").and_then(px)) {
        return Some((w, h));
    }
    let view_box: Vec<&str> =
        attribute("viewBox")?.split(|c: char| c.is_whitespace() || c == ',').filter(|p| !p.is_empty()).collect();
    match view_box[..] {
        [_, _, w, h] => Some((px(w)?, px(h)?)),
        _ => None,
    }
}

/// Lists the theme's static files, then the site's (which win). Dotfiles are copied too
/// (`.well-known/`, `.nojekyll`, `.htaccess`); only what [`left_out_of_static`] names is not.
pub fn list_static_only(root: &Path, theme_name: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<StaticFile> {
    let mut by_path = std::collections::BTreeMap::new();
    let theme_dir = root.join(THEMES_DIR).join(theme_name);
    let add_folder = |dir: &Path,
                      prefix: &str,
                      by_path: &mut std::collections::BTreeMap<String, StaticFile>,
                      diagnostics: &mut Vec<Diagnostic>| {
        for (path, rel) in walk_static(dir, prefix, diagnostics) {
            let origin = format!("{prefix}/{rel}");
            if !inside(root, &path) {
                diagnostics.push(
                    Diagnostic::warning(format!("skipped {origin}: it is a symbolic link to a file outside the site"))
                        .code(Code::OutsideSite),
                );
                continue;
            }
            by_path.insert(
                rel.clone(),
                StaticFile {
                    output_path: rel,
                    origin,
                    source: StaticSource::Disk(path),
                    bundle: None,
                    dimensions: None,
                },
            );
        }
    };
    if theme_dir.is_dir() {
        let dir = theme_dir.join(STATIC_DIR);
        if dir.is_dir() {
            add_folder(&dir, &format!("{THEMES_DIR}/{theme_name}/{STATIC_DIR}"), &mut by_path, diagnostics);
        }
    } else if theme_name == theme::DEFAULT_THEME {
        for (rel, bytes) in theme::embedded_static() {
            let origin = format!("{THEMES_DIR}/{theme_name}/{STATIC_DIR}/{rel} (built in)");
            by_path.insert(
                rel.to_string(),
                StaticFile {
                    output_path: rel.to_string(),
                    origin,
                    source: StaticSource::Embedded(bytes),
                    bundle: None,
                    dimensions: None,
                },
            );
        }
    }
    let site_static = root.join(STATIC_DIR);
    if site_static.is_dir() {
        add_folder(&site_static, STATIC_DIR, &mut by_path, diagnostics);
    }
    by_path.into_values().collect()
}

/// Whether a file or folder of `static/` is left out of the output: version control (`.git`),
/// the Finder's folder settings (`.DS_Store`), and editors' swap, backup and lock files (`*.swp`,
/// `*.swo`, `*~`, `.#*`). Everything else is copied, dotfiles included.
pub fn left_out_of_static(name: &str) -> bool {
    name == ".git"
        || name == ".DS_Store"
        || name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with('~')
        || name.starts_with(".#")
}

/// The `robots.txt` a site supplies in its static files, if any: the build then writes no
/// robots.txt of its own.
pub fn supplied_robots(static_files: &[StaticFile]) -> Option<&StaticFile> {
    static_files.iter().find(|f| f.output_path == "robots.txt")
}

/// Walks a static folder as [`walk_files`] walks the others (symbolic links followed, loops
/// reported, path order), but keeps dotfiles: only [`left_out_of_static`] entries are skipped.
fn walk_static(dir: &Path, shown_prefix: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<(PathBuf, String)> {
    let left_out = |e: &walkdir::DirEntry| e.depth() > 0 && e.file_name().to_str().is_some_and(left_out_of_static);
    walk_files_but(dir, shown_prefix, left_out, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_spaces_in_place() {
        let (text, first) = blank_control_characters("a\u{1a}b\u{85}c\td\u{a0}é\u{7}".to_string());
        assert_eq!(text, "a b  c\td\u{a0}é ");
        assert_eq!(first, Some(1));
        assert_eq!(blank_control_characters("plain\n\ttext «»".to_string()), ("plain\n\ttext «»".to_string(), None));
    }

    #[test]
    fn svg_sizes_from_attributes_or_view_box() {
        let size = |svg: &str| svg_dimensions(svg.as_bytes());
        assert_eq!(size(r#"<?xml version="1.0"?><svg xmlns="x" width="120" height="80.4px">"#), Some((120, 80)));
        assert_eq!(size(r#"<svg viewBox="0 0 300 150" stroke-width="2">"#), Some((300, 150)));
        assert_eq!(size(r#"<svg width='100%' height='50%' viewBox="0,0,40,30">"#), Some((40, 30)));
        assert_eq!(size(r#"<svg width="100%">"#), None);
        assert_eq!(size("<svg width=\"1e400\" height=\"2\">"), None);
        assert_eq!(size("not an svg"), None);
        assert!(is_image("a/B.PNG") && is_image("m.svg") && !is_image("figures.csv") && !is_image("png"));
    }

    #[test]
    fn bundle_files_are_those_beside_an_explainers_index() {
        let tmp = tempfile::tempdir().unwrap();
        for name in [
            "content/articles/Lima Map/index.md",
            "content/articles/Lima Map/map.png",
            "content/articles/Lima Map/data/t.csv",
            "content/articles/Lima Map/data/x.md",
            "content/articles/Lima Map/map.png~",
            "content/articles/loose.png",
            "content/actors/xi/index.md",
            "content/actors/xi/photo.jpg",
            "content/index.md",
        ] {
            let path = tmp.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let mut diagnostics = Vec::new();
        let walked = walk_content(tmp.path(), &mut diagnostics).unwrap();
        let files = bundle_files(tmp.path(), &walked, &mut diagnostics);
        let listed: Vec<(&str, &str)> =
            files.iter().map(|f| (f.output_path.as_str(), f.bundle.as_deref().unwrap())).collect();
        assert_eq!(
            listed,
            [
                ("articles/lima-map/data/t.csv", "articles/Lima Map/data/t.csv"),
                ("articles/lima-map/map.png", "articles/Lima Map/map.png"),
            ]
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn files_past_the_limit_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(read_at_most(&path, 10).unwrap().unwrap().0, b"0123456789");
        assert_eq!(read_at_most(&path, 9).unwrap(), None);
    }

    #[test]
    fn walked_files_come_in_the_order_of_a_walk_sorted_folder_by_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let names = [
            "a.md",
            "a-c.md",
            "a/b.md",
            "a/z/y.md",
            "a/a.md",
            "ab/x.md",
            "B.md",
            "b.md",
            "é.md",
            "e/f.md",
            "zz.md",
            "z/a.md",
            "a b.md",
            "a_b.md",
            "0.md",
            "a/.hidden.md",
        ];
        for name in names {
            let path = tmp.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let mut diagnostics = Vec::new();
        let walked: Vec<String> =
            walk_files(tmp.path(), "content", &mut diagnostics).into_iter().map(|(_, r)| r).collect();
        let sorted_walk: Vec<String> = walkdir::WalkDir::new(tmp.path())
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !is_hidden(e))
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| relative_name(tmp.path(), e.path(), "content").unwrap())
            .collect();
        assert!(diagnostics.is_empty());
        assert_eq!(walked.len(), names.len() - 1, "the hidden file is skipped");
        assert_eq!(walked, sorted_walk);
    }
}
