//! The build cache `dossier build` keeps between runs, in `<site>/.dossier-cache/build.bin`: the
//! fingerprint, the hash of the bytes and the ids of every page the last successful build wrote,
//! under a key of everything else a page depends on.
//!
//! A rebuild reads every file again and assembles the site; a page whose fingerprint
//! (`serve/fingerprint.rs`, the same as `serve`'s) is the one recorded is not rendered: the
//! output keeps the bytes recorded for it (`Sink::keep`), and its ids answer `#anchor` links.
//!
//! What a page depends on besides its fingerprint is in the [`Key`]: dossier's version (and the
//! executable's identity, so that a rebuilt binary of the same version never trusts an older
//! one's pages), the configuration, the templates, the static files and the build's options. A
//! key that is not this build's drops every page. The file is checked before it is trusted (its
//! magic, format, length and a hash of its contents); one that fails any check is ignored with a
//! warning ([`Code::BuildCache`]), never fatal: the build renders every page, as without a cache.
//! It is written under a temporary name and renamed, so two builds at once leave one whole file.
//! The folder is safe to delete at any time.

pub mod codec;
pub mod files;
pub mod parses;

use crate::assemble::{Derived, Schedule};
use crate::diagnostics::{Code, Diagnostic};
use crate::load::{StaticFile, StaticSource, TemplateFile};
use crate::page_ids::RenderedIds;
use crate::publish::Redirect;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::{Xxh3Default, xxh3_64};

/// The cache file, in the cache folder (`[images] cache_dir`, `.dossier-cache` by default).
pub const FILE: &str = "build.bin";

/// The first bytes of a cache file.
const MAGIC: &[u8; 8] = b"dossierB";
/// The layout of [`Stored`]: changed whenever a field of it changes.
const FORMAT: u32 = 4;
/// Magic, format, hash of the release (`dossier 0.1.0`), hash of the whole version (of
/// [`Key::version`]: the release and the executable's identity), length of the contents, hash of
/// the contents. The versions are in the header so that the cache of another dossier is dropped
/// before its contents are decoded: another version may lay them out otherwise.
const HEADER: usize = 8 + 4 + 8 + 8 + 8 + 8;

/// Why a cache file is not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// Damaged, truncated, or not a dossier build cache: the reason.
    Damaged(String),
    /// Written by another release of dossier: dropped, with a warning.
    OtherRelease,
    /// Written by another build of this release (a dossier compiled again): dropped without a
    /// word, as every build of dossier's own tests does.
    OtherBuild,
}

/// Everything a page depends on that its fingerprint does not hash, each part hashed on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// dossier's version, and the identity of its executable.
    pub version: String,
    /// The configuration, as the build read it (with `--base-url` applied).
    pub config: u64,
    /// The template files: names and text.
    pub templates: u64,
    /// The static files: output paths, origins, bundles, image sizes (a fingerprinted asset's
    /// bytes are in its output path).
    pub static_files: u64,
    /// `--drafts`, `--future` and the build's day.
    pub options: u64,
}

/// A page as the last successful build left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRecord {
    /// The output file (`articles/x/index.html`).
    pub path: String,
    pub fingerprint: u64,
    /// The hash of its bytes, as the output's manifest records it (`output::manifest::hash`).
    pub hash: u128,
    /// The ids on the page, for `#anchor` links to it.
    pub ids: Vec<String>,
}

/// The contents of the cache file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    pub key: Key,
    /// The whole site: the key, and the path and text of every content file. The search index is
    /// made of nothing else.
    pub site: u64,
    /// By path.
    pub pages: Vec<PageRecord>,
    /// The files of the search index (output file, hash of the bytes), by path.
    pub search: Vec<(String, u128)>,
    /// What assembly derived from the text (annotations, related explainers, co-actors), each
    /// under the hash of what it was derived from: used whatever the key (`build` checks each).
    pub derived: Derived,
    /// What the build reported besides its pages.
    pub outcome: Outcome,
    /// The content files read, with their stamps and versions: a rebuild tells an unchanged
    /// file by its stamp (`files`).
    pub files: files::Files,
}

