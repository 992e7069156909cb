//! `dossier build`: the whole site into the output folder, or nothing.

use super::{fail, report, seconds};
use crate::build_cache;
use crate::cli::BuildArgs;
use crate::diagnostics::{Code, Diagnostic};
use crate::output::{Live, Staging, check_output_dir, check_ownership};
use crate::pipeline::{self, Persisted, PipelineOptions};
use std::process::ExitCode;
use std::time::Instant;

pub fn run(args: BuildArgs) -> ExitCode {
    let started = Instant::now();
    let today = match super::clock() {
        Ok(today) => today,
        Err(code) => return code,
    };
    let options = PipelineOptions {
        root: args.site.root.clone(),
        base_url: args.base_url,
        include_drafts: args.drafts,
        include_future: args.future,
        today,
        ends_process: true,
    };
    let config = match pipeline::load_config(&options) {
        Ok(c) => c,
        Err(errors) => return fail(&errors, "nothing was built"),
    };
    // `--output` is relative to where the command runs; `output_dir` to the site.
    let output = args.output.unwrap_or_else(|| options.root.join(&config.output_dir));
    let shown = super::shown(&output);
    let shown = shown.strip_prefix("./").unwrap_or(&shown).to_string();
    if let Err(d) = check_output_dir(&options.root, &output) {
        return fail(&[d], "nothing was built");
    }
    // the build cache: read before the run, written once the new output is in place. A
    // multilingual site keeps none (`pipeline::run_languages` takes none), so it reads none
    // either: a cache left by an earlier build would only be warned about at every build, since
    // no build of this site writes it again. With `--no-cache`, the cache is neither read nor
    // written, nor removed: what it records (a page with this fingerprint has bytes with this
    // hash) stays true whatever this build writes.
    let cache_file = build_cache::path(&options.root, &config.images.cache_dir);
    let mut persisted = Persisted::default();
    let use_cache = !args.no_cache && !config.is_multilingual();
    let cache_warnings =
        if use_cache { read_cache(&options, &config, &cache_file, &mut persisted) } else { Vec::new() };
    // the very site the cache recorded, into an output that still holds it: nothing to write
    if cache_warnings.is_empty()
        && let Some(rendered) =
            build_unchanged(&options, &config, (&output, &shown, args.force), &cache_file, &mut persisted)
    {
        return summarize(rendered, &shown, started, args.timings.then(std::time::Duration::default));
    }
    let mut staging = match Staging::new(&output) {
        Ok(s) => s,
        Err(e) => {
            return fail(
                &[Diagnostic::error(format!("cannot create a folder next to {shown}: {e}")).code(Code::Write)],
                "nothing was built",
            );
        }
    };
    staging.publish(&config.publish.precompress, config.base_url.as_str());
    let mut rendered =
        match run_pipeline(&options, config, &staging, use_cache.then_some(cache_warnings), &mut persisted) {
            Ok(r) => r,
            Err(diagnostics) => return fail(&diagnostics, &format!("{shown} was not changed")),
        };
    let copy_started = Instant::now();
    // the redirect and header files of `[publish]`, through the same writer as the pages
    let static_files = match crate::publish::write_host_files(&staging, &rendered) {
        Ok(files) => files,
        Err(errors) => return fail(&errors, &format!("{shown} was not changed")),
    };
    let copy_errors = staging.copy_static(&static_files);
    if !copy_errors.is_empty() {
        return fail(&copy_errors, &format!("{shown} was not changed"));
    }
    // checked once the site built, so that the site's own errors come first: a folder that is
    // not dossier's is not replaced, whatever they are
    if let Err(d) = check_ownership(&output, &shown, args.force) {
        return fail(&[d], &format!("{shown} was not changed"));
    }
    let cannot_replace = |e: std::io::Error| {
        fail(
            &[Diagnostic::error(format!("cannot replace {shown}: {e}")).code(Code::Write)],
            &format!("{shown} was not changed"),
        )
    };
    // files in the output that dossier did not make are named before the commit moves them aside
    match staging.prepare(&shown) {
        Ok(moved_aside) => report(&moved_aside),
        Err(e) => return cannot_replace(e),
    }
    // the cache is written while the output is swapped in: what it records (a page with this
    // fingerprint has bytes with this hash) holds whether the commit succeeds or not
    let hashes = persisted.now.is_some().then(|| staging.page_hashes());
    let writing = persisted
        .now
        .take()
        .zip(hashes)
        .map(|(now, hashes)| std::thread::spawn(move || build_cache::write(&cache_file, &now.record(&hashes))));
    // the parse cache (made while the pages rendered) is written meanwhile
    let parses = persisted.parses.take().map(|parses| std::thread::spawn(move || parses.finish(true)));
    let committed = staging.commit();
    // joined either way: a process that ends while the cache is written leaves its temporary file
    let parses_warning = parses.and_then(|w| w.join().ok().flatten());
    let cache_warning = writing.and_then(|w| w.join().ok().flatten()).into_iter().chain(parses_warning);
    if let Err(e) = committed {
        return cannot_replace(e);
    }
    rendered.warnings.extend(cache_warning);
    crate::diagnostics::sort(&mut rendered.warnings);
    summarize(rendered, &shown, started, args.timings.then(|| copy_started.elapsed()))
}

