//! MIGRATION.md: what an import brought across, every URL that changed, every shortcode left for
//! hand work, every file skipped or missing, and the command to build.

use crate::import::archive::{Archive, Origin, SourceKind};
use crate::import::mapping::Mapped;
use crate::import::write::{ChangedUrl, FALLBACK_DATE, ReportInput};
use std::fmt::Write;

fn place(o: &Origin) -> String {
    match o.line {
        Some(line) => format!("{}:{line}", o.path),
        None => o.path.clone(),
    }
}

/// Text for a Markdown table cell or list item: no line breaks, `|` escaped.
fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

/// The report, as Markdown.
pub fn migration(archive: &Archive, mapped: &Mapped, input: &ReportInput<'_>) -> String {
    let c = input.counts;
    let source = match archive.source {
        SourceKind::Hugo => "Hugo site",
        SourceKind::Zola => "Zola site",
        SourceKind::WordPress => "WordPress export",
    };
    let mut out = String::new();
    let _ = writeln!(out, "# Migration report\n\nWritten by `{}` from a {source}.\n", cell(input.command));
    let _ = writeln!(out, "## Next step\n\nBuild the new site and read what `check --strict` says:\n");
    let _ = writeln!(out, "```sh\ndossier build --root {0}\ndossier check --strict --root {0}\n```\n", input.dst_name);
    let _ = writeln!(out, "## Counts\n\n| what | count |\n| --- | ---: |");
    for (what, n) in [
        ("explainers", c.explainers),
        ("drafts among them", c.drafts),
        ("translations among them", c.translations),
        ("sections", c.sections),
        ("topics", c.topics),
        ("actors", c.actors),
        ("topic and actor profiles", c.profiles),
        ("images", c.images),
        ("static files", c.static_files),
        ("changed URLs", input.changed_urls.len()),
        ("unconverted shortcode calls", c.unconverted),
    ] {
        let _ = writeln!(out, "| {what} | {n} |");
    }
    if let Some((default, others)) = archive.settings.languages.split_first() {
        let _ = writeln!(
            out,
            "\nLanguages: `{}` (the default), {}. Each translation is written beside the page it translates (`x.fr.md` beside `x.md`) and takes its address under `/<language>/`; a translation's own slug is dropped, and its old address becomes an alias.",
            cell(default),
            list_or_none(others.iter())
        );
    }
    let _ = writeln!(out, "\nTopics: {}.", list_or_none(mapped.all_topics.values()));
    let _ = writeln!(out, "Actors: {}.\n", list_or_none(mapped.all_actors.values()));
    changed_urls(&mut out, input.changed_urls);
    unconverted(&mut out, archive);
    let r = &archive.report;
    let _ = writeln!(out, "## Skipped files ({})\n", r.skipped.len());
    if r.skipped.is_empty() {
        let _ = writeln!(out, "None.\n");
    }
    for (o, why) in &r.skipped {
        let _ = writeln!(out, "- `{}`: {}", cell(&place(o)), cell(why));
    }
    if !r.skipped.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "## Missing files ({})\n", r.missing_files.len());
    if r.missing_files.is_empty() {
        let _ = writeln!(out, "None.\n");
    }
    for (o, what) in &r.missing_files {
        let _ = writeln!(out, "- `{}`: {}", cell(&place(o)), cell(what));
    }
    if !r.missing_files.is_empty() {
        out.push('\n');
    }
    if !input.undated.is_empty() {
        let _ = writeln!(
            out,
            "## Pages without a date ({})\n\nThey have none in the source (no date, publish date or last change); each got `date: {FALLBACK_DATE}`: search for it and set the right one.\n",
            input.undated.len()
        );
        for path in input.undated {
            let _ = writeln!(out, "- `{}`", cell(path));
        }
        out.push('\n');
    }
    let notes: Vec<&String> = r.notes.iter().chain(&mapped.notes).chain(input.notes).collect();
    let _ = writeln!(out, "## Notes ({})\n", notes.len());
    if notes.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for note in notes {
        let _ = writeln!(out, "- {}", cell(note));
    }
    out
}

fn list_or_none<'a>(items: impl Iterator<Item = &'a String>) -> String {
    let items: Vec<String> = items.map(|s| format!("`{}`", cell(s))).collect();
    if items.is_empty() { "none".to_string() } else { items.join(", ") }
}

fn changed_urls(out: &mut String, urls: &[ChangedUrl]) {
    let _ = writeln!(out, "## Changed URLs ({})\n", urls.len());
    if urls.is_empty() {
        let _ = writeln!(out, "None: every page keeps its address.\n");
        return;
    }
    let _ = writeln!(
        out,
        "Each old URL is an alias of its page, which redirects to the new one, unless another page of the new site has that address.\n"
    );
    let _ = writeln!(out, "| old URL | new URL | redirects | source file |\n| --- | --- | --- | --- |");
    for u in urls {
        let redirects = if u.redirects { "yes" } else { "no: another page has it" };
        let _ = writeln!(out, "| `{}` | `{}` | {redirects} | `{}` |", cell(&u.old), cell(&u.new), cell(&u.file));
    }
    out.push('\n');
}

fn unconverted(out: &mut String, archive: &Archive) {
    let shortcodes = &archive.report.unconverted_shortcodes;
    let _ = writeln!(out, "## Unconverted shortcodes ({})\n", shortcodes.len());
    if shortcodes.is_empty() {
        let _ = writeln!(out, "None.\n");
        return;
    }
    let _ = writeln!(
        out,
        "Each call is left in its page as a code block marked `unconverted` (its inner text kept), which `dossier check --strict` reports: replace each by hand.\n"
    );
    for (name, places) in shortcodes {
        let _ =
            writeln!(out, "### `{}`: {} use{}\n", cell(name), places.len(), if places.len() == 1 { "" } else { "s" });
        for p in places {
            let _ = writeln!(out, "- `{}`", cell(&place(p)));
        }
        out.push('\n');
    }
}
