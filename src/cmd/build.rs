//! `dossier build`: the whole site into the output folder, or nothing.

use super::{fail, report, seconds};
use crate::build_cache;
use crate::cli::BuildArgs;
use crate::diagnostics::{Code, Diagnostic};
use crate::output::{Staging, check_output_dir, check_ownership};
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
    // the build cache: read before the run, written once the new output is in place
    let cache_file = build_cache::path(&options.root, &config.images.cache_dir);
    let mut persisted = Persisted::default();
    let mut rendered = match run_pipeline(&options, config, &staging, &cache_file, args.no_cache, &mut persisted) {
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
    report(&rendered.warnings);
    note_supplied_robots(&rendered.static_files);
    if args.timings {
        print_timings(&rendered.timings, copy_started.elapsed());
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

/// Runs the pipeline into `staging`, with the build cache at `cache_file` unless `no_cache`:
/// the cache's warning (a file that cannot be used) goes with the run's warnings or errors, and
/// `persisted` holds what to record on success. With `--no-cache`, the cache is neither read nor
/// written, nor removed: what it records (a page with this fingerprint has bytes with this hash)
/// stays true whatever this build writes.
fn run_pipeline(
    options: &PipelineOptions,
    config: crate::config::Config,
    staging: &Staging,
    cache_file: &std::path::Path,
    no_cache: bool,
    persisted: &mut Persisted,
) -> Result<pipeline::Rendered, Vec<Diagnostic>> {
    // a multilingual site keeps no build cache (`pipeline::run_languages` takes none), so it
    // reads none either: a cache left by an earlier build would only be warned about at every
    // build, since no build of this site writes it again
    if no_cache || config.is_multilingual() {
        return pipeline::run(options, config, staging);
    }
    let (previous, warning) = build_cache::read(cache_file);
    persisted.previous = previous;
    let (parses, parses_warning) = build_cache::parses::Cache::read(&options.root, &config.images.cache_dir);
    persisted.parses = Some(parses);
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
    diagnostics.extend(warning.into_iter().chain(parses_warning));
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