/// Reports a build that succeeded: its warnings, its timings when asked (with the time spent
/// finishing the output, `finish`), and the summary line.
fn summarize(
    rendered: pipeline::Rendered,
    shown: &str,
    started: Instant,
    finish: Option<std::time::Duration>,
) -> ExitCode {
    report(&rendered.warnings);
    note_supplied_robots(&rendered.static_files);
    if let Some(finish) = finish {
        print_timings(&rendered.timings, finish);
    }
    let files = rendered.static_files.len();
    let search = if rendered.search_files > 0 {
        format!(", {} search index files", rendered.search_files)
    } else {
        String::new()
    };
    // with the build cache, the pages it did not render again are said apart
    let unchanged = if rendered.rendered < rendered.pages {
        format!(" ({} rendered, the others unchanged)", rendered.rendered)
    } else {
        String::new()
    };
    println!(
        "Built {} pages{unchanged}{search} and copied {files} static files into {shown} in {}",
        rendered.pages,
        seconds(started.elapsed())
    );
    if let Some(line) = super::schedule_line(&rendered.schedule) {
        println!("{line}");
    }
    // The process ends here: skip freeing what the build allocated.
    std::mem::forget(rendered);
    ExitCode::SUCCESS
}

/// Reads the build cache of the site (`cache_file`, and the header of the parse cache beside
/// it) into `persisted`: the warnings for files that cannot be used.
fn read_cache(
    options: &PipelineOptions,
    config: &crate::config::Config,
    cache_file: &std::path::Path,
    persisted: &mut Persisted,
) -> Vec<Diagnostic> {
    let (previous, warning) = build_cache::read(cache_file);
    persisted.previous = previous;
    let (parses, parses_warning) = build_cache::parses::Cache::read(&options.root, &config.images.cache_dir);
    persisted.parses = Some(parses);
    warning.into_iter().chain(parses_warning).collect()
}

/// A build of the very site the build cache recorded (`pipeline::run_unchanged`), into the
/// output folder left in place (`output::Live`): when the folder holds every file of the build
/// as its manifest records it and nothing else, nothing is written (the build cache only when
/// some files' stamps were new). `None` otherwise, with `persisted` as it was: the build
/// stages a new output as usual. `(output, shown, force)` as [`check_ownership`] takes them.
fn build_unchanged(
    options: &PipelineOptions,
    config: &crate::config::Config,
    (output, shown, force): (&std::path::Path, &str, bool),
    cache_file: &std::path::Path,
    persisted: &mut Persisted,
) -> Option<pipeline::Rendered> {
    let open = || Live::open(output, &config.publish.precompress, config.base_url.as_str());
    let (mut rendered, live) = pipeline::run_unchanged(options, config.clone(), open, persisted)?;
    let refreshed = persisted.refreshed.take();
    let static_files = crate::publish::write_host_files(&live, &rendered).ok()?;
    live.copy_static(&static_files);
    if check_ownership(output, shown, force).is_err() || !live.intact() {
        return None;
    }
    if let Some(refreshed) = refreshed {
        rendered.warnings.extend(build_cache::write(cache_file, &refreshed));
        crate::diagnostics::sort(&mut rendered.warnings);
    }
    Some(rendered)
}

/// Runs the pipeline into `staging`, with the build cache read into `persisted` unless
/// `cache_warnings` is `None` (`--no-cache`, or a multilingual site): its warnings (files that
/// cannot be used) go with the run's warnings or errors, and `persisted` holds what to record on
/// success.
fn run_pipeline(
    options: &PipelineOptions,
    config: crate::config::Config,
    staging: &Staging,
    cache_warnings: Option<Vec<Diagnostic>>,
    persisted: &mut Persisted,
) -> Result<pipeline::Rendered, Vec<Diagnostic>> {
    let Some(cache_warnings) = cache_warnings else { return pipeline::run(options, config, staging) };
    let mut result = pipeline::run_persisted(options, config, staging, persisted);
    let diagnostics = match &mut result {
        Ok(rendered) => &mut rendered.warnings,
        Err(diagnostics) => {
            // a build that fails writes nothing, the parse cache included
            if let Some(parses) = persisted.parses.take() {
                parses.finish(false);
            }
            diagnostics
        }
    };
    diagnostics.extend(cache_warnings);
    crate::diagnostics::sort(diagnostics);
    result
}

fn print_timings(t: &pipeline::Timings, finish: std::time::Duration) {
    eprintln!(
        "timings: load {}, parse {}, assemble {}, fingerprints {}, render {} (and search index {} alongside), finish writing {}",
        seconds(t.load),
        seconds(t.parse),
        seconds(t.assemble),
        seconds(t.compare),
        seconds(t.render),
        seconds(t.search),
        seconds(finish)
    );
}

/// Says so when the site supplies its own robots.txt (a static file), which the build uses instead
/// of writing one: a note, not a warning, since it is a choice (`check --strict` passes).
pub(super) fn note_supplied_robots(static_files: &[crate::load::StaticFile]) {
    if let Some(robots) = crate::load::supplied_robots(static_files) {
        eprintln!("note: robots.txt is the site's own, {}: dossier writes none\n", robots.origin);
    }
}
