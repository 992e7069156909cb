//! The output folder left in place: a rebuild of the very site the build cache recorded checks
//! the live output against its manifest (one `stat` a file, in parallel) instead of staging a new
//! folder and swapping it in. When every file the build makes is there as the manifest records
//! it, no other file is in a folder that changed since, and no file the manifest lists is left
//! over, the build is done: nothing is written, not even a manifest. Anything else (a page edited
//! by hand, a file put in the output, a static file changed) and the build goes the usual way
//! through [`super::Staging`], which rewrites what differs and moves aside what is not
//! dossier's.

use super::manifest::Manifest;
use super::{Beside, Foreign, has_bytes, manifest, scan_with};
use crate::config::Compression;
use crate::load::{StaticFile, StaticSource};
use crate::publish::precompress;
use crate::render::Sink;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;

/// The live output folder, checked file by file. A [`Sink`] that writes nothing: a page it is
/// given (or asked to keep) that the folder does not hold as recorded marks it as differing.
pub struct Live {
    target: PathBuf,
    manifest: Arc<Manifest>,
    /// The folder, open: each file's status is read relative to it.
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
    precompress: Vec<Compression>,
    /// Whether a file the build makes is not in the folder as recorded.
    differs: AtomicBool,
    /// How many files the build makes that the folder holds as recorded. The build makes each
    /// path once (the plan refuses two files at one path), and only files the manifest lists
    /// are counted: the count is the manifest's exactly when no file it lists is left over.
    made: AtomicUsize,
    /// The scan for files dossier did not make, run while the site is loaded.
    scan: Option<JoinHandle<Vec<Foreign>>>,
}

impl Live {
    /// The output folder `target` when a manifest beside it describes it, for the same base URL
    /// (the manifest records it), no build was interrupted while replacing it, and the output
    /// before last holds no file moved aside (which the next build deletes); `None` otherwise
    /// (the build stages a new folder). `precompress` is `[publish] precompress`.
    pub fn open(target: &Path, precompress: &[Compression], base_url: &str) -> Option<Live> {
        let (target, beside) = Beside::new(target).ok()?;
        let pending = [&beside.next_manifest, &beside.moved_aside];
        if !target.is_dir() || pending.iter().any(|p| std::fs::symlink_metadata(p).is_ok()) {
            return None;
        }
        let manifest = Arc::new(Manifest::read(&beside.manifest, &target)?);
        if manifest.base_url() != Some(base_url) {
            return None;
        }
        let scan = {
            let (target, manifest) = (target.clone(), Arc::clone(&manifest));
            std::thread::spawn(move || scan_with(&target, Some(&manifest)))
        };
        Some(Live {
            #[cfg(unix)]
            fd: {
                use rustix::fs::{Mode, OFlags};
                rustix::fs::open(&target, OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()
            },
            target,
            manifest,
            precompress: precompress.to_vec(),
            differs: AtomicBool::new(false),
            made: AtomicUsize::new(0),
            scan: Some(scan),
        })
    }

    /// Whether the file at `path` (relative to the folder) is there as the manifest records it,
    /// holding bytes of `hash`: its length when it is.
    #[allow(clippy::unnecessary_cast)] // the field types differ between systems
    fn as_recorded(&self, path: &str, hash: u128) -> Option<u64> {
        let stamp = self.manifest.get(path).filter(|s| s.hash == hash)?;
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            let stat = rustix::fs::statat(fd, path, rustix::fs::AtFlags::SYMLINK_NOFOLLOW).ok()?;
            return stamp.matches_stat(&stat).then_some(stat.st_size as u64);
        }
        let meta = std::fs::symlink_metadata(self.target.join(path)).ok()?;
        stamp.matches(&meta).then_some(meta.len())
    }

    /// Counts the file at `path` as made when `held`, and marks the folder as differing when not.
    fn note(&self, held: bool) -> bool {
        if held {
            self.made.fetch_add(1, Ordering::Relaxed);
        } else {
            self.differs.store(true, Ordering::Relaxed);
        }
        held
    }

    /// Whether the compressed copies of the file at `path` (`len` bytes of `hash`) are there as
    /// recorded, each counted.
    fn copies_held(&self, path: &str, hash: u128, len: u64) -> bool {
        if self.precompress.is_empty() || !precompress::worth(path, len as usize) {
            return true;
        }
        self.precompress.iter().all(|&kind| {
            let copy = format!("{path}{}", precompress::suffix(kind));
            self.note(self.as_recorded(&copy, precompress::stamp_hash(hash, kind)).is_some())
        })
    }

    /// Checks the static files (theme's, then the site's) against the folder: each there with
    /// the same bytes, as the output's writer compares them, and its compressed copies as
    /// recorded.
    pub fn copy_static(&self, files: &[StaticFile]) {
        for file in files {
            let Some(dest) = self.path_for(&file.output_path) else {
                self.note(false);
                return;
            };
            let bytes = match &file.source {
                StaticSource::Disk(from) => std::fs::read(from).ok(),
                StaticSource::Embedded(bytes) => Some(bytes.to_vec()),
            };
            let Some(bytes) = bytes else {
                self.note(false);
                return;
            };
            let same = self.manifest.lists(&file.output_path)
                && std::fs::symlink_metadata(&dest).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
                && has_bytes(&dest, &bytes);
            if !self.note(same) || !self.copies_held(&file.output_path, manifest::hash(&bytes), bytes.len() as u64) {
                return;
            }
        }
    }

