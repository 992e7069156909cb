//! Valid fixture sites: each is built by the real binary and its output checked page by page.

mod harness;

use harness::{Site, broken_internal_links, fixture_dir};

#[test]
fn basic_site_builds_every_page_with_resolved_links() {
    let site = Site::fixture("basic");
    let run = site.build_ok();
    assert!(run.stdout.starts_with("Built "), "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 1, "success prints one line: {}", run.stdout);
    assert!(run.stderr.is_empty(), "no warnings expected: {}", run.stderr);

    for file in [
        "index.html",
        "404.html",
        "articles/summit/index.html",
        "articles/background/index.html",
        "topics/index.html",
        "topics/trade/index.html",
        "topics/taiwan/index.html",
        "actors/index.html",
        "actors/xi-jinping/index.html",
        "actors/joe-biden/index.html",
        "actors/kim-jong-un/index.html",
        "style.css",
        "syntax.css",
        "img/map.svg",
    ] {
        assert!(site.exists(file), "missing {file}");
    }

    let summit = site.page("articles/summit/");
    assert_eq!(summit.text("h1"), "The summit");
    assert_eq!(summit.href_of("the background"), "/articles/background/#why-it-matters");
    assert_eq!(summit.href_of("Xi"), "/actors/xi-jinping/");
    assert_eq!(summit.href_of("trade topic"), "/topics/trade/");
    assert_eq!(summit.href_of("site page"), "/topics/");
    assert_eq!(summit.href_of("external page"), "https://example.com/");
    assert_eq!(summit.href_of("sources"), "#sources");
    assert_eq!(summit.href_of("1"), "#source-wire");
    assert_eq!(summit.href_of("2"), "#source-notes");
    assert_eq!(summit.attrs("img", "src"), ["/img/map.svg"]);
    // the explainer links its topics and actors; the alias `Xi` resolved to the profile
    let topics = summit.texts("#topics a");
    assert_eq!(topics, ["Trade", "Taiwan"]);
    let actors = summit.texts("#actors a");
    assert_eq!(actors, ["Xi Jinping", "Joe Biden", "Kim Jong Un"]);
    // sources, takeaways, timeline
    assert_eq!(summit.texts("#sources li").len(), 2);
    assert!(summit.text("#source-wire").contains("A Wire Service"));
    assert_eq!(summit.attrs("#source-wire a", "href"), ["https://example.com/wire"]);
    assert_eq!(summit.texts("#takeaways li"), ["They met for two hours."]);
    assert!(summit.text("#timeline").contains("The two leaders meet."));
    // headings get anchors; code is highlighted with classes, not inline styles
    assert_eq!(summit.attrs("h2#what-was-said", "id"), ["what-was-said"]);
    assert!(summit.source.contains("<pre class=\"code hl-code\" data-lang=\"rust\">"));
    assert!(!summit.source.contains("style=\""));
    // the page that links here
    assert_eq!(summit.texts("#related .card-title")[0], "The background");
    assert_eq!(summit.texts("#related .links-here"), ["Links here"]);

    let background = site.page("articles/background/");
    assert_eq!(background.text(".dek"), "This first paragraph becomes the summary.");

    // entity pages list their explainers newest first
    let trade = site.page("topics/trade/");
    assert_eq!(trade.text("h1"), "Trade");
    assert_eq!(trade.text(".dek"), "Tariffs and supply chains.");
    assert_eq!(trade.texts("main .column-main .card-title"), ["The summit", "The background"]);
    let xi = site.page("actors/xi-jinping/");
    assert!(xi.text(".dek").contains("President of China"));
    assert!(xi.text(".profile").contains("Profile text for Xi."));
    assert_eq!(xi.texts(".column-main .card-title"), ["The summit", "The background"]);
    // an actor named only in front matter still gets a page, built from its name
    assert_eq!(site.page("actors/kim-jong-un/").text("h1"), "Kim Jong Un");

    // indexes show counts
    let topics = site.page("topics/");
    assert_eq!(topics.texts(".entities li a"), ["Taiwan", "Trade"]);
    assert_eq!(topics.texts(".entities .count"), ["1", "2"]);
    let actors = site.page("actors/");
    assert_eq!(actors.texts("h2"), ["People", "Others"]);

    // home: intro from content/index.md, newest first
    let home = site.page("");
    assert_eq!(home.text("h1"), "Fixture Explainers");
    assert_eq!(home.href_of("the summit"), "/articles/summit/");
    // the newest leads the page (with its key points), the others follow
    assert_eq!(home.texts(".column-main .lead-title"), ["The summit"]);
    assert_eq!(home.texts(".column-main .card-title"), ["The background"]);

    assert_eq!(broken_internal_links(&site.public(), "/"), Vec::<String>::new());
}

#[test]
fn explainer_page_snapshot() {
    let site = Site::fixture("basic");
    site.build_ok();
    insta::assert_snapshot!(site.read("articles/summit/index.html"));
}

#[test]
fn subpath_base_url_moves_every_link() {
    let site = Site::fixture("subpath");
    site.build_ok();
    let one = site.page("articles/one/");
    assert_eq!(one.href_of("two"), "/policy/explainers/articles/two/#details");
    assert_eq!(one.href_of("energy"), "/policy/explainers/topics/energy/");
    assert_eq!(one.href_of("someone"), "/policy/explainers/actors/someone/");
    assert_eq!(one.href_of("the topics"), "/policy/explainers/topics/");
    assert_eq!(one.href_of("home"), "/policy/explainers/");
    assert_eq!(one.attrs("link[rel=canonical]", "href"), ["https://example.org/policy/explainers/articles/one/"]);
    // paginate = 1: lists continue on /page/2/ under the base path
    assert!(site.exists("page/2/index.html"));
    assert!(site.exists("topics/energy/page/2/index.html"));
    assert_eq!(site.page("topics/energy/").href_of("Older"), "/policy/explainers/topics/energy/page/2/");
    // the alias redirects, under the base path too
    let alias = site.read("old/two/index.html");
    assert!(
        alias.contains(r#"<meta http-equiv="refresh" content="0; url=/policy/explainers/articles/two/">"#),
        "{alias}"
    );
    assert!(alias.contains(r#"<link rel="canonical" href="https://example.org/policy/explainers/articles/two/">"#));
    assert_eq!(broken_internal_links(&site.public(), "/policy/explainers/"), Vec::<String>::new());
}

#[test]
fn base_url_flag_overrides_site_toml() {
    let site = Site::fixture("subpath");
    site.run(&["build", "--base-url", "https://mirror.example.net/x/"]).assert_success();
    let one = site.page("articles/one/");
    assert_eq!(one.href_of("two"), "/x/articles/two/#details");
    assert_eq!(broken_internal_links(&site.public(), "/x/"), Vec::<String>::new());
}

#[test]
fn nested_folders_mirror_their_paths() {
    let site = Site::fixture("nested");
    site.build_ok();
    let inner = site.page("analysis/2024/deep/inner/");
    assert_eq!(inner.href_of("the note"), "/notes/top-level/");
    assert_eq!(inner.href_of("the sibling"), "/analysis/2024/renamed-sibling/#a-heading");
    let sibling = site.page("analysis/2024/renamed-sibling/");
    assert_eq!(sibling.texts(".prose a[href='/analysis/2024/deep/inner/']").len(), 2);
    assert!(site.exists("root-level/index.html"));
    assert_eq!(broken_internal_links(&site.public(), "/"), Vec::<String>::new());
}

#[test]
fn drafts_build_only_when_asked() {
    let site = Site::fixture("drafts");
    site.build_ok();
    assert!(site.exists("articles/published/index.html"));
    assert!(!site.exists("articles/unfinished/index.html"));
    assert!(!site.exists("actors/only-in-draft/index.html"), "entities named only by drafts have no page");
    assert!(!site.exists("topics/draft-topic/index.html"));
    assert_eq!(site.page("").texts(".column-main .lead-title"), ["Published"]);

    site.run(&["build", "--drafts"]).assert_success();
    assert!(site.exists("articles/unfinished/index.html"));
    assert!(site.exists("actors/only-in-draft/index.html"));
    assert_eq!(site.page("articles/unfinished/").text(".badge"), "Draft");
}

#[test]
fn links_to_drafts_are_errors_unless_drafts_are_built() {
    let site = Site::fixture("drafts");
    site.write(
        "content/articles/linking.md",
        "---\ntitle: Linking\ndate: 2024-05-03\n---\n\nSee [the draft](unfinished.md).\n",
    );
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("content/articles/linking.md:6:"), "{}", run.stderr);
    assert!(run.stderr.contains("draft"), "{}", run.stderr);
    site.run(&["build", "--drafts"]).assert_success();
}

#[test]
fn unicode_names_are_transliterated() {
    let site = Site::fixture("unicode");
    site.build_ok();
    let page = site.page("articles/cafe-societe/");
    assert_eq!(page.text("h1"), "Türkiye and the “Strait” question: 海峡");
    assert_eq!(page.attrs("html", "lang"), ["tr"]);
    assert_eq!(page.href_of("Türkiye"), "/topics/turkiye/");
    assert_eq!(page.href_of("Erdoğan"), "/actors/recep-tayyip-erdogan/");
    assert_eq!(page.href_of("Xi"), "/actors/xi-jin-ping/");
    assert_eq!(page.href_of("the heading"), "#ca-va-deja-vu");
    assert_eq!(page.attrs("time", "datetime")[0], "2024-06-01T10:30:00+03:00");
    for file in ["topics/turkiye/index.html", "topics/energie/index.html", "actors/yoon-suk-yeol/index.html"] {
        assert!(site.exists(file), "missing {file}");
    }
    assert_eq!(site.page("topics/energie/").text("h1"), "Énergie");
    assert_eq!(site.page("actors/xi-jin-ping/").text("h1"), "习近平");
    assert_eq!(broken_internal_links(&site.public(), "/"), Vec::<String>::new());
}

#[test]
fn long_lists_are_paginated() {
    let site = Site::fixture("pagination");
    site.build_ok();
    let expected = [
        ("", ["Explainer 5", "Explainer 4"].as_slice()),
        ("page/2/", &["Explainer 3", "Explainer 2"]),
        ("page/3/", &["Explainer 1"]),
    ];
    for (path, titles) in expected {
        // the first home page leads with the newest explainer, above the list of the others
        let home = site.page(path);
        let mut shown = home.texts(".column-main .lead-title");
        shown.extend(home.texts(".column-main .card-title"));
        assert_eq!(shown, titles, "home {path}");
        assert_eq!(
            site.page(&format!("topics/shared/{path}")).texts(".column-main .card-title"),
            titles,
            "topic {path}"
        );
        assert_eq!(site.page(&format!("actors/common-actor/{path}")).texts(".column-main .card-title"), titles);
    }
    assert!(!site.exists("page/4/index.html"));
    let second = site.page("page/2/");
    assert_eq!(second.href_of("Newer"), "/");
    assert_eq!(second.href_of("Older"), "/page/3/");
    assert_eq!(second.text(".pagination [aria-current]"), "2");
    assert_eq!(site.page("topics/").text(".count"), "5");
    assert_eq!(broken_internal_links(&site.public(), "/"), Vec::<String>::new());
}

#[test]
fn site_templates_override_the_theme_file_by_file() {
    let site = Site::fixture("overrides");
    site.build_ok();
    let page = site.page("articles/a/");
    assert_eq!(page.text("h1.custom"), "Overridden");
    assert!(page.text(".site-title").contains("Overrides"), "base.html still comes from the theme");
}

#[test]
fn one_card_template_changes_every_list() {
    let site = Site::fixture("basic");
    site.write(
        "templates/partials/card.html",
        "<li class=\"my-card\"><a href=\"{{ card.href }}\">{{ card.title | upper }}</a> {{ card.date.iso }}</li>\n",
    );
    site.build_ok();
    for path in ["topics/trade/", "actors/xi-jinping/"] {
        assert_eq!(site.page(path).texts(".column-main .my-card a"), ["THE SUMMIT", "THE BACKGROUND"], "{path}");
    }
    // the home page leads with the newest, and lists the others as cards
    assert_eq!(site.page("").texts(".column-main .my-card a"), ["THE BACKGROUND"]);
    // but the explainer page's side list: its own markup, without the cards' topic links
    assert!(site.page("articles/summit/").texts("#related .my-card").is_empty());
    // a list template of the site's own can still use the fields
    site.write(
        "templates/partials/cards.html",
        "<ul>{% for card in cards %}<li class=\"own\">{{ card.title }}</li>{% endfor %}</ul>",
    );
    site.build_ok();
    assert_eq!(site.page("topics/trade/").texts(".column-main .own"), ["The summit", "The background"]);
}

#[test]
fn a_card_template_error_names_the_template_and_line() {
    let site = Site::fixture("basic");
    site.write("templates/partials/card.html", "<li>\n{{ card.title | no_such_filter }}</li>\n");
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("--> templates/partials/card.html:2:"), "{}", run.stderr);
    assert!(!site.public().exists(), "nothing was written");
}

#[test]
fn output_is_byte_identical_across_builds() {
    let site = Site::fixture("basic");
    site.build_ok();
    let first = site.output_files();
    site.build_ok();
    assert_eq!(first, site.output_files());
    let other = Site::fixture("basic");
    other.build_ok();
    assert_eq!(first, other.output_files());
}

#[test]
fn example_site_builds_without_warnings_and_links_resolve() {
    let root = fixture_dir("..").join("..");
    let out = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(harness::BIN)
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(out.path().join("public"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "the example site has warnings:\n{stderr}");
    assert_eq!(broken_internal_links(&out.path().join("public"), "/dossier/"), Vec::<String>::new());
}
