//! Actor identities (docs/identities.md): `wikidata:` and `same_as:` on an actor profile are its
//! JSON-LD `sameAs` and `identifier`, links on its page, and what explainers' JSON-LD `about` and
//! `mentions` say of it. On the `identities` fixture.

mod harness;

use harness::{Page, Site};
use serde_json::{Value, json};

/// The node of `@type` `kind` in the page's JSON-LD graph.
fn node(page: &Page, kind: &str) -> Value {
    let json: Value = serde_json::from_str(&page.text("script[type='application/ld+json']")).unwrap();
    json["@graph"].as_array().unwrap().iter().find(|n| n["@type"] == kind).cloned().unwrap()
}

#[test]
fn an_actor_page_gives_its_identities_in_json_ld_and_as_links() {
    let site = Site::fixture("identities");
    site.build_ok();
    let xi = site.page("actors/xi-jinping/");
    let person = &node(&xi, "ProfilePage")["mainEntity"];
    assert_eq!(
        person["sameAs"],
        json!(["https://www.wikidata.org/wiki/Q15031", "https://www.britannica.com/biography/Xi-Jinping"])
    );
    assert_eq!(person["identifier"], json!({"@type": "PropertyValue", "propertyID": "Wikidata", "value": "Q15031"}));
    // links on the profile, titled in words
    assert_eq!(xi.href_of("Wikidata"), "https://www.wikidata.org/wiki/Q15031");
    assert_eq!(xi.href_of("www.britannica.com"), "https://www.britannica.com/biography/Xi-Jinping");
    assert!(xi.text(".elsewhere").contains("(Q15031)"), "{}", xi.text(".elsewhere"));
    // an actor without identities has neither
    let csis = site.page("actors/csis/");
    let organization = &node(&csis, "ProfilePage")["mainEntity"];
    assert!(organization.get("sameAs").is_none() && organization.get("identifier").is_none(), "{organization}");
    assert!(csis.texts(".elsewhere").is_empty());
}

#[test]
fn explainers_reference_the_identities_of_the_actors_they_are_about_and_mention() {
    let site = Site::fixture("identities");
    site.build_ok();
    let article = node(&site.page("articles/lima/"), "BackgroundNewsArticle");
    let about = article["about"].as_array().unwrap();
    let xi = about.iter().find(|t| t["name"] == "Xi Jinping").unwrap();
    assert_eq!(xi["identifier"]["value"], "Q15031");
    assert_eq!(xi["sameAs"][0], "https://www.wikidata.org/wiki/Q15031");
    let csis = about.iter().find(|t| t["name"] == "Center for Strategic and International Studies").unwrap();
    assert!(csis.get("sameAs").is_none());
    // Biden is named in the text, not listed: mentioned, with his identity
    let mentions = article["mentions"].as_array().unwrap();
    assert_eq!(mentions.len(), 1);
    assert_eq!(mentions[0]["name"], "Joe Biden");
    assert_eq!(mentions[0]["sameAs"], json!(["https://www.wikidata.org/wiki/Q6279"]));
    assert_eq!(mentions[0]["identifier"]["value"], "Q6279");
}

#[test]
fn a_wikidata_id_or_same_as_address_that_is_not_one_is_an_error_at_its_value() {
    let site = Site::fixture("identities");
    site.write(
        "content/actors/joe-biden.md",
        "---\nname: Joe Biden\nkind: person\nwikidata: 6279\nsame_as: [https://example.org/biden, javascript:alert(1), \"www.example.org/biden\"]\n---\n",
    );
    site.write("content/actors/csis.md", "---\nname: CSIS\nwikidata: Q06279\n---\n");
    let stderr = site.fails_keeping_the_output(&[
        "content/actors/joe-biden.md:4:11",
        "content/actors/joe-biden.md:5:38",
        "content/actors/joe-biden.md:5:60",
        "content/actors/csis.md:3:11",
    ]);
    insta::assert_snapshot!("identities_bad_values", stderr);
}

#[test]
fn the_example_site_gives_its_actors_their_wikidata_items() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let xi = std::fs::read_to_string(root.join("content/actors/xi-jinping.md")).unwrap();
    let biden = std::fs::read_to_string(root.join("content/actors/joe-biden.md")).unwrap();
    assert!(xi.contains("\nwikidata: Q15031\n") && biden.contains("\nwikidata: Q6279\n"));
}
