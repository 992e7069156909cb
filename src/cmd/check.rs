//! `dossier check`: every check a build makes, every page rendered, nothing written; and the
//! editorial lint (`src/lint/`), whose findings are warnings (errors with `--strict`).

use super::{fail, report, seconds};
use crate::cli::CheckArgs;
use crate::pipeline::{self, PipelineOptions};
use crate::render::NullSink;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(args: CheckArgs) -> ExitCode {
    let started = Instant::now();
    let today = match super::clock() {
        Ok(today) => today,
        Err(code) => return code,
    };
    let options = PipelineOptions {
        root: args.site.root,
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
    let lint = config.lint.clone();
    match pipeline::run(&options, config, &NullSink) {
        Err(mut diagnostics) => {
            crate::lint::without_findings(&mut diagnostics);
            crate::lint::filter(&lint, &mut diagnostics);
            fail(&diagnostics, "the site does not build")
        }
        Ok(mut rendered) => {
            crate::lint::filter(&lint, &mut rendered.warnings);
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
