//! `dossier init DIR`: a new site with its configuration, folders and a first draft explainer.

use super::{EXIT_ERRORS, EXIT_USAGE};
use crate::cli::InitArgs;
use std::process::ExitCode;

pub fn run(args: InitArgs) -> ExitCode {
    let dir = &args.dir;
    if let Ok(mut entries) = std::fs::read_dir(dir) {
        if entries.next().is_some() {
            eprintln!("error: {} is not empty; dossier init only creates new sites", super::shown(dir));
            return ExitCode::from(EXIT_USAGE);
        }
    } else if dir.exists() {
        eprintln!("error: {} exists and is not a folder", super::shown(dir));
        return ExitCode::from(EXIT_USAGE);
    }
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("Policy Explainers");
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    let files = [
        ("site.toml", site_toml(name)),
        // the output, the folders a build swaps it with, and the cache of resized images
        (".gitignore", "/public/\n/.public.dossier-*\n/.dossier-cache/\n".to_string()),
        (
            "content/index.md",
            "---\ntitle: Explainers\n---\n\nShort, sourced explainers of the situations we follow.\n".to_string(),
        ),
        ("content/articles/first-explainer.md", super::new::article("My first explainer", &today)),
    ];
    for (path, text) in &files {
        if let Err(e) = super::new::create(&dir.join(path), text) {
            eprintln!("error: cannot create {}: {e}", super::shown(&dir.join(path)));
            return ExitCode::from(EXIT_ERRORS);
        }
    }
    for folder in ["content/actors", "content/topics", "static"] {
        if let Err(e) = std::fs::create_dir_all(dir.join(folder)) {
            eprintln!("error: cannot create {}: {e}", super::shown(&dir.join(folder)));
            return ExitCode::from(EXIT_ERRORS);
        }
    }
    println!("Created a site in {}", super::shown(dir));
    println!(
        "Next: set base_url in site.toml, then `cd {} && dossier new article \"Title\"` and `dossier build`.",
        super::shown(dir)
    );
    ExitCode::SUCCESS
}

fn site_toml(name: &str) -> String {
    let title = serde_json::to_string(name).expect("strings serialize");
    format!(
        "title = {title}\nbase_url = \"https://example.org/\"   # where the site will be published; a subpath works\ndescription = \"\"\nlanguage = \"en\"\n# theme = \"default\"\n# output_dir = \"public\"\n# autolink = \"first\"   # link actor mentions: first | all | off\n# paginate = 50\n\n[glossary]\n# APEC = \"Asia-Pacific Economic Cooperation\"\n"
    )
}
