//! Which resized variants an image has: one pure function of its file name, its size and the
//! `[images]` settings, read by rendering (to write `srcset`) and by the stage that makes the
//! files, so that the two can never disagree.

use crate::config::{ImagesConfig, VariantFormat};
use pulldown_cmark_escape::{escape_href, escape_html};

/// One resized variant of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub format: Encoding,
}

/// How a variant is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Webp,
    Jpeg,
    Png,
}

impl Encoding {
    /// The extension of its files.
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::Webp => "webp",
            Encoding::Jpeg => "jpg",
            Encoding::Png => "png",
        }
    }
}

/// The encoding of a file name's raster format, for the images dossier resizes: PNG, JPEG and
/// WebP. GIFs (often animated), SVGs (drawn at any size) and AVIF (no decoder among the
/// crates used) are shown as they are.
pub fn source_encoding(name: &str) -> Option<Encoding> {
    let (_, extension) = name.rsplit_once('.')?;
    let extension = extension.to_ascii_lowercase();
    match extension.as_str() {
        "png" => Some(Encoding::Png),
        "jpg" | "jpeg" => Some(Encoding::Jpeg),
        "webp" => Some(Encoding::Webp),
        _ => None,
    }
}

/// The variants of the image `name` (a file name or path) of `size` (width, height): one for
/// each of `settings.widths` narrower than the image, its height in proportion (rounded, at
/// least 1), narrowest first. None for an image dossier does not resize, nor for one no wider
/// than the narrowest width.
pub fn variants(name: &str, size: (u32, u32), settings: &ImagesConfig) -> Vec<Variant> {
    let Some(source) = source_encoding(name) else { return Vec::new() };
    let (width, height) = size;
    if width == 0 || height == 0 {
        return Vec::new();
    }
    let format = match settings.format {
        VariantFormat::Webp => Encoding::Webp,
        VariantFormat::Original => source,
    };
    settings
        .widths
        .iter()
        .filter(|&&w| w < width)
        .map(|&w| {
            let scaled = (u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width);
            Variant { width: w, height: u32::try_from(scaled.max(1)).unwrap_or(u32::MAX), format }
        })
        .collect()
}

/// The output path of `variant` of the image at `output_path`: the image's own name with the
/// width and the format after it (`lima/map.png` → `lima/map.png.480w.webp`), so that the
/// variants of `map.png` and `map.jpg` never share a name.
pub fn variant_path(output_path: &str, variant: &Variant) -> String {
    format!("{output_path}{}", suffix(variant))
}

fn suffix(variant: &Variant) -> String {
    format!(".{}w.{}", variant.width, variant.format.extension())
}

/// Writes ` srcset="…" sizes="…"` for an image of the site at `href` (its address, as the
/// `src` has it) of `size`: each variant, then the image itself at its own width. Nothing when
/// it has no variants, or when the address has a query or a fragment (no file name to add to).
pub fn write_srcset(out: &mut String, href: &str, size: (u32, u32), settings: &ImagesConfig) {
    if href.contains(['?', '#']) {
        return;
    }
    let name = href.rsplit('/').next().unwrap_or(href);
    let variants = variants(name, size, settings);
    if variants.is_empty() {
        return;
    }
    let mut escaped = String::with_capacity(href.len() + 8);
    escape_href(&mut escaped, href).expect("writing to a String");
    out.push_str(" srcset=\"");
    for v in &variants {
        out.push_str(&escaped);
        out.push_str(&suffix(v));
        out.push_str(&format!(" {}w, ", v.width));
    }
    out.push_str(&escaped);
    out.push_str(&format!(" {}w\" sizes=\"", size.0));
    escape_html(&mut *out, &settings.sizes).expect("writing to a String");
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(widths: &[u32], format: VariantFormat) -> ImagesConfig {
        ImagesConfig { widths: widths.to_vec(), format, ..ImagesConfig::default() }
    }

    fn widths(name: &str, size: (u32, u32), s: &ImagesConfig) -> Vec<(u32, u32)> {
        variants(name, size, s).iter().map(|v| (v.width, v.height)).collect()
    }

    #[test]
    fn narrower_widths_only_heights_in_proportion() {
        let s = ImagesConfig::default();
        assert_eq!(widths("a.jpg", (2000, 1333), &s), [(480, 320), (960, 640), (1600, 1066)]);
        assert_eq!(widths("a.png", (1600, 900), &s), [(480, 270), (960, 540)], "not one as wide as the image");
        assert_eq!(widths("a.png", (700, 7000), &s), [(480, 4800)]);
        assert!(widths("a.png", (480, 300), &s).is_empty(), "no wider than the narrowest width");
        assert!(widths("a.png", (300, 300), &s).is_empty());
        assert_eq!(widths("a.png", (5000, 1), &s), [(480, 1), (960, 1), (1600, 1)], "at least one pixel high");
        assert!(widths("a.png", (0, 10), &s).is_empty());
    }

    #[test]
    fn formats_and_kinds() {
        let webp = ImagesConfig::default();
        let original = settings(&[480], VariantFormat::Original);
        assert_eq!(variants("A.JPEG", (900, 600), &webp)[0].format, Encoding::Webp);
        assert_eq!(variants("a.jpeg", (900, 600), &original)[0].format, Encoding::Jpeg);
        assert_eq!(variants("a.png", (900, 600), &original)[0].format, Encoding::Png);
        assert_eq!(variants("a.webp", (900, 600), &original)[0].format, Encoding::Webp);
        for name in ["a.gif", "a.svg", "a.avif", "png", "a.png.txt"] {
            assert!(variants(name, (4000, 3000), &webp).is_empty(), "{name}");
        }
        assert!(variants("a.png", (4000, 3000), &settings(&[], VariantFormat::Webp)).is_empty(), "widths = []");
    }

    #[test]
    fn paths_and_srcset_agree() {
        let s = settings(&[480, 960], VariantFormat::Webp);
        let v = variants("map.png", (1000, 500), &s);
        assert_eq!(variant_path("lima/map.png", &v[0]), "lima/map.png.480w.webp");
        let mut out = String::new();
        write_srcset(&mut out, "/site/lima/my map.png", (1000, 500), &s);
        assert_eq!(
            out,
            " srcset=\"/site/lima/my%20map.png.480w.webp 480w, /site/lima/my%20map.png.960w.webp 960w, \
             /site/lima/my%20map.png 1000w\" sizes=\"(min-width: 42.5rem) 40rem, calc(100vw - 2.5rem)\""
        );
        for (href, size) in [("/a.png?x=1", (1000, 500)), ("/a.png", (400, 300)), ("/a.svg", (1000, 500))] {
            let mut out = String::new();
            write_srcset(&mut out, href, size, &s);
            assert_eq!(out, "", "{href}");
        }
    }
}
