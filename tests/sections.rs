//! Sections and the archive: `/articles/` lists every explainer of its folder (subfolders too),
//! newest first, by year, `paginate` to a page; an `_index.md` makes a folder a section with its
//! own page, title, body and `extra`, nested as folders are; explainers show their sections in
//! their breadcrumbs (and in JSON-LD). On the `sections` fixture (`paginate = 2`), and the
//! `invalid-section-*` fixtures for what may not be.

mod harness;

use harness::{Page, Site, broken_internal_links};

fn built() -> Site {
    let site = Site::fixture("sections");
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    site
}

/// The year headings of a section page, and the titles of the cards under each.
fn years(page: &Page) -> Vec<(String, Vec<String>)> {
    let html = &page.source;
    let mut out = Vec::new();
    for part in html.split("<h2 class=\"year\">").skip(1) {
        let heading = part.split("</h2>").next().unwrap();
        let heading = Page::parse(&format!("<p>{heading}</p>")).text("p");
        let cards = part.split("</ol>").next().unwrap();
        let titles = Page::parse(cards).texts(".card-title");
        out.push((heading, titles));
    }
    out
}

/// The part of `html` from the first `start` to the `end` after it, inclusive.
fn part<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let from = html.find(start).unwrap_or_else(|| panic!("no `{start}` in the page"));
    let to = html[from..].find(end).map(|i| from + i + end.len()).expect("the part ends");
    &html[from..to]
}

fn group(heading: &str, titles: &[&str]) -> (String, Vec<String>) {
    (heading.to_string(), titles.iter().map(|t| t.to_string()).collect())
}

#[test]
fn the_archive_lists_every_explainer_of_its_folder_newest_first_by_year_over_pages() {
    let site = built();
    // seven explainers in articles/ and below, two a page: a year split over two pages has its
    // heading on both
    assert_eq!(
        years(&site.page("articles/")),
        [group("2024", &["Tariff threats after the election", "Biden and Xi in Lima"])]
    );
    assert_eq!(
        years(&site.page("articles/page/2/")),
        [
            group("2024 (continued)", &["North Korean troops in Russia"]),
            group("2023", &["The October 2023 chip rules"])
        ]
    );
    assert_eq!(
        years(&site.page("articles/page/3/")),
        [group("2023 (continued)", &["The Washington Declaration", "A stopover in California"])]
    );
    // from a subfolder without `_index.md`
    assert_eq!(years(&site.page("articles/page/4/")), [group("2022", &["Biden and Xi in Bali"])]);
    assert!(!site.exists("articles/page/5/index.html"));
    let archive = site.page("articles/");
    assert_eq!(archive.text("h1"), "Every explainer");
    assert_eq!(archive.text(".pagination-status"), "Page 1 of 4");
    // its `_index.md`'s body, with a link to a section written as its `_index.md`
    assert_eq!(archive.href_of("Asia"), "/policy/articles/asia/");
    // another top-level folder gets its archive without an `_index.md`, named after the folder
    let analysis = site.page("analysis/");
    assert_eq!(analysis.text("h1"), "Analysis");
    assert_eq!(years(&analysis), [group("2024", &["What to watch in 2025"])]);
    insta::assert_snapshot!("archive_page_2", part(&site.read("articles/page/2/index.html"), "<main", "</main>"));
}

#[test]
fn a_section_has_its_title_body_sections_and_explainers_and_sections_nest() {
    let site = built();
    let asia = site.page("articles/asia/");
    assert_eq!(asia.text("h1"), "Asia");
    assert_eq!(asia.text(".page-header .dek"), "Summits, alliances and flashpoints in the Indo-Pacific.");
    assert!(asia.text(".profile").contains("from the Korean peninsula to the Taiwan Strait"));
    assert_eq!(asia.texts(".column-side .entities a"), ["Korea"]);
    assert_eq!(asia.texts(".column-side .entities .count"), ["2"]);
    // its explainers and those of its sections; a page bundle inside is an explainer
    assert_eq!(years(&asia), [group("2024", &["Biden and Xi in Lima", "North Korean troops in Russia"])]);
    assert_eq!(
        years(&site.page("articles/asia/page/2/")),
        [group("2023", &["The Washington Declaration", "A stopover in California"])]
    );
    assert!(!site.exists("articles/asia/lima/page/2/index.html"), "a page bundle is not a section");
    let korea = site.page("articles/asia/korea/");
    assert_eq!(korea.texts(".breadcrumbs li"), ["Home", "Every explainer", "Asia", "Korea"]);
    assert_eq!(korea.text(".kicker"), "Asia");
    assert_eq!(
        years(&korea),
        [group("2024", &["North Korean troops in Russia"]), group("2023", &["The Washington Declaration"])]
    );
    // a folder without `_index.md` is no section
    assert!(!site.exists("articles/notes/index.html"));
    insta::assert_snapshot!("korea_section", part(&site.read("articles/asia/korea/index.html"), "<main", "</main>"));
}

