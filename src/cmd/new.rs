//! `dossier new article|actor|topic "Title"`: a new content file with its front matter filled in.

use super::{EXIT_ERRORS, EXIT_USAGE};
use crate::cli::{NewArgs, NewKind};
use crate::slug::Slug;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: NewArgs) -> ExitCode {
    let root = &args.site.root;
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        super::report(&[crate::config::no_site_here(root)]);
        return ExitCode::from(EXIT_USAGE);
    }
    let title = args.title.trim();
    let Some(slug) = Slug::from_text(title) else {
        let title = crate::diagnostics::escape_control(title);
        eprintln!("error: the title `{title}` has no letters or digits to make a file name from");
        return ExitCode::from(EXIT_USAGE);
    };
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    let (folder, text) = match args.kind {
        NewKind::Article => ("articles", article(title, &today)),
        NewKind::Actor => ("actors", actor(title)),
        NewKind::Topic => ("topics", topic(title)),
    };
    let suffix = match args.lang.as_deref().map(|lang| language_suffix(root, lang)) {
        None => String::new(),
        Some(Ok(suffix)) => suffix,
        Some(Err(code)) => return code,
    };
    let relative = format!("content/{folder}/{slug}{suffix}.md");
    match create(&root.join(&relative), &text) {
        Ok(()) => {
            println!("Created {relative}");
            if args.kind == NewKind::Article {
                println!("It is a draft: `dossier build --drafts` shows it; set `draft: false` to publish it.");
            }
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!("error: {relative} already exists; nothing was changed");
            ExitCode::from(EXIT_ERRORS)
        }
        Err(e) => {
            eprintln!("error: cannot create {relative}: {e}");
            ExitCode::from(EXIT_ERRORS)
        }
    }
}

/// The part of a file's name that says its language (`.fr`), for `--lang`: one of the site's
/// `languages` other than the default (whose files say no language: `""`). Any other is a
/// usage error, and a site.toml that does not load an error, both reported.
fn language_suffix(root: &Path, lang: &str) -> Result<String, ExitCode> {
    let config = crate::load::load_config(root, None).map_err(|errors| {
        super::report(&errors);
        ExitCode::from(EXIT_ERRORS)
    })?;
    if lang == config.default_language() {
        return Ok(String::new());
    }
    if config.languages.iter().skip(1).any(|l| l == lang) {
        return Ok(format!(".{lang}"));
    }
    let lang = crate::diagnostics::escape_control(lang);
    let declared = config.languages.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ");
    eprintln!(
        "error: `{lang}` is not a language of this site, whose languages are {declared}\n  = help: add it to `languages` in site.toml (`languages = [\"{}\", \"{lang}\"]`)",
        config.default_language()
    );
    Err(ExitCode::from(EXIT_USAGE))
}

/// Creates a file that must not exist yet.
pub fn create(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(text.as_bytes())
}

/// A YAML string that needs no thought about quoting (JSON strings are YAML).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialize")
}

pub fn article(title: &str, date: &str) -> String {
    format!(
        "---\ntitle: {}\ndate: {date}\n# summary: One sentence for lists, feeds and social cards.\ntopics: []\nactors: []\ndraft: true\n# takeaways:\n#   - The first key point.\n# sources:\n#   - id: short-id\n#     title: Title of the source\n#     publisher: Who published it\n#     url: https://example.org/\n#     date: {date}\n# timeline:\n#   - date: {date}\n#     event: What happened that day.\n---\n\n",
        quoted(title)
    )
}

pub fn actor(name: &str) -> String {
    format!(
        "---\nname: {}\nkind: person   # person | organization | country | group\n# role: What they do\n# country: Where\n# aliases: [Other names used in explainers]\n---\n\n",
        quoted(name)
    )
}

pub fn topic(title: &str) -> String {
    format!(
        "---\ntitle: {}\n# summary: One sentence about the topic.\n# aliases: [Other names]\n---\n\n",
        quoted(title)
    )
}
