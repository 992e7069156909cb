//! `dossier check`: every check a build makes, every page rendered, nothing written; and the
//! editorial lint (`src/lint/`), whose findings are warnings (errors with `--strict`); with
//! `--external`, the external links too (`src/lint/external.rs`).

use super::{fail, report, seconds};
use crate::cli::CheckArgs;
use crate::diagnostics::Severity;
use crate::lint::external::{self, ExternalLink};
use crate::pipeline::{self, PipelineOptions};
use crate::render::NullSink;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

pub fn run(args: CheckArgs) -> ExitCode {
    let started = Instant::now();
    let today = match super::clock() {
        Ok(today) => today,
        Err(code) => return code,
    };
    let options = PipelineOptions {
        root: args.site.root.clone(),
        base_url: None,
        include_drafts: args.drafts,
        include_future: args.future,
        today,
        ends_process: true,
    };
    let mut config = match pipeline::load_config(&options) {
        Ok(c) => c,
        Err(errors) => return fail(&errors, "the site does not build"),
    };
    config.lint.run = true;
    config.lint.external = args.external;
    let lint = config.lint.clone();
    match pipeline::run(&options, config, &NullSink) {
        Err(mut diagnostics) => {
            crate::lint::without_findings(&mut diagnostics);
            crate::lint::filter(&lint, &mut diagnostics);
            fail(&diagnostics, "the site does not build")
        }
        Ok(mut rendered) => {
            crate::lint::filter(&lint, &mut rendered.warnings);
            let broken = if args.external { check_external(&args, &rendered.external_links) } else { 0 };
            if broken > 0 && args.strict {
                eprintln!("error: {broken} broken external link{} with --strict", if broken == 1 { "" } else { "s" });
                return ExitCode::from(super::EXIT_ERRORS);
            }
            if args.strict && !rendered.warnings.is_empty() {
                report(&rendered.warnings);
                let n = rendered.warnings.len();
                eprintln!("error: {n} warning{} with --strict", if n == 1 { "" } else { "s" });
                return ExitCode::from(super::EXIT_ERRORS);
            }
            report(&rendered.warnings);
            super::build::note_supplied_robots(&rendered.static_files);
            println!("Checked {} pages in {}: no errors", rendered.pages, seconds(started.elapsed()));
            ExitCode::SUCCESS
        }
    }
}

/// Requests the external links and prints what failed, grouped by host, and what moved, as notes;
/// returns how many places have a broken link (errors with `--strict`, warnings otherwise).
fn check_external(args: &CheckArgs, links: &[ExternalLink]) -> usize {
    let options = external::Options {
        per_host: usize::from(args.per_host),
        timeout: Duration::from_secs(args.timeout),
        max_age: Duration::from_secs(u64::from(args.cache_days) * 86_400),
        now: SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
    };
    let mut found = external::check(&args.site.root, links, &options);
    report(&found.cache);
    let mut broken = 0;
    for (host, diagnostics) in &mut found.broken {
        let n = diagnostics.len();
        broken += n;
        let shown = crate::diagnostics::escape_control(host);
        eprintln!("{shown}: {n} broken link{}\n", if n == 1 { "" } else { "s" });
        if args.strict {
            diagnostics.iter_mut().for_each(|d| d.severity = Severity::Error);
        }
        report(diagnostics);
    }
    for note in &found.moved {
        // a permanent redirect is no problem yet: a note, never an error
        let text = note.to_string();
        eprintln!("note: {}", text.strip_prefix("warning: ").unwrap_or(&text));
    }
    let moved = found.moved.len();
    println!(
        "Checked {} external URL{} ({} requested, the rest from {}): {broken} broken link{}, {moved} moved",
        found.urls,
        if found.urls == 1 { "" } else { "s" },
        found.requested,
        external::CACHE_FILE,
        if broken == 1 { "" } else { "s" }
    );
    broken
}
