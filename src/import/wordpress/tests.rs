//! Tests of the WordPress reader against the fixture export (tests/fixtures/import-wordpress).

use super::*;
use std::path::PathBuf;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-wordpress")
}

fn imported() -> Archive {
    let dir = fixture();
    read(&dir.join("export.xml"), Some(&dir.join("uploads"))).unwrap()
}

fn doc<'a>(archive: &'a Archive, title: &str) -> &'a Document {
    archive.documents.iter().find(|d| d.title.as_deref() == Some(title)).unwrap()
}

#[test]
fn published_posts_and_pages_keep_their_urls_and_the_rest_go_to_articles() {
    let archive = imported();
    let places: Vec<String> = archive.documents.iter().map(|d| d.place.join("/")).collect();
    assert_eq!(
        places,
        [
            "2023/10/17/chip-export-controls",
            "2019/05/10/tariff-rounds",
            "about",
            "about/sources",
            "articles/rare-earths-a-draft",
            "articles/apec-2099-preview",
            "pages/contact-us"
        ]
    );
    let about = doc(&archive, "About the desk");
    assert_eq!(about.old_url.as_deref(), Some("/about/"));
    // /about/sources/ is below it: /about/ is the section's page, as dossier writes a folder's
    // archive at the folder's address
    assert_eq!(about.kind, DocumentKind::Section);
    assert!(about.taxonomies.is_empty());
    assert_eq!(doc(&archive, "Our sources").kind, DocumentKind::Explainer);
    assert_eq!(doc(&archive, "Rare earths, a draft").old_url, None);
    // an address that is not a slug cannot be kept: the page moves, its old URL is its alias
    assert_eq!(doc(&archive, "Contact the desk").old_url.as_deref(), Some("/Contact_Us/"));
}

#[test]
fn dates_drafts_and_scheduled_posts() {
    let archive = imported();
    let chips = doc(&archive, "Export controls on chips, explained");
    assert_eq!(chips.date.as_deref(), Some("2023-10-17T14:30:00Z"));
    assert_eq!(chips.updated.as_deref(), Some("2023-10-20T13:00:00Z"));
    assert!(!chips.draft);
    // no GMT date: the local day
    let draft = doc(&archive, "Rare earths, a draft");
    assert_eq!((draft.date.as_deref(), draft.draft), (Some("2024-02-01"), true));
    let future = doc(&archive, "APEC 2099, a preview");
    assert_eq!(future.date.as_deref(), Some("2099-11-01T12:00:00Z"));
    assert_eq!(future.publish_date, future.date);
    assert!(!future.draft);
}

#[test]
fn private_and_trashed_posts_are_skipped_with_their_reason() {
    let archive = imported();
    let skipped: Vec<String> =
        archive.report.skipped.iter().map(|(o, why)| format!("{}:{} {why}", o.path, o.line.unwrap())).collect();
    assert_eq!(skipped.len(), 2, "{skipped:#?}");
    assert!(
        skipped[0].starts_with("export.xml:") && skipped[0].contains("“Internal: source list” (status `private`)"),
        "{skipped:#?}"
    );
    assert!(skipped[1].contains("(status `trash`)"), "{skipped:#?}");
    assert!(
        archive.report.notes.iter().any(|n| n.starts_with("1 item(s) of type `nav_menu_item` skipped")),
        "{:#?}",
        archive.report.notes
    );
}

#[test]
fn terms_authors_excerpts_and_term_descriptions() {
    let archive = imported();
    let chips = doc(&archive, "Export controls on chips, explained");
    assert_eq!(chips.taxonomies["category"], ["Trade"]);
    assert_eq!(chips.taxonomies["post_tag"], ["Semiconductors"]);
    assert_eq!(chips.taxonomies["author"], ["Mei Lin"]);
    assert_eq!(doc(&archive, "Tariff rounds since 2018").taxonomies["author"], ["James Okafor"]);
    assert_eq!(chips.summary.as_deref(), Some("Why the October 2023 update to the chip rules matters."));
    let profiles: Vec<(&str, &str, &str)> =
        archive.term_profiles.iter().map(|t| (t.taxonomy.as_str(), t.term.as_str(), t.body.trim())).collect();
    // every term a published post uses has a profile (so that `Cat A` and `Cat B` are two
    // topics, not a typo); Security and Taiwan Strait are the scheduled post's only
    assert_eq!(
        profiles,
        [
            ("category", "Trade", "Tariffs, export controls and supply chains between the two economies."),
            ("post_tag", "Semiconductors", ""),
            ("author", "Mei Lin", ""),
            ("author", "James Okafor", "")
        ]
    );
    assert_eq!(archive.settings.title.as_deref(), Some("China Desk"));
    assert_eq!(archive.settings.description.as_deref(), Some("Explainers on US–China policy"));
    assert_eq!(archive.settings.language.as_deref(), Some("en"));
    assert_eq!(archive.settings.base_url.as_deref(), Some("https://chinadesk.example.org/"));
}

