//! The pipeline shared by `build`, `check` and `serve`: load → parse → assemble → render, into a sink.

use crate::assemble::{self, AssembleOptions};
use crate::config::Config;
use crate::diagnostics::{self, Diagnostic};
use crate::load::{self, StaticFile};
use crate::parse;
use crate::render::{self, Sink, Templates};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct PipelineOptions {
    pub root: PathBuf,
    /// Replaces `base_url` from site.toml (`--base-url`, and `serve`).
    pub base_url: Option<String>,
    pub include_drafts: bool,
    /// The process ends after this run (`build`, `check`): what the build allocated is left to
    /// the system to reclaim at exit instead of being freed piece by piece (at 10,000 explainers,
    /// freeing the site took 40 ms, and the text of its files 9 ms more, on one thread, at the
    /// end of every build).
    pub ends_process: bool,
}

/// Time spent in each stage, for `build --timings`.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub load: Duration,
    pub parse: Duration,
    pub assemble: Duration,
    pub render: Duration,
    /// Built while pages render.
    pub search: Duration,
}

/// A pipeline that got to the end.
#[derive(Debug)]
pub struct Rendered {
    pub pages: usize,
    /// Files of the search index.
    pub search_files: usize,
    /// Static files still to copy (the sink decides how).
    pub static_files: Vec<StaticFile>,
    pub config: Config,
    pub warnings: Vec<Diagnostic>,
    pub timings: Timings,
}

/// Reads and checks `site.toml` (with `--base-url` applied): the first step, before a sink exists.
pub fn load_config(options: &PipelineOptions) -> Result<Config, Vec<Diagnostic>> {
    load::load_config(&options.root, options.base_url.as_deref()).map_err(sorted)
}

/// Runs every stage after the configuration. On failure, returns every diagnostic found, sorted,
/// warnings included.
pub fn run(options: &PipelineOptions, config: Config, sink: &dyn Sink) -> Result<Rendered, Vec<Diagnostic>> {
    let mut timings = Timings::default();
    let started = Instant::now();
    let (loaded, mut diagnostics) = load::load_site(&options.root, config);
    timings.load = started.elapsed();

    let started = Instant::now();
    let parse_options = parse::ParseOptions::new(&loaded.config, &loaded.templates);
    let (mut parsed, parse_diagnostics) = parse::parse_site(&loaded.content, &parse_options);
    parsed.failed.extend(loaded.unreadable.iter().cloned());
    diagnostics.extend(parse_diagnostics);
    timings.parse = started.elapsed();

    let templates = match Templates::compile(&loaded.templates) {
        Ok(t) => Some(t),
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };

    let started = Instant::now();
    let assembled = assemble::assemble(
        &loaded.config,
        parsed,
        &loaded.static_files,
        AssembleOptions { include_drafts: options.include_drafts },
        None,
    );
    timings.assemble = started.elapsed();
    let (site, warnings) = match assembled {
        Ok((site, warnings)) => (site, warnings),
        Err(errors) => {
            diagnostics.extend(errors);
            return Err(sorted(diagnostics));
        }
    };
    diagnostics.extend(warnings);
    let mut templates = match templates {
        Some(t) if !diagnostics.iter().any(Diagnostic::is_error) => t,
        Some(mut t) => {
            // the build fails: pages are still rendered, to nowhere, so that the errors only
            // rendered pages show (`#anchor` links, templates) are reported with the others
            match render::render_site(&site, &mut t, &render::NullSink) {
                Ok(rendered) => diagnostics.extend(crate::page_ids::check_anchors(&site.anchor_checks, &rendered.ids)),
                Err(errors) => diagnostics.extend(errors),
            }
            return Err(sorted(diagnostics));
        }
        None => return Err(sorted(diagnostics)),
    };

    // the search index reads the same immutable site: it is built while pages render
    let render = || {
        let started = Instant::now();
        (render::render_site(&site, &mut templates, sink), started.elapsed())
    };
    let search = || {
        let started = Instant::now();
        let files = if site.config.search { crate::search::write_index(&site, sink) } else { Ok(0) };
        (files, started.elapsed())
    };
    let ((pages, render_time), (search_files, search_time)) = rayon::join(render, search);
    (timings.render, timings.search) = (render_time, search_time);
    let rendered = match pages {
        Ok(rendered) => rendered,
        Err(errors) => {
            diagnostics.extend(errors);
            return Err(sorted(diagnostics));
        }
    };
    // ids twice on a page, and `#anchor` links, against the pages as rendered
    let mut page_errors = rendered.duplicate_ids;
    page_errors.extend(crate::page_ids::check_anchors(&site.anchor_checks, &rendered.ids));
    if !page_errors.is_empty() {
        diagnostics.extend(page_errors);
        return Err(sorted(diagnostics));
    }
    let pages = rendered.ids.len();
    let search_files = search_files.map_err(|e| {
        diagnostics.push(Diagnostic::cannot_write("the search index", e));
        sorted(std::mem::take(&mut diagnostics))
    })?;
    if options.ends_process {
        std::mem::forget(site);
        // and the text of the files it borrowed from
        std::mem::forget(loaded.content);
    } else {
        drop(site);
    }
    Ok(Rendered {
        pages,
        search_files,
        static_files: loaded.static_files,
        config: loaded.config,
        warnings: sorted(diagnostics),
        timings,
    })
}

fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics::sort(&mut diagnostics);
    diagnostics
}