#[test]
fn explainers_show_their_sections_in_breadcrumbs_and_json_ld() {
    let site = built();
    let troops = site.page("articles/asia/korea/troops/");
    assert_eq!(
        troops.texts(".breadcrumbs li"),
        ["Home", "Every explainer", "Asia", "Korea", "North Korean troops in Russia"]
    );
    assert_eq!(
        troops.attrs(".breadcrumbs a", "href"),
        ["/policy/", "/policy/articles/", "/policy/articles/asia/", "/policy/articles/asia/korea/"]
    );
    let json_ld: serde_json::Value = serde_json::from_str(&troops.text("script[type='application/ld+json']")).unwrap();
    let trail = json_ld["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["@type"] == "BreadcrumbList")
        .expect("a breadcrumb list");
    let items: Vec<(String, String)> = trail["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].as_str().unwrap().to_string(), i["item"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        items,
        [
            ("Home".to_string(), "https://example.org/policy/".to_string()),
            ("Every explainer".into(), "https://example.org/policy/articles/".into()),
            ("Asia".into(), "https://example.org/policy/articles/asia/".into()),
            ("Korea".into(), "https://example.org/policy/articles/asia/korea/".into()),
            ("North Korean troops in Russia".into(), "https://example.org/policy/articles/asia/korea/troops/".into()),
        ]
    );
    // in a folder without `_index.md`: the nearest section above
    let bali = site.page("articles/notes/bali-2022/");
    assert_eq!(bali.texts(".breadcrumbs li"), ["Home", "Every explainer", "Biden and Xi in Bali"]);
    // a page bundle in a section
    let lima = site.page("articles/asia/lima/");
    assert_eq!(lima.texts(".breadcrumbs li a"), ["Home", "Every explainer", "Asia"]);
}

#[test]
fn links_to_an_index_md_lead_to_its_section_and_every_link_resolves() {
    let site = built();
    let lima = site.page("articles/asia/lima/");
    assert_eq!(lima.href_of("the Asia section"), "/policy/articles/asia/");
    assert_eq!(lima.href_of("the archive"), "/policy/articles/");
    assert_eq!(site.page("articles/asia/korea/troops/").href_of("the Korea section"), "/policy/articles/asia/korea/");
    assert_eq!(site.page("articles/asia/").href_of("Korea"), "/policy/articles/asia/korea/");
    assert!(broken_internal_links(&site.public(), "/policy/").is_empty());
}

#[test]
fn sections_are_in_the_sitemap_and_archives_are_linked_from_the_home_page() {
    let site = built();
    let sitemap = site.read("sitemap.xml");
    for path in ["articles/", "articles/page/4/", "articles/asia/", "articles/asia/page/2/", "articles/asia/korea/"] {
        assert!(sitemap.contains(&format!("<loc>https://example.org/policy/{path}</loc>")), "{path}: {sitemap}");
    }
    let home = site.page("");
    assert_eq!(home.href_of("Every explainer: every explainer, by year"), "/policy/articles/");
    assert_eq!(home.href_of("Analysis: every explainer, by year"), "/policy/analysis/");
    site.remove("content/analysis/outlook.md");
    site.build_ok();
    assert!(!site.exists("analysis/index.html"), "a folder without explainers has no archive");
    let home = site.page("");
    assert_eq!(home.texts(".column-main .more a"), ["Every explainer: every explainer, by year"]);
}

/// A section template that prints the section's `extra`.
const SECTION_OVERRIDE: &str = r#"{% extends "base.html" %}
{% block main %}<h1>{{ section.title }}</h1>
<p class="desk">{{ section.extra.desk | default(value="no desk") }}</p>
<p class="editors">{% if section.extra.editors %}{{ section.extra.editors | join(sep=", ") }}{% endif %}</p>
<p class="archive">{{ section.is_archive }}</p>
{% endblock main %}
"#;

#[test]
fn extra_of_a_section_reaches_a_template_override() {
    let site = Site::fixture_with("sections", &[("templates/section.html", SECTION_OVERRIDE)]);
    site.build_ok();
    let asia = site.page("articles/asia/");
    assert_eq!(asia.text(".desk"), "Asia desk");
    assert_eq!(asia.text(".editors"), "Mei Lin, Sam Park");
    assert_eq!(asia.text(".archive"), "false");
    let archive = site.page("articles/");
    assert_eq!(archive.text(".desk"), "no desk");
    assert_eq!(archive.text(".archive"), "true");
}

#[test]
fn section_collisions_are_errors_naming_both_sides() {
    let site = Site::fixture("invalid-section-collision");
    let stderr = site.fails_keeping_the_output(&[
        // `_index.md` where no section can be
        "content/_index.md:1:1",
        "content/topics/_index.md:1:1",
        // a section at an explainer's address; a page bundle with an `_index.md`
        "content/articles/asia.md:1:1",
        "content/articles/lima/_index.md:1:1",
        // an alias onto the archive
        "content/articles/summit.md:4:11",
    ]);
    assert!(stderr.contains("the section of content/articles/asia/_index.md"), "{stderr}");
    assert!(stderr.contains("the archive of content/articles/"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_section_needs_a_title_and_known_fields() {
    let site = Site::fixture("invalid-section-missing-title");
    let stderr =
        site.fails_keeping_the_output(&["content/articles/asia/_index.md:1:1", "content/articles/asia/_index.md:3:1"]);
    assert!(stderr.contains("missing `title`"), "{stderr}");
    assert!(stderr.contains("unknown field `weight`"), "{stderr}");
    insta::assert_snapshot!(stderr);
}
