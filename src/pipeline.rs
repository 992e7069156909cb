//! The one pipeline of `build`, `check` and `serve`: load → parse → assemble → render → check the
//! pages → search index. [`stages`] is the whole orchestration, read top to bottom: the order of
//! the stages, what happens on errors, and where a [`Cache`] plugs in. `build` and `check` call
//! [`run`], which reads every file; `serve` calls [`run_cached`] with the cache of its previous
//! run, and each stage takes from it what did not change. Nothing else differs.

use crate::assemble::{self, AssembleCache, AssembleOptions, Page, Schedule, Site};
use crate::build_cache;
use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};
use crate::load::{self, ContentFile, LoadedSite, StaticFile, TemplateFile};
use crate::page_ids::{self, RenderedIds};
use crate::parse::{self, FileResult, ParseOptions, ParsedSite};
use crate::render::{self, NullSink, RenderedPages, Sink, Templates};
use crate::serve::changes::RebuildPlan;
use crate::serve::fingerprint::{self, FileVersions, Shown};
use chrono::{NaiveDate, Utc};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct PipelineOptions {
    pub root: PathBuf,
    /// Replaces `base_url` from site.toml (`--base-url`, and `serve`).
    pub base_url: Option<String>,
    pub include_drafts: bool,
    /// `--future`: explainers dated after the build's day are published too.
    pub include_future: bool,
    /// The build's day, which decides what is scheduled and what has expired; `None` is the UTC
    /// day of the system clock when the run starts (`DOSSIER_NOW` sets it: see `cmd::clock`).
    pub today: Option<NaiveDate>,
    /// The process ends after this run (`build`, `check`): what the build allocated is left to
    /// the system to reclaim at exit instead of being freed piece by piece (at 10,000 explainers,
    /// freeing the site took 40 ms, and the text of its files 9 ms more, on one thread, at the
    /// end of every build).
    pub ends_process: bool,
}

impl PipelineOptions {
    /// The options of a plain `check` of the site at `root`: its own `base_url`, no drafts, no
    /// scheduled explainers, today's date, and a process that goes on after the run.
    pub fn for_site(root: &std::path::Path) -> Self {
        PipelineOptions {
            root: root.to_path_buf(),
            base_url: None,
            include_drafts: false,
            include_future: false,
            today: None,
            ends_process: false,
        }
    }
}

/// Time spent in each stage, for `build --timings` and `serve --timings`.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub load: Duration,
    pub parse: Duration,
    pub assemble: Duration,
    /// With a cache: the fingerprints of the pages, to find those that changed.
    pub compare: Duration,
    pub render: Duration,
    /// Built while pages render (without a cache).
    pub search: Duration,
}

/// A pipeline that got to the end.
#[derive(Debug)]
pub struct Rendered {
    /// Pages of the site.
    pub pages: usize,
    /// Pages rendered by this run: all of them without a cache, those that changed with one.
    pub rendered: usize,
    /// With a cache: output files of its previous successful run that the site no longer has.
    pub removed: Vec<String>,
    /// Files of the search index (none with a cache: see [`Cache::search_index`]).
    pub search_files: usize,
    /// Static files still to copy (the sink decides how).
    pub static_files: Arc<Vec<StaticFile>>,
    pub config: Arc<Config>,
    pub warnings: Vec<Diagnostic>,
    pub timings: Timings,
    /// Explainers left out for their dates, and the next day the output changes.
    pub schedule: Schedule,
    /// External links, with their places, for `check --external` (none otherwise).
    pub external_links: Vec<crate::lint::external::ExternalLink>,
    /// Resized variants of images this run made; the others came from the image cache.
    pub images_resized: usize,
    /// The aliases of explainers, for the redirect files of `[publish]`.
    pub redirects: Vec<crate::publish::Redirect>,
}

/// Reads and checks `site.toml` (with `--base-url` applied): the first step, before a sink exists.
pub fn load_config(options: &PipelineOptions) -> Result<Config, Vec<Diagnostic>> {
    load::load_config(&options.root, options.base_url.as_deref()).map_err(sorted)
}

/// Runs every stage after the configuration, on every file of the site. On failure, returns
/// every diagnostic found, sorted, warnings included.
pub fn run(options: &PipelineOptions, config: Config, sink: &dyn Sink) -> Result<Rendered, Vec<Diagnostic>> {
    run_with(options, config, sink, None)
}

/// [`run`] for `build` with its build cache (`src/build_cache/`): every file is read, parsed
/// and assembled, and the pages whose fingerprint is the one `persisted.previous` recorded are
/// not rendered, when the sink still has their bytes ([`Sink::keep`]). On success,
/// `persisted.now` holds what to record once the pages are written.
pub fn run_persisted(
    options: &PipelineOptions,
    config: Config,
    sink: &dyn Sink,
    persisted: &mut Persisted,
) -> Result<Rendered, Vec<Diagnostic>> {
    run_with(options, config, sink, Some(persisted))
}

/// The build cache as `build` hands it to the pipeline: the cache it read, and what this run
/// records.
#[derive(Debug, Default)]
pub struct Persisted {
    /// The cache file as read (its key not checked yet: the run computes its own).
    pub previous: Option<build_cache::Stored>,
    /// After a successful run: the key and the pages, to record.
    pub now: Option<build_cache::Now>,
    /// The parse of every content file as the cache last recorded it: the parse stage takes
    /// from it the files whose bytes did not change, and writes it again
    /// (`build_cache::parses`).
    pub parses: Option<build_cache::parses::Cache>,
    /// After [`run_unchanged`] found the site unchanged though some files' stamps were not the
    /// ones recorded (touched, or written just before the last build read them): the cache with
    /// their stamps now, to write so that the next build knows them without reading them.
    pub refreshed: Option<build_cache::Stored>,
}

fn run_with(
    options: &PipelineOptions,
    config: Config,
    sink: &dyn Sink,
    persisted: Option<&mut Persisted>,
) -> Result<Rendered, Vec<Diagnostic>> {
    // load: every file; with the build cache, the file system's clock first, so that the stamps
    // of files older than it can be recorded (`build_cache::files`)
    let started = Instant::now();
    let read_at =
        persisted.as_ref().and_then(|_| build_cache::files::clock(&options.root.join(&config.images.cache_dir)));
    let (mut loaded, mut diagnostics) = load::load_site(&options.root, config);
    let stamps = std::mem::take(&mut loaded.stamps);
    let resized = images(&options.root, &loaded.config, &mut loaded.static_files, &mut diagnostics);
    crate::publish::fingerprint::add_copies(loaded.config.publish.fingerprint, &mut loaded.static_files);
    let loaded = Loaded { images_resized: resized, ..Loaded::from_site(loaded) };
    if loaded.config.is_multilingual() {
        // every language, whole, without the build cache (see `run_languages`)
        return run_languages(options, &loaded, diagnostics, started.elapsed(), sink);
    }
    let mut persist = persisted.map(|p| Persist::new(p, options, &loaded, diagnostics.len(), (&stamps, read_at)));
    let load_time = started.elapsed();
    // `build` of the very site its build cache recorded: nothing to parse, assemble or render
    if let Some(rendered) = persist.as_mut().and_then(|p| p.unchanged(&loaded, &mut diagnostics, sink)) {
        if options.ends_process {
            std::mem::forget(loaded);
        }
        let timings = Timings { load: load_time, ..Timings::default() };
        return Ok(Rendered { timings, warnings: sorted(diagnostics), ..rendered });
    }
    let mut templates = None;
    let result =
        stages(options, &loaded, loaded.sources(), diagnostics, load_time, sink, &mut templates, None, persist);
    if options.ends_process {
        // the process ends: the text of the files is left to the system to reclaim, instead of
        // being freed file by file (9 ms at 10,000 explainers, see `ends_process`)
        std::mem::forget(loaded);
    }
    result
}

/// [`run`] for `serve`: reads again only what `cache` was told changed ([`Cache::changed`]), and
/// takes from it what its previous runs made of everything else. The configuration is read
/// first, when it changed: its errors stop the run, as they stop a build before it starts.
pub fn run_cached(options: &PipelineOptions, sink: &dyn Sink, cache: &mut Cache) -> Result<Rendered, Vec<Diagnostic>> {
    // load: what changed since the last run
    let started = Instant::now();
    let (loaded, diagnostics) = cache.files.load(options)?;
    if loaded.config.is_multilingual() {
        // built whole at every run (see `run_languages`): the next run of a site of one
        // language finds no page it could keep
        let pages = &mut cache.stages.pages;
        (pages.site, pages.fingerprints, pages.ids) = (None, HashMap::new(), RenderedIds::default());
        return run_languages(options, &loaded, diagnostics, started.elapsed(), sink);
    }
    // SAFETY: `loaded` outlives the run; what borrows from these sources is dropped during it,
    // or kept in `cache.stages` beside a clone of the `Arc` it borrows from, in a field dropped
    // after it (the argument is written out at `Loaded::sources_pinned`).
    let sources = unsafe { loaded.sources_pinned() };
    let load_time = started.elapsed();
    let StageCaches { parse, templates, assembly, pages } = &mut cache.stages;
    let warm = Warm {
        parse,
        assembly,
        pages,
        files: &cache.files,
        // a large site takes a while to free: not on the way to the reload
        drop_later: |previous| {
            std::thread::spawn(move || drop(previous));
        },
    };
    stages(options, &loaded, sources, diagnostics, load_time, sink, templates, Some(warm), None)
}

