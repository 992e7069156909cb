//! `dossier preview`: a built output folder served as a static host would, under the base URL's path.
//!
//! The path comes from `--base-url`, else from the base URL the build recorded beside the folder
//! (its manifest), else from ./site.toml: so a folder is served where its links point, from any
//! working directory. A base URL that differs from the folder's own or from ./site.toml's is a
//! warning: links and absolute URLs in the pages would not match what is served.

use super::{EXIT_ERRORS, EXIT_USAGE};
use crate::cli::PreviewArgs;
use crate::diagnostics::{Code, Diagnostic};
use crate::serve::http::{AppState, BoundServer, Files};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::broadcast;

pub fn run(args: PreviewArgs) -> ExitCode {
    // a usage error first, before anything is looked for
    let given = match args.base_url.as_deref().map(crate::config::parse_base_url).transpose() {
        Ok(url) => url.map(|u| u.to_string()),
        Err(message) => {
            eprintln!("error: --base-url: {}", message.replace("`base_url` ", ""));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    // the default folder, and a base URL to compare with, come from ./site.toml when there is one
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
    let recorded = crate::output::recorded_base_url(&dir);
    let site = config.as_ref().map(|c| c.base_url.to_string());
    let (base_url, warnings) = choose_base_url(&super::shown(&dir), given, recorded, site);
    super::report(&warnings);
    let base_path = base_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .map_or_else(|| "/".to_string(), |u| u.path().to_string());
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

/// The base URL to serve under: `--base-url`, else the one the folder was built for, else
/// ./site.toml's (`None`: the root). Warns when it is not the one the folder was built for, or
/// not ./site.toml's.
fn choose_base_url(
    dir: &str,
    given: Option<String>,
    recorded: Option<String>,
    site: Option<String>,
) -> (Option<String>, Vec<Diagnostic>) {
    let chosen = given.clone().or_else(|| recorded.clone()).or_else(|| site.clone());
    let mut warnings = Vec::new();
    let Some(url) = &chosen else { return (chosen, warnings) };
    if let Some(recorded) = recorded.as_ref().filter(|r| *r != url) {
        warnings.push(
            Diagnostic::warning(format!(
                "{dir} was built for {recorded}, and is served under {url}: its links and stylesheet point under the other path"
            ))
            .code(Code::BaseUrlMismatch)
            .with_help(format!("build it again with `dossier build --base-url {url}`, or leave out --base-url")),
        );
    }
    if let Some(site) = site.as_ref().filter(|s| *s != url) {
        let why = if given.is_some() { "--base-url" } else { "the folder's build" };
        warnings.push(
            Diagnostic::warning(format!(
                "./site.toml says base_url = \"{site}\", and {dir} is served under {url} ({why})"
            ))
            .code(Code::BaseUrlMismatch)
            .with_help(
                "a build of this site would not give these pages: build it again, or preview the folder built for it",
            ),
        );
    }
    (chosen, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folders_own_base_url_wins_over_site_toml_and_given_wins_over_both() {
        let s = |t: &str| Some(t.to_string());
        let (url, warnings) = choose_base_url("public", None, s("https://a.org/x/"), None);
        assert_eq!((url.as_deref(), warnings.len()), (Some("https://a.org/x/"), 0));
        let (url, warnings) = choose_base_url("public", None, s("https://a.org/x/"), s("https://a.org/y/"));
        assert_eq!((url.as_deref(), warnings.len()), (Some("https://a.org/x/"), 1));
        let (url, warnings) =
            choose_base_url("public", s("https://b.org/"), s("https://a.org/x/"), s("https://a.org/x/"));
        assert_eq!((url.as_deref(), warnings.len()), (Some("https://b.org/"), 2));
        let (url, warnings) = choose_base_url("public", None, None, s("https://a.org/y/"));
        assert_eq!((url.as_deref(), warnings.len()), (Some("https://a.org/y/"), 0));
        assert_eq!(choose_base_url("public", None, None, None).0, None);
    }
}
