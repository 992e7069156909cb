//! `dossier import`: a separate front end that reads another generator's site (Hugo, Zola) or a
//! WordPress export and writes a new dossier site with a MIGRATION.md report. It uses none of
//! the build pipeline's internals; its output is held to the contract of docs/content.md, and
//! `dossier build` of the result is its test.

pub mod archive;
pub mod wordpress;