/// The stages, in order, with their error policy. Every stage runs as far as it has input, so
/// that one run reports every problem (unreadable files, YAML, templates, links, anchors):
/// - load and parse errors are reported; files that failed are left out, and links to them are
///   not reported again;
/// - template errors are reported, and assembly runs all the same;
/// - assembly errors stop the run: there is no site to render;
/// - after any error, pages are still rendered, to nowhere, so that the errors only rendered
///   pages show (templates, `#anchor` links) are reported with the others; then the run stops;
/// - rendering errors, ids written twice on a page and broken `#anchor` links stop the run.
///
/// Templates are compiled into `templates`: this run's, or a cache's, which compiles them again
/// only when they changed. With a cache (`warm`), each other stage takes its own part of it:
/// parse parses only the files it has not parsed, assembly reuses its derived data,
/// and only the pages whose fingerprint changed since the last successful run are rendered (the
/// others are as that run left them). The cache records pages only when the run succeeds.
#[allow(clippy::too_many_arguments)] // the stages' inputs, each named: clearer than a struct used once
fn stages<'s>(
    options: &PipelineOptions,
    loaded: &Loaded,
    sources: Sources<'s>,
    mut diagnostics: Vec<Diagnostic>,
    load_time: Duration,
    sink: &dyn Sink,
    templates: &mut Option<CompiledTemplates>,
    mut warm: Option<Warm<'_, 's>>,
    mut persist: Option<Persist<'_>>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let mut timings = Timings { load: load_time, ..Timings::default() };

    // parse: each file on its own, in parallel; with a cache, only those not parsed before
    let started = Instant::now();
    let parsed = parse(&sources, loaded, warm.as_mut().map(Warm::parse), persist.as_mut(), &mut diagnostics);
    timings.parse = started.elapsed();

    // templates: their errors are reported with the others, and do not stop assembly
    let version = warm.as_ref().map(|w| w.files.templates_version);
    let templates = compile(&sources, templates, version, &mut diagnostics);

    // assemble: the one immutable site; its errors stop the run
    let started = Instant::now();
    let cache = warm.as_mut().map(|w| w.assembly.for_run(loaded));
    let assembled = assemble_site(&sources, parsed, options, cache, persist.as_mut());
    timings.assemble = started.elapsed();
    let site = match assembled {
        Ok((site, warnings)) => {
            diagnostics.extend(warnings);
            site
        }
        Err(errors) => {
            diagnostics.extend(errors);
            return Err(sorted(diagnostics));
        }
    };
    let external_links = site_checks(&site, options, &mut diagnostics);
    let Some(templates) = templates else { return Err(sorted(diagnostics)) };

    // the pages to render: all of them; with a cache, those whose fingerprint changed
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    let sink = if failed { &NullSink } else { sink };
    let started = Instant::now();
    let (pages, fingerprints) = pages_to_render(&site, warm.as_ref(), persist.as_ref(), sink);
    timings.compare = started.elapsed();

    // render, with the search index alongside; after errors, to nowhere and without the index;
    // with the build cache, the index of the same site is kept
    let kept_search = persist.as_ref().filter(|_| !failed).and_then(|p| p.keep_search(sink));
    let with_search = !failed && warm.is_none() && kept_search.is_none();
    let (rendered, search) = if warm.is_some() {
        // `serve`: the pages asked for first are ready first (its first run publishes pages as
        // they render)
        (render_first(&site, templates, &pages, sink), None)
    } else {
        render(&site, templates, &pages, sink, with_search)
    };
    (timings.render, timings.search) = (rendered.1, search.as_ref().map_or(Duration::ZERO, |s| s.1));
    let rendered = match rendered.0 {
        Ok(rendered) => rendered,
        Err(errors) => {
            diagnostics.extend(errors);
            return Err(sorted(diagnostics));
        }
    };

    // the pages as rendered: ids written twice (unless errors came first, which name the place
    // in the body), and `#anchor` links against the ids of the page they lead to; with a cache,
    // the pages not rendered again hold the ids they held
    let pages_rendered = pages.len();
    let recorded_ids = warm.as_ref().map(|w| &w.pages.ids).or(persist.as_ref().and_then(|p| p.previous_ids()));
    let ids = ids_now(rendered.ids, fingerprints.as_deref(), recorded_ids);
    if !failed {
        diagnostics.extend(rendered.duplicate_ids);
    }
    diagnostics.extend(page_ids::check_anchors(&site.anchor_checks, &ids));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(sorted(diagnostics));
    }
    let search_files = match search.map(|s| s.0) {
        Some(Err(e)) => {
            diagnostics.push(Diagnostic::cannot_write("the search index", e));
            return Err(sorted(diagnostics));
        }
        Some(Ok(files)) => files,
        None => kept_search.unwrap_or(0),
    };

    // success: a cache records the pages as they are now, and keeps the site for the index
    let page_count = site.pages.len();
    let schedule = site.schedule;
    let redirects = crate::publish::redirects::of_site(&site);
    let removed = match (warm, persist) {
        (Some(warm), _) => warm.record(site, fingerprints.unwrap_or_default(), ids, loaded),
        (None, Some(persist)) => {
            persist.record(fingerprints.unwrap_or_default(), ids, &diagnostics, (page_count, &schedule, &redirects));
            end(site, options.ends_process)
        }
        (None, None) => end(site, options.ends_process),
    };
    Ok(Rendered {
        pages: page_count,
        rendered: pages_rendered,
        removed,
        search_files,
        static_files: Arc::clone(&loaded.static_files),
        config: Arc::clone(&loaded.config),
        warnings: sorted(diagnostics),
        timings,
        schedule,
        external_links,
        images_resized: loaded.images_resized,
        redirects,
    })
}

/// A site in several languages (`languages` in site.toml): every language is parsed and
/// assembled (the default first, whose pages the others' links fall back to), then the table
/// of which page is which in each language ([`Translations`]) is given to every site, then every
/// language is rendered, into `sink` under its folder (`fr/`), with its own search index.
/// Static files are written once, at the root. The error policy is [`stages`']. It takes no
/// cache: every page of every language is rendered at every run (`serve`), and `build` keeps
/// no build cache for such a site.
fn run_languages(
    options: &PipelineOptions,
    loaded: &Loaded,
    mut diagnostics: Vec<Diagnostic>,
    load_time: Duration,
    sink: &dyn Sink,
) -> Result<Rendered, Vec<Diagnostic>> {
    let mut timings = Timings { load: load_time, ..Timings::default() };
    let configs: Vec<Config> = loaded.config.languages.iter().map(|l| loaded.config.for_language(l)).collect();
    let files = load::split_languages(&loaded.content, &loaded.config.languages);
    let all = loaded.sources();
    let mut slot = None;
    let templates = compile(&all, &mut slot, None, &mut diagnostics);
    let mut sites = match assemble_languages(options, loaded, &configs, &files, &mut diagnostics, &mut timings) {
        Some(sites) => sites,
        None => return Err(deduplicated(diagnostics)),
    };
    for site in &sites[1..] {
        diagnostics.extend(assemble::translation_paths(&sites[0], site));
    }
    let translations = Arc::new(assemble::Translations::of(&sites));
    for site in &mut sites {
        site.translations = Some(Arc::clone(&translations));
    }
    let mut external_links = Vec::new();
    for site in &sites {
        external_links.extend(site_checks(site, options, &mut diagnostics));
    }
    if loaded.config.lint.run {
        diagnostics.extend(crate::lint::translations(&sites));
    }
    let Some(templates) = templates else { return Err(deduplicated(diagnostics)) };
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    let sink = if failed { &NullSink } else { sink };
    let (mut pages, mut search_files, mut redirects) = (0, 0, Vec::new());
    for site in &sites {
        let prefix = site.config.language_prefix();
        let in_folder = PrefixSink { prefix: &prefix, sink };
        let all_pages: Vec<&Page> = site.pages.iter().collect();
        let (rendered, search) = render(site, templates, &all_pages, &in_folder, !failed);
        timings.render += rendered.1;
        timings.search += search.as_ref().map_or(Duration::ZERO, |s| s.1);
        let rendered = match rendered.0 {
            Ok(rendered) => rendered,
            Err(errors) => {
                diagnostics.extend(errors);
                return Err(deduplicated(diagnostics));
            }
        };
        if !failed {
            diagnostics.extend(rendered.duplicate_ids);
        }
        diagnostics.extend(page_ids::check_anchors(&site.anchor_checks, &rendered.ids));
        match search.map(|s| s.0) {
            Some(Err(e)) => diagnostics.push(Diagnostic::cannot_write("the search index", e)),
            Some(Ok(files)) => search_files += files,
            None => {}
        }
        pages += site.pages.len();
        redirects.extend(crate::publish::redirects::of_site(site).into_iter().map(|r| crate::publish::Redirect {
            from: format!("{prefix}{}", r.from),
            to: format!("{prefix}{}", r.to),
        }));
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(deduplicated(diagnostics));
    }
    redirects.sort();
    let schedule = sites[0].schedule;
    Ok(Rendered {
        pages,
        rendered: pages,
        removed: Vec::new(),
        search_files,
        static_files: Arc::clone(&loaded.static_files),
        config: Arc::clone(&loaded.config),
        warnings: deduplicated(diagnostics),
        timings,
        schedule,
        external_links,
        images_resized: loaded.images_resized,
        redirects,
    })
}

