//! `archived:` on a source (docs/citations.md): the sources list links the archived copy as
//! "archived copy", the JSON-LD citation gives it as `archivedAt`, and an address that is not
//! http(s) is an error at its place. On the `cite` fixture.

mod harness;

use harness::Site;

const SOURCED: &str = "---\ntitle: Sourced\ndate: 2024-11-18\nsources:\n  - id: readout\n    title: Readout of the meeting\n    url: https://example.com/readout\n    archived: https://web.archive.org/web/20241117/https://example.com/readout\n  - id: wire\n    title: A wire report\n---\n\nThey met [1](source:readout) and talked [2](source:wire).\n";

#[test]
fn a_source_with_an_archived_copy_links_it() {
    let site = Site::fixture_with("cite", &[("content/articles/sourced.md", SOURCED)]);
    site.build_ok();
    let page = site.page("articles/sourced/");
    let archived = "https://web.archive.org/web/20241117/https://example.com/readout";
    assert_eq!(page.href_of("archived copy"), archived);
    let items = page.texts("#sources li");
    assert!(items[0].ends_with("(archived copy)"), "{items:?}");
    assert!(!items[1].contains("archived"), "{items:?}");
    let json: serde_json::Value = serde_json::from_str(&page.text("script[type='application/ld+json']")).unwrap();
    let article = json["@graph"].as_array().unwrap().iter().find(|n| n["@type"] == "BackgroundNewsArticle").unwrap();
    assert_eq!(article["citation"][0]["archivedAt"], archived);
    assert!(article["citation"][1].get("archivedAt").is_none());
}

#[test]
fn an_archived_copy_that_is_not_a_web_address_is_an_error_at_it() {
    let bad = SOURCED.replace(
        "archived: https://web.archive.org/web/20241117/https://example.com/readout",
        "archived: mailto:archive@example.com",
    );
    let site = Site::fixture_with("cite", &[("content/articles/sourced.md", &bad)]);
    let stderr = site.fails_keeping_the_output(&["content/articles/sourced.md:8:15"]);
    insta::assert_snapshot!("cite_archived_not_web", stderr);
}