/// What a successful build reported besides its pages: all a build of the very same site (the
/// same key, the same files: `site`) needs to say the same without parsing, assembling or
/// rendering anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// How many pages the site has.
    pub pages: usize,
    /// The warnings found after loading the files (parse, assembly, pages), but the cache's own:
    /// loading is done again by every build, and says its own.
    pub warnings: Vec<Diagnostic>,
    /// Explainers scheduled and expired, and the next day the output changes (as days of the
    /// common era).
    schedule: (usize, usize, Option<i32>),
    /// The aliases of explainers: (from, to).
    redirects: Vec<(String, String)>,
}

impl Outcome {
    pub fn new(pages: usize, warnings: Vec<Diagnostic>, schedule: &Schedule, redirects: &[Redirect]) -> Outcome {
        use chrono::Datelike;
        Outcome {
            pages,
            warnings,
            schedule: (schedule.scheduled, schedule.expired, schedule.next_change.map(|d| d.num_days_from_ce())),
            redirects: redirects.iter().map(|r| (r.from.clone(), r.to.clone())).collect(),
        }
    }

    /// The schedule, unless its day is out of range (a damaged cache).
    pub fn schedule(&self) -> Option<Schedule> {
        let (scheduled, expired, day) = self.schedule;
        let next_change = match day {
            Some(day) => Some(chrono::NaiveDate::from_num_days_from_ce_opt(day)?),
            None => None,
        };
        Some(Schedule { scheduled, expired, next_change })
    }

    pub fn redirects(&self) -> Vec<Redirect> {
        self.redirects.iter().map(|(from, to)| Redirect { from: from.clone(), to: to.clone() }).collect()
    }
}

/// The pages of a cache whose key is this build's, for lookups.
#[derive(Debug, Default)]
pub struct Pages {
    /// Output file → (fingerprint, hash of the bytes).
    pub pages: FxHashMap<String, (u64, u128)>,
    pub ids: RenderedIds,
    pub site: u64,
    pub search: Vec<(String, u128)>,
    pub outcome: Outcome,
}

/// The folder of the search index's files in the output.
const SEARCH_FILES: &str = "search/index/";

impl Stored {
    /// The pages, when the cache was made under `key`; none otherwise (everything could differ).
    pub fn pages_for(self, key: &Key) -> Option<Pages> {
        if self.key != *key {
            return None;
        }
        let mut pages = Pages { site: self.site, search: self.search, outcome: self.outcome, ..Pages::default() };
        pages.pages.reserve(self.pages.len());
        pages.ids.reserve(self.pages.len());
        for PageRecord { path, fingerprint, hash, ids } in self.pages {
            pages.pages.insert(path.clone(), (fingerprint, hash));
            pages.ids.insert(path, ids);
        }
        Some(pages)
    }
}

/// What a successful run knows of its pages, to record once they are written: the key, and the
/// fingerprint and ids of every page.
#[derive(Debug)]
pub struct Now {
    pub key: Key,
    pub site: u64,
    pub fingerprints: Vec<(String, u64)>,
    pub ids: RenderedIds,
    pub derived: Derived,
    pub outcome: Outcome,
    pub files: files::Files,
}

impl Now {
    /// The cache to store, given the hash of the bytes of each page as written (`hashes`). A page
    /// without one (its file's times are too coarse for the manifest to vouch for it) is left
    /// out: the next build renders it.
    pub fn record(mut self, hashes: &FxHashMap<String, u128>) -> Stored {
        let mut pages: Vec<PageRecord> = self
            .fingerprints
            .into_iter()
            .filter_map(|(path, fingerprint)| {
                let hash = *hashes.get(&path)?;
                let ids = self.ids.remove(&path).unwrap_or_default();
                Some(PageRecord { path, fingerprint, hash, ids })
            })
            .collect();
        pages.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        let mut search: Vec<(String, u128)> = hashes
            .iter()
            .filter(|(path, _)| path.starts_with(SEARCH_FILES) && path.ends_with(".json"))
            .map(|(path, &hash)| (path.clone(), hash))
            .collect();
        search.sort_unstable();
        Stored {
            key: self.key,
            site: self.site,
            pages,
            search,
            derived: self.derived,
            outcome: self.outcome,
            files: self.files,
        }
    }
}