/// Parses and assembles each language's files (`files`, in the order of `configs`), the
/// default's first, whose pages the others' links fall back to. `None` after an assembly error.
fn assemble_languages<'s>(
    options: &PipelineOptions,
    loaded: &'s Loaded,
    configs: &'s [Config],
    files: &'s [Vec<Arc<ContentFile>>],
    diagnostics: &mut Vec<Diagnostic>,
    timings: &mut Timings,
) -> Option<Vec<Site<'s>>> {
    let assemble_options = assemble_options(options);
    let mut sites: Vec<Site<'s>> = Vec::with_capacity(configs.len());
    let mut fallback = None;
    let mut failed = false;
    for (config, files) in configs.iter().zip(files) {
        let sources = Sources {
            config,
            content: files.iter().map(|f| &**f).collect(),
            unreadable: &loaded.unreadable,
            templates: &loaded.templates,
            static_files: &loaded.static_files,
        };
        let started = Instant::now();
        let parsed = parse(&sources, loaded, None, None, diagnostics);
        timings.parse += started.elapsed();
        let started = Instant::now();
        let assembled =
            assemble::assemble(config, parsed, &loaded.static_files, assemble_options, None, fallback.as_ref());
        timings.assemble += started.elapsed();
        match assembled {
            Ok((site, warnings)) => {
                // the default language's files shown in another are checked with the default's
                let translated = |d: &Diagnostic| {
                    d.is_error()
                        || sites.is_empty()
                        || d.location
                            .as_ref()
                            .is_none_or(|l| files.iter().any(|f| f.path == l.path && assemble::original_of(f).1))
                };
                diagnostics.extend(warnings.into_iter().filter(translated));
                if fallback.is_none() {
                    fallback = Some(assemble::fallback_of(&site));
                }
                sites.push(site);
            }
            Err(errors) => {
                diagnostics.extend(errors);
                failed = true;
            }
        }
    }
    (!failed).then_some(sites)
}

/// A multilingual run's diagnostics, sorted, each once: the default language's profiles, shown
/// in every language that has no version of them, are parsed once per language.
fn deduplicated(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut diagnostics = sorted(diagnostics);
    diagnostics.dedup();
    diagnostics
}

/// Writes each file into `sink` under a language's folder (`fr/`).
struct PrefixSink<'a> {
    prefix: &'a str,
    sink: &'a dyn Sink,
}

impl Sink for PrefixSink<'_> {
    fn write(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        if self.prefix.is_empty() {
            return self.sink.write(path, bytes);
        }
        self.sink.write(&format!("{}{path}", self.prefix), bytes)
    }
}

/// The checks of an assembled site beyond assembly's own, for `check`: the editorial lint, and
/// the external links that `check --external` requests (returned, with their places).
fn site_checks(
    site: &Site<'_>,
    options: &PipelineOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<crate::lint::external::ExternalLink> {
    if site.config.lint.run {
        diagnostics.extend(crate::lint::lint(site, options.today.unwrap_or_else(|| Utc::now().date_naive())));
    }
    if site.config.lint.external { crate::lint::external::collect(site) } else { Vec::new() }
}

/// The end of a run that keeps no site: when the process ends, the site is not freed piece by
/// piece (40 ms at 10,000 explainers). The run itself removes no output file.
fn end(site: Site<'_>, ends_process: bool) -> Vec<String> {
    if ends_process {
        std::mem::forget(site);
    }
    Vec::new()
}

fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics::sort(&mut diagnostics);
    diagnostics
}

// The stages, each with its part of the cache.

/// Images, part of loading: the resized variants of the site's raster images (`[images]`), made
/// or taken from the image cache, join the static files, so that the plan checks their paths
/// and the output copies them like any other (`serve` serves them from the cache). An image
/// that does not decode is reported with the other errors of loading. Returns how many variants
/// were resized. `serve` runs it only when it reads the static files again: a body edit resizes
/// nothing.
fn images(
    root: &std::path::Path,
    config: &Config,
    static_files: &mut Vec<StaticFile>,
    diagnostics: &mut Vec<Diagnostic>,
) -> usize {
    let produced = crate::images::produce(root, &config.images, static_files);
    static_files.extend(produced.variants);
    diagnostics.extend(produced.diagnostics);
    produced.resized
}

/// Parse: every content file (with a cache, those it has no result for; with the build cache,
/// those whose bytes it has no parse of), and the results put together in path order.
fn parse<'s>(
    sources: &Sources<'s>,
    loaded: &Loaded,
    cache: Option<(&mut ParseCache<'s>, (u64, u64))>,
    persist: Option<&mut Persist<'_>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> ParsedSite<'s> {
    let persisted = persist.and_then(|p| Some((p.parses.as_deref_mut()?, &p.versions)));
    let (mut parsed, parse_diagnostics) = match (cache, persisted) {
        (None, Some((persisted, versions))) => {
            let options = ParseOptions::new(sources.config, sources.templates);
            let version_of = |file: &ContentFile| versions.get(&(file as *const ContentFile as usize)).copied();
            let (results, warnings) =
                persisted.parse(&sources.content, |file| version_of(file).unwrap_or(u64::MAX), &options);
            diagnostics.extend(warnings);
            parse::collect(sources.content.iter().copied().zip(results))
        }
        (None, None) => {
            let options = ParseOptions::new(sources.config, sources.templates);
            let results: Vec<FileResult<'s>> = sources
                .content
                .par_iter()
                .with_max_len(crate::ITEMS_PER_JOB)
                .map(|file| parse::parse_file(file, &options))
                .collect();
            parse::collect(sources.content.iter().copied().zip(results))
        }
        (Some((cache, versions)), _) => cache.parse(sources, loaded, versions),
    };
    parsed.failed.extend(sources.unreadable.iter().cloned());
    diagnostics.extend(parse_diagnostics);
    parsed
}

/// What assembly publishes, from the command's options (`--drafts`, `--future`, the build's day).
fn assemble_options(options: &PipelineOptions) -> AssembleOptions {
    let today = options.today.unwrap_or_else(|| Utc::now().date_naive());
    AssembleOptions { include_drafts: options.include_drafts, include_future: options.include_future, today }
}

/// Assemble: with `serve`'s cache (`cache`), or with what `build`'s build cache derived from
/// the text at the last build (`persist`, which then holds what this run derived).
fn assemble_site<'s>(
    sources: &Sources<'s>,
    parsed: ParsedSite<'s>,
    options: &PipelineOptions,
    cache: Option<&mut AssembleCache<'s>>,
    persist: Option<&mut Persist<'_>>,
) -> Result<(Site<'s>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let options = assemble_options(options);
    let Some(persist) = persist else {
        return assemble::assemble(sources.config, parsed, sources.static_files, options, cache, None);
    };
    let mut derived = persist.assemble_cache();
    let assembled = assemble::assemble(sources.config, parsed, sources.static_files, options, Some(&mut derived), None);
    persist.derived = derived.into_derived();
    assembled
}

/// Compiles the templates into `slot`, unless it holds those of `version` (the version of the
/// template files a cache read; none without a cache). Their errors go to `diagnostics` at
/// every run.
fn compile<'t>(
    sources: &Sources<'_>,
    slot: &'t mut Option<CompiledTemplates>,
    version: Option<u64>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'t mut Templates> {
    if version.is_none() || slot.as_ref().and_then(|c| c.version) != version {
        *slot = Some(CompiledTemplates { version, templates: Templates::compile(sources.templates) });
    }
    match &mut slot.as_mut()?.templates {
        Ok(templates) => Some(templates),
        Err(errors) => {
            diagnostics.extend(errors.iter().cloned());
            None
        }
    }
}

