//! The parse of every content file, kept in `<site>/.dossier-cache/parse.bin` between builds, so
//! that a rebuild parses only the files whose bytes changed: the others' front matter, body (its
//! HTML, links, headings, word bag…) and diagnostics come from the cache, exactly as the parse
//! made them.
//!
//! Each file's parse is keyed by its version (a hash of its path, its text and where its first
//! control character was: `pipeline::Persist`'s, the one page fingerprints use), and the whole
//! file by a [`key`] of everything else the parse reads: dossier's version and executable, and
//! [`ParseOptions`] (whether words are counted, the raw HTML policy and `base_url`'s path, the
//! ids the templates write, the cap on a body's HTML). A file whose key differs is not used at
//! all; an entry whose version differs is parsed again.
//!
//! The text a body borrows from its file (link destinations, runs of text) is written as a place
//! in the file's text, which the entry's version vouches for, and borrowed from the file again
//! when it is read back: a cached body holds no more copies than a parsed one. Whatever is read
//! is checked before it is used (the header's hash, then each entry's layout and the body's
//! indexes): a file that fails is ignored with a warning, an entry that fails is parsed again.
//!
//! The file is written under a temporary name and renamed, like `build.bin`, and only when some
//! entry changed: a rebuild in which nothing changed writes nothing.

use super::codec;
use crate::diagnostics::{Code, Diagnostic};
use crate::frontmatter::{ActorMeta, ExplainerMeta, HomeMeta, SectionMeta, TopicMeta};
use crate::load::ContentFile;
use crate::markdown::ParsedBody;
use crate::parse::{
    self, FileResult, ParseOptions, ParsedExplainer, ParsedFile, ParsedHome, ParsedProfile, ParsedSection,
};
use crate::slug::Slug;
use pulldown_cmark::CowStr;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use xxhash_rust::xxh3::Xxh3Default;

/// The file, in the cache folder.
pub const FILE: &str = "parse.bin";
/// The first bytes of the file.
pub const MAGIC: &[u8; 8] = b"dossierP";
/// The layout of the file and of an entry: changed whenever either changes.
pub const FORMAT: u32 = 2;

/// The key of the parses of a build: dossier's version (and executable), and the options every
/// file is parsed with. See the module's documentation.
pub fn key(options: &ParseOptions) -> u64 {
    key_of(&super::version(), options, crate::markdown::max_body_html())
}

/// [`key`], for the dossier of `version`, with `max_html` as the cap on a body's HTML.
pub fn key_of(version: &str, options: &ParseOptions, max_html: usize) -> u64 {
    let mut h = Xxh3Default::new();
    (version, options.count_words, format!("{:?}", options.raw_html), max_html).hash(&mut h);
    // the sets of ids, each sorted: their iteration order is not part of what they are
    let ids = &options.template_ids;
    for set in [&ids.explainer, &ids.actor, &ids.topic, &ids.home, &ids.section] {
        let mut sorted: Vec<&String> = set.iter().collect();
        sorted.sort_unstable();
        sorted.hash(&mut h);
    }
    h.finish()
}

/// A text a body holds: a place in its file's text (what it borrows), or its own.
#[derive(Serialize)]
enum TextRef<'a> {
    InFile(u32, u32),
    Own(&'a str),
}

/// [`TextRef`], read back: the same layout.
#[derive(Deserialize)]
enum TextOwned {
    InFile(u32, u32),
    Own(String),
}