/// The key of a build: see [`Key`]. `config` is the configuration's `Debug` text (every field,
/// as `serve` hashes it); `options` the build's options that are not in it.
pub fn key(config: &str, templates: &[TemplateFile], static_files: &[StaticFile], options: impl Hash) -> Key {
    let hash = |f: &dyn Fn(&mut Xxh3Default)| {
        let mut h = Xxh3Default::new();
        f(&mut h);
        h.finish()
    };
    Key {
        version: version(),
        config: xxh3_64(config.as_bytes()),
        templates: hash(&|h| {
            templates.len().hash(h);
            for t in templates {
                (&t.name, &t.origin, &t.text).hash(h);
            }
        }),
        static_files: hash(&|h| {
            static_files.len().hash(h);
            for f in static_files {
                (&f.output_path, &f.origin, &f.bundle, f.dimensions).hash(h);
                match &f.source {
                    StaticSource::Disk(path) => (0u8, path).hash(h),
                    // the theme's, compiled in: the executable's identity stands for them
                    StaticSource::Embedded(_) => 1u8.hash(h),
                }
            }
        }),
        options: hash(&|h| options.hash(h)),
    }
}

/// dossier's version, and the length and modification time of the running executable: a
/// dossier built again (same version, other code) does not trust the pages of the one before.
pub(crate) fn version() -> String {
    let exe = std::env::current_exe().and_then(std::fs::metadata);
    let identity = match exe.as_ref().map(|m| (m.len(), m.modified())) {
        Ok((len, Ok(time))) => {
            let since = time.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            format!("{len}-{}.{}", since.as_secs(), since.subsec_nanos())
        }
        // nothing to tell two executables apart: no cache is trusted
        _ => format!("unknown-{}", std::process::id()),
    };
    format!("dossier {} {identity}", env!("CARGO_PKG_VERSION"))
}

/// The release in a version string: `dossier 0.1.0` of `dossier 0.1.0 <identity>`.
fn release_of(version: &str) -> &str {
    let end = version.match_indices(' ').nth(1).map_or(version.len(), |(i, _)| i);
    &version[..end]
}

/// The cache file of the site at `root` whose cache folder is `cache_dir`.
pub fn path(root: &Path, cache_dir: &str) -> PathBuf {
    root.join(cache_dir).join(FILE)
}

/// The bytes of a cache file holding `stored`.
pub fn encode(stored: &Stored) -> Vec<u8> {
    let contents = postcard::to_allocvec(stored).expect("a Vec takes every write, and every field serializes");
    with_header(&stored.key.version, &contents)
}

/// A cache file of these contents, written by the dossier of `version`: the header (magic,
/// format, version, length, hash) before them.
pub fn with_header(version: &str, contents: &[u8]) -> Vec<u8> {
    header(MAGIC, FORMAT, version, contents)
}

/// A cache file (`build.bin`, `parse.bin`) of these contents: its header (`magic`, `format`,
/// the release and version that wrote it, the contents' length and hash) before them.
fn header(magic: &[u8; 8], format: u32, version: &str, contents: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER + contents.len());
    bytes.extend_from_slice(&header_of(magic, format, version, contents.len() as u64, xxh3_64(contents)));
    bytes.extend_from_slice(contents);
    bytes
}

