//! A `serve` session: the pipeline of `build` ([`pipeline::run_cached`]) kept warm between
//! edits, and what each rebuild changes in the site the server holds in memory. What is read
//! again, parsed again and rendered again is the pipeline cache's business; the session only
//! turns its results into updates of the served files.

use super::changes::RebuildPlan;
use crate::diagnostics::Diagnostic;
use crate::load::StaticSource;
use crate::pipeline::{self, Cache, PipelineOptions};
use crate::render::{MemorySink, Sink};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The files of a built site, in memory: what the server serves.
#[derive(Clone, Default)]
pub struct Snapshot {
    /// Rendered pages, feeds and index files by output path.
    pub pages: HashMap<String, Arc<Vec<u8>>>,
    /// Static files by output path.
    pub statics: HashMap<String, StaticSource>,
}

/// How a snapshot changes after a rebuild: applied at once, so readers never see half of it.
#[derive(Debug, Default)]
pub struct Update {
    /// Pages to write (`Some`) or remove (`None`).
    pub pages: Vec<(String, Option<Arc<Vec<u8>>>)>,
    /// The static files, when their list changed.
    pub statics: Option<HashMap<String, StaticSource>>,
}

impl Snapshot {
    pub fn apply(&mut self, update: Update) {
        for (path, bytes) in update.pages {
            match bytes {
                Some(bytes) => self.pages.insert(path, bytes),
                None => self.pages.remove(&path),
            };
        }
        if let Some(statics) = update.statics {
            self.statics = statics;
        }
    }

    /// The bytes of a file of the site.
    pub fn get(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        if let Some(page) = self.pages.get(path) {
            return Some(Arc::clone(page));
        }
        match self.statics.get(path)? {
            StaticSource::Embedded(bytes) => Some(Arc::new(bytes.to_vec())),
            StaticSource::Disk(file) => std::fs::read(file).ok().map(Arc::new),
        }
    }
}

/// What a rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    /// What to change in the served snapshot.
    pub update: Update,
    /// Time taken by each stage, for `serve --timings`.
    pub stages: Vec<(&'static str, Duration)>,
    pub rendered: usize,
    pub pages: usize,
    pub took: Duration,
    pub warnings: Vec<Diagnostic>,
}

pub struct Session {
    options: PipelineOptions,
    cache: Cache,
    /// The version of the static files the server has.
    static_published: u64,
    /// Files of the search index the server has, by output path, with the hash of their bytes.
    search_files: HashMap<String, (u128, Arc<Vec<u8>>)>,
}

impl Session {
    pub fn new(root: PathBuf, base_url: String, include_drafts: bool) -> Session {
        let options = PipelineOptions {
            root,
            base_url: Some(base_url),
            include_drafts,
            include_future: false,
            today: None,
            ends_process: false,
        };
        Session { options, cache: Cache::new(), static_published: 0, search_files: HashMap::new() }
    }

    /// The clock of every rebuild, as `build` takes it: `--future`, and the day `DOSSIER_NOW`
    /// fixes (`None`: the UTC day of the system clock at each rebuild).
    pub fn with_clock(mut self, include_future: bool, today: Option<chrono::NaiveDate>) -> Session {
        self.options.include_future = include_future;
        self.options.today = today;
        self
    }

    /// Starts the first run from the parses kept in the site's cache folder (`build`'s, or those
    /// of an earlier session), and keeps them there for the next session
    /// ([`Cache::from_disk`]). Without it (`serve --no-cache`), every file is parsed and nothing
    /// is written.
    pub fn with_disk_cache(mut self) -> Session {
        self.cache.from_disk(self.options.root.clone());
        self
    }

    /// Puts the parses of the first run in the cache folder, when they were read from it and it
    /// succeeded ([`Cache::save_parses`]); a warning when they cannot be written.
    pub fn save_parses(&mut self) -> Option<Diagnostic> {
        self.cache.save_parses()
    }

    /// The pipeline cache, for tests that change how it fingerprints pages.
    #[doc(hidden)]
    pub fn cache_mut(&mut self) -> &mut Cache {
        &mut self.cache
    }

    /// Runs the pipeline again after the changes of `plan`, and says what changed in the served
    /// files. On errors the previous snapshot stays as it was and every diagnostic is returned,
    /// sorted, as `build` would report them.
    pub fn rebuild(&mut self, plan: &RebuildPlan) -> Result<Rebuilt, Vec<Diagnostic>> {
        self.rebuild_with(plan, None)
    }

    /// [`Session::rebuild`], handing each page to `publish` as soon as it is rendered rather than
    /// in the update: for the first run, which has no earlier build to stay consistent with, so
    /// that the server answers for the pages ready while the others render. On errors, some
    /// pages may have been handed over already: the caller drops them.
    pub fn rebuild_publishing(&mut self, plan: &RebuildPlan, publish: Publish<'_>) -> Result<Rebuilt, Vec<Diagnostic>> {
        self.rebuild_with(plan, Some(publish))
    }

