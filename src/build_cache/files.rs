//! What the build cache knows of each content file without reading it: the file's stamp (length,
//! modification and status change times, device, inode) when it was last read, and its version
//! (the hash of its path and text). A rebuild whose files all have the stamps recorded is a
//! rebuild of the site recorded, told with one `stat` a file instead of reading 80 MB at 10,000
//! explainers; a file whose stamp differs is read and hashed, as before.
//!
//! This is git's index, with git's "racy clean" rule. A file changed within the same tick of the
//! file system's clock as it was read could keep its stamp (same length, same times) while its
//! bytes differ. So a stamp is recorded only when its times are strictly older than the moment
//! the build started reading ([`clock`], the file system's own clock, read before the first
//! file): any change after that moment gives the file a time at or after it, hence another
//! stamp. The others are not recorded, and the next build hashes them.

use crate::load::FileStamp;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A time of the file system's clock: seconds and nanoseconds since 1970.
pub type Moment = (i64, i64);

/// The content files of the last successful build, each with its stamp and version, in the
/// order the build read them (path order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Files {
    /// (path relative to content/, stamp, version).
    pub entries: Vec<(String, FileStamp, u64)>,
}

/// Whether a file of this stamp, read after `read_at`, can be known by its stamp later: its
/// times are strictly older than the moment reading started, so that any later change shows.
pub fn trusted(stamp: &FileStamp, read_at: Moment) -> bool {
    stamp.modified < read_at && stamp.changed < read_at
}

impl Files {
    /// The record of the files a build read after `read_at` (none known: nothing is recorded),
    /// each given as (path, stamp, version): those whose stamps can be trusted.
    pub fn record<'a>(
        read_at: Option<Moment>,
        files: impl Iterator<Item = (&'a str, Option<FileStamp>, u64)>,
    ) -> Files {
        let Some(read_at) = read_at else { return Files::default() };
        let entries = files
            .filter_map(|(path, stamp, version)| {
                let stamp = stamp.filter(|s| trusted(s, read_at))?;
                Some((path.to_string(), stamp, version))
            })
            .collect();
        Files { entries }
    }

    /// The entries by path, for lookups.
    pub fn by_path(&self) -> FxHashMap<&str, (&FileStamp, u64)> {
        self.entries.iter().map(|(path, stamp, version)| (path.as_str(), (stamp, *version))).collect()
    }

    /// The version of the file at `path` whose stamp is now `stamp`, when the record vouches
    /// for it (the same stamp); `None` when it must be read and hashed.
    pub fn version_in(
        by_path: &FxHashMap<&str, (&FileStamp, u64)>,
        path: &str,
        stamp: Option<&FileStamp>,
    ) -> Option<u64> {
        let (recorded, version) = by_path.get(path)?;
        (Some(*recorded) == stamp).then_some(*version)
    }
}

/// The file system's clock now, as it stamps files in `dir` (created if need be): the
/// modification time of a file created there and removed at once. `None` when it cannot be
/// read: then no stamp is recorded, and the next build hashes every file.
pub fn clock(dir: &Path) -> Option<Moment> {
    let probe = super::temporary_for(&dir.join("clock")).ok()?;
    let file = std::fs::File::create(&probe).ok();
    let meta = file.as_ref().and_then(|f| f.metadata().ok());
    let _ = std::fs::remove_file(&probe);
    let stamp = FileStamp::of(&meta?)?;
    Some(stamp.modified)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn stamp_of(path: &Path) -> FileStamp {
        FileStamp::read(path).unwrap()
    }

    #[test]
    fn a_stamp_is_trusted_only_when_strictly_older_than_the_reading() {
        let stamp = |m: Moment, c: Moment| FileStamp { len: 1, modified: m, changed: c, device: 1, inode: 2 };
        assert!(trusted(&stamp((10, 5), (10, 5)), (10, 6)));
        // the same tick as the reading: a change then could keep the stamp
        assert!(!trusted(&stamp((10, 6), (10, 5)), (10, 6)));
        assert!(!trusted(&stamp((10, 5), (10, 6)), (10, 6)));
        // whole seconds: the same second is not older
        assert!(!trusted(&stamp((10, 0), (10, 0)), (10, 0)));
        assert!(trusted(&stamp((9, 0), (9, 0)), (10, 0)));
    }

    #[test]
    fn a_record_keeps_only_trusted_stamps_and_vouches_only_for_the_same_stamp() {
        let old = FileStamp { len: 3, modified: (5, 0), changed: (5, 0), device: 1, inode: 7 };
        let racy = FileStamp { modified: (20, 0), changed: (20, 0), ..old };
        let files = [("a.md", Some(old), 1), ("b.md", Some(racy), 2), ("c.md", None, 3)];
        let record = Files::record(Some((20, 0)), files.iter().copied());
        assert_eq!(record.entries, vec![("a.md".to_string(), old, 1)]);
        let by_path = record.by_path();
        assert_eq!(Files::version_in(&by_path, "a.md", Some(&old)), Some(1));
        assert_eq!(Files::version_in(&by_path, "b.md", Some(&racy)), None);
        let touched = FileStamp { modified: (6, 0), ..old };
        assert_eq!(Files::version_in(&by_path, "a.md", Some(&touched)), None);
        assert_eq!(Files::version_in(&by_path, "a.md", None), None);
        // nothing is recorded without the moment reading started
        assert!(Files::record(None, files.iter().copied()).entries.is_empty());
    }

    /// A file rewritten with the same length within the same tick of the clock as it was read
    /// keeps its stamp on a coarse clock: the rule is what catches it, since such a file is never
    /// recorded. Here: read, then rewritten at once; whatever the clock's tick, either the stamp
    /// differs or the record does not vouch for it.
    #[test]
    fn a_file_rewritten_with_the_same_length_right_after_it_was_read_is_caught() {
        let dir = std::env::temp_dir().join(format!("dossier-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.md");
        std::fs::write(&path, "one").unwrap();
        for _ in 0..50 {
            let read_at = clock(&dir).unwrap();
            let read = stamp_of(&path);
            let record = Files::record(Some(read_at), [("a.md", Some(read), 1)].into_iter());
            // rewritten in place, same length, at once
            let mut file = std::fs::OpenOptions::new().write(true).truncate(true).open(&path).unwrap();
            file.write_all(b"two").unwrap();
            drop(file);
            let now = stamp_of(&path);
            assert_eq!(Files::version_in(&record.by_path(), "a.md", Some(&now)), None, "{read:?} {now:?} {read_at:?}");
        }
        // a file older than the reading, untouched, is vouched for
        let read_at = {
            std::thread::sleep(std::time::Duration::from_millis(20));
            clock(&dir).unwrap()
        };
        let read = stamp_of(&path);
        let record = Files::record(Some(read_at), [("a.md", Some(read), 1)].into_iter());
        assert_eq!(Files::version_in(&record.by_path(), "a.md", Some(&stamp_of(&path))), Some(1));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_clock_is_the_file_systems_and_leaves_nothing_behind() {
        let dir = std::env::temp_dir().join(format!("dossier-clock-{}", std::process::id()));
        let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let (s, _) = clock(&dir).unwrap();
        assert!((s - before).abs() <= 2, "{s} {before}");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
