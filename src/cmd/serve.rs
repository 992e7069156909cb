//! `dossier serve`: the site built in memory, served locally, rebuilt and reloaded on every change.

use super::{EXIT_ERRORS, report, seconds};
use crate::cli::ServeArgs;
use crate::diagnostics::{self, Limits, escape_control};
use crate::serve::changes::{self, RebuildPlan};
use crate::serve::http::{AppState, BoundServer, Files, Live};
use crate::serve::session::{Rebuilt, Session, Snapshot};
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
    // the server answers from the start: while the first build publishes its pages, a request
    // for one not rendered yet waits for it (`Live::publishing`)
    let live = Live { publishing: true, ..Live::default() };
    let state = Arc::new(AppState { files: Files::Live(RwLock::new(live)), reloads });
    let mut session = Session::new(args.site.root.clone(), url.clone(), args.drafts).with_clock(args.future, today);
    if !args.no_cache {
        session = session.with_disk_cache();
    }
    let build_state = Arc::clone(&state);
    let timings = args.timings;
    std::thread::spawn(move || {
        first_build(&mut session, &build_state, &url, timings);
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
            if apply(&mut session, &build_state, &plan, version, timings).is_some() {
                search(&mut session, &build_state, timings);
            }
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

/// The first build of the session: its pages are served as they render, the home page first;
/// its search index follows. Publishing ends with it: a file the site does not have is then a
/// 404, and on errors the pages already served are dropped (as a failed build serves none).
/// Then the parses are kept in the cache folder for the next session.
fn first_build(session: &mut Session, state: &AppState, url: &str, timings: bool) {
    let Files::Live(live) = &state.files else { return };
    let publish = |path: String, bytes: Arc<Vec<u8>>| Live::publish(live, path, bytes);
    let result = session.rebuild_publishing(&RebuildPlan::everything(), &publish);
    if result.is_err() {
        live.write().expect("no handler panics holding the snapshot").snapshot = Snapshot::default();
    }
    let rebuilt = published(state, result, 0, timings);
    match rebuilt {
        Some(pages) => println!("Serving {pages} pages at {url} (Ctrl-C to stop)"),
        None => println!("Serving at {url}: the site does not build yet; fix the errors above (Ctrl-C to stop)"),
    }
    let _ = std::io::stdout().flush();
    if rebuilt.is_some() {
        search(session, state, timings);
    }
    Live::published_all(live);
    if let Some(warning) = session.save_parses() {
        report(&[warning]);
    }
}

/// Rebuilds, publishes the result (or the errors) to the server, and tells pages to reload.
/// Returns the page count of a successful build.
fn apply(session: &mut Session, state: &AppState, plan: &RebuildPlan, version: u64, timings: bool) -> Option<usize> {
    let result = session.rebuild(plan);
    published(state, result, version, timings)
}

/// Publishes the result of a rebuild (or its errors) to the server, and tells pages to reload.
/// Returns the page count of a successful build.
fn published(
    state: &AppState,
    result: Result<Rebuilt, Vec<diagnostics::Diagnostic>>,
    version: u64,
    timings: bool,
) -> Option<usize> {
    let Files::Live(live) = &state.files else { return None };
    match result {
        Ok(mut rebuilt) => {
            report(&rebuilt.warnings);
            {
                let update = std::mem::take(&mut rebuilt.update);
                let mut live = live.write().expect("no handler panics holding the snapshot");
                live.snapshot.apply(update);
                live.error = None;
                live.built = true;
            }
            // the first build's pages were served as they rendered, as they are: nothing to
            // reload
            if version > 0 {
                let _ = state.reloads.send(version);
            }
            if version > 0 {
                eprintln!("rebuilt {} of {} pages in {}", rebuilt.rendered, rebuilt.pages, seconds(rebuilt.took));
            }
            if timings {
                let stages: Vec<String> =
                    rebuilt.stages.iter().map(|(name, d)| format!("{name} {}", seconds(*d))).collect();
                eprintln!("timings: {}", stages.join(", "));
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

/// Builds the search index of the last good build and publishes it (after its pages, since it
/// takes longer than they do).
fn search(session: &mut Session, state: &AppState, timings: bool) {
    let Files::Live(live) = &state.files else { return };
    match session.rebuild_search() {
        Ok((update, took)) => {
            if timings {
                eprintln!("timings: search index {}", seconds(took));
            }
            live.write().expect("no handler panics holding the snapshot").snapshot.apply(update);
        }
        Err(d) => report(&[d]),
    }
}
