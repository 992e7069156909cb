//! `dossier import hugo|zola SRC DST` and `dossier import wordpress EXPORT.xml DST`: reads the source, maps its taxonomies, writes the new site
//! and MIGRATION.md, and says in one line what came across.

use crate::cli::{ImportOptions, ImportSource};
use crate::diagnostics::Diagnostic;
use crate::import::{archive::Archive, mapping, write};
use std::path::Path;
use std::process::ExitCode;

pub fn run(source: ImportSource) -> ExitCode {
    match source {
        ImportSource::Hugo(a) => {
            let command = format!("dossier import hugo {} {}", super::shown(&a.src), super::shown(&a.dst));
            import(&a.dst, &a.options, &[&a.src], &command, || crate::import::hugo::read(&a.src))
        }
        ImportSource::Zola(a) => {
            let command = format!("dossier import zola {} {}", super::shown(&a.src), super::shown(&a.dst));
            import(&a.dst, &a.options, &[&a.src], &command, || crate::import::zola::read(&a.src))
        }
        ImportSource::Wordpress(a) => {
            let mut command = format!("dossier import wordpress {} {}", super::shown(&a.export), super::shown(&a.dst));
            let mut sources = vec![a.export.as_path()];
            if let Some(uploads) = &a.uploads {
                command.push_str(&format!(" --uploads {}", super::shown(uploads)));
                sources.push(uploads);
            }
            import(&a.dst, &a.options, &sources, &command, || {
                crate::import::wordpress::read(&a.export, a.uploads.as_deref())
            })
        }
    }
}

/// The steps every source shares: check DST (exit 2), read `--map` and the source (exit 1 on
/// errors), map, write, and print the closing line. `sources` are the paths the import reads
/// (DST may be inside none of them); `command` is the command line, for MIGRATION.md.
pub fn import(
    dst: &Path,
    options: &ImportOptions,
    sources: &[&Path],
    command: &str,
    read: impl FnOnce() -> Result<Archive, Vec<Diagnostic>>,
) -> ExitCode {
    let started = std::time::Instant::now();
    if let Err(e) = write::check_destination(dst, sources, options.force) {
        eprintln!("error: {}", crate::diagnostics::escape_control(&e));
        return ExitCode::from(super::EXIT_USAGE);
    }
    let map = match &options.map {
        Some(path) => match mapping::ImportMap::load(path) {
            Ok(map) => map,
            Err(d) => return super::fail(&d, "nothing was imported"),
        },
        None => mapping::ImportMap::default(),
    };
    let archive = match read() {
        Ok(a) => a,
        Err(d) => return super::fail(&d, "nothing was imported"),
    };
    let mapped = mapping::apply(&archive, &map);
    let counts = match write::write(&archive, &mapped, dst, command) {
        Ok(c) => c,
        Err(d) => return super::fail(&d, "nothing was imported"),
    };
    let dst = super::shown(dst);
    let count = |n: usize, one: &str, many: &str| format!("{} {}", n, if n == 1 { one } else { many });
    println!(
        "Imported {}, {}, {}, {} and {} into {dst} in {}; read {dst}/MIGRATION.md, then run `dossier build --root {dst}`",
        match counts.translations {
            0 => count(counts.explainers, "explainer", "explainers"),
            n => format!("{} ({} in other languages)", count(counts.explainers, "explainer", "explainers"), n),
        },
        count(counts.sections, "section", "sections"),
        count(counts.topics, "topic", "topics"),
        count(counts.actors, "actor", "actors"),
        count(counts.images, "image", "images"),
        super::seconds(started.elapsed())
    );
    ExitCode::SUCCESS
}
