//! The watcher: notify, debounced, on the folders a site is made of; batches of changed paths,
//! relative to the site root, go to a channel.

use super::changes::ChangedPath;
use notify::RecursiveMode;
use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// How long the watcher waits for a burst of events (an editor's save) to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(40);

/// The folders of a site that `serve` watches, besides `site.toml`: `i18n/` holds the site's
/// translations of the theme's strings.
pub const WATCHED: &[&str] = &["content", "static", "templates", "themes", "i18n"];

pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: Vec<&'static str>,
}

impl Watcher {
    /// Starts watching folders of the site that appeared since (a new `templates/`, say).
    pub fn refresh(&mut self) {
        for folder in WATCHED {
            let dir = self.root.join(folder);
            if !self.watched.contains(folder)
                && dir.is_dir()
                && self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.watched.push(folder);
            }
        }
        self.watched.retain(|folder| self.root.join(folder).is_dir());
    }
}

/// Starts watching `root`. Each batch of changes is sent to `changes`.
pub fn watch(root: &Path, changes: Sender<Vec<ChangedPath>>) -> notify::Result<Watcher> {
    let root_abs = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let base = root_abs.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut batch: Vec<ChangedPath> = Vec::new();
        for event in events {
            // reading a file is not changing it; neither are its access times or permissions
            let relevant = match event.kind {
                EventKind::Access(_) => false,
                EventKind::Modify(ModifyKind::Metadata(m)) => matches!(m, MetadataKind::WriteTime | MetadataKind::Any),
                _ => true,
            };
            if !relevant {
                continue;
            }
            for path in &event.paths {
                if let Some(rel) = relative(&base, path) {
                    let change = ChangedPath { is_dir: path.is_dir(), rel };
                    if !batch.contains(&change) {
                        batch.push(change);
                    }
                }
            }
        }
        if !batch.is_empty() {
            let _ = changes.send(batch);
        }
    })
    .map_err(|e| notify::Error::generic(&format!("{e:?}")))?;
    // the root itself, not recursively: site.toml, and the watched folders appearing or going
    debouncer.watch(&root_abs, RecursiveMode::NonRecursive)?;
    let mut watcher = Watcher { debouncer, root: root_abs, watched: Vec::new() };
    watcher.refresh();
    Ok(watcher)
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let path: PathBuf = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/")).filter(|r| !r.is_empty())
}
