//! Responsive images: the resized variants of the site's raster images (`[images]`), which
//! bodies offer in `srcset`. [`plan`] decides which variants an image has (pure, shared with
//! rendering); [`encode`] makes their bytes; [`cache`] keeps them between builds. [`produce`] is
//! the pipeline's step: it hands the variants on as static files, whose bytes are in the cache.

pub mod cache;
pub mod encode;
pub mod plan;

use crate::config::ImagesConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::load::{StaticFile, StaticSource};
use plan::Variant;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;

pub use plan::write_srcset;

/// What [`produce`] made.
#[derive(Debug, Default)]
pub struct Produced {
    /// The variants, as static files to copy from the cache: those of each image in the order
    /// of the static files, narrowest first.
    pub variants: Vec<StaticFile>,
    /// Images that cannot be decoded, variants that cannot be made or stored.
    pub diagnostics: Vec<Diagnostic>,
    /// Variants resized and encoded by this run (the others came from the cache).
    pub resized: usize,
}

/// The variants of every raster image among `files` (those of `static/`, the theme and page
/// bundles), from the cache in `root`'s `[images] cache_dir` or made there, in parallel. An
/// image whose header gave no size is decoded to say why: an image that does not decode is an
/// error naming it. With `widths = []` nothing is read.
pub fn produce(root: &Path, settings: &ImagesConfig, files: &[StaticFile]) -> Produced {
    let cache = cache::Cache::open(&root.join(&settings.cache_dir));
    if settings.widths.is_empty() {
        cache.prune(&HashSet::new());
        return Produced::default();
    }
    let results: Vec<Result<Made, Diagnostic>> = files
        .par_iter()
        .with_max_len(1)
        .filter(|f| plan::source_encoding(&f.output_path).is_some())
        .map(|file| variants_of(file, settings, &cache))
        .collect();
    let mut produced = Produced::default();
    let mut wanted = HashSet::new();
    for result in results {
        match result {
            Ok(made) => {
                produced.resized += made.resized;
                wanted.extend(made.keys);
                produced.variants.extend(made.files);
            }
            Err(d) => produced.diagnostics.push(d),
        }
    }
    cache.prune(&wanted);
    produced
}

/// The variants of one image.
#[derive(Default)]
struct Made {
    files: Vec<StaticFile>,
    keys: Vec<u128>,
    resized: usize,
}

fn variants_of(file: &StaticFile, settings: &ImagesConfig, cache: &cache::Cache) -> Result<Made, Diagnostic> {
    let read = || -> Result<Cow<'_, [u8]>, Diagnostic> {
        match &file.source {
            StaticSource::Embedded(bytes) => Ok(Cow::Borrowed(bytes)),
            StaticSource::Disk(path) => std::fs::read(path).map(Cow::Owned).map_err(|e| {
                Diagnostic::error(format!("cannot read {}: {e}", file.origin))
                    .code(Code::Unreadable)
                    .in_file(&file.origin)
            }),
        }
    };
    let Some(size) = file.dimensions else {
        // the header says nothing readable: decoding says what is wrong (or, rarely, finds an
        // image after all, shown without variants since pages know no size for it)
        return match encode::decode(&read()?) {
            Ok(_) => Ok(Made::default()),
            Err(e) => Err(undecodable(file, &e)),
        };
    };
    let variants = plan::variants(&file.output_path, size, settings);
    if variants.is_empty() {
        return Ok(Made::default());
    }
    let bytes = read()?;
    let source = cache::source_hash(&bytes);
    let mut decoded = None;
    let mut made = Made::default();
    for variant in &variants {
        let key = cache::key(source, variant, settings.quality, encode::ENCODER_VERSION);
        let path = match cache.get(key) {
            Some(path) => path,
            None => {
                if decoded.is_none() {
                    decoded = Some(encode::decode(&bytes).map_err(|e| undecodable(file, &e))?);
                }
                let image = decoded.as_ref().expect("decoded above");
                let encoded = image.variant(variant, settings.quality).map_err(|e| {
                    Diagnostic::error(format!(
                        "cannot make the {} px wide variant of {}: {e}",
                        variant.width, file.origin
                    ))
                    .code(Code::Image)
                    .in_file(&file.origin)
                })?;
                made.resized += 1;
                cache.put(key, variant.format.extension(), &encoded).map_err(|e| {
                    Diagnostic::error(format!("cannot write to the image cache {}: {e}", settings.cache_dir))
                        .code(Code::Write)
                        .with_help(
                            "the cache keeps resized images between builds: make the folder writable, set \
                             `cache_dir` in `[images]` to another, or turn resizing off with `widths = []`",
                        )
                })?
            }
        };
        made.keys.push(key);
        made.files.push(variant_file(file, variant, path));
    }
    Ok(made)
}

/// A variant as a static file: copied from the cache to its place beside the image.
fn variant_file(image: &StaticFile, variant: &Variant, cached: std::path::PathBuf) -> StaticFile {
    StaticFile {
        output_path: plan::variant_path(&image.output_path, variant),
        origin: format!("{} (its {} px wide variant)", image.origin, variant.width),
        source: StaticSource::Disk(cached),
        bundle: None,
        dimensions: Some((variant.width, variant.height)),
    }
}

fn undecodable(file: &StaticFile, error: &str) -> Diagnostic {
    Diagnostic::error(format!("cannot decode the image {}: {error}", file.origin))
        .code(Code::Image)
        .in_file(&file.origin)
        .with_help(
            "dossier reads PNG, JPEG and WebP images to make their smaller sizes: save the file again \
             from an image editor, or remove it if it is not an image",
        )
}
