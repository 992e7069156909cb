//! Manifests of output folders: what a build wrote, so that a later build can tell a file is unchanged without reading it.
//!
//! A manifest sits beside the folder it describes (`.public.dossier-manifest`), never inside it,
//! so it is not deployed. For each file it holds the length, modification time and inode the
//! build left it with, and a hash of its bytes. When the folder is reused as the staging folder of
//! a later build, a file that still has that length, time and inode holds those bytes: comparing
//! hashes replaces reading it back. A file touched since (its time changed) is read and compared
//! as before, and so is every file where times are whole seconds (too coarse to trust), where
//! there are no inodes, or when the manifest is of another folder. A manifest that is damaged
//! (two builds at once writing it, say) is at worst not used: every entry is checked against the
//! file it describes before it is trusted.
//!
//! A manifest also lists every other file the build made (static files, without a stamp), and
//! says when it was written by the file system's own clock: a manifest that describes an output
//! folder is how a build knows that the folder is dossier's, and which files in it dossier did
//! not make (only folders changed since need to be listed to find them). Its second line records
//! the base URL the folder was built for (`base_url https://…/`), which `preview` serves it
//! under; older builds' manifests, and readers that skip unknown lines, do without it.

use rustc_hash::FxHashMap;
use std::fmt::Write as _;
use std::fs::Metadata;
use std::io::{self, Write};
use std::path::Path;

/// The first word of a manifest, with its version: 2 lists every file and says when it was
/// written; 1 (older builds) listed the pages, each with a stamp.
const HEADER: &str = "dossier-manifest 2";
const HEADER_V1: &str = "dossier-manifest 1";

/// The hash of a file's bytes (128-bit XXH3: fast, and collisions are out of reach by accident).
pub fn hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A file as the build that wrote it left it, and the hash of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified_s: i64,
    modified_ns: i64,
    inode: u64,
    pub hash: u128,
}

impl Stamp {
    /// The stamp of a file with these metadata, holding bytes with this hash. `None` where a
    /// stamp could not tell a later change: no inodes, or a time in whole seconds.
    pub fn new(meta: &Metadata, hash: u128) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            (meta.is_file() && meta.mtime_nsec() != 0).then(|| Stamp {
                len: meta.len(),
                modified_s: meta.mtime(),
                modified_ns: meta.mtime_nsec(),
                inode: meta.ino(),
                hash,
            })
        }
        #[cfg(not(unix))]
        {
            let _ = (meta, hash);
            None
        }
    }

    /// Whether `meta` is of the file this stamp was made for, untouched since.
    pub fn matches(&self, meta: &Metadata) -> bool {
        Stamp::new(meta, self.hash) == Some(*self)
    }

    /// [`Stamp::matches`], for the status of a file as the system gives it (`statat`, relative
    /// to an open folder: no `Metadata` to make).
    #[cfg(unix)]
    #[allow(clippy::unnecessary_cast)] // the field types differ between systems
    pub fn matches_stat(&self, stat: &rustix::fs::Stat) -> bool {
        rustix::fs::FileType::from_raw_mode(stat.st_mode) == rustix::fs::FileType::RegularFile
            && stat.st_mtime_nsec != 0
            && stat.st_size as u64 == self.len
            && stat.st_mtime as i64 == self.modified_s
            && stat.st_mtime_nsec as i64 == self.modified_ns
            && stat.st_ino as u64 == self.inode
    }
}

/// The device and inode of a folder, which a rename keeps: a manifest is only used for the
/// folder it was written for.
fn folder_identity(folder: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(folder).ok().filter(Metadata::is_dir).map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        None
    }
}

/// The files a build made in a folder, by path relative to the folder, with their stamps.
#[derive(Debug, Default)]
pub struct Manifest {
    files: FxHashMap<String, Option<Stamp>>,
    /// When the manifest was written (seconds and nanoseconds of the file system's clock), after
    /// every change the build made to the folder; `None` when not known.
    written: Option<(i64, i64)>,
    /// The base URL the folder was built for, if recorded.
    base_url: Option<String>,
}

/// The start of the line that records the base URL.
const BASE_URL: &str = "base_url ";

/// `(device, inode)` as a manifest's first line writes it, `-` when not known.
fn identity_words(identity: Option<(u64, u64)>) -> String {
    identity.map_or_else(|| "- -".to_string(), |(dev, ino)| format!("{dev} {ino}"))
}

