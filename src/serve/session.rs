//! A `serve` session: the pipeline kept warm between edits. It rereads only the files that
//! changed, reparses only those, reuses derived data that did not change, and renders only the
//! pages whose fingerprint changed. The result is an in-memory snapshot of the site.
//!
//! Everything the site borrows (content files, configuration, static listing) is allocated once
//! per version and kept for the session, so the assembled site can be kept between rebuilds.

use super::changes::RebuildPlan;
use super::fingerprint;
use crate::assemble::{self, AssembleCache, AssembleOptions, Site};
use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};
use crate::load::{self, ContentFile, StaticFile, StaticSource};
use crate::page_ids::RenderedIds;
use crate::parse::{self, FileResult, ParseOptions};
use crate::render::{self, MemorySink, Templates};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
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

fn keep<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

pub struct Session {
    root: PathBuf,
    base_url: String,
    include_drafts: bool,
    config: Option<&'static Config>,
    templates: Option<Templates>,
    templates_version: u64,
    static_files: &'static [StaticFile],
    static_version: u64,
    /// Content files by path relative to content/; unchanged files keep their address.
    files: BTreeMap<String, &'static ContentFile>,
    parsed: HashMap<String, FileResult<'static>>,
    /// How the files in `parsed` were parsed: when it changes (search turned on or off, the
    /// `[markdown]` section, the ids templates write), every file is parsed again.
    parse_options: ParseOptions,
    /// The template files, for the ids they write.
    template_files: Vec<load::TemplateFile>,
    cache: AssembleCache<'static>,
    site: Option<Site<'static>>,
    fingerprints: HashMap<String, u64>,
    /// The ids of every page the server has, for `#anchor` links.
    rendered_ids: RenderedIds,
    /// Static listing version the server has.
    static_published: u64,
    /// Files of the search index the server has.
    search_paths: Vec<String>,
}

impl Session {
    pub fn new(root: PathBuf, base_url: String, include_drafts: bool) -> Session {
        Session {
            root,
            base_url,
            include_drafts,
            config: None,
            templates: None,
            templates_version: 0,
            static_files: &[],
            static_version: 0,
            files: BTreeMap::new(),
            parsed: HashMap::new(),
            parse_options: ParseOptions::default(),
            template_files: Vec::new(),
            cache: AssembleCache::default(),
            site: None,
            fingerprints: HashMap::new(),
            rendered_ids: RenderedIds::default(),
            static_published: 0,
            search_paths: Vec::new(),
        }
    }

    /// Reloads what `plan` says, assembles, and renders the pages that changed. On errors the
    /// previous snapshot stays as it was and every diagnostic is returned, sorted.
    pub fn rebuild(&mut self, plan: &RebuildPlan) -> Result<Rebuilt, Vec<Diagnostic>> {
        let started = Instant::now();
        let mut stage = Instant::now();
        let mut stages = Vec::new();
        let mut lap = |name: &'static str, stages: &mut Vec<(&'static str, Duration)>| {
            stages.push((name, stage.elapsed()));
            stage = Instant::now();
        };
        let mut diagnostics = Vec::new();