    fn rebuild_with(&mut self, plan: &RebuildPlan, publish: Option<Publish<'_>>) -> Result<Rebuilt, Vec<Diagnostic>> {
        let started = Instant::now();
        self.cache.changed(plan);
        let memory = MemorySink::default();
        let publishing = publish.map(|publish| Publishing { publish });
        let sink: &dyn Sink = match &publishing {
            Some(publishing) => publishing,
            None => &memory,
        };
        let rendered = pipeline::run_cached(&self.options, sink, &mut self.cache)?;
        let swap = Instant::now();

        // fresh pages, and the pages of the previous build that are gone
        let mut update = Update::default();
        update.pages.extend(rendered.removed.into_iter().map(|path| (path, None)));
        update.pages.extend(memory.into_files().into_iter().map(|(path, bytes)| (path, Some(Arc::new(bytes)))));
        let (static_version, static_files) = self.cache.static_files();
        if self.static_published != static_version {
            update.statics = Some(static_files.iter().map(|f| (f.output_path.clone(), f.source.clone())).collect());
            self.static_published = static_version;
        }
        let t = &rendered.timings;
        let stages = vec![
            ("load", t.load),
            ("parse", t.parse),
            ("assemble", t.assemble),
            ("compare", t.compare),
            ("render", t.render),
            ("swap", swap.elapsed()),
        ];
        Ok(Rebuilt {
            update,
            stages,
            rendered: rendered.rendered,
            pages: rendered.pages,
            took: started.elapsed(),
            warnings: rendered.warnings,
        })
    }

    /// Builds the search index of the last good build. Slower than pages, so `serve` runs it
    /// after the pages are visible. The index keeps the files the server has whose bytes are
    /// the same (most of them after an edit), so the update holds only the index files whose
    /// bytes changed, and those that are gone.
    pub fn rebuild_search(&mut self) -> Result<(Update, Duration), Diagnostic> {
        let started = Instant::now();
        let sink = HeldSink { held: &self.search_files, written: MemorySink::default(), kept: Mutex::new(Vec::new()) };
        self.cache.search_index(&sink).map_err(|e| Diagnostic::cannot_write("the search index", e))?;
        let kept: Vec<&str> = sink.kept.into_inner().expect("no writer panics holding the sink");
        let files = sink.written.into_files();
        // the files the server has that the index has no more: some, when it has more files than
        // were kept or written again
        let rewritten = files.iter().filter(|(path, _)| self.search_files.contains_key(path)).count();
        let gone: Vec<String> = if self.search_files.len() > kept.len() + rewritten {
            let live: HashSet<&str> = kept.into_iter().chain(files.iter().map(|(path, _)| path.as_str())).collect();
            let mut gone: Vec<String> =
                self.search_files.keys().filter(|path| !live.contains(path.as_str())).cloned().collect();
            gone.sort_unstable();
            gone
        } else {
            Vec::new()
        };
        let mut update = Update::default();
        for (path, bytes) in files {
            if self.search_files.get(&path).is_some_and(|(_, old)| **old == bytes) {
                continue;
            }
            let fresh = Arc::new(bytes);
            update.pages.push((path.clone(), Some(Arc::clone(&fresh))));
            self.search_files.insert(path, (crate::search::file_hash(&fresh), fresh));
        }
        for path in gone {
            self.search_files.remove(&path);
            update.pages.push((path, None));
        }
        Ok((update, started.elapsed()))
    }
}

/// Where [`Session::rebuild_publishing`] hands each page (its output path and bytes) as it is
/// rendered; called from the rendering threads.
pub type Publish<'p> = &'p (dyn Fn(String, Arc<Vec<u8>>) + Sync);

/// Pages handed on as they are rendered.
struct Publishing<'p> {
    publish: Publish<'p>,
}

impl Sink for Publishing<'_> {
    fn write(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        (self.publish)(path.to_string(), Arc::new(bytes));
        Ok(())
    }
}

/// Where the search index is written in `serve`: it keeps a file the server has with the same
/// bytes (by their hash), and collects the others.
struct HeldSink<'h> {
    held: &'h HashMap<String, (u128, Arc<Vec<u8>>)>,
    written: MemorySink,
    /// The paths kept, as the server has them.
    kept: Mutex<Vec<&'h str>>,
}

impl Sink for HeldSink<'_> {
    fn write(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        self.written.write(path, bytes)
    }

    fn keep(&self, path: &str, hash: u128) -> bool {
        match self.held.get_key_value(path) {
            Some((path, (held, _))) if *held == hash => {
                self.kept.lock().expect("no writer panics holding the sink").push(path.as_str());
                true
            }
            _ => false,
        }
    }
}
