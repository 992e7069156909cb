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

use rustc_hash::FxHashMap;
use std::fmt::Write as _;
use std::fs::Metadata;
use std::io::{self, Write};
use std::path::Path;

const HEADER: &str = "dossier-manifest 1";

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

/// The stamps of a folder's files, by path relative to the folder.
#[derive(Debug, Default)]
pub struct Manifest {
    files: FxHashMap<String, Stamp>,
}

impl Manifest {
    /// Reads the manifest at `path` if it describes `folder`; `None` if there is none, it is of
    /// another folder, or it cannot be read.
    pub fn read(path: &Path, folder: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(path).ok()?;
        let mut lines = text.lines();
        let (dev, ino) = folder_identity(folder)?;
        if lines.next()? != format!("{HEADER} {dev} {ino}") {
            return None;
        }
        let mut files = FxHashMap::default();
        for line in lines {
            let mut fields = line.splitn(6, ' ');
            let mut number = || fields.next().and_then(|f| f.parse::<i64>().ok());
            let (len, modified_s, modified_ns, inode) = (number()?, number()?, number()?, number()?);
            let hash = u128::from_str_radix(fields.next()?, 16).ok()?;
            let file = fields.next()?;
            let stamp = Stamp { len: len as u64, modified_s, modified_ns, inode: inode as u64, hash };
            files.insert(file.to_string(), stamp);
        }
        Some(Manifest { files })
    }

    /// The stamp of `file` (relative to the folder).
    pub fn get(&self, file: &str) -> Option<&Stamp> {
        self.files.get(file)
    }

    /// Writes the manifest of `folder` to `path` (through a temporary file, renamed into place),
    /// its files in path order.
    pub fn write(path: &Path, folder: &Path, mut files: Vec<(String, Stamp)>) -> io::Result<()> {
        let (dev, ino) = folder_identity(folder).ok_or_else(|| io::Error::other("no identity for the folder"))?;
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut text = String::with_capacity(files.len() * 96 + 64);
        text.push_str(&format!("{HEADER} {dev} {ino}\n"));
        for (file, s) in files.iter().filter(|(file, _)| !file.contains(['\n', '\r'])) {
            let _ = writeln!(
                text,
                "{} {} {} {} {:032x} {file}",
                s.len, s.modified_s, s.modified_ns, s.inode as i64, s.hash
            );
        }
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".writing");
        let temporary = std::path::PathBuf::from(temporary);
        let mut out = std::fs::File::create(&temporary)?;
        out.write_all(text.as_bytes())?;
        drop(out);
        std::fs::rename(&temporary, path)
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
        Manifest::write(&path, &folder, vec![("a b/index.html".into(), stamp), ("odd\nname".into(), stamp)]).unwrap();

        let manifest = Manifest::read(&path, &folder).unwrap();
        assert_eq!(manifest.get("a b/index.html"), Some(&stamp));
        assert_eq!(manifest.files.len(), 1, "a name with a line break is left out");
        assert!(stamp.matches(&meta));

        // renamed, the folder is still the one described; another folder is not
        let moved = tmp.path().join("moved");
        std::fs::rename(&folder, &moved).unwrap();
        assert!(Manifest::read(&path, &moved).is_some());
        std::fs::create_dir(&folder).unwrap();
        assert!(Manifest::read(&path, &folder).is_none());
        std::fs::write(&path, "dossier-manifest 1 x y\n").unwrap();
        assert!(Manifest::read(&path, &moved).is_none(), "a damaged manifest is not used");
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