/// The pages to render: every page; with a cache, those whose fingerprint is not the one it
/// recorded (with the fingerprint of every page, to record). With the build cache, a page whose
/// fingerprint is the one recorded is rendered all the same when `sink` cannot keep its bytes.
fn pages_to_render<'a>(
    site: &'a Site<'_>,
    warm: Option<&Warm<'_, '_>>,
    persist: Option<&Persist<'_>>,
    sink: &dyn Sink,
) -> (Vec<&'a Page>, Option<Fingerprints>) {
    if let Some(persist) = persist {
        return persist.pages_to_render(site, sink);
    }
    let Some(warm) = warm else { return (site.pages.iter().collect(), None) };
    let recorded = &*warm.pages;
    let fingerprints = fingerprint::fingerprints(site, warm.files.global, &warm.files.versions, recorded.shown);
    let changed = site
        .pages
        .iter()
        .zip(&fingerprints)
        .filter(|(_, (path, fp))| recorded.fingerprints.get(path) != Some(fp))
        .map(|(page, _)| page)
        .collect();
    (changed, Some(fingerprints))
}

/// (output file, fingerprint) of each page, in the order of `site.pages`.
type Fingerprints = Vec<(String, u64)>;

/// The pages rendered (or the errors), and the time it took.
type RenderResult = (Result<RenderedPages, Vec<Diagnostic>>, Duration);

/// The number of files of the search index (or why it could not be written), and the time it took.
type SearchResult = (std::io::Result<usize>, Duration);

/// Renders `pages` into `sink`, and the search index alongside when asked: both only read the
/// site. Returns each with the time it took.
fn render(
    site: &Site<'_>,
    templates: &mut Templates,
    pages: &[&Page],
    sink: &dyn Sink,
    with_search: bool,
) -> (RenderResult, Option<SearchResult>) {
    let mut render = || {
        let started = Instant::now();
        (render::render_pages(site, templates, sink, pages), started.elapsed())
    };
    if !with_search {
        return (render(), None);
    }
    let search = || {
        let started = Instant::now();
        let files = if site.config.search { crate::search::write_index(site, sink) } else { Ok(0) };
        (files, started.elapsed())
    };
    let (rendered, search) = rayon::join(render, search);
    (rendered, Some(search))
}

/// The pages a browser asks for first: the home page (the address `serve` prints) and the page
/// for a missing address.
const FIRST_PAGES: [&str; 2] = ["index.html", "404.html"];

/// Renders `pages` into `sink` as [`render`] does (without the search index), [`FIRST_PAGES`]
/// first: `render::render_pages` renders explainer pages before the lists, and the home page is
/// a list. The result is the same as one call's: when the first pages have errors, every page is
/// rendered in one call, so that the errors are counted as a build counts them.
fn render_first(site: &Site<'_>, templates: &mut Templates, pages: &[&Page], sink: &dyn Sink) -> RenderResult {
    let started = Instant::now();
    let first_rank = |page: &Page| FIRST_PAGES.iter().position(|&f| f == crate::urls::output_file(&page.path));
    let (mut first, rest): (Vec<&Page>, Vec<&Page>) = pages.iter().partition(|page| first_rank(page).is_some());
    if first.is_empty() || rest.is_empty() {
        return (render::render_pages(site, templates, sink, pages), started.elapsed());
    }
    // one call per first page, in FIRST_PAGES' order: within one call pages render in parallel,
    // and the 404 page could reach the server before the home page
    first.sort_by_key(|page| first_rank(page));
    let mut done = Vec::with_capacity(first.len());
    for page in first {
        match render::render_pages(site, templates, sink, &[page]) {
            Ok(rendered) => done.push(rendered),
            Err(_) => return (render::render_pages(site, templates, sink, pages), started.elapsed()),
        }
    }
    let rendered = render::render_pages(site, templates, sink, &rest).map(|mut rest| {
        for first in done {
            rest.ids.extend(first.ids);
            rest.duplicate_ids.extend(first.duplicate_ids);
        }
        rest
    });
    (rendered, started.elapsed())
}

/// The ids on every page of the site now: those just rendered and, with a cache, those of the
/// pages it did not render again, as its last successful run recorded them.
fn ids_now(fresh: RenderedIds, fingerprints: Option<&[(String, u64)]>, recorded: Option<&RenderedIds>) -> RenderedIds {
    let (Some(recorded), Some(fingerprints)) = (recorded, fingerprints) else { return fresh };
    let mut ids = RenderedIds::default();
    ids.reserve(fingerprints.len());
    for (path, _) in fingerprints.iter().filter(|(path, _)| !fresh.contains_key(path)) {
        if let Some(page_ids) = recorded.get(path) {
            ids.insert(path.clone(), page_ids.clone());
        }
    }
    ids.extend(fresh);
    ids
}

// The build cache of `build`.

/// The build cache during one run: this run's key and file versions, the pages recorded under
/// the same key, and where the run leaves what to record.
struct Persist<'p> {
    key: build_cache::Key,
    /// The configuration, templates, static files and options, hashed: in every page's
    /// fingerprint (as `serve`'s `global`).
    global: u64,
    /// A hash of each content file's path and text, by the file's address.
    versions: FileVersions,
    /// `global` and every content file's version, in order: the search index is made of these.
    site: u64,
    previous: Option<build_cache::Pages>,
    now: &'p mut Option<build_cache::Now>,
    parses: Option<&'p mut build_cache::parses::Cache>,
    /// The key of this run's parse (`build_cache::parses::key`): assembly's derived data is
    /// kept under it too.
    parse_key: u64,
    /// What assembly derived: the last build's until assembly, then this run's.
    derived: assemble::Derived,
    /// Output files [`Persist::unchanged`] kept before it found that it could not keep them all:
    /// kept once, not again.
    kept: rustc_hash::FxHashSet<String>,
    /// How many diagnostics loading reported: the outcome recorded holds those after them
    /// (loading is done again by every build).
    from_load: usize,
    /// The content files' stamps and versions, to record.
    files: build_cache::files::Files,
}

impl<'p> Persist<'p> {
    /// The build cache of a run that read `loaded`, whose content files had `stamps` (in order)
    /// when read after `read_at`: a file whose stamp is the one recorded keeps its recorded
    /// version without being hashed.
    fn new(
        persisted: &'p mut Persisted,
        options: &PipelineOptions,
        loaded: &Loaded,
        from_load: usize,
        (stamps, read_at): (&[Option<load::FileStamp>], Option<build_cache::files::Moment>),
    ) -> Persist<'p> {
        let (key, global) = build_key(options, loaded);
        let mut previous = persisted.previous.take();
        let recorded = previous.as_mut().map(|p| std::mem::take(&mut p.files)).unwrap_or_default();
        let by_path = recorded.by_path();
        let versions: Vec<u64> = loaded
            .content
            .par_iter()
            .zip(stamps.par_iter())
            .with_max_len(crate::ITEMS_PER_JOB)
            .map(|(file, stamp)| {
                build_cache::files::Files::version_in(&by_path, &file.rel, stamp.as_ref())
                    .unwrap_or_else(|| file_version(file))
            })
            .collect();
        let files = build_cache::files::Files::record(
            read_at,
            loaded.content.iter().zip(stamps).zip(&versions).map(|((f, s), v)| (f.rel.as_str(), *s, *v)),
        );
        let site = site_hash(global, &loaded.unreadable, &versions);
        let versions = loaded.content.iter().zip(versions).map(|(file, v)| (Arc::as_ptr(file) as usize, v)).collect();
        // assembly's derived data is checked item by item, whatever the key (see `Derived`)
        let derived = previous.as_mut().map(|p| std::mem::take(&mut p.derived)).unwrap_or_default();
        let previous = previous.and_then(|stored| stored.pages_for(&key));
        let parse_key = build_cache::parses::key(&ParseOptions::new(&loaded.config, &loaded.templates));
        let (now, parses) = (&mut persisted.now, persisted.parses.as_mut());
        let kept = rustc_hash::FxHashSet::default();
        Persist { key, global, versions, site, previous, now, parses, parse_key, derived, kept, from_load, files }
    }

    /// The outcome of the last successful build, when this run builds the very same site (the
    /// same key and files: `site`, which is what every page is made of), the parse cache holds
    /// this run's parses (so that it is not left damaged or stale by a run that does not parse),
    /// and `sink` keeps every page and search file as that build recorded them: then nothing is
    /// parsed, assembled or rendered, and the build cache is not written again. Otherwise the
    /// run goes on as usual, and the files kept here are not kept again. `diagnostics` (what
    /// loading reported) gets the warnings recorded after it.
    fn unchanged(&mut self, loaded: &Loaded, diagnostics: &mut Vec<Diagnostic>, sink: &dyn Sink) -> Option<Rendered> {
        let previous = self.previous.as_ref().filter(|p| p.site == self.site)?;
        let outcome = &previous.outcome;
        let schedule = outcome.schedule()?;
        let parses_current = self.parses.as_ref().is_some_and(|c| c.has_key(self.parse_key));
        if !parses_current || outcome.pages != previous.pages.len() || outcome.pages == 0 {
            return None;
        }
        let files: Vec<(&String, u128)> = previous
            .search
            .iter()
            .map(|(path, hash)| (path, *hash))
            .chain(previous.pages.iter().map(|(path, &(_, hash))| (path, hash)))
            .collect();
        let kept: Vec<bool> =
            files.par_iter().with_max_len(crate::ITEMS_PER_JOB).map(|(path, hash)| sink.keep(path, *hash)).collect();
        if kept.iter().any(|k| !k) {
            self.kept = files.iter().zip(&kept).filter(|(_, k)| **k).map(|((path, _), _)| (*path).clone()).collect();
            return None;
        }
        diagnostics.extend(outcome.warnings.iter().cloned());
        *self.now = None;
        Some(rendered_as_recorded(outcome, previous.search.len(), schedule, loaded))
    }

    /// The assembly cache of this run: what the last build derived, to be checked against this
    /// run's files.
    fn assemble_cache<'s>(&mut self) -> AssembleCache<'s> {
        AssembleCache::from_derived(std::mem::take(&mut self.derived), self.versions.clone(), self.parse_key)
    }

    /// Keeps the search index of the last build when the site is the one it was made of, and
    /// `sink` can keep every file of it: returns how many files, or `None` when it is to be
    /// written.
    fn keep_search(&self, sink: &dyn Sink) -> Option<usize> {
        let previous = self.previous.as_ref().filter(|p| p.site == self.site && !p.search.is_empty())?;
        let kept = |path: &String, hash: u128| self.kept.contains(path) || sink.keep(path, hash);
        previous.search.iter().all(|(path, hash)| kept(path, *hash)).then_some(previous.search.len())
    }

    fn previous_ids(&self) -> Option<&RenderedIds> {
        self.previous.as_ref().map(|p| &p.ids)
    }

    /// Every page whose fingerprint is not the one recorded, or whose recorded bytes `sink`
    /// cannot keep; with the fingerprint of every page.
    fn pages_to_render<'a>(&self, site: &'a Site<'_>, sink: &dyn Sink) -> (Vec<&'a Page>, Option<Fingerprints>) {
        let fingerprints = fingerprint::fingerprints(site, self.global, &self.versions, Shown::ALL);
        let recorded = self.previous.as_ref().map(|p| &p.pages);
        let changed = site
            .pages
            .par_iter()
            .zip(fingerprints.par_iter())
            .with_max_len(crate::ITEMS_PER_JOB)
            .filter(|(_, (path, fp))| match recorded.and_then(|r| r.get(path)) {
                Some(&(recorded, hash)) if recorded == *fp => !self.kept.contains(path) && !sink.keep(path, hash),
                _ => true,
            })
            .map(|(page, _)| page)
            .collect();
        (changed, Some(fingerprints))
    }

    /// A successful run: what to record once its pages are written.
    /// `diagnostics` are all the run's; `(pages, schedule, redirects)` what else it reports.
    fn record(
        self,
        fingerprints: Fingerprints,
        ids: RenderedIds,
        diagnostics: &[Diagnostic],
        (pages, schedule, redirects): (usize, &Schedule, &[crate::publish::Redirect]),
    ) {
        // after loading's, but the cache's own: they are about this run's cache, not the site
        let warnings = diagnostics.get(self.from_load..).unwrap_or_default().iter();
        let warnings = warnings.filter(|d| d.code != crate::diagnostics::Code::BuildCache).cloned().collect();
        let outcome = build_cache::Outcome::new(pages, warnings, schedule, redirects);
        let (derived, files) = (self.derived, self.files);
        *self.now =
            Some(build_cache::Now { key: self.key, site: self.site, fingerprints, ids, derived, outcome, files });
    }
}