    /// Where `output_path` is in the folder, if it is a path a build may write.
    fn path_for(&self, output_path: &str) -> Option<PathBuf> {
        let safe = !output_path.is_empty()
            && Path::new(output_path).components().all(|c| matches!(c, Component::Normal(_)))
            && !output_path.contains(['\\', '\0']);
        safe.then(|| self.target.join(output_path))
    }

    /// Whether the folder holds exactly this build: every file it makes as recorded, no other
    /// file listed in the manifest, and no file dossier did not make in a folder changed since
    /// (hidden entries at the top that the build does not make are left, as a build carries
    /// them over).
    pub fn intact(mut self) -> bool {
        let found = self.scan.take().and_then(|scan| scan.join().ok());
        let Some(found) = found else { return false };
        let made = |entry: &str| {
            let top = entry.trim_end_matches('/').split('/').next().unwrap_or_default();
            self.manifest.files().any(|f| f == top || f.starts_with(&format!("{top}/")))
        };
        let foreign = found.iter().any(|f| !f.entry.starts_with('.') || made(&f.entry));
        !self.differs.load(Ordering::Relaxed)
            && !foreign
            && self.made.load(Ordering::Relaxed) == self.manifest.file_count()
    }
}

impl Sink for Live {
    /// A file the build writes (the `[publish]` files): the same bytes as recorded.
    fn write(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let hash = manifest::hash(&bytes);
        let held = match self.manifest.get(path) {
            Some(_) => self.as_recorded(path, hash).is_some(),
            None => {
                self.manifest.lists(path)
                    && self.path_for(path).is_some_and(|dest| {
                        std::fs::symlink_metadata(&dest).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
                            && has_bytes(&dest, &bytes)
                    })
            }
        };
        if self.note(held) {
            self.copies_held(path, hash, bytes.len() as u64);
        }
        Ok(())
    }

    /// A page the build cache says is unchanged: there as recorded, with its compressed copies.
    fn keep(&self, path: &str, hash: u128) -> bool {
        let Some(len) = self.as_recorded(path, hash) else { return self.note(false) };
        self.note(true) && self.copies_held(path, hash, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Staging;

    const BASE: &str = "https://example.org/";
    const PAGES: [(&str, &str); 2] = [("p/index.html", "one"), ("q/cite.json", "{}")];

    /// A folder built with `PAGES`, and the hash of each page's bytes.
    fn built(target: &Path) -> Vec<(&'static str, u128)> {
        let mut staging = Staging::new(target).unwrap();
        staging.publish(&[], BASE);
        for (path, text) in PAGES {
            staging.write(path, text.as_bytes().to_vec()).unwrap();
        }
        staging.commit().unwrap();
        PAGES.iter().map(|(path, text)| (*path, manifest::hash(text.as_bytes()))).collect()
    }

    /// Whether the folder is intact once every page is kept.
    fn intact(target: &Path, pages: &[(&str, u128)]) -> bool {
        let live = Live::open(target, &[], BASE).unwrap();
        let kept = pages.iter().filter(|(path, hash)| live.keep(path, *hash)).count();
        live.intact() && kept == pages.len()
    }

    #[test]
    fn a_folder_as_its_manifest_records_it_is_intact() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let pages = built(&target);
        assert!(intact(&target, &pages));
        // another base URL: the manifest must be written again
        assert!(Live::open(&target, &[], "https://example.org/other/").is_none());
        // a page the build no longer makes is left over
        assert!(!intact(&target, &pages[..1]));
    }

    #[test]
    fn a_page_edited_by_hand_or_a_file_put_there_is_not_intact() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let pages = built(&target);
        std::thread::sleep(std::time::Duration::from_millis(10));
        std::fs::write(target.join("p/index.html"), "two").unwrap();
        assert!(!intact(&target, &pages));
        built(&target);
        std::fs::write(target.join("p/note.txt"), "mine").unwrap();
        assert!(!intact(&target, &pages));
        // a hidden entry at the top, which every build carries over, is no reason
        std::fs::remove_file(target.join("p/note.txt")).unwrap();
        built(&target);
        std::fs::create_dir(target.join(".git")).unwrap();
        assert!(intact(&target, &pages));
    }

    #[test]
    fn an_interrupted_commit_is_left_to_the_staging_build() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        built(&target);
        std::fs::write(tmp.path().join(".public.dossier-manifest.next"), "x").unwrap();
        assert!(Live::open(&target, &[], BASE).is_none());
    }

    #[test]
    fn files_moved_aside_are_left_to_the_staging_build_which_deletes_them() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        built(&target);
        std::fs::write(target.join("CNAME"), "mine").unwrap();
        let mut staging = Staging::new(&target).unwrap();
        staging.publish(&[], BASE);
        for (path, text) in PAGES {
            staging.write(path, text.as_bytes().to_vec()).unwrap();
        }
        assert_eq!(staging.prepare("public").unwrap().len(), 1, "CNAME moved aside");
        staging.commit().unwrap();
        assert!(tmp.path().join(".public.dossier-previous/CNAME").is_file());
        assert!(Live::open(&target, &[], BASE).is_none(), "the next build stages");
        built(&target);
        assert!(!tmp.path().join(".public.dossier-previous/CNAME").exists(), "and deletes it");
        assert!(Live::open(&target, &[], BASE).is_some());
    }
}
