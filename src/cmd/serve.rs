//! `dossier serve`: the site built in memory, served locally, rebuilt and reloaded on every change.

use super::{EXIT_ERRORS, report, seconds};
use crate::cli::ServeArgs;
use crate::diagnostics::{self, Limits, escape_control};
use crate::serve::changes::{self, RebuildPlan};
use crate::serve::http::{AppState, BoundServer, Files, Live};
use crate::serve::session::Session;
use crate::serve::watch;
use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, RwLock, mpsc};
use tokio::sync::broadcast;

pub fn run(args: ServeArgs) -> ExitCode {
    // outside a site there is nothing to serve, or to wait for
    if !args.site.root.join(crate::config::CONFIG_FILE).is_file() {
        report(&[crate::config::no_site_here(&args.site.root)]);
        return ExitCode::from(EXIT_ERRORS);
    }
    let today = match super::clock() {
        Ok(today) => today,
        Err(code) => return code,
    };
    let server = match BoundServer::bind(args.bind, args.port) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERRORS);
        }
    };
    let address = server.address;
    let url = format!("http://{address}/");

    // watch before the first build, so that no edit falls between the build and the watch
    let (sender, receiver) = mpsc::channel();
    let mut watcher = match watch::watch(&args.site.root, sender) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch {}: {e}", escape_control(&args.site.root.display().to_string()));
            return ExitCode::from(EXIT_ERRORS);
        }
    };

    let (reloads, _) = broadcast::channel(16);
    let state = Arc::new(AppState { files: Files::Live(RwLock::new(Live::default())), reloads });
    let mut session = Session::new(args.site.root.clone(), url.clone(), args.drafts).with_clock(args.future, today);
    let first = apply(&mut session, &state, &RebuildPlan::everything(), 0, args.timings);
    match first {
        Some(rebuilt) => println!("Serving {rebuilt} pages at {url} (Ctrl-C to stop)"),
        None => println!("Serving at {url}: the site does not build yet; fix the errors above (Ctrl-C to stop)"),
    }
    let _ = std::io::stdout().flush();

    let rebuild_state = Arc::clone(&state);
    let timings = args.timings;
    std::thread::spawn(move || {
        let mut version = 1;
        while let Ok(mut batch) = receiver.recv() {
            while let Ok(more) = receiver.try_recv() {
                batch.extend(more);
            }
            let plan = changes::plan(&batch);
            if plan.is_empty() {
                continue;
            }
            watcher.refresh();
            apply(&mut session, &rebuild_state, &plan, version, timings);
            version += 1;
        }
    });

    match server.serve(state) {
        Ok(()) => {
            eprintln!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERRORS)
        }
    }
}

/// Rebuilds, publishes the result (or the errors) to the server, and tells pages to reload.
/// Returns the page count of a successful build.
fn apply(session: &mut Session, state: &AppState, plan: &RebuildPlan, version: u64, timings: bool) -> Option<usize> {
    let Files::Live(live) = &state.files else { return None };
    match session.rebuild(plan) {
        Ok(mut rebuilt) => {
            report(&rebuilt.warnings);
            {
                let update = std::mem::take(&mut rebuilt.update);
                let mut live = live.write().expect("no handler panics holding the snapshot");
                live.snapshot.apply(update);
                live.error = None;
                live.built = true;
            }
            let _ = state.reloads.send(version);
            if version > 0 {
                eprintln!("rebuilt {} of {} pages in {}", rebuilt.rendered, rebuilt.pages, seconds(rebuilt.took));
            }
            if timings {
                let stages: Vec<String> =
                    rebuilt.stages.iter().map(|(name, d)| format!("{name} {}", seconds(*d))).collect();
                eprintln!("timings: {}", stages.join(", "));
            }
            match session.rebuild_search() {
                Ok((update, took)) => {
                    if timings {
                        eprintln!("timings: search index {}", seconds(took));
                    }
                    live.write().expect("no handler panics holding the snapshot").snapshot.apply(update);
                }
                Err(d) => report(&[d]),
            }
            Some(rebuilt.pages)
        }
        Err(diagnostics) => {
            report(&diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "error: {} error{} found; still serving the last good build",
                diagnostics::thousands(errors),
                if errors == 1 { "" } else { "s" }
            );
            // the overlay is on every page served: bounded as the terminal is, and shorter
            let text = diagnostics::render_bounded(&diagnostics, Limits::OVERLAY);
            live.write().expect("no handler panics holding the snapshot").error = Some(text);
            let _ = state.reloads.send(version);
            None
        }
    }
}