/// Whether the first line of a manifest describes `folder`; and, from version 2, when the
/// manifest was written.
fn header_matches(line: &str, folder: &Path) -> Option<Option<(i64, i64)>> {
    let identity = identity_words(folder_identity(folder));
    if let Some(rest) = line.strip_prefix(HEADER_V1) {
        return (rest.strip_prefix(' ')? == identity).then_some(None);
    }
    let rest = line.strip_prefix(HEADER)?.strip_prefix(' ')?;
    let (dev, rest) = rest.split_once(' ')?;
    let (ino, written) = rest.split_once(' ')?;
    if format!("{dev} {ino}") != identity {
        return None;
    }
    let (s, ns) = written.split_once(' ')?;
    Some(s.parse().ok().zip(ns.parse().ok()))
}

impl Manifest {
    /// Reads the manifest at `path` if it describes `folder`; `None` if there is none, it is of
    /// another folder, or it cannot be read.
    pub fn read(path: &Path, folder: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(path).ok()?;
        let mut lines = text.lines();
        let written = header_matches(lines.next()?, folder)?;
        let mut files = FxHashMap::default();
        let mut base_url = None;
        for line in lines {
            if let Some(url) = line.strip_prefix(BASE_URL) {
                base_url = Some(url.to_string());
                continue;
            }
            if let Some(file) = line.strip_prefix("- ") {
                files.insert(file.to_string(), None);
                continue;
            }
            let mut fields = line.splitn(6, ' ');
            let mut number = || fields.next().and_then(|f| f.parse::<i64>().ok());
            let (len, modified_s, modified_ns, inode) = (number()?, number()?, number()?, number()?);
            let hash = u128::from_str_radix(fields.next()?, 16).ok()?;
            let file = fields.next()?;
            let stamp = Stamp { len: len as u64, modified_s, modified_ns, inode: inode as u64, hash };
            files.insert(file.to_string(), Some(stamp));
        }
        Some(Manifest { files, written, base_url })
    }

    /// The base URL the folder was built for, if the manifest records it.
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// How many files the build made.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// The base URL recorded in the manifest at `path` that describes `folder`, if any; only the
    /// first lines are read.
    pub fn base_url_of(path: &Path, folder: &Path) -> Option<String> {
        use std::io::BufRead;
        let file = std::fs::File::open(path).ok()?;
        let mut lines = io::BufReader::new(file).lines();
        header_matches(lines.next()?.ok()?.trim_end(), folder)?;
        lines.next()?.ok()?.strip_prefix(BASE_URL).map(str::to_string)
    }

    /// Whether the manifest at `path` describes `folder` (its first line only is read).
    pub fn describes(path: &Path, folder: &Path) -> bool {
        use std::io::BufRead;
        let Ok(file) = std::fs::File::open(path) else { return false };
        let mut first = String::new();
        io::BufReader::new(file).read_line(&mut first).is_ok() && header_matches(first.trim_end(), folder).is_some()
    }

    /// The stamp of `file` (relative to the folder), if the build made it and left a stamp.
    pub fn get(&self, file: &str) -> Option<&Stamp> {
        self.files.get(file).and_then(Option::as_ref)
    }

    /// Whether the build made `file` (relative to the folder), with a stamp or without.
    pub fn lists(&self, file: &str) -> bool {
        self.files.contains_key(file)
    }

    /// Every file the build made, relative to the folder.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Whether a folder whose status last changed at `changed` (its `ctime`, `None` where the
    /// system keeps none) may have changed since the manifest was written: adding, removing or
    /// renaming an entry changes it, and no program can set it back.
    pub fn changed_since(&self, changed: Option<(i64, i64)>) -> bool {
        match (self.written, changed) {
            (Some(written), Some(changed)) => changed >= written,
            _ => true,
        }
    }