/// A parsed file as written: the same variants, in the same order, as [`FileOwned`].
#[derive(Serialize)]
enum FileRef<'a> {
    Explainer(&'a ExplainerMeta, &'a ParsedBody<'a>),
    Actor(&'a str, &'a ActorMeta, &'a ParsedBody<'a>),
    Topic(&'a str, &'a TopicMeta, &'a ParsedBody<'a>),
    Section(&'a SectionMeta, &'a ParsedBody<'a>),
    Home(&'a HomeMeta, &'a ParsedBody<'a>),
}

/// A parsed file as read back, without its file (which the build has read again). Made once per
/// file and moved into place at once: the size of its variants does not matter.
#[derive(Deserialize)]
#[allow(clippy::large_enum_variant)]
enum FileOwned {
    Explainer(ExplainerMeta, ParsedBody<'static>),
    Actor(#[serde(with = "codec::slug")] Slug, ActorMeta, ParsedBody<'static>),
    Topic(#[serde(with = "codec::slug")] Slug, TopicMeta, ParsedBody<'static>),
    Section(SectionMeta, ParsedBody<'static>),
    Home(HomeMeta, ParsedBody<'static>),
}

/// The text of `text` as written: its place in `file` when it borrows from it.
fn text_ref<'a>(file: &str, text: &'a CowStr<'_>) -> TextRef<'a> {
    if let CowStr::Borrowed(s) = text {
        let offset = (s.as_ptr() as usize).wrapping_sub(file.as_ptr() as usize);
        if offset <= file.len() && s.len() <= file.len() - offset {
            return TextRef::InFile(offset as u32, s.len() as u32);
        }
    }
    TextRef::Own(text)
}

/// The body of a parsed file.
fn body_of<'a, 's>(parsed: &'a ParsedFile<'s>) -> &'a ParsedBody<'s> {
    match parsed {
        ParsedFile::Explainer(e) => &e.body,
        ParsedFile::Actor(a) => &a.body,
        ParsedFile::Topic(t) => &t.body,
        ParsedFile::Section(s) => &s.body,
        ParsedFile::Home(h) => &h.body,
    }
}

/// The bytes of the entry of `file`, parsed into `result`.
pub fn encode_file(file: &ContentFile, result: &FileResult<'_>) -> Vec<u8> {
    let (parsed, diagnostics) = result;
    let form = parsed.as_ref().map(|parsed| match parsed {
        ParsedFile::Explainer(e) => FileRef::Explainer(&e.meta, &e.body),
        ParsedFile::Actor(a) => FileRef::Actor(a.slug.as_str(), &a.meta, &a.body),
        ParsedFile::Topic(t) => FileRef::Topic(t.slug.as_str(), &t.meta, &t.body),
        ParsedFile::Section(s) => FileRef::Section(&s.meta, &s.body),
        ParsedFile::Home(h) => FileRef::Home(&h.meta, &h.body),
    });
    let body = parsed.as_ref().map(body_of);
    let links: Vec<TextRef<'_>> =
        body.map(|b| b.links.iter().map(|l| text_ref(&file.text, &l.dest)).collect()).unwrap_or_default();
    let runs: Vec<TextRef<'_>> =
        body.map(|b| b.text_runs.iter().map(|r| text_ref(&file.text, &r.text)).collect()).unwrap_or_default();
    postcard::to_allocvec(&(form, diagnostics, links, runs))
        .expect("a Vec takes every write, and every field serializes")
}

/// The parse of `file` from the bytes of its entry: what [`encode_file`] was given, borrowing
/// from `file` as the parse did. Any bytes: an entry that does not hold together is an error.
pub fn decode_file<'s>(file: &'s ContentFile, bytes: &[u8]) -> Result<FileResult<'s>, String> {
    type Entry = (Option<FileOwned>, Vec<Diagnostic>, Vec<TextOwned>, Vec<TextOwned>);
    let ((form, diagnostics, links, runs), left) =
        postcard::take_from_bytes::<Entry>(bytes).map_err(|e| format!("an entry cannot be read: {e}"))?;
    if !left.is_empty() {
        return Err("an entry has bytes after its contents".to_string());
    }
    let Some(form) = form else {
        return if links.is_empty() && runs.is_empty() {
            Ok((None, diagnostics))
        } else {
            Err("a file that did not parse has a body".to_string())
        };
    };
    let text = |t: TextOwned| -> Result<CowStr<'s>, String> {
        match t {
            TextOwned::InFile(at, len) => file
                .text
                .get(at as usize..at as usize + len as usize)
                .map(CowStr::Borrowed)
                .ok_or_else(|| "a text outside its file".to_string()),
            TextOwned::Own(s) => Ok(CowStr::from(s)),
        }
    };
    let body = |mut body: ParsedBody<'s>| -> Result<Arc<ParsedBody<'s>>, String> {
        if body.links.len() != links.len() || body.text_runs.len() != runs.len() {
            return Err("a body's texts do not match it".to_string());
        }
        for (link, dest) in body.links.iter_mut().zip(links) {
            link.dest = text(dest)?;
        }
        for (run, t) in body.text_runs.iter_mut().zip(runs) {
            run.text = text(t)?;
        }
        body.check_whole().map_err(|why| format!("a body does not hold together: {why}"))?;
        Ok(Arc::new(body))
    };
    let parsed = match form {
        FileOwned::Explainer(meta, b) => {
            ParsedFile::Explainer(ParsedExplainer { file, meta: Arc::new(meta), body: body(b)? })
        }
        FileOwned::Actor(slug, meta, b) => ParsedFile::Actor(ParsedProfile { file, slug, meta, body: body(b)? }),
        FileOwned::Topic(slug, meta, b) => ParsedFile::Topic(ParsedProfile { file, slug, meta, body: body(b)? }),
        FileOwned::Section(meta, b) => {
            let folder = parse::section_folder(&file.rel);
            ParsedFile::Section(ParsedSection { file, folder, meta, body: body(b)? })
        }
        FileOwned::Home(meta, b) => ParsedFile::Home(ParsedHome { file, meta, body: body(b)? }),
    };
    Ok((Some(parsed), diagnostics))
}

/// The file (relative to content/) → its version and where its entry is in the cache's bytes.
type Entries = FxHashMap<String, (u64, Range<usize>)>;

/// The parses a cache file holds: its bytes, and where each file's entry is in them.
#[derive(Debug)]
pub struct Previous {
    bytes: Vec<u8>,
    key: u64,
    entries: Entries,
}

/// Reads bytes in order, checking every length.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, len: usize) -> Result<Range<usize>, String> {
        let end = self.at.checked_add(len).filter(|&end| end <= self.bytes.len()).ok_or("it is cut short")?;
        let range = self.at..end;
        self.at = end;
        Ok(range)
    }

    /// A little-endian number of `len` bytes (at most 8).
    fn word(&mut self, len: usize) -> Result<u64, String> {
        let range = self.take(len)?;
        let mut b = [0u8; 8];
        b[..len].copy_from_slice(&self.bytes[range]);
        Ok(u64::from_le_bytes(b))
    }
}

/// Reads the layout of the contents of a parse file (after its header), checking every length:
/// the key, the number of entries, and each entry's path, version and bytes.
fn index(bytes: &[u8], start: usize) -> Result<(u64, Entries), String> {
    let mut r = Reader { bytes, at: start };
    let key = r.word(8)?;
    let count = r.word(8)?;
    let mut entries = FxHashMap::default();
    entries.reserve((count as usize).min(bytes.len() / 16));
    for _ in 0..count {
        let len = r.word(4)? as usize;
        let path = r.take(len)?;
        let path = std::str::from_utf8(&bytes[path]).map_err(|_| "a path is not UTF-8")?.to_string();
        let version = r.word(8)?;
        let len = r.word(4)? as usize;
        let range = r.take(len)?;
        entries.insert(path, (version, range));
    }
    if r.at != bytes.len() {
        return Err("it has bytes after its entries".to_string());
    }
    Ok((key, entries))
}

/// An entry of the file to write: a file's path, its version, and its bytes, new or where they
/// are in the file read.
#[derive(Debug)]
enum Blob {
    Kept(Range<usize>),
    New(Vec<u8>),
}

/// Gives `out` the contents of a parse file (after its header), piece by piece: see [`index`].
/// The entries kept are borrowed from `previous`, the file read.
fn each_piece(
    key: u64,
    entries: &[(String, u64, Blob)],
    previous: &[u8],
    out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    out(&key.to_le_bytes())?;
    out(&(entries.len() as u64).to_le_bytes())?;
    for (path, version, blob) in entries {
        let bytes = match blob {
            Blob::Kept(r) => &previous[r.clone()],
            Blob::New(v) => &v[..],
        };
        out(&(path.len() as u32).to_le_bytes())?;
        out(path.as_bytes())?;
        out(&version.to_le_bytes())?;
        out(&(bytes.len() as u32).to_le_bytes())?;
        out(bytes)?;
    }
    Ok(())
}

/// The contents of a parse file (after its header), in one piece: for tests and the fuzz target
/// (a build writes them piece by piece, [`write_file`]).
fn contents(key: u64, entries: &[(String, u64, Blob)], previous: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut push = |piece: &[u8]| {
        out.extend_from_slice(piece);
        Ok(())
    };
    each_piece(key, entries, previous, &mut push).expect("a Vec takes every write");
    out
}

/// Writes a parse file of `entries` to `temporary`, without putting it together in memory
/// first: the contents are hashed piece by piece for the header, then written piece by piece
/// after it (at 10,000 explainers, two copies of 58 MB less at the end of a first build).
fn write_file(temporary: &Path, key: u64, entries: &[(String, u64, Blob)], previous: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let (mut hasher, mut len) = (Xxh3Default::new(), 0u64);
    let mut hash = |piece: &[u8]| {
        hasher.update(piece);
        len += piece.len() as u64;
        Ok(())
    };
    each_piece(key, entries, previous, &mut hash)?;
    let header = super::header_of(MAGIC, FORMAT, &super::version(), len, hasher.digest());
    let mut file = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(temporary)?);
    file.write_all(&header)?;
    each_piece(key, entries, previous, &mut |piece| file.write_all(piece))?;
    file.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    Ok(())
}

/// The parse cache of one `build`: the file read (if any), and the writing of the new one.
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    /// The key the file's header is followed by, when the header is this dossier's and the
    /// file as long as it says: the contents are read (and their hash checked) only when a file
    /// is parsed ([`Cache::parse`]). A rebuild that parses nothing reads 52 bytes of it.
    key_read: Option<u64>,
    /// The new file, written in the background under a temporary name while the build goes
    /// on: that name, and whether it was written.
    writing: Option<JoinHandle<(PathBuf, std::io::Result<()>)>>,
}

