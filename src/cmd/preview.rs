//! `dossier preview`: a built output folder served as a static host would, under the base URL's path.

use super::EXIT_ERRORS;
use crate::cli::PreviewArgs;
use crate::serve::http::{AppState, BoundServer, Files};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::broadcast;

pub fn run(args: PreviewArgs) -> ExitCode {
    // the base path and the default folder come from ./site.toml when there is one
    let config = crate::load::load_config(Path::new("."), None).ok();
    let dir =
        args.dir.clone().unwrap_or_else(|| PathBuf::from(config.as_ref().map_or("public", |c| c.output_dir.as_str())));
    if !dir.join("index.html").is_file() {
        if args.dir.is_none() && !Path::new(crate::config::CONFIG_FILE).is_file() {
            // not in a site, and no folder named: say so rather than look for ./public
            super::report(&[crate::config::no_site_here(Path::new(".")).with_help(
                "run the command in the site's folder (the one with site.toml), or name the built folder: \
                 `dossier preview DIR`",
            )]);
            return ExitCode::from(EXIT_ERRORS);
        }
        eprintln!("error: no built site in {}: run `dossier build` first", super::shown(&dir));
        return ExitCode::from(EXIT_ERRORS);
    }
    let base_path = config.as_ref().map_or_else(|| "/".to_string(), |c| c.base_url.path().to_string());
    let server = match BoundServer::bind(args.bind, args.port) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERRORS);
        }
    };
    let address = server.address;
    println!("Previewing {} at http://{address}{base_path} (Ctrl-C to stop)", super::shown(&dir));
    let _ = std::io::stdout().flush();
    let (reloads, _) = broadcast::channel(1);
    let state = Arc::new(AppState { files: Files::Folder { root: dir, base_path }, reloads });
    match server.serve(state) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERRORS)
        }
    }
}