    /// Writes the manifest of `folder` to `path` (through a temporary file, renamed into place),
    /// its files in path order. Call it once the build has made every change to the folder: the
    /// time the temporary file is created at is the manifest's time.
    pub fn write(
        path: &Path,
        folder: &Path,
        mut files: Vec<(String, Option<Stamp>)>,
        base_url: Option<&str>,
    ) -> io::Result<()> {
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let temporary = temporary(path);
        let mut out = std::fs::File::create(&temporary)?;
        let written = status_time(&out.metadata()?).map_or_else(|| "- -".to_string(), |(s, ns)| format!("{s} {ns}"));
        let mut text = String::with_capacity(files.len() * 96 + 64);
        let _ = writeln!(text, "{HEADER} {} {written}", identity_words(folder_identity(folder)));
        if let Some(url) = base_url.filter(|url| !url.contains(['\n', '\r'])) {
            let _ = writeln!(text, "{BASE_URL}{url}");
        }
        for (file, stamp) in files.iter().filter(|(file, _)| !file.contains(['\n', '\r'])) {
            let _ = match stamp {
                Some(s) => writeln!(
                    text,
                    "{} {} {} {} {:032x} {file}",
                    s.len, s.modified_s, s.modified_ns, s.inode as i64, s.hash
                ),
                None => writeln!(text, "- {file}"),
            };
        }
        out.write_all(text.as_bytes())?;
        drop(out);
        std::fs::rename(&temporary, path)
    }
}

/// Where the manifest at `path` is written before it is renamed into place.
pub fn temporary(path: &Path) -> std::path::PathBuf {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".writing");
    temporary.into()
}

/// The time of a file's last change of status (`ctime`), where the system has one.
pub fn status_time(meta: &Metadata) -> Option<(i64, i64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.ctime(), meta.ctime_nsec()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_is_read_back_for_its_folder_only() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("public");
        std::fs::create_dir_all(folder.join("a b")).unwrap();
        std::fs::write(folder.join("a b/index.html"), "page").unwrap();
        let meta = std::fs::metadata(folder.join("a b/index.html")).unwrap();
        let stamp = Stamp::new(&meta, hash(b"page")).expect("this file system keeps nanoseconds");
        let path = tmp.path().join(".public.dossier-manifest");
        // file systems keep times in ticks of a few milliseconds: the folder's last change is in
        // a tick before the manifest's
        std::thread::sleep(std::time::Duration::from_millis(30));
        let files =
            vec![("a b/index.html".into(), Some(stamp)), ("odd\nname".into(), Some(stamp)), ("style.css".into(), None)];
        Manifest::write(&path, &folder, files, Some("https://example.org/dossier/")).unwrap();

        let manifest = Manifest::read(&path, &folder).unwrap();
        assert_eq!(Manifest::base_url_of(&path, &folder).as_deref(), Some("https://example.org/dossier/"));
        assert_eq!(manifest.get("a b/index.html"), Some(&stamp));
        assert_eq!(manifest.get("style.css"), None);
        let mut made: Vec<&str> = manifest.files().collect();
        made.sort();
        assert_eq!(made, ["a b/index.html", "style.css"], "a name with a line break is left out");
        assert!(stamp.matches(&meta));
        assert!(Manifest::describes(&path, &folder));
        // the folder has not changed since; an entry added to it changes it
        let changed = |folder: &Path| status_time(&std::fs::metadata(folder).unwrap());
        assert!(!manifest.changed_since(changed(&folder)));
        std::fs::write(folder.join("CNAME"), "example.org").unwrap();
        assert!(manifest.changed_since(changed(&folder)));

        // renamed, the folder is still the one described; another folder is not
        let moved = tmp.path().join("moved");
        std::fs::rename(&folder, &moved).unwrap();
        assert!(Manifest::read(&path, &moved).is_some());
        std::fs::create_dir(&folder).unwrap();
        assert!(Manifest::read(&path, &folder).is_none());
        assert!(!Manifest::describes(&path, &folder));
        std::fs::write(&path, "dossier-manifest 2 x y\n").unwrap();
        assert!(Manifest::read(&path, &moved).is_none(), "a damaged manifest is not used");
        // a manifest of an older build (version 1) is still read, without a time
        let identity = identity_words(folder_identity(&moved));
        std::fs::write(&path, format!("dossier-manifest 1 {identity}\n3 1 2 3 {:032x} p.html\n", 7)).unwrap();
        let old = Manifest::read(&path, &moved).unwrap();
        assert_eq!(old.files().collect::<Vec<_>>(), ["p.html"]);
        let changed = status_time(&std::fs::metadata(&moved).unwrap());
        assert!(old.changed_since(changed), "without a time, every folder is listed");
    }

    #[test]
    fn a_file_changed_since_no_longer_matches_its_stamp() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f.html");
        std::fs::write(&file, "one").unwrap();
        let stamp = Stamp::new(&std::fs::metadata(&file).unwrap(), hash(b"one")).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        std::fs::write(&file, "two").unwrap();
        assert!(!stamp.matches(&std::fs::metadata(&file).unwrap()), "same length, later time");
    }
}