/// The warning for a parse cache at `path` that is not used, for `why`.
fn ignored(path: &Path, why: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::warning(format!("the parse cache {} is ignored: {why}; this build parses every file", path.display()))
        .code(Code::BuildCache)
        .with_help("the cache is rebuilt by this build; the folder is safe to delete at any time")
}

/// The contents of the parse file `bytes` written by the dossier of `version`, or why they are
/// not used.
pub fn decode_as(bytes: Vec<u8>, version: &str) -> Result<Previous, super::Unusable> {
    let start = super::check_header(MAGIC, FORMAT, &bytes, version)?;
    let (key, entries) = index(&bytes, start).map_err(super::Unusable::Damaged)?;
    Ok(Previous { bytes, key, entries })
}

/// The bytes of a parse file of these entries (path, version, entry bytes), for tests and the
/// fuzz target.
pub fn encode_as(version: &str, key: u64, entries: &[(&str, u64, Vec<u8>)]) -> Vec<u8> {
    let entries: Vec<(String, u64, Blob)> =
        entries.iter().map(|(p, v, b)| (p.to_string(), *v, Blob::New(b.clone()))).collect();
    super::header(MAGIC, FORMAT, version, &contents(key, &entries, &[]))
}

impl Previous {
    /// The entries, as (path, version, bytes), in the order of their paths.
    pub fn entries(&self) -> Vec<(&str, u64, &[u8])> {
        let mut entries: Vec<_> =
            self.entries.iter().map(|(p, (v, r))| (p.as_str(), *v, &self.bytes[r.clone()])).collect();
        entries.sort_unstable_by_key(|e| e.0);
        entries
    }