/// The key of a build of `loaded` (see `build_cache::Key`), and the same hashed into one number:
/// the part of every page's fingerprint that is not the site's content (`serve`'s `global`).
fn build_key(options: &PipelineOptions, loaded: &Loaded) -> (build_cache::Key, u64) {
    let today = options.today.unwrap_or_else(|| Utc::now().date_naive());
    let key = build_cache::key(
        &format!("{:?}", loaded.config),
        &loaded.templates,
        &loaded.static_files,
        (options.include_drafts, options.include_future, today),
    );
    let global = xxhash_rust::xxh3::xxh3_64(
        format!("{} {} {} {} {}", key.version, key.config, key.templates, key.static_files, key.options).as_bytes(),
    );
    (key, global)
}

/// The version of a content file: a hash of its path, its text and where its first control
/// character was (what its parse and pages are made of).
fn file_version(file: &ContentFile) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    std::hash::Hash::hash(&(&file.path, &file.text, file.control_character), &mut h);
    std::hash::Hasher::finish(&h)
}

/// The whole site in one number: `global`, the files that could not be read, and every content
/// file's version in path order. The search index is made of nothing else.
fn site_hash(global: u64, unreadable: &[String], versions: &[u64]) -> u64 {
    let mut site = xxhash_rust::xxh3::Xxh3Default::new();
    std::hash::Hash::hash(&(global, unreadable), &mut site);
    for version in versions {
        std::hash::Hash::hash(version, &mut site);
    }
    std::hash::Hasher::finish(&site)
}

/// What a build of the very site the build cache recorded reports: its outcome, nothing
/// rendered.
fn rendered_as_recorded(
    outcome: &build_cache::Outcome,
    search_files: usize,
    schedule: Schedule,
    loaded: &Loaded,
) -> Rendered {
    Rendered {
        pages: outcome.pages,
        rendered: 0,
        removed: Vec::new(),
        search_files,
        static_files: Arc::clone(&loaded.static_files),
        config: Arc::clone(&loaded.config),
        warnings: Vec::new(),
        timings: Timings::default(),
        schedule,
        external_links: Vec::new(),
        images_resized: loaded.images_resized,
        redirects: outcome.redirects(),
    }
}

/// Files whose stamp is not the one recorded that [`run_unchanged`] reads and hashes to see
/// whether they changed; with more, the site has changed (or was copied, which changes every
/// stamp) and the run goes on as usual, which reads every file anyway.
const MAX_RESTAMPED: usize = 256;

/// `build` of the very site its build cache recorded, told without reading the content files:
/// each Markdown file has the stamp recorded (`build_cache::files`), or is read and hashed and
/// has the version recorded; the key (configuration, templates, static files, options) is the
/// one recorded; the parse cache is of this key; and the sink `open` gives (the output folder
/// left in place, `output::Live`; opened only then) keeps every page and search file as
/// recorded. Then nothing is parsed, assembled or rendered, and the outcome is the one recorded,
/// with loading's own warnings; the sink comes back with it, for the rest of its checks. `None`
/// otherwise: `persisted` is as it was, for [`run_persisted`]. When some files were read for
/// their new stamps, `persisted.refreshed` holds the cache with them, to write.
pub fn run_unchanged<S: Sink>(
    options: &PipelineOptions,
    config: Config,
    open: impl FnOnce() -> Option<S>,
    persisted: &mut Persisted,
) -> Option<(Rendered, S)> {
    let started = Instant::now();
    let stored = persisted.previous.as_ref()?;
    let cache_dir = options.root.join(&config.images.cache_dir);
    if config.is_multilingual() || stored.outcome.pages != stored.pages.len() || stored.pages.is_empty() {
        return None;
    }
    // the content files first: an edit ends the run here, having read one file
    let mut diagnostics = Vec::new();
    let (walked, unread) = load::unread_content(&options.root, &mut diagnostics);
    let by_path = stored.files.by_path();
    let (versions, restamped, read_at) = unread_versions(&options.root, &unread, &by_path, &cache_dir)?;
    let mut site = load::load_site_unread(&options.root, config, walked, &mut diagnostics);
    let resized = images(&options.root, &site.config, &mut site.static_files, &mut diagnostics);
    crate::publish::fingerprint::add_copies(site.config.publish.fingerprint, &mut site.static_files);
    let loaded = Loaded { images_resized: resized, ..Loaded::from_site(site) };
    let (key, global) = build_key(options, &loaded);
    if diagnostics.iter().any(Diagnostic::is_error) || stored.key != key {
        return None;
    }
    let parse_key = build_cache::parses::key(&ParseOptions::new(&loaded.config, &loaded.templates));
    let parses_current = persisted.parses.as_ref().is_some_and(|c| c.has_key(parse_key));
    if site_hash(global, &[], &versions) != stored.site || !parses_current {
        return None;
    }
    let schedule = stored.outcome.schedule()?;
    // the output, only now: checking it is most of what is left
    let sink = open()?;
    let files: Vec<(&String, u128)> = stored
        .search
        .iter()
        .map(|(path, hash)| (path, *hash))
        .chain(stored.pages.iter().map(|p| (&p.path, p.hash)))
        .collect();
    let all_kept = files.par_iter().with_max_len(crate::ITEMS_PER_JOB).all(|(path, hash)| sink.keep(path, *hash));
    if !all_kept {
        return None;
    }
    if !restamped.is_empty() {
        let refreshed = restamped_record(stored, &unread, restamped, read_at);
        persisted.refreshed = (refreshed.files != stored.files).then_some(refreshed);
    }
    diagnostics.extend(stored.outcome.warnings.iter().cloned());
    let rendered = rendered_as_recorded(&stored.outcome, stored.search.len(), schedule, &loaded);
    let timings = Timings { load: started.elapsed(), ..Timings::default() };
    Some((Rendered { timings, warnings: sorted(diagnostics), ..rendered }, sink))
}

