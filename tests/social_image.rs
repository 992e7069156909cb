//! `image:` in an explainer's front matter is its social card: `og:image` (absolute) with the
//! file's width and height, `twitter:card` `summary_large_image`, and the `image` of its JSON-LD.
//! A bundle file or a static path; a missing file is an error at the field with the closest name.
//! On the `social-image` and `invalid-social-image` fixtures.

mod harness;

use harness::{Page, Site};

/// The content of `<meta property|name="…">`.
fn meta(page: &Page, key: &str) -> Vec<String> {
    let mut found = page.attrs(&format!("meta[property='{key}']"), "content");
    found.extend(page.attrs(&format!("meta[name='{key}']"), "content"));
    found
}

/// The `image` of the page's article in JSON-LD.
fn json_ld_image(page: &Page) -> serde_json::Value {
    let json: serde_json::Value = serde_json::from_str(&page.text("script[type='application/ld+json']")).unwrap();
    let article = json["@graph"].as_array().unwrap().iter().find(|n| n["@type"] == "BackgroundNewsArticle").unwrap();
    article["image"].clone()
}

#[test]
fn a_bundle_image_or_a_static_one_is_the_social_card_with_its_size() {
    let site = Site::fixture("social-image");
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let lima = site.page("articles/lima/");
    assert_eq!(meta(&lima, "og:image"), ["https://example.org/policy/articles/lima/card.png"]);
    assert_eq!(meta(&lima, "og:image:width"), ["120"]);
    assert_eq!(meta(&lima, "og:image:height"), ["63"]);
    assert_eq!(meta(&lima, "twitter:card"), ["summary_large_image"]);
    assert_eq!(meta(&lima, "twitter:image"), ["https://example.org/policy/articles/lima/card.png"]);
    assert_eq!(
        json_ld_image(&lima),
        serde_json::json!({"@type": "ImageObject", "url": "https://example.org/policy/articles/lima/card.png", "width": 120, "height": 63})
    );
    // a static file, by its site path
    let tariffs = site.page("articles/tariffs/");
    assert_eq!(meta(&tariffs, "og:image"), ["https://example.org/policy/img/trade-card.png"]);
    assert_eq!(
        (meta(&tariffs, "og:image:width"), meta(&tariffs, "og:image:height")),
        (vec!["100".into()], vec!["50".into()])
    );
    // without one: a small card, no image
    let chips = site.page("articles/chips/");
    assert!(meta(&chips, "og:image").is_empty());
    assert_eq!(meta(&chips, "twitter:card"), ["summary"]);
    assert!(json_ld_image(&chips).is_null());
    // only explainers have one
    assert!(meta(&site.page(""), "og:image").is_empty());
}

#[test]
fn a_missing_or_wrong_image_is_an_error_at_its_field_and_an_svg_a_warning() {
    let site = Site::fixture("invalid-social-image");
    let stderr = site.fails_keeping_the_output(&[
        "content/articles/lima/index.md:4:8",
        "content/articles/tariffs.md:4:8",
        "content/articles/data/index.md:4:8",
        "content/articles/map/index.md:4:8",
    ]);
    assert!(stderr.contains("did you mean `lima_card.png`?"), "{stderr}");
    assert!(stderr.contains("did you mean `/img/trade-card.png`?"), "{stderr}");
    assert!(stderr.contains("is not an image"), "{stderr}");
    assert!(stderr.contains("warning: `image: map.svg` is an SVG"), "{stderr}");
    insta::assert_snapshot!(stderr);
}