    pub fn key(&self) -> u64 {
        self.key
    }
}

/// The key of the parse file at `path` written by the dossier of `version`, from its header and
/// length alone (`None` when there is no file), or why it is not used.
fn read_key(path: &Path, version: &str) -> Result<Option<u64>, super::Unusable> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(super::Unusable::Damaged(e.to_string())),
    };
    let len = file.metadata().map_err(|e| super::Unusable::Damaged(e.to_string()))?.len();
    let mut head = [0u8; super::HEADER + 8];
    let mut got = 0;
    while got < head.len() {
        match file.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(super::Unusable::Damaged(e.to_string())),
        }
    }
    let contents_len = len.saturating_sub(super::HEADER as u64);
    super::check_header_only(MAGIC, FORMAT, &head[..got], contents_len, version)?;
    let key = head
        .get(super::HEADER..)
        .filter(|k| k.len() == 8)
        .ok_or_else(|| super::Unusable::Damaged("it is cut short".to_string()))?;
    Ok(Some(u64::from_le_bytes(key.try_into().expect("8 bytes"))))
}

impl Cache {
    /// The parse cache of the site at `root` whose cache folder is `cache_dir`, its header read:
    /// a file that cannot be used is a warning, and none is nothing. The contents are read when
    /// a file is parsed ([`Cache::parse`]), and checked then.
    pub fn read(root: &Path, cache_dir: &str) -> (Cache, Option<Diagnostic>) {
        let path = root.join(cache_dir).join(FILE);
        let (key_read, warning) = match read_key(&path, &super::version()) {
            Ok(key) => (key, None),
            Err(super::Unusable::OtherBuild) => (None, None),
            Err(super::Unusable::OtherRelease) => {
                (None, Some(ignored(&path, "it was written by another version of dossier")))
            }
            Err(super::Unusable::Damaged(why)) => (None, Some(ignored(&path, why))),
        };
        (Cache { path, key_read, writing: None }, warning)
    }

