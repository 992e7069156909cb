//! The cache of resized variants kept between builds, in `<site>/.dossier-cache/images/`
//! (`[images] cache_dir`): one file per variant, named by its key (a hash of the source's bytes,
//! the variant's size and format, the quality and [`ENCODER_VERSION`](super::encode::ENCODER_VERSION))
//! and by a hash of its own bytes, checked before it is used: a damaged entry is made again,
//! never shipped. Entries no build asks for any more are removed at the end of each run.

use super::plan::Variant;
use rustc_hash::FxHashMap;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

/// The folder of the cache's images, under the cache folder.
const IMAGES: &str = "images";

/// The cache folder of one run: the entries it had when the run started.
pub struct Cache {
    dir: PathBuf,
    /// Key → (file, hash of its bytes as its name says).
    entries: FxHashMap<u128, (PathBuf, u64)>,
}

/// The hash of a source image's bytes, the first half of its variants' keys.
pub fn source_hash(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

/// The key of `variant` of the source whose bytes hash to `source`, encoded at `quality` by
/// the encoders of `encoder` (a version string).
pub fn key(source: u128, variant: &Variant, quality: u8, encoder: &str) -> u128 {
    let mut h = Xxh3::new();
    h.update(&source.to_le_bytes());
    h.update(&variant.width.to_le_bytes());
    h.update(&variant.height.to_le_bytes());
    h.update(variant.format.extension().as_bytes());
    h.update(&[quality]);
    h.update(encoder.as_bytes());
    h.digest128()
}

/// The key and the hash of the bytes an entry's file name holds: `<key>-<hash>.<extension>`.
fn parse_name(name: &str) -> Option<(u128, u64)> {
    let (stem, _) = name.split_once('.')?;
    let (key, sum) = stem.split_once('-')?;
    if key.len() != 32 || sum.len() != 16 {
        return None;
    }
    Some((u128::from_str_radix(key, 16).ok()?, u64::from_str_radix(sum, 16).ok()?))
}

impl Cache {
    /// The cache in `dir` (the cache folder; its images are in `images/` under it), as it is
    /// now. A folder that is missing or cannot be listed is an empty cache.
    pub fn open(dir: &Path) -> Cache {
        let dir = dir.join(IMAGES);
        let mut entries = FxHashMap::default();
        if let Ok(listing) = std::fs::read_dir(&dir) {
            for entry in listing.flatten() {
                let name = entry.file_name();
                if let Some((key, sum)) = name.to_str().and_then(parse_name) {
                    entries.insert(key, (entry.path(), sum));
                } else if name.to_str().is_some_and(|n| n.starts_with('.') && n.ends_with(".tmp")) {
                    // what a killed build was writing; not one being written now
                    let old = entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
                    if old.is_some_and(|age| age > std::time::Duration::from_secs(3600)) {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
            }
        }
        Cache { dir, entries }
    }

    /// The file of the entry `key`, when there is one and its bytes are those it was written
    /// with. A damaged one is removed, to be made again.
    pub fn get(&self, key: u128) -> Option<PathBuf> {
        let (path, sum) = self.entries.get(&key)?;
        match std::fs::read(path) {
            Ok(bytes) if xxh3_64(&bytes) == *sum => Some(path.clone()),
            _ => {
                let _ = std::fs::remove_file(path);
                None
            }
        }
    }

    /// Stores `bytes` as the entry `key`; returns its file. Written under a temporary name and
    /// renamed, so that a build killed halfway leaves no entry with part of its bytes.
    pub fn put(&self, key: u128, extension: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)?;
        let name = format!("{key:032x}-{:016x}.{extension}", xxh3_64(bytes));
        let path = self.dir.join(&name);
        // one temporary name per write: two images with the same bytes make the same entry, at
        // once on two threads, and another process may be building the same site
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let n = WRITES.fetch_add(1, Ordering::Relaxed);
        let temporary = self.dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, &path).inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })?;
        Ok(path)
    }

    /// Removes the entries of the cache's start that are not in `wanted` (the keys this run
    /// uses): variants of images that changed or left the site, or made with other settings.
    pub fn prune(&self, wanted: &HashSet<u128>) {
        for (key, (path, _)) in &self.entries {
            if !wanted.contains(key) {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::plan::Encoding;
    use super::*;

    #[test]
    fn keys_change_with_every_setting() {
        let v = Variant { width: 480, height: 320, format: Encoding::Webp };
        let base = key(1, &v, 80, "e1");
        assert_ne!(base, key(2, &v, 80, "e1"), "source");
        assert_ne!(base, key(1, &Variant { width: 960, ..v }, 80, "e1"), "width");
        assert_ne!(base, key(1, &Variant { format: Encoding::Png, ..v }, 80, "e1"), "format");
        assert_ne!(base, key(1, &v, 81, "e1"), "quality");
        assert_ne!(base, key(1, &v, 80, "e2"), "encoder");
        assert_eq!(base, key(1, &v, 80, "e1"));
    }

    #[test]
    fn entries_are_checked_and_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path());
        let good = cache.put(1, "webp", b"good bytes").unwrap();
        let damaged = cache.put(2, "webp", b"more bytes").unwrap();
        let stale = cache.put(3, "png", b"old").unwrap();
        std::fs::write(&damaged, b"more bytez").unwrap();
        let cache = Cache::open(dir.path());
        assert_eq!(cache.get(1), Some(good.clone()));
        assert_eq!(cache.get(2), None, "a damaged entry is not used");
        assert!(!damaged.exists(), "and is removed");
        assert_eq!(cache.get(4), None);
        cache.prune(&HashSet::from([1, 2]));
        assert!(good.exists() && !stale.exists());
        assert_eq!(parse_name("0123.webp"), None);
    }

    #[test]
    fn one_entry_written_at_once_by_two_threads() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path());
        let paths: Vec<PathBuf> = std::thread::scope(|s| {
            let writes: Vec<_> = (0..4).map(|_| s.spawn(|| cache.put(7, "webp", b"the same bytes").unwrap())).collect();
            writes.into_iter().map(|w| w.join().unwrap()).collect()
        });
        assert!(paths.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(std::fs::read_dir(dir.path().join(IMAGES)).unwrap().count(), 1, "no temporary file left");
        assert_eq!(Cache::open(dir.path()).get(7), Some(paths[0].clone()));
    }
}
