//! Publishing: what a static host needs beside the rendered pages, made at the write stage.
//!
//! `[publish]` in site.toml asks for redirect files for hosts that send real 301s
//! (`redirects.rs`), precompressed copies of text files (`precompress.rs`) and content hashes in
//! the names of the theme's stylesheets and search script, with integrity attributes
//! (`fingerprint.rs`). Every file here goes through the output writer (`output.rs`), so a failed
//! build leaves the previous output as it was.

pub mod fingerprint;
pub mod precompress;
pub mod redirects;

pub use redirects::{HostFiles, Redirect, host_files};

use crate::diagnostics::{Code, Diagnostic};
use crate::load::{StaticFile, StaticSource};
use crate::pipeline::Rendered;
use crate::render::Sink;
use std::borrow::Cow;

/// Writes the host files `[publish]` asks for into `sink`. A static file of the site at the same
/// path (its own `static/_redirects`) comes first in the written file, its rules before dossier's,
/// and is not copied on its own: the returned list is the static files still to copy.
pub fn write_host_files<'r>(sink: &dyn Sink, rendered: &'r Rendered) -> Result<Cow<'r, [StaticFile]>, Vec<Diagnostic>> {
    let config = &rendered.config;
    let files = HostFiles {
        base_url: config.base_url.as_str(),
        base_path: config.base_url.path(),
        redirects: &rendered.redirects,
        immutable: &fingerprint::immutable(&rendered.static_files, config.publish.fingerprint),
    };
    let host = host_files(&config.publish, &files);
    let mut statics: Cow<'r, [StaticFile]> = Cow::Borrowed(&rendered.static_files[..]);
    let mut errors = Vec::new();
    for (path, bytes) in host {
        let mut written = Vec::new();
        if let Some(own) = statics.iter().position(|f| f.output_path == path) {
            let file = statics.to_mut().remove(own);
            match &file.source {
                StaticSource::Disk(from) => match std::fs::read(from) {
                    Ok(b) => written = b,
                    Err(e) => {
                        errors.push(
                            Diagnostic::error(format!("cannot read {}: {e}", file.origin)).code(Code::Unreadable),
                        );
                    }
                },
                StaticSource::Embedded(b) => written = b.to_vec(),
            }
            if !written.is_empty() && !written.ends_with(b"\n") {
                written.push(b'\n');
            }
        }
        written.extend_from_slice(&bytes);
        if let Err(e) = sink.write(&path, written) {
            errors.push(Diagnostic::cannot_write(&path, e));
        }
    }
    if errors.is_empty() { Ok(statics) } else { Err(errors) }
}