    /// Whether the file read holds parses made under `key` (it may then stand for them): by
    /// its header and key alone, its contents not read.
    pub fn has_key(&self, key: u64) -> bool {
        self.key_read == Some(key)
    }

    /// The contents of the file, read and checked, when its header said they are this
    /// dossier's under `key`: or the warning why they are not used.
    fn read_contents(&mut self, key: u64) -> (Option<Previous>, Option<Diagnostic>) {
        if self.key_read.take() != Some(key) {
            return (None, None);
        }
        match std::fs::read(&self.path) {
            Ok(bytes) => match decode_as(bytes, &super::version()) {
                Ok(previous) => (Some(previous), None),
                Err(super::Unusable::OtherBuild) => (None, None),
                Err(super::Unusable::OtherRelease) => {
                    (None, Some(ignored(&self.path, "it was written by another version of dossier")))
                }
                Err(super::Unusable::Damaged(why)) => (None, Some(ignored(&self.path, why))),
            },
            Err(e) => (None, Some(ignored(&self.path, e))),
        }
    }

    /// Parses `files` (in path order) with `options`, taking from the cache the parse of every
    /// file whose version (`version_of`) is the one recorded under the same key; then writes
    /// the new cache, in the background, when any entry changed. An entry that cannot be read
    /// back is parsed again, with a warning.
    pub fn parse<'s>(
        &mut self,
        files: &[&'s ContentFile],
        version_of: impl Fn(&ContentFile) -> u64 + Sync,
        options: &ParseOptions,
    ) -> (Vec<FileResult<'s>>, Vec<Diagnostic>) {
        let key = key(options);
        let (previous, unusable) = self.read_contents(key);
        let previous = previous.filter(|p| p.key == key);
        let done: Vec<(FileResult<'s>, u64, Blob, Option<String>)> = files
            .par_iter()
            .with_max_len(crate::ITEMS_PER_JOB)
            .map(|&file| {
                let version = version_of(file);
                let kept = previous.as_ref().and_then(|p| p.entries.get(&file.rel)).filter(|(v, _)| *v == version);
                let mut failed = None;
                if let Some((_, range)) = kept {
                    let bytes = &previous.as_ref().map_or(&[][..], |p| &p.bytes[..])[range.clone()];
                    match decode_file(file, bytes) {
                        Ok(result) => return (result, version, Blob::Kept(range.clone()), None),
                        Err(why) => failed = Some(why),
                    }
                }
                let result = parse::parse_file(file, options);
                let bytes = encode_file(file, &result);
                (result, version, Blob::New(bytes), failed)
            })
            .collect();
        let mut warnings: Vec<Diagnostic> = unusable.into_iter().collect();
        let failed: Vec<&String> = done.iter().filter_map(|d| d.3.as_ref()).collect();
        if let Some(why) = failed.first() {
            let d = Diagnostic::warning(format!(
                "the parse cache {} is ignored for {} file(s): {why}; they are parsed again",
                self.path.display(),
                failed.len()
            ));
            warnings.push(d.code(Code::BuildCache).with_help("the folder is safe to delete at any time"));
        }
        let changed = previous.as_ref().is_none_or(|p| p.entries.len() != files.len())
            || done.iter().any(|d| matches!(d.2, Blob::New(_)));
        let mut results = Vec::with_capacity(done.len());
        let mut entries = Vec::with_capacity(done.len());
        for ((result, version, blob, _), file) in done.into_iter().zip(files) {
            results.push(result);
            entries.push((file.rel.clone(), version, blob));
        }
        if changed {
            let old = previous.map(|p| p.bytes).unwrap_or_default();
            let path = self.path.clone();
            self.writing = Some(std::thread::spawn(move || match super::temporary_for(&path) {
                Ok(temporary) => {
                    let written = write_file(&temporary, key, &entries, &old);
                    (temporary, written)
                }
                Err(e) => (path, Err(e)),
            }));
        }
        (results, warnings)
    }

    /// Puts the new cache in place when `write` (the build succeeded: a failed build leaves the
    /// old one), once it is written: renamed over the old one, so that a reader sees one whole
    /// file or the other. A warning if it cannot be. Nothing to do when no entry changed.
    pub fn finish(self, write: bool) -> Option<Diagnostic> {
        let (temporary, written) = self.writing?.join().ok()?;
        let cannot = |e: std::io::Error| {
            Some(
                Diagnostic::warning(format!("cannot write the parse cache {}: {e}", self.path.display()))
                    .code(Code::BuildCache)
                    .with_help("the next build parses every file"),
            )
        };
        let renamed = written.and_then(|()| if write { std::fs::rename(&temporary, &self.path) } else { Ok(()) });
        if temporary != self.path && (!write || renamed.is_err()) {
            let _ = std::fs::remove_file(&temporary);
        }
        match renamed {
            Err(e) if write => cannot(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RawHtml;

    fn file(rel: &str, text: &str) -> ContentFile {
        ContentFile {
            path: format!("content/{rel}"),
            rel: rel.to_string(),
            text: text.to_string(),
            control_character: None,
        }
    }

    const CHIPS: &str = "---\ntitle: The chip rules\ndate: 2025-01-02\nextra:\n  desk: [trade, 2]\n---\n\n\
        [He Lifeng](actor:he-lifeng) met *officials* in [Geneva](https://example.org/geneva \"x\").\n\n\
        ## Three tiers\n\nCountries are sorted in three tiers.[^1]\n\n[^1]: A note.\n\n\
        ```unconverted\n{{< note >}}\n```\n";

    /// The parse of a file and its parse read back from its entry, as text: every field.
    fn parsed_and_read_back(file: &ContentFile) -> (String, String) {
        let options = ParseOptions::default();
        let parsed = parse::parse_file(file, &options);
        let read = decode_file(file, &encode_file(file, &parsed)).unwrap();
        (format!("{parsed:?}"), format!("{read:?}"))
    }

    #[test]
    fn a_parse_reads_back_as_it_was_made_for_every_kind_of_file() {
        for (rel, text) in [
            ("articles/chips.md", CHIPS),
            ("actors/he-lifeng.md", "---\nname: He Lifeng\nkind: person\n---\n\nVice premier.\n"),
            ("topics/trade.md", "---\ntitle: Trade\nsummary: Tariffs.\n---\n\nSee [chips](../articles/chips.md).\n"),
            ("articles/asia/_index.md", "---\ntitle: Asia\n---\n\nThe region.\n"),
            ("index.md", "---\ntitle: Home\n---\n\nWelcome.\n"),
            ("articles/broken.md", "---\ntitle: [unclosed\n---\n\nText.\n"),
        ] {
            let (parsed, read) = parsed_and_read_back(&file(rel, text));
            assert_eq!(parsed, read, "{rel}");
        }
    }

    #[test]
    fn a_body_read_back_borrows_its_text_from_its_file() {
        let file = file("articles/chips.md", CHIPS);
        let parsed = parse::parse_file(&file, &ParseOptions::default());
        let (Some(ParsedFile::Explainer(read)), diagnostics) =
            decode_file(&file, &encode_file(&file, &parsed)).unwrap()
        else {
            panic!("an explainer")
        };
        // the unconverted shortcode's warning is kept with the parse
        assert!(diagnostics.iter().any(|d| d.code == Code::UnconvertedShortcode), "{diagnostics:?}");
        let inside = |s: &str| {
            file.text.as_ptr() as usize <= s.as_ptr() as usize
                && s.as_ptr() as usize + s.len() <= file.text.as_ptr() as usize + file.text.len()
        };
        assert!(read.body.text_runs.iter().any(|r| matches!(r.text, CowStr::Borrowed(s) if inside(s))));
        assert!(read.body.links.iter().all(|l| matches!(l.dest, CowStr::Borrowed(s) if inside(s))));
    }

    #[test]
    fn an_entry_that_does_not_hold_together_is_refused() {
        let file = file("articles/chips.md", CHIPS);
        let bytes = encode_file(&file, &parse::parse_file(&file, &ParseOptions::default()));
        for len in 0..bytes.len() {
            assert!(decode_file(&file, &bytes[..len]).is_err(), "cut to {len}");
        }
        // every byte changed: refused or read, never a panic
        for at in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[at] = changed[at].wrapping_add(0x41);
            let _ = decode_file(&file, &changed);
        }
        // a text past the end of a shorter file
        let shorter = self::file("articles/chips.md", &CHIPS[..40]);
        assert!(decode_file(&shorter, &bytes).is_err());
    }

    #[test]
    fn the_key_changes_with_everything_the_parse_reads() {
        let options = ParseOptions::default;
        let base = key_of("dossier 1 a", &options(), 100);
        assert_eq!(base, key_of("dossier 1 a", &options(), 100));
        assert_ne!(base, key_of("dossier 1 b", &options(), 100), "the executable");
        assert_ne!(base, key_of("dossier 1 a", &options(), 99), "the cap on a body's HTML");
        let changes: [fn(&mut ParseOptions); 5] = [
            |o| o.count_words = !o.count_words,
            |o| o.raw_html.mode = RawHtml::Trusted,
            |o| o.raw_html.base_path = "/sub/".into(),
            |o| o.raw_html.embed_hosts.push("player.vimeo.com".into()),
            |o| _ = o.template_ids.explainer.insert("sources".into()),
        ];
        for change in changes {
            let mut changed = options();
            change(&mut changed);
            assert_ne!(base, key_of("dossier 1 a", &changed, 100), "{changed:?}");
        }
        // the same ids, inserted in another order
        let (mut a, mut b) = (options(), options());
        for id in ["x", "y", "z", "w"] {
            a.template_ids.actor.insert(id.into());
        }
        for id in ["w", "z", "y", "x"] {
            b.template_ids.actor.insert(id.into());
        }
        assert_eq!(key_of("v", &a, 1), key_of("v", &b, 1));
    }

    /// A cache in a folder of its own, for one test.
    fn cache_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dossier-parses-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn title(result: &FileResult<'_>) -> String {
        match &result.0 {
            Some(ParsedFile::Explainer(e)) => e.meta.title.clone(),
            other => panic!("{other:?}"),
        }
    }

    fn explainer(title: &str) -> String {
        format!("---\ntitle: {title}\ndate: 2025-01-02\n---\n\nText about {title}.\n")
    }

    /// Each file's version is given by the test: what the cache keys entries by.
    #[test]
    fn an_entry_is_used_only_for_the_version_and_key_it_was_made_for() {
        let dir = cache_dir("rules");
        let (a, b) = (file("articles/a.md", &explainer("Alpha")), file("articles/b.md", &explainer("Beta")));
        let files = [&a, &b];
        let options = ParseOptions::default();
        let versions = |va: u64| move |f: &ContentFile| if f.rel == "articles/a.md" { va } else { 2 };
        // a first build parses both and writes them
        let (mut cache, warning) = Cache::read(&dir, "cache");
        assert!(warning.is_none());
        let (results, _) = cache.parse(&files, versions(1), &options);
        assert_eq!(results.iter().map(title).collect::<Vec<_>>(), ["Alpha", "Beta"]);
        assert!(cache.finish(true).is_none());
        // poison the cache: a's entry holds b's parse, under a's version
        let bytes = std::fs::read(dir.join("cache").join(FILE)).unwrap();
        let previous = decode_as(bytes, &super::super::version()).unwrap();
        let entries = previous.entries();
        let poisoned: Vec<(&str, u64, Vec<u8>)> =
            vec![("articles/a.md", 1, entries[1].2.to_vec()), ("articles/b.md", 2, entries[1].2.to_vec())];
        let write = |key: u64| {
            std::fs::write(dir.join("cache").join(FILE), encode_as(&super::super::version(), key, &poisoned)).unwrap();
        };
        write(previous.key());
        // the same version: taken from the cache (hence b's title), and nothing written
        let (mut cache, _) = Cache::read(&dir, "cache");
        let (results, _) = cache.parse(&files, versions(1), &options);
        assert_eq!(title(&results[0]), "Beta", "taken from the cache");
        assert!(cache.writing.is_none(), "nothing changed, nothing written");
        // another version (the file's bytes changed, or changed back): parsed again
        let (mut cache, _) = Cache::read(&dir, "cache");
        let (results, _) = cache.parse(&files, versions(3), &options);
        assert_eq!(title(&results[0]), "Alpha");
        assert!(cache.finish(true).is_none());
        // another key (another dossier, other options): every file parsed again
        write(previous.key() ^ 1);
        let (mut cache, _) = Cache::read(&dir, "cache");
        let (results, _) = cache.parse(&files, versions(1), &options);
        assert_eq!(title(&results[0]), "Alpha");
        assert!(cache.finish(true).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_entry_that_cannot_be_read_is_parsed_again_with_a_warning() {
        let dir = cache_dir("entry");
        let a = file("articles/a.md", &explainer("Alpha"));
        let options = ParseOptions::default();
        let garbage: Vec<(&str, u64, Vec<u8>)> = vec![("articles/a.md", 1, vec![0xff; 9])];
        std::fs::create_dir_all(dir.join("cache")).unwrap();
        std::fs::write(dir.join("cache").join(FILE), encode_as(&super::super::version(), key(&options), &garbage))
            .unwrap();
        let (mut cache, warning) = Cache::read(&dir, "cache");
        assert!(warning.is_none());
        let (results, warnings) = cache.parse(&[&a], |_| 1, &options);
        assert_eq!(title(&results[0]), "Alpha");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code, Code::BuildCache);
        assert!(cache.finish(true).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_a_warning_and_another_build_s_nothing() {
        let version = super::super::version();
        let good = encode_as(&version, 7, &[("articles/a.md", 1, vec![1, 2, 3])]);
        let read = decode_as(good.clone(), &version).unwrap();
        assert_eq!(read.entries(), vec![("articles/a.md", 1, &[1u8, 2, 3][..])]);
        for len in 0..good.len() {
            assert!(decode_as(good[..len].to_vec(), &version).is_err(), "cut to {len}");
        }
        let other = encode_as("dossier 0.0.1 x", 7, &[]);
        assert!(matches!(decode_as(other, &version), Err(super::super::Unusable::OtherRelease)));
        let rebuilt = encode_as(&format!("dossier {} another", env!("CARGO_PKG_VERSION")), 7, &[]);
        assert!(matches!(decode_as(rebuilt, &version), Err(super::super::Unusable::OtherBuild)));
        // a build.bin is not a parse.bin
        let pages = super::super::with_header(&version, b"");
        assert!(matches!(decode_as(pages, &version), Err(super::super::Unusable::Damaged(_))));
    }
}