#[test]
fn uploads_become_bundle_files_the_missing_one_is_listed() {
    let archive = imported();
    let chips = doc(&archive, "Export controls on chips, explained");
    let names: Vec<&str> = chips.resources.iter().map(|r| r.to.as_str()).collect();
    // the resized wafer-300x200.png is not in uploads/: its original is used
    assert_eq!(names, ["fab.png", "wafer.png"]);
    assert_eq!(chips.image.as_deref(), Some("fab.png"));
    assert!(chips.body.contains("![A chip fabrication line](fab.png)"), "{}", chips.body);
    assert!(chips.body.contains("\n\n![A silicon wafer](wafer.png \"A wafer before dicing\")\n\n"), "{}", chips.body);
    let missing: Vec<String> =
        archive.report.missing_files.iter().map(|(o, f)| format!("{}:{} {f}", o.path, o.line.unwrap())).collect();
    assert_eq!(missing, ["export.xml:96 https://chinadesk.example.org/wp-content/uploads/2019/05/missing-chart.png"]);
    let tariffs = doc(&archive, "Tariff rounds since 2018");
    assert!(tariffs.body.contains(
        "![Tariff rates by round](https://chinadesk.example.org/wp-content/uploads/2019/05/missing-chart.png)"
    ));
}

#[test]
fn links_between_posts_become_relative_md_links() {
    let archive = imported();
    let chips = doc(&archive, "Export controls on chips, explained");
    // the chips post is a bundle (it has files): links from it start one folder deeper
    assert!(chips.body.contains("[the tariff rounds](../../../../2019/05/10/tariff-rounds.md)"), "{}", chips.body);
    assert!(chips.body.contains("[about this desk](../../../../about/_index.md)"), "{}", chips.body);
    let tariffs = doc(&archive, "Tariff rounds since 2018");
    assert!(
        tariffs
            .body
            .contains("[export control explainer](../../../2023/10/17/chip-export-controls/index.md#what-changed)"),
        "{}",
        tariffs.body
    );
    let about = doc(&archive, "About the desk");
    assert!(about.body.contains("[sources](sources.md)"), "{}", about.body);
}

#[test]
fn shortcodes_and_hostile_html() {
    let archive = imported();
    let shortcodes: Vec<String> = archive
        .report
        .unconverted_shortcodes
        .iter()
        .map(|(name, at)| {
            format!("{name} {}", at.iter().map(|o| o.line.unwrap().to_string()).collect::<Vec<_>>().join(","))
        })
        .collect();
    assert_eq!(shortcodes, ["contact-form-7 94", "gallery 92"]);
    let tariffs = doc(&archive, "Tariff rounds since 2018");
    assert!(tariffs.body.contains("```unconverted\n[gallery ids=\"110,111\"]\n```"), "{}", tariffs.body);
    assert!(
        tariffs
            .body
            .starts_with("Four rounds of Section 301 tariffs were announced between 2018 and 2019.  \nEach round"),
        "{}",
        tariffs.body
    );
    assert!(tariffs.body.contains("\n\n<!-- more -->\n\n"), "{}", tariffs.body);
    assert!(!tariffs.body.contains("track()") && !tariffs.body.contains("document.cookie"), "{}", tariffs.body);
    assert!(tariffs.body.contains("Trade talks resumed in June."));
    assert!(
        tariffs.body.contains("<iframe src=\"https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ\""),
        "{}",
        tariffs.body
    );
    assert!(tariffs.body.contains("<iframe src=\"https://player.vimeo.com/video/76979871\""), "{}", tariffs.body);
}

#[test]
fn an_export_that_is_not_there_or_not_xml_is_an_error_naming_it() {
    let errors = read(Path::new("/nonexistent/export.xml"), None).unwrap_err();
    assert_eq!(errors[0].code, Code::Unreadable);
    let errors = read(&fixture().join("export.xml"), Some(Path::new("/nonexistent/uploads"))).unwrap_err();
    assert_eq!(errors[0].code, Code::Unreadable);
    assert!(errors[0].message.contains("--uploads"), "{}", errors[0].message);
}

#[test]
fn addresses_dossier_keeps_for_itself_are_neither_places_nor_aliases() {
    assert!(generated_by_dossier("/search/") && generated_by_dossier("/topics/trade/"));
    assert!(!generated_by_dossier("/2019/05/search/") && !generated_by_dossier("/about/"));
    assert_eq!(url_place("/search/"), None);
    assert_eq!(url_place("/2019/05/Lima/"), None, "not a slug: the post moves, with an alias");
    assert_eq!(url_place("/2019/05/lima/"), Some(vec!["2019".into(), "05".into(), "lima".into()]));
}