/// The header alone (see [`header`]), of contents of `len` bytes whose hash is `sum`: for a file
/// written piece by piece.
fn header_of(magic: &[u8; 8], format: u32, version: &str, len: u64, sum: u64) -> [u8; HEADER] {
    let mut bytes = [0u8; HEADER];
    let fields: [&[u8]; 6] = [
        magic,
        &format.to_le_bytes(),
        &xxh3_64(release_of(version).as_bytes()).to_le_bytes(),
        &xxh3_64(version.as_bytes()).to_le_bytes(),
        &len.to_le_bytes(),
        &sum.to_le_bytes(),
    ];
    let mut at = 0;
    for field in fields {
        bytes[at..at + field.len()].copy_from_slice(field);
        at += field.len();
    }
    bytes
}

/// Checks the header of a cache file alone (see [`header`]), written with `magic` in `format`
/// for the dossier of `version`, whose contents are `contents_len` bytes long: everything but
/// the hash of the contents, which are not read. Returns that hash, or why the file is not used.
/// A build that only needs to know what a file holds (the key after the header) reads no more.
fn check_header_only(
    magic: &[u8; 8],
    format: u32,
    header: &[u8],
    contents_len: u64,
    version: &str,
) -> Result<u64, Unusable> {
    let damaged = Unusable::Damaged;
    let header = header.get(..HEADER).ok_or_else(|| damaged("it is shorter than its header".to_string()))?;
    let (found, rest) = header.split_at(8);
    if found != magic {
        return Err(damaged("it is not a dossier build cache".to_string()));
    }
    let word = |at: usize, len: usize| -> u64 {
        let mut b = [0u8; 8];
        b[..len].copy_from_slice(&rest[at..at + len]);
        u64::from_le_bytes(b)
    };
    let written = word(0, 4);
    if written != u64::from(format) {
        return Err(damaged(format!("it is of another format ({written}, this dossier writes {format})")));
    }
    let (release, written_by, len, sum) = (word(4, 8), word(12, 8), word(20, 8), word(28, 8));
    if contents_len != len {
        return Err(damaged(format!("it is {contents_len} bytes long where its header says {len} (truncated?)")));
    }
    if release != xxh3_64(release_of(version).as_bytes()) {
        return Err(Unusable::OtherRelease);
    }
    if written_by != xxh3_64(version.as_bytes()) {
        return Err(Unusable::OtherBuild);
    }
    Ok(sum)
}

/// Checks the header of a cache file (see [`header`]) written with `magic` in `format` for the
/// dossier of `version`, then the hash of its contents: where its contents start, or why it is
/// not used.
fn check_header(magic: &[u8; 8], format: u32, bytes: &[u8], version: &str) -> Result<usize, Unusable> {
    let contents_len = bytes.len().saturating_sub(HEADER) as u64;
    let sum = check_header_only(magic, format, bytes, contents_len, version)?;
    if xxh3_64(&bytes[HEADER..]) != sum {
        return Err(Unusable::Damaged("its contents do not match their hash (damaged)".to_string()));
    }
    Ok(HEADER)
}

/// The contents of a cache file written by this dossier, or why it is not used. Any bytes at
/// all: nothing is trusted before it is checked (the `build_cache` fuzz target holds it to that).
pub fn decode(bytes: &[u8]) -> Result<Stored, Unusable> {
    decode_as(bytes, &version())
}

/// [`decode`], for the dossier of `version`.
pub fn decode_as(bytes: &[u8], version: &str) -> Result<Stored, Unusable> {
    let contents = &bytes[check_header(MAGIC, FORMAT, bytes, version)?..];
    let (stored, left) = postcard::take_from_bytes::<Stored>(contents)
        .map_err(|e| Unusable::Damaged(format!("it cannot be read: {e}")))?;
    if !left.is_empty() {
        return Err(Unusable::Damaged("it has bytes after its contents".to_string()));
    }
    if stored.key.version != version {
        return Err(Unusable::OtherBuild);
    }
    Ok(stored)
}