/// Each content file's version (in the order of `unread`): the one recorded (`by_path`) when
/// its stamp is, or its text's, read and hashed; with the files read (path, stamp, version)
/// and the moment before they were read. `None` as soon as one has changed (its version is not
/// the one recorded, or it cannot be read), or when too many must be read
/// ([`MAX_RESTAMPED`]).
#[allow(clippy::type_complexity)] // named once, here
fn unread_versions<'u>(
    root: &std::path::Path,
    unread: &'u load::UnreadFiles,
    by_path: &FxHashMap<&str, (&load::FileStamp, u64)>,
    cache_dir: &std::path::Path,
) -> Option<(Vec<u64>, Vec<(&'u str, Option<load::FileStamp>, u64)>, Option<build_cache::files::Moment>)> {
    let mut versions: Vec<Option<u64>> = unread
        .par_iter()
        .with_max_len(crate::ITEMS_PER_JOB)
        .map(|(rel, _, stamp)| build_cache::files::Files::version_in(by_path, rel, stamp.as_ref()))
        .collect();
    let restamp: Vec<usize> = (0..versions.len()).filter(|&i| versions[i].is_none()).collect();
    if restamp.len() > MAX_RESTAMPED {
        return None;
    }
    // the files whose stamp differs, read (after the clock, for their new stamps) and hashed
    let read_at = if restamp.is_empty() { None } else { build_cache::files::clock(cache_dir) };
    let mut restamped = Vec::with_capacity(restamp.len());
    for i in restamp {
        let rel = unread[i].0.as_str();
        let Ok(Some((file, stamp))) = load::read_content_file_stamped(root, rel) else { return None };
        let version = file_version(&file);
        // an edit: known at once when the file was recorded
        if by_path.get(rel).is_some_and(|(_, recorded)| *recorded != version) {
            return None;
        }
        versions[i] = Some(version);
        restamped.push((rel, stamp, version));
    }
    Some((versions.into_iter().collect::<Option<_>>()?, restamped, read_at))
}

/// The build cache `stored` with the stamps of the files read again (`restamped`, read after
/// `read_at`): each file of `unread` with its new stamp when it can be trusted, its recorded one
/// otherwise, in the order of `unread`.
fn restamped_record(
    stored: &build_cache::Stored,
    unread: &load::UnreadFiles,
    restamped: Vec<(&str, Option<load::FileStamp>, u64)>,
    read_at: Option<build_cache::files::Moment>,
) -> build_cache::Stored {
    let mut entries: FxHashMap<&str, (load::FileStamp, u64)> =
        stored.files.entries.iter().map(|(path, stamp, version)| (path.as_str(), (*stamp, *version))).collect();
    let new = build_cache::files::Files::record(read_at, restamped.into_iter());
    for (path, stamp, version) in &new.entries {
        entries.insert(path, (*stamp, *version));
    }
    let entries = unread
        .iter()
        .filter_map(|(rel, _, _)| entries.get(rel.as_str()).map(|&(stamp, version)| (rel.clone(), stamp, version)))
        .collect();
    build_cache::Stored { files: build_cache::files::Files { entries }, ..stored.clone() }
}

// What the stages read: the site's files, each behind an `Arc`.

/// The files of a site as one run reads them. Without a cache they are read for the run; with
/// one, they are the cache's, shared.
#[derive(Clone)]
struct Loaded {
    config: Arc<Config>,
    /// In path order.
    content: Vec<Arc<ContentFile>>,
    /// Content files that could not be read (relative to content/).
    unreadable: Arc<Vec<String>>,
    templates: Arc<Vec<TemplateFile>>,
    static_files: Arc<Vec<StaticFile>>,
    /// Image variants resized while loading (see [`images`]).
    images_resized: usize,
}

/// [`Loaded`], borrowed: what the stages take. `'s` is how long the parsed files, the site and
/// the assembly cache may borrow from it.
struct Sources<'s> {
    config: &'s Config,
    content: Vec<&'s ContentFile>,
    unreadable: &'s [String],
    templates: &'s [TemplateFile],
    static_files: &'s [StaticFile],
}

impl Loaded {
    fn from_site(site: LoadedSite) -> Loaded {
        Loaded {
            config: Arc::new(site.config),
            content: site.content.into_iter().map(Arc::new).collect(),
            unreadable: Arc::new(site.unreadable),
            templates: Arc::new(site.templates),
            static_files: Arc::new(site.static_files),
            images_resized: 0,
        }
    }

    fn sources(&self) -> Sources<'_> {
        Sources {
            config: &self.config,
            content: self.content.iter().map(|f| &**f).collect(),
            unreadable: &self.unreadable,
            templates: &self.templates,
            static_files: &self.static_files,
        }
    }

    /// [`Loaded::sources`] with the lifetime `'static`, so that the stages of a [`Cache`] may keep
    /// what borrows from them between runs.
    ///
    /// # Safety
    ///
    /// Each reference points into the heap allocation of one of the `Arc`s of `self` (never into
    /// `self`, which may move or be dropped), and that allocation stays where it is, unchanged,
    /// for as long as one clone of the `Arc` lives: nothing calls `Arc::get_mut` or
    /// `Arc::make_mut` on them, and `ContentFile`, `Config`, `TemplateFile` and `StaticFile` have
    /// no interior mutability. The caller must make sure that a reference, and any value that
    /// borrows from one, is used and dropped while a clone of its `Arc` lives. `run_cached` does
    /// it so, and this is the whole argument:
    ///
    /// 1. `'static` does not leave this module. The stage caches are private fields of
    ///    [`Cache`]; its public methods return owned values or `Arc`s, and borrow the kept site
    ///    only for the length of a call ([`Cache::search_index`], whose `SearchCache` keeps only
    ///    owned copies). [`Rendered`] owns what it holds.
    /// 2. During the run, `run_cached`'s own `loaded` holds every `Arc`, and outlives
    ///    [`stages`]: whatever the run makes and does not keep is dropped before it.
    /// 3. What outlives the run is stored next to clones of the `Arc`s it may borrow from, in
    ///    a field declared after it (fields drop in declaration order, also on unwinding):
    ///    - a parse result ([`ParseCache`]) beside the `Arc` of its file. `parse_file` ties the
    ///      lifetime of its result to the file alone (its `ParseOptions` are borrowed for less),
    ///      so the result borrows from nothing else;
    ///    - the assembly cache ([`AssemblyCache`]) beside every `Arc` of every run it was given
    ///      since it was last emptied, and it is emptied whole: `assemble` may put into it
    ///      anything it borrows for `'s` (content, configuration, static files);
    ///    - the site of the last successful run ([`KeptSite`]) beside that run's `Loaded`. The
    ///      site borrows only from that run's sources: the parse results it is assembled from
    ///      are of this run's files (a cached result is used only when its `Arc` is the one
    ///      loaded, `Arc::ptr_eq`), and what `AssembleCache` hands back carries no lifetime
    ///      (annotations, related explainers and co-actors are owned values). Should it ever
    ///      hand back something borrowed from an earlier run, `KeptSite` must pin the assembly
    ///      cache's `Arc`s as well.
    /// 4. A kept site freed on another thread (`drop_later`) goes there with its `Loaded`.
    unsafe fn sources_pinned(&self) -> Sources<'static> {
        /// The value of `arc`, for as long as the caller keeps a clone of `arc`.
        unsafe fn pinned<T: ?Sized>(arc: &Arc<T>) -> &'static T {
            // SAFETY: the caller keeps the allocation alive (see `sources_pinned`)
            unsafe { &*Arc::as_ptr(arc) }
        }
        // SAFETY: as above, for each
        unsafe {
            Sources {
                config: pinned(&self.config),
                content: self.content.iter().map(|f| pinned(f)).collect(),
                unreadable: pinned::<Vec<String>>(&self.unreadable),
                templates: pinned::<Vec<TemplateFile>>(&self.templates),
                static_files: pinned::<Vec<StaticFile>>(&self.static_files),
            }
        }
    }
}

// The cache `serve` keeps between runs.

/// What a run may reuse from earlier ones: `serve` keeps one for its session; `build` and
/// `check` have none. It holds the site's files as last read, and each stage's part.
#[derive(Default)]
pub struct Cache {
    /// Each part holds the `Arc`s of the files it borrows from (see `Loaded::sources_pinned`);
    /// declared first all the same, so dropped first.
    stages: StageCaches<'static>,
    files: Files,
    /// What the last search index kept for the next ([`Cache::search_index`]).
    search: crate::search::SearchCache,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    /// Starts the next run that parses every file (the session's first) from the parses kept on
    /// disk in the cache folder of the site at `root` (see `DiskParses`): only the files whose
    /// bytes they do not hold are parsed. `serve --no-cache` does not ask for it.
    pub fn from_disk(&mut self, root: PathBuf) {
        self.stages.parse.disk.pending = Some(root);
    }

