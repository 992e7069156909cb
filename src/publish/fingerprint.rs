//! Fingerprinted assets: the theme's stylesheets and search script also under names with a hash
//! of their bytes (`style.0123456789.css`), which hosts may cache for a year, and the subresource
//! integrity of each (`sha384-…`) for the `<link>` and `<script>` that load them.
//!
//! The copies join the static files right after loading (`pipeline::fingerprint`), so that the
//! plan checks their paths and `build` and `serve` write and serve them alike; templates find
//! each asset's address and integrity in `site.assets`, computed from the same files. The plain
//! names stay, for templates of older themes and other sites that link them; only the
//! fingerprinted ones are marked immutable.

use crate::load::{StaticFile, StaticSource};
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha384};
use std::borrow::Cow;

/// The assets fingerprinted, by their plain path in the output: what `site.assets` names them.
pub const ASSETS: &[(&str, &str)] = &[("style", "style.css"), ("syntax", "syntax.css"), ("search", "search.js")];

/// Hex digits of the hash in a fingerprinted name: 40 bits, no collision between two versions
/// of a file in practice.
const NAME_HASH_DIGITS: usize = 10;

/// One asset as templates see it: `{{ site.assets.style.href }}`.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, Hash)]
pub struct Asset {
    /// The address to load it from: the fingerprinted name under the base path, or the plain
    /// name when fingerprints are off or the site has no such file.
    pub href: String,
    /// `sha384-…` for the `integrity` attribute; empty when fingerprints are off (a file under a
    /// fixed name may be cached apart from the page, and a stale copy would then not load).
    pub integrity: String,
}

/// `site.assets`: the default theme's stylesheets and search script.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, Hash)]
pub struct Assets {
    pub style: Asset,
    pub syntax: Asset,
    pub search: Asset,
}

/// A file's fingerprinted path and integrity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub path: String,
    pub integrity: String,
}

fn bytes_of(file: &StaticFile) -> Option<Cow<'_, [u8]>> {
    match &file.source {
        StaticSource::Disk(path) => std::fs::read(path).ok().map(Cow::Owned),
        StaticSource::Embedded(bytes) => Some(Cow::Borrowed(bytes)),
    }
}

/// The fingerprint of `bytes` for a file at `path`: `style.css` becomes `style.<hash>.css`.
pub fn of_bytes(path: &str, bytes: &[u8]) -> Fingerprint {
    let digest = Sha384::digest(bytes);
    let hex: String = digest.iter().take(NAME_HASH_DIGITS / 2).map(|b| format!("{b:02x}")).collect();
    let path = match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.contains('/') => format!("{stem}.{hex}.{ext}"),
        _ => format!("{path}.{hex}"),
    };
    Fingerprint { path, integrity: format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(digest)) }
}

/// The fingerprinted copies of the assets among `static_files` (each a static file with the
/// same source under its fingerprinted path), in the order of [`ASSETS`]. A file that cannot be
/// read gets none: copying it reports the error.
pub fn copies(static_files: &[StaticFile]) -> Vec<StaticFile> {
    ASSETS
        .iter()
        .filter_map(|(_, plain)| {
            let file = static_files.iter().find(|f| f.output_path == *plain)?;
            let fingerprint = of_bytes(plain, &bytes_of(file)?);
            Some(StaticFile { output_path: fingerprint.path, ..file.clone() })
        })
        .collect()
}

/// Adds the fingerprinted copies of the assets to the static files, when `[publish]
/// fingerprint` is on: the pipeline's step right after images, in `build`, `check` and `serve`.
pub fn add_copies(fingerprint: bool, static_files: &mut Vec<StaticFile>) {
    if fingerprint {
        let copies = copies(static_files);
        static_files.extend(copies);
    }
}

/// `site.assets` for a site with these static files, under `base_path`.
pub fn assets(static_files: &[StaticFile], fingerprint: bool, base_path: &str) -> Assets {
    let asset = |plain: &str| {
        let file = static_files.iter().find(|f| f.output_path == plain);
        match file.filter(|_| fingerprint).and_then(bytes_of) {
            Some(bytes) => {
                let Fingerprint { path, integrity } = of_bytes(plain, &bytes);
                Asset { href: format!("{base_path}{path}"), integrity }
            }
            None => Asset { href: format!("{base_path}{plain}"), integrity: String::new() },
        }
    };
    Assets { style: asset("style.css"), syntax: asset("syntax.css"), search: asset("search.js") }
}

/// The site paths of the fingerprinted copies, which never change under their names.
pub fn immutable(static_files: &[StaticFile], fingerprint: bool) -> Vec<String> {
    if !fingerprint {
        return Vec::new();
    }
    let mut paths: Vec<String> = copies(static_files).into_iter().map(|f| f.output_path).collect();
    paths.sort();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_names_the_bytes_and_gives_their_integrity() {
        let f = of_bytes("style.css", b"body{}");
        // sha384 of `body{}`, as `openssl dgst -sha384 -binary | base64` gives it
        assert!(f.path.starts_with("style.") && f.path.ends_with(".css") && f.path.len() == "style..css".len() + 10);
        assert!(f.integrity.starts_with("sha384-") && f.integrity.len() == 7 + 64);
        assert_eq!(f, of_bytes("style.css", b"body{}"), "the same bytes, the same name");
        assert_ne!(f.path, of_bytes("style.css", b"body{ }").path);
        assert_eq!(of_bytes("LICENSE", b"x").path.len(), "LICENSE.".len() + 10);
    }
}