/// The warning for a cache file at `path` that is not used, for `why`.
fn ignored(path: &Path, why: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::warning(format!("the build cache {} is ignored: {why}; this build renders every page", path.display()))
        .code(Code::BuildCache)
        .with_help("the cache is rebuilt by this build; the folder is safe to delete at any time")
}

/// Reads the cache file at `path`: nothing when there is none, a warning when it cannot be used.
pub fn read(path: &Path) -> (Option<Stored>, Option<Diagnostic>) {
    match std::fs::read(path) {
        Ok(bytes) => match decode(&bytes) {
            Ok(stored) => (Some(stored), None),
            Err(Unusable::OtherBuild) => (None, None),
            Err(Unusable::OtherRelease) => (None, Some(ignored(path, "it was written by another version of dossier"))),
            Err(Unusable::Damaged(why)) => (None, Some(ignored(path, why))),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, None),
        Err(e) => (None, Some(ignored(path, e))),
    }
}

/// Writes `stored` to `path` (see [`write_bytes`]). A failure is a warning: the next build
/// renders every page.
pub fn write(path: &Path, stored: &Stored) -> Option<Diagnostic> {
    write_bytes(path, &encode(stored), "the build cache", "the next build renders every page")
}

/// Writes the cache file `bytes` (`what`: "the build cache") to `path`: under a temporary name
/// beside it, renamed over it, so that a reader (or another build writing at the same time) sees
/// one whole file or the other. A failure is a warning, whose help says what it costs.
fn write_bytes(path: &Path, bytes: &[u8], what: &str, costs: &str) -> Option<Diagnostic> {
    let cannot = |e: std::io::Error| {
        Some(
            Diagnostic::warning(format!("cannot write {what} {}: {e}", path.display()))
                .code(Code::BuildCache)
                .with_help(costs),
        )
    };
    let temporary = match temporary_for(path) {
        Ok(temporary) => temporary,
        Err(e) => return cannot(e),
    };
    if let Err(e) = std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path)) {
        let _ = std::fs::remove_file(&temporary);
        return cannot(e);
    }
    None
}