    /// Puts `serve`'s own parse file in place, once written, when the run that read the parses
    /// from disk succeeded (and only then, as `build` does); removes it otherwise. A warning
    /// when it cannot be written. Called once the first run's pages are served: it may wait for
    /// the file to be written.
    pub fn save_parses(&mut self) -> Option<Diagnostic> {
        let (file, own) = self.stages.parse.disk.file.take()?;
        file.finish(own && self.stages.pages.site.is_some())
    }

    /// Says what changed on disk since the last run (the watcher's plan): the next run reads it
    /// again. What it does not name is taken as it was.
    pub fn changed(&mut self, plan: &RebuildPlan) {
        let pending = &mut self.files.pending;
        pending.config |= plan.config;
        pending.templates |= plan.templates;
        pending.static_files |= plan.static_files;
        pending.rescan_content |= plan.rescan_content;
        pending.content.extend(plan.content.iter().cloned());
    }

    /// The static files of the last run, and a number that changes when they do.
    pub fn static_files(&self) -> (u64, Arc<Vec<StaticFile>>) {
        (self.files.static_version, Arc::clone(&self.files.static_files))
    }

    /// Writes the search index of the site of the last successful run into `sink` (nothing when
    /// the site has no search); returns how many files. `serve` builds it once the pages of that
    /// run are published, since it takes longer than they do. Only the documents that changed
    /// since the previous index are analysed again.
    pub fn search_index(&mut self, sink: &dyn Sink) -> std::io::Result<usize> {
        match &self.stages.pages.site {
            Some(kept) if kept.site.config.search => {
                crate::search::write_index_kept(&kept.site, sink, &mut self.search)
            }
            _ => Ok(0),
        }
    }

    /// What the search index kept for the next, for tests.
    #[doc(hidden)]
    pub fn search_cache(&self) -> &crate::search::SearchCache {
        &self.search
    }

    /// Replaces how pages show the entities that are not their own in fingerprints: a test takes
    /// a field out on purpose, to see that comparing `serve` with `build` notices.
    #[doc(hidden)]
    pub fn fingerprint_with(&mut self, shown: Shown) {
        self.stages.pages.shown = shown;
    }
}

/// A [`Cache`] as the stages of one run see it.
struct Warm<'c, 's> {
    parse: &'c mut ParseCache<'s>,
    assembly: &'c mut AssemblyCache<'s>,
    pages: &'c mut PageCache<'s>,
    files: &'c Files,
    /// Frees the site the cache kept from its previous run.
    drop_later: fn(KeptSite<'s>),
}

impl<'s> Warm<'_, 's> {
    fn parse(&mut self) -> (&mut ParseCache<'s>, (u64, u64)) {
        (self.parse, (self.files.config_version, self.files.templates_version))
    }

    /// Records a successful run: the fingerprint and ids of every page, and the site. Returns
    /// the output files of the previous successful run that are gone.
    fn record(
        self,
        site: Site<'s>,
        fingerprints: Vec<(String, u64)>,
        ids: RenderedIds,
        loaded: &Loaded,
    ) -> Vec<String> {
        let recorded = self.pages;
        let fingerprints: HashMap<String, u64> = fingerprints.into_iter().collect();
        let mut removed: Vec<String> =
            recorded.fingerprints.keys().filter(|path| !fingerprints.contains_key(*path)).cloned().collect();
        removed.sort_unstable();
        recorded.fingerprints = fingerprints;
        recorded.ids = ids;
        if let Some(previous) = recorded.site.replace(KeptSite { site, pins: loaded.clone() }) {
            (self.drop_later)(previous);
        }
        removed
    }
}

/// Each stage's part of a [`Cache`].
#[derive(Default)]
struct StageCaches<'s> {
    parse: ParseCache<'s>,
    templates: Option<CompiledTemplates>,
    assembly: AssemblyCache<'s>,
    pages: PageCache<'s>,
}

/// Parse results by content file. The options they were parsed with are kept with them: when
/// those change (search turned on or off, `[markdown]`, `base_url`, the ids templates write),
/// every file is parsed again.
#[derive(Default)]
struct ParseCache<'s> {
    /// The options, and the versions of the configuration and templates they come from.
    options: Option<((u64, u64), ParseOptions)>,
    /// By path relative to content/: the result, borrowing from the file it holds.
    files: FxHashMap<String, (FileResult<'s>, Arc<ContentFile>)>,
    /// The parses kept on disk, which the session's first run starts from ([`Cache::from_disk`]).
    disk: DiskParses,
}

impl<'s> ParseCache<'s> {
    fn parse(
        &mut self,
        sources: &Sources<'s>,
        loaded: &Loaded,
        versions: (u64, u64),
    ) -> (ParsedSite<'s>, Vec<Diagnostic>) {
        if self.options.as_ref().is_none_or(|(v, _)| *v != versions) {
            self.files.clear();
            self.options = Some((versions, ParseOptions::new(sources.config, sources.templates)));
        }
        let Some((_, options)) = &self.options else { unreachable!("set above") };
        // the session's first run: the parses kept on disk, for the files whose bytes they were
        // made of
        let mut warnings = Vec::new();
        if self.files.is_empty()
            && let Some(root) = self.disk.pending.take()
        {
            let (results, disk_warnings, file) = parse_from_disk(&root, sources, options);
            warnings = disk_warnings;
            self.disk.file = Some(file);
            let pinned = sources.content.iter().zip(&loaded.content).zip(results);
            self.files.extend(pinned.map(|((file, arc), result)| (file.rel.clone(), (result, Arc::clone(arc)))));
        }
        // files with no result, or the result of another version of the file
        let stale: Vec<usize> = (0..sources.content.len())
            .filter(|&i| {
                self.files.get(&sources.content[i].rel).is_none_or(|(_, file)| !Arc::ptr_eq(file, &loaded.content[i]))
            })
            .collect();
        let fresh: Vec<(String, (FileResult<'s>, Arc<ContentFile>))> = stale
            .par_iter()
            .with_max_len(crate::ITEMS_PER_JOB)
            .map(|&i| {
                let file = sources.content[i];
                (file.rel.clone(), (parse::parse_file(file, options), Arc::clone(&loaded.content[i])))
            })
            .collect();
        self.files.extend(fresh);
        if self.files.len() > sources.content.len() {
            let present: std::collections::HashSet<&str> = sources.content.iter().map(|f| f.rel.as_str()).collect();
            self.files.retain(|rel, _| present.contains(rel.as_str()));
        }
        let (parsed, mut diagnostics) =
            parse::collect(sources.content.iter().map(|&file| (file, self.files[&file.rel].0.clone())));
        diagnostics.extend(warnings);
        (parsed, diagnostics)
    }
}

/// The parses `serve` keeps on disk between sessions, in the cache folder (`[images]
/// cache_dir`): `serve/parse.bin`, its own (its options differ from `build`'s: `base_url` is the
/// local address), or `build`'s `parse.bin` when that one was made with the same options. Each
/// file's parse is used only for the bytes it was made of (`build_cache::parses`).
#[derive(Default)]
struct DiskParses {
    /// The site's root, until the first run that parses every file reads them.
    pending: Option<PathBuf>,
    /// The file read, and whether it is `serve`'s own (then the new one is put in its place when
    /// the first run succeeds: [`Cache::save_parses`]; `build`'s is only read).
    file: Option<(build_cache::parses::Cache, bool)>,
}

impl Drop for DiskParses {
    /// A session that ends before [`Cache::save_parses`] leaves no temporary file behind.
    fn drop(&mut self) {
        if let Some((file, _)) = self.file.take() {
            file.finish(false);
        }
    }
}

/// The folder of `serve`'s own parse cache, inside the cache folder `cache_dir`.
fn serve_cache_dir(cache_dir: &str) -> String {
    format!("{}/serve", cache_dir.trim_end_matches('/'))
}

/// Removes the temporary parse files (`parse.bin.<pid>-<stamp>.tmp`) in `dir` that no running
/// process is writing: a `serve` stopped before its first build ended (Ctrl-C, a signal) leaves
/// the one it was writing. Where running processes cannot be listed (no `/proc`), only those
/// older than a day.
fn remove_abandoned(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let proc = std::path::Path::new("/proc");
    let listed = proc.join("self").exists();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("parse.bin.")?.strip_suffix(".tmp")?.split_once('-'))
        else {
            continue;
        };
        let abandoned = if listed {
            pid.0.parse::<u32>().is_ok_and(|pid| pid != std::process::id() && !proc.join(pid.to_string()).exists())
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 86_400))
        };
        if abandoned {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The parse of every file of `sources` (in order), taken from the parses kept on disk where
/// they hold the file's bytes, parsed otherwise: `serve`'s own file when it was made with
/// `options`, else `build`'s when it was, else none (every file is parsed). A file that cannot
/// be used is a warning, never an error. Returns the file read, whose new version is being
/// written (in the background) when any file was parsed, and whether it is `serve`'s own.
fn parse_from_disk<'s>(
    root: &std::path::Path,
    sources: &Sources<'s>,
    options: &ParseOptions,
) -> (Vec<FileResult<'s>>, Vec<Diagnostic>, (build_cache::parses::Cache, bool)) {
    use build_cache::parses;
    let cache_dir = &sources.config.images.cache_dir;
    remove_abandoned(&root.join(cache_dir));
    remove_abandoned(&root.join(serve_cache_dir(cache_dir)));
    let key = parses::key(options);
    let (own, warning) = parses::Cache::read(root, &serve_cache_dir(cache_dir));
    let mut warnings: Vec<Diagnostic> = warning.into_iter().collect();
    let (mut file, is_own) = if own.has_key(key) {
        (own, true)
    } else {
        let (built, warning) = parses::Cache::read(root, cache_dir);
        warnings.extend(warning);
        if built.has_key(key) { (built, false) } else { (own, true) }
    };
    let (results, parse_warnings) = file.parse(&sources.content, file_version, options);
    warnings.extend(parse_warnings);
    (results, warnings, (file, is_own))
}

