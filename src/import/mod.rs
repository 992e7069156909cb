//! `dossier import`: a separate front end that reads another generator's site (Hugo, Zola) or a
//! WordPress export and writes a new dossier site with a MIGRATION.md report. It uses none of
//! the build pipeline's internals; its output is held to the contract of docs/content.md, and
//! `dossier build` of the result is its test.
//!
//! Readers (`hugo`, `zola`) fill an [`archive::Archive`]; [`mapping`] applies `import.toml` to
//! its taxonomies; [`write`] writes the site and [`report`] its MIGRATION.md.

pub mod archive;
pub mod content;
pub mod embed;
pub mod frontmatter;
pub mod hugo;
pub mod links;
pub mod mapping;
pub mod report;
pub mod shortcodes;
pub mod wordpress;
pub mod write;
pub mod zola;

/// A content folder name dossier keeps for its own pages: a source section of that name moves to
/// `<name>-archive` (its old URLs become aliases).
pub fn reserved_folder(name: &str) -> Option<String> {
    matches!(name, "actors" | "topics").then(|| format!("{name}-archive"))
}