/// A name beside `path` for the file that will replace it, unique to this process and moment;
/// its folder is made if need be.
fn temporary_for(path: &Path) -> std::io::Result<PathBuf> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}-{stamp}.tmp", std::process::id()));
    Ok(PathBuf::from(temporary))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> Stored {
        let key = key("config", &[], &[], (false, false, "2026-12-07"));
        let pages = vec![
            PageRecord { path: "a/index.html".into(), fingerprint: 1, hash: 2, ids: vec!["x".into()] },
            PageRecord { path: "b/index.html".into(), fingerprint: 3, hash: 4, ids: vec![] },
        ];
        let search = vec![("search/index/meta.json".into(), 5)];
        let files = files::Files::default();
        Stored { key, site: 7, pages, search, derived: Derived::default(), outcome: Outcome::default(), files }
    }

    #[test]
    fn a_cache_reads_back_as_written() {
        let bytes = encode(&stored());
        assert_eq!(decode(&bytes).unwrap(), stored());
    }

    #[test]
    fn a_cache_of_another_version_is_not_decoded() {
        let mut other = stored();
        other.key.version = "dossier 0.0.1".into();
        assert_eq!(decode(&encode(&other)), Err(Unusable::OtherRelease));
        // contents another version laid out otherwise are not read as this version's
        let bytes = with_header("dossier 0.0.1 x", b"\x05other layout");
        assert_eq!(decode(&bytes), Err(Unusable::OtherRelease));
        let rebuilt = format!("dossier {} another-build", env!("CARGO_PKG_VERSION"));
        assert_eq!(decode(&with_header(&rebuilt, b"\x05other layout")), Err(Unusable::OtherBuild));
        assert_eq!(release_of("dossier 1.2.3 9-1.2"), "dossier 1.2.3");
    }

    #[test]
    fn every_truncation_and_every_flipped_byte_is_refused() {
        let bytes = encode(&stored());
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "truncated to {len}");
        }
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x40;
            assert!(decode(&damaged).is_err(), "byte {at} flipped");
        }
    }

    #[test]
    fn another_format_is_refused_by_its_header() {
        let mut bytes = encode(&stored());
        bytes[8] = bytes[8].wrapping_add(1);
        assert!(matches!(decode(&bytes), Err(Unusable::Damaged(why)) if why.contains("another format")));
    }

    #[test]
    fn pages_are_only_given_under_the_same_key() {
        let s = stored();
        let pages = s.clone().pages_for(&s.key).unwrap();
        assert_eq!(pages.pages["a/index.html"], (1, 2));
        assert_eq!(pages.ids["a/index.html"], vec!["x".to_string()]);
        // each part of the key drops every page
        let changes: [fn(&mut Key); 5] = [
            |k| k.version.push('+'),
            |k| k.config ^= 1,
            |k| k.templates ^= 1,
            |k| k.static_files ^= 1,
            |k| k.options ^= 1,
        ];
        for change in changes {
            let mut other = s.key.clone();
            change(&mut other);
            assert!(s.clone().pages_for(&other).is_none(), "{other:?}");
        }
    }

    #[test]
    fn the_key_changes_with_what_pages_depend_on() {
        let template = |text: &str| TemplateFile { name: "base.html".into(), origin: "t".into(), text: text.into() };
        let file = |path: &str, dimensions| StaticFile {
            output_path: path.into(),
            origin: "static/x".into(),
            source: StaticSource::Disk(PathBuf::from("static/x")),
            bundle: None,
            dimensions,
        };
        let base = key("c", &[template("a")], &[file("x.png", Some((1, 1)))], (false, "d"));
        assert_eq!(base, key("c", &[template("a")], &[file("x.png", Some((1, 1)))], (false, "d")));
        assert_ne!(base.config, key("c2", &[template("a")], &[file("x.png", Some((1, 1)))], (false, "d")).config);
        assert_ne!(base.templates, key("c", &[template("b")], &[file("x.png", Some((1, 1)))], (false, "d")).templates);
        let resized = key("c", &[template("a")], &[file("x.png", Some((2, 1)))], (false, "d"));
        assert_ne!(base.static_files, resized.static_files);
        let renamed = key("c", &[template("a")], &[file("y.png", Some((1, 1)))], (false, "d"));
        assert_ne!(base.static_files, renamed.static_files);
        assert_ne!(base.options, key("c", &[template("a")], &[file("x.png", Some((1, 1)))], (true, "d")).options);
    }

    #[test]
    fn a_record_leaves_out_pages_without_a_hash_and_keeps_the_search_files() {
        let now = Now {
            key: stored().key,
            site: 7,
            fingerprints: vec![("b/index.html".into(), 3), ("a/index.html".into(), 1), ("c.xml".into(), 9)],
            ids: [("a/index.html".to_string(), vec!["x".to_string()])].into_iter().collect(),
            derived: Derived::default(),
            outcome: Outcome::default(),
            files: files::Files::default(),
        };
        let hashes: FxHashMap<String, u128> = [
            ("a/index.html".to_string(), 2),
            ("b/index.html".to_string(), 4),
            ("search/index/meta.json".to_string(), 5),
            ("search/index/meta.json.gz".to_string(), 6),
        ]
        .into_iter()
        .collect();
        assert_eq!(now.record(&hashes), stored());
    }

    #[test]
    fn a_damaged_file_is_a_warning_and_a_missing_one_is_nothing() {
        let dir = std::env::temp_dir().join(format!("dossier-build-cache-{}", std::process::id()));
        let path = dir.join(FILE);
        assert!(matches!(read(&path), (None, None)));
        assert!(write(&path, &stored()).is_none());
        assert_eq!(read(&path).0, Some(stored()));
        std::fs::write(&path, b"dossierB garbage").unwrap();
        let (none, warning) = read(&path);
        assert!(none.is_none());
        assert_eq!(warning.unwrap().code, Code::BuildCache);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