struct CompiledTemplates {
    /// The version of the template files compiled (by a cache).
    version: Option<u64>,
    templates: Result<Templates, Vec<Diagnostic>>,
}

/// The assembly cache, with every `Arc` of every run it was given: it may hold parts of any of
/// them. Emptied when the old versions it holds would weigh more than the site.
#[derive(Default)]
struct AssemblyCache<'s> {
    /// Borrows from the pins: declared first, dropped first.
    cache: AssembleCache<'s>,
    files: FxHashMap<usize, Arc<ContentFile>>,
    /// The bytes of text of `files`.
    bytes: usize,
    others: Vec<OtherPins>,
}

impl<'s> AssemblyCache<'s> {
    fn for_run(&mut self, loaded: &Loaded) -> &mut AssembleCache<'s> {
        let current: usize = loaded.content.iter().map(|f| f.text.len()).sum();
        if self.bytes > 2 * current + (1 << 20) || self.others.len() > 16 {
            *self = AssemblyCache::default();
        }
        for file in &loaded.content {
            self.files.entry(Arc::as_ptr(file) as usize).or_insert_with(|| {
                self.bytes += file.text.len();
                Arc::clone(file)
            });
        }
        let others = (Arc::clone(&loaded.config), Arc::clone(&loaded.static_files), Arc::clone(&loaded.unreadable));
        let same =
            |(c, s, u): &OtherPins| Arc::ptr_eq(c, &others.0) && Arc::ptr_eq(s, &others.1) && Arc::ptr_eq(u, &others.2);
        if !self.others.last().is_some_and(same) {
            self.others.push(others);
        }
        &mut self.cache
    }
}

/// The `Arc`s of a run besides its content files: configuration, static files, unreadable files.
type OtherPins = (Arc<Config>, Arc<Vec<StaticFile>>, Arc<Vec<String>>);

/// What the last successful run rendered.
#[derive(Default)]
struct PageCache<'s> {
    /// The fingerprint of each page, by output file.
    fingerprints: HashMap<String, u64>,
    /// The ids on each page, for `#anchor` links to the pages a later run does not render.
    ids: RenderedIds,
    site: Option<KeptSite<'s>>,
    shown: Shown,
}

/// A site kept after its run, with the files it borrows from.
struct KeptSite<'s> {
    /// Declared first, dropped first.
    site: Site<'s>,
    #[allow(dead_code)] // held, for `site`
    pins: Loaded,
}

/// The site's files as the cache last read them, and what to read again at the next run.
struct Files {
    config: Option<Arc<Config>>,
    /// Versions count up: a part read again gets a new one.
    config_version: u64,
    templates: Arc<Vec<TemplateFile>>,
    templates_version: u64,
    static_files: Arc<Vec<StaticFile>>,
    static_version: u64,
    /// By path, in the order a build reads them, with the version of each.
    content: BTreeMap<ContentPath, (Arc<ContentFile>, u64)>,
    unreadable: Arc<Vec<String>>,
    /// What reading each part reported, given again at every run, as a build would.
    templates_read: Vec<Diagnostic>,
    static_read: Vec<Diagnostic>,
    content_read: Vec<Diagnostic>,
    /// What changed since the last run.
    pending: RebuildPlan,
    /// The version of each content file, by address, for fingerprints.
    versions: FileVersions,
    /// Configuration, templates and static files, hashed: in every page's fingerprint.
    global: u64,
    config_hash: u64,
    next_version: u64,
}

impl Default for Files {
    fn default() -> Files {
        Files {
            config: None,
            config_version: 0,
            templates: Arc::default(),
            templates_version: 0,
            static_files: Arc::default(),
            static_version: 0,
            content: BTreeMap::new(),
            unreadable: Arc::default(),
            templates_read: Vec::new(),
            static_read: Vec::new(),
            content_read: Vec::new(),
            pending: RebuildPlan::everything(),
            versions: FileVersions::default(),
            global: 0,
            config_hash: 0,
            next_version: 1,
        }
    }
}

impl Files {
    fn next_version(&mut self) -> u64 {
        self.next_version += 1;
        self.next_version
    }

    /// Reads what changed, and gives the files of this run with what reading them reported.
    fn load(&mut self, options: &PipelineOptions) -> Result<(Loaded, Vec<Diagnostic>), Vec<Diagnostic>> {
        let root = &options.root;
        if self.pending.config || self.config.is_none() {
            // on errors, the next run reads it again
            let config = load_config(options)?;
            self.config_hash =
                std::hash::BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(format!("{config:?}"));
            self.config = Some(Arc::new(config));
            self.config_version = self.next_version();
            // the theme may be another
            self.pending.templates = true;
            self.pending.static_files = true;
        }
        let plan = std::mem::take(&mut self.pending);
        let config = Arc::clone(self.config.as_ref().expect("read above"));
        if plan.templates {
            let mut read = Vec::new();
            self.templates = Arc::new(load::read_templates(root, &config.theme, &mut read));
            self.templates_read = read;
            self.templates_version = self.next_version();
        }
        let mut images_resized = 0;
        if plan.static_files {
            let mut read = Vec::new();
            let mut static_files = load::list_static(root, &config.theme, &mut read);
            images_resized = images(root, &config, &mut static_files, &mut read);
            crate::publish::fingerprint::add_copies(config.publish.fingerprint, &mut static_files);
            self.static_files = Arc::new(static_files);
            self.static_read = read;
            self.static_version = self.next_version();
        }
        let rescan =
            plan.rescan_content || self.content.is_empty() || !plan.content.iter().all(|rel| self.reread(root, rel));
        if rescan {
            self.rescan(root);
        }
        self.versions = self.content.values().map(|(file, version)| (Arc::as_ptr(file) as usize, *version)).collect();
        self.global = std::hash::BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one((
            self.config_hash,
            self.templates_version,
            self.static_version,
        ));
        let loaded = Loaded {
            config,
            content: self.content.values().map(|(file, _)| Arc::clone(file)).collect(),
            unreadable: Arc::clone(&self.unreadable),
            templates: Arc::clone(&self.templates),
            static_files: Arc::clone(&self.static_files),
            images_resized,
        };
        let mut diagnostics = self.content_read.clone();
        diagnostics.extend(self.templates_read.iter().cloned());
        diagnostics.extend(self.static_read.iter().cloned());
        Ok((loaded, diagnostics))
    }

    /// Reads content/ again whole; files whose text is the same keep their version.
    fn rescan(&mut self, root: &std::path::Path) {
        let mut read = Vec::new();
        let (files, unreadable) = load::read_content_and_failures(root, &mut read);
        let mut content = BTreeMap::new();
        for file in files {
            let key = ContentPath(file.rel.clone());
            let kept = self.content.remove(&key).filter(|(old, _)| old.text == file.text);
            let entry = match kept {
                Some(kept) => kept,
                None => (Arc::new(file), self.next_version()),
            };
            content.insert(key, entry);
        }
        self.content = content;
        self.unreadable = Arc::new(unreadable);
        self.content_read = read;
    }

    /// Reads one content file again (relative to content/). Returns false when content/ must be
    /// read whole instead: the file cannot be read, or could not be before, so that what is
    /// reported about it is what a build reports.
    fn reread(&mut self, root: &std::path::Path, rel: &str) -> bool {
        if self.unreadable.iter().any(|u| u == rel) {
            return false;
        }
        let key = ContentPath(rel.to_string());
        match load::read_content_file(root, rel) {
            Ok(Some(file)) => {
                if self.content.get(&key).is_none_or(|(old, _)| old.text != file.text) {
                    let version = self.next_version();
                    self.content.insert(key, (Arc::new(file), version));
                }
                true
            }
            Ok(None) => {
                self.content.remove(&key);
                true
            }
            Err(_) => false,
        }
    }
}

/// A path relative to content/, ordered as a build reads the files: folder by folder, each
/// name byte by byte (`a/x.md` before `a-b/x.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ContentPath(String);

impl Ord for ContentPath {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.split('/').cmp(other.0.split('/'))
    }
}

impl PartialOrd for ContentPath {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