        if plan.config || self.config.is_none() {
            let config = load::load_config(&self.root, Some(&self.base_url)).map_err(sorted)?;
            self.config = Some(keep(config));
        }
        let config = self.config.expect("loaded above");
        if plan.templates || plan.config || self.templates.is_none() {
            let files = load::read_templates(&self.root, &config.theme, &mut diagnostics);
            if !diagnostics.iter().any(Diagnostic::is_error) {
                match Templates::compile(&files) {
                    Ok(t) => {
                        self.templates = Some(t);
                        self.templates_version += 1;
                    }
                    Err(errors) => diagnostics.extend(errors),
                }
            }
            self.template_files = files;
        }
        if plan.static_files || plan.config || self.static_version == 0 {
            self.static_files = keep(load::list_static(&self.root, &config.theme, &mut diagnostics)).as_slice();
            self.static_version += 1;
        }
        self.reload_content(plan, &mut diagnostics);
        lap("load", &mut stages);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(sorted(diagnostics));
        }

        // parse what is new; everything else comes from the previous build
        let parse_options = ParseOptions::new(config, &self.template_files);
        if self.parse_options != parse_options {
            self.parsed.clear();
            self.parse_options = parse_options;
        }
        let files: Vec<&'static ContentFile> = self.files.values().copied().collect();
        let stale: Vec<&'static ContentFile> = files
            .iter()
            .copied()
            .filter(|f| self.parsed.get(&f.rel).is_none_or(|(p, _)| !same_file(p.as_ref(), f)))
            .collect();
        let fresh: Vec<(String, FileResult<'static>)> =
            stale.par_iter().map(|f| (f.rel.clone(), parse::parse_file(f, &self.parse_options))).collect();
        self.parsed.extend(fresh);
        self.parsed.retain(|rel, _| self.files.contains_key(rel));
        let (parsed, parse_diagnostics) = parse::collect(files.iter().map(|f| (*f, self.parsed[&f.rel].clone())));
        diagnostics.extend(parse_diagnostics);
        lap("parse", &mut stages);

        let assembled = assemble::assemble(
            config,
            parsed,
            self.static_files,
            AssembleOptions { include_drafts: self.include_drafts },
            Some(&mut self.cache),
        );
        let (site, warnings) = match assembled {
            Ok(ok) => ok,
            Err(errors) => {
                diagnostics.extend(errors);
                return Err(sorted(diagnostics));
            }
        };
        diagnostics.extend(warnings);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(sorted(diagnostics));
        }
        lap("assemble", &mut stages);

        // render the pages whose fingerprint changed
        let global = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            format!("{config:?}").hash(&mut h);
            (self.templates_version, self.static_version).hash(&mut h);
            h.finish()
        };
        let fingerprints = fingerprint::fingerprints(&site, global);
        let changed: Vec<&assemble::Page> = site
            .pages
            .iter()
            .zip(&fingerprints)
            .filter(|(_, (path, fp))| self.fingerprints.get(path) != Some(fp))
            .map(|(page, _)| page)
            .collect();
        lap("compare", &mut stages);
        let sink = MemorySink::with_capacity(changed.len());
        let templates = self.templates.as_mut().expect("compiled above");
        let fresh = render::render_pages(&site, templates, &sink, &changed).map_err(|errors| {
            let mut all = std::mem::take(&mut diagnostics);
            all.extend(errors);
            sorted(all)
        })?;
        // `#anchor` links, against the ids of every page as now rendered (those not rendered
        // again are as they were)
        let current: std::collections::HashSet<&str> = fingerprints.iter().map(|(p, _)| p.as_str()).collect();
        let mut ids = self.rendered_ids.clone();
        ids.retain(|path, _| current.contains(path.as_str()));
        ids.extend(fresh.ids);
        let mut page_errors = fresh.duplicate_ids;
        page_errors.extend(crate::page_ids::check_anchors(&site.anchor_checks, &ids));
        if !page_errors.is_empty() {
            diagnostics.extend(page_errors);
            return Err(sorted(diagnostics));
        }
        self.rendered_ids = ids;
        let rendered = changed.len();
        lap("render", &mut stages);

        // what changes for the server: fresh pages, and pages of the previous build that are gone
        let mut update = Update::default();
        for path in self.fingerprints.keys().filter(|p| !current.contains(p.as_str())) {
            update.pages.push((path.clone(), None));
        }
        for (path, bytes) in sink.into_files() {
            update.pages.push((path, Some(Arc::new(bytes))));
        }
        if self.static_published != self.static_version {
            update.statics =
                Some(self.static_files.iter().map(|f| (f.output_path.clone(), f.source.clone())).collect());
            self.static_published = self.static_version;
        }
        self.fingerprints = fingerprints.into_iter().collect();
        let page_count = site.pages.len();
        // dropping a large site takes a while: not on the way to the reload
        if let Some(previous) = self.site.replace(site) {
            std::thread::spawn(move || drop(previous));
        }
        lap("swap", &mut stages);
        Ok(Rebuilt {
            update,
            stages,
            rendered,
            pages: page_count,
            took: started.elapsed(),
            warnings: sorted(diagnostics),
        })
    }

    /// Builds the search index of the last good build. Slower than pages, so `serve` runs it
    /// after the pages are visible.
    pub fn rebuild_search(&mut self) -> Result<(Update, Duration), Diagnostic> {
        let started = Instant::now();
        let mut update = Update::default();
        let Some(site) = &self.site else { return Ok((update, Duration::ZERO)) };
        let sink = MemorySink::default();
        if site.config.search {
            crate::search::write_index(site, &sink).map_err(|e| Diagnostic::cannot_write("the search index", e))?;
        }
        let files = sink.into_files();
        let fresh: std::collections::HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        for old in self.search_paths.iter().filter(|p| !fresh.contains(p.as_str())) {
            update.pages.push((old.clone(), None));
        }
        self.search_paths = files.iter().map(|(p, _)| p.clone()).collect();
        update.pages.extend(files.into_iter().map(|(p, bytes)| (p, Some(Arc::new(bytes)))));
        Ok((update, started.elapsed()))
    }

    /// Brings `files` up to date with the disk, keeping unchanged files where they are.
    fn reload_content(&mut self, plan: &RebuildPlan, diagnostics: &mut Vec<Diagnostic>) {
        if plan.rescan_content || self.files.is_empty() {
            let fresh = load::read_content(&self.root, diagnostics);
            let mut files = BTreeMap::new();
            for file in fresh {
                let kept = self.files.get(&file.rel).filter(|old| old.text == file.text).copied();
                files.insert(file.rel.clone(), kept.unwrap_or_else(|| keep(file)));
            }
            self.files = files;
        }
        for rel in &plan.content {
            match load::read_content_file(&self.root, rel) {
                Ok(Some(file)) => {
                    if self.files.get(rel).is_none_or(|old| old.text != file.text) {
                        self.files.insert(rel.clone(), keep(file));
                    }
                }
                Ok(None) => {
                    self.files.remove(rel);
                }
                Err(d) => diagnostics.push(d),
            }
        }
    }
}

/// Whether a parse result comes from this very file (same address, so same text).
fn same_file(parsed: Option<&parse::ParsedFile<'static>>, file: &'static ContentFile) -> bool {
    let parsed_file = match parsed {
        Some(parse::ParsedFile::Explainer(e)) => e.file,
        Some(parse::ParsedFile::Actor(a)) => a.file,
        Some(parse::ParsedFile::Topic(t)) => t.file,
        Some(parse::ParsedFile::Home(h)) => h.file,
        // a file that failed to parse has no result to compare: parse it again
        None => return false,
    };
    std::ptr::eq(parsed_file, file)
}

fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics::sort(&mut diagnostics);
    diagnostics
}
