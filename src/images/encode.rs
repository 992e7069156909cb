//! Decoding an image, resizing it and encoding its variants: the `image` crate decodes (PNG,
//! JPEG, WebP) and encodes PNG and JPEG, `fast_image_resize` resizes (Lanczos3, SIMD), libwebp
//! (`webp`) encodes lossy WebP. Each is deterministic: the same bytes in, the same bytes out.

use super::plan::{Encoding, Variant};
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageEncoder};

/// What the bytes of every encoding depend on besides the source and the settings: part of
/// each cache key, so that changing an encoder (or how it is called) makes new variants. Bump
/// it when a dependency below changes its output.
pub const ENCODER_VERSION: &str = "dossier-images 1; image 0.25; fast_image_resize 5 lanczos3; libwebp-sys 0.9";

/// A decoded image, 8 bits per channel, with or without alpha.
pub struct Decoded {
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    alpha: bool,
}

/// Decodes `bytes`, guessing the format from the bytes themselves (a `.jpg` that holds a PNG
/// still decodes). The decoder's own limits (512 MiB of pixels) refuse hostile sizes.
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    let image = image::load_from_memory(bytes).map_err(|e| e.to_string())?;
    let (width, height) = (image.width(), image.height());
    let alpha = image.color().has_alpha();
    let pixels = match image {
        DynamicImage::ImageRgb8(rgb) => rgb.into_raw(),
        DynamicImage::ImageRgba8(rgba) => rgba.into_raw(),
        other if alpha => other.to_rgba8().into_raw(),
        other => other.to_rgb8().into_raw(),
    };
    Ok(Decoded { pixels, width, height, alpha })
}

impl Decoded {
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The bytes of `variant`: resized to its size, encoded in its format at `quality`.
    pub fn variant(&self, variant: &Variant, quality: u8) -> Result<Vec<u8>, String> {
        let pixels = self.resize(variant.width, variant.height)?;
        let (w, h) = (variant.width, variant.height);
        let color = if self.alpha { image::ExtendedColorType::Rgba8 } else { image::ExtendedColorType::Rgb8 };
        let mut out = Vec::new();
        match variant.format {
            Encoding::Webp => {
                let encoder = if self.alpha {
                    webp::Encoder::from_rgba(&pixels, w, h)
                } else {
                    webp::Encoder::from_rgb(&pixels, w, h)
                };
                let encoded = encoder.encode_simple(false, f32::from(quality)).map_err(|e| format!("{e:?}"))?;
                out.extend_from_slice(&encoded);
            }
            Encoding::Jpeg => {
                // JPEG has no alpha: an RGBA JPEG source is rare, and loses it
                let (pixels, color) = if self.alpha {
                    (pixels.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect(), image::ExtendedColorType::Rgb8)
                } else {
                    (pixels, color)
                };
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                    .write_image(&pixels, w, h, color)
                    .map_err(|e| e.to_string())?;
            }
            Encoding::Png => {
                image::codecs::png::PngEncoder::new(&mut out)
                    .write_image(&pixels, w, h, color)
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(out)
    }

    fn resize(&self, width: u32, height: u32) -> Result<Vec<u8>, String> {
        let kind = if self.alpha { PixelType::U8x4 } else { PixelType::U8x3 };
        let source = ImageRef::new(self.width, self.height, &self.pixels, kind).map_err(|e| e.to_string())?;
        let mut target = Image::new(width, height, kind);
        // alpha is multiplied in before filtering and divided out after (the crate's default), so
        // that transparent pixels do not bleed their colour into the edges
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        Resizer::new().resize(&source, &mut target, &options).map_err(|e| e.to_string())?;
        Ok(target.into_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let (channels, color) =
            if alpha { (4, image::ExtendedColorType::Rgba8) } else { (3, image::ExtendedColorType::Rgb8) };
        let pixels: Vec<u8> = (0..width * height * channels).map(|i| (i * 7 % 251) as u8).collect();
        image::codecs::png::PngEncoder::new(&mut out).write_image(&pixels, width, height, color).unwrap();
        out
    }

    #[test]
    fn each_format_decodes_back_at_its_size_and_the_bytes_repeat() {
        for alpha in [false, true] {
            let decoded = decode(&png(64, 40, alpha)).unwrap();
            assert_eq!(decoded.size(), (64, 40));
            for format in [Encoding::Webp, Encoding::Jpeg, Encoding::Png] {
                let variant = Variant { width: 32, height: 20, format };
                let bytes = decoded.variant(&variant, 80).unwrap();
                assert_eq!(bytes, decoded.variant(&variant, 80).unwrap(), "deterministic");
                let back = image::load_from_memory(&bytes).unwrap();
                assert_eq!((back.width(), back.height()), (32, 20), "{format:?}");
            }
        }
    }

    #[test]
    fn text_is_not_an_image() {
        assert!(decode(b"not a picture at all").is_err());
        assert!(decode(&png(8, 8, false)[..40]).is_err(), "a truncated file");
    }
}
