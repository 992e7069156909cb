//! The pages readers land on (issue 23): the home page leads with one explainer and its key
//! points, chosen by `featured: true`; `syntax.css` is linked only by pages with highlighted code;
//! the 404 page offers search and the topics. Built from `tests/fixtures/pages`: three explainers,
//! the two older ones featured, the newest with a Rust code block.

mod harness;

use harness::Site;

/// The fixture with `featured: true` taken out of both featured explainers.
fn without_featured() -> Site {
    let site = Site::fixture("pages");
    for file in ["content/articles/lima-meeting.md", "content/articles/woodside-summit.md"] {
        let text = std::fs::read_to_string(site.root.join(file)).unwrap();
        site.write(file, &text.replace("featured: true\n", ""));
    }
    site
}

#[test]
fn the_home_page_leads_with_the_newest_featured_explainer_and_its_key_points() {
    let site = Site::fixture("pages");
    site.build_ok();
    let home = site.page("");
    // Lima is the newer of the two featured explainers; the newest explainer is not featured
    assert_eq!(home.texts(".lead .lead-title a"), ["Biden and Xi meet in Lima"]);
    assert_eq!(home.attrs(".lead .lead-title a", "href"), ["/articles/lima-meeting/"]);
    assert_eq!(home.text(".lead .kicker"), "Featured explainer");
    assert_eq!(
        home.texts(".lead .lead-points li"),
        ["The meeting was their last before the handover in Washington.", "Export controls were expected to come up."]
    );
    // the list below does not repeat it, and keeps the others newest first
    assert_eq!(
        home.texts(".column-main .cards .card-title a"),
        ["How the chip export rules are written", "The Woodside summit, a year earlier"]
    );
}

#[test]
fn without_a_featured_explainer_the_home_page_leads_with_the_newest() {
    let site = without_featured();
    site.build_ok();
    let home = site.page("");
    assert_eq!(home.texts(".lead .lead-title a"), ["How the chip export rules are written"]);
    assert_eq!(home.text(".lead .kicker"), "Latest explainer");
    // no key points: the summary stands in for them
    assert_eq!(home.texts(".lead .lead-points li"), Vec::<String>::new());
    assert_eq!(
        home.text(".lead .card-summary"),
        "The October 2022 rules restrict advanced chips by performance thresholds."
    );
    assert_eq!(
        home.texts(".column-main .cards .card-title a"),
        ["Biden and Xi meet in Lima", "The Woodside summit, a year earlier"]
    );
}

#[test]
fn the_home_page_has_one_h1_and_it_is_the_site_title_in_the_header() {
    let site = Site::fixture("pages");
    site.build_ok();
    let home = site.page("");
    assert_eq!(home.texts("h1"), ["Pages Fixture"]);
    assert_eq!(home.texts("header.site-header h1.site-title"), ["Pages Fixture"]);
    assert_eq!(home.texts("main h1"), Vec::<String>::new());
    // other pages keep the site title as a link, not a heading
    let explainer = site.page("articles/lima-meeting/");
    assert_eq!(explainer.texts("header.site-header h1"), Vec::<String>::new());
    assert_eq!(explainer.texts("h1"), ["Biden and Xi meet in Lima"]);
}

#[test]
fn a_featured_value_that_is_not_true_or_false_is_an_error_at_its_place() {
    let site = Site::fixture_with(
        "pages",
        &[(
            "content/articles/woodside-summit.md",
            "---\ntitle: \"The Woodside summit\"\ndate: 2023-11-15\nfeatured: yes please\n---\n\nText.\n",
        )],
    );
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("content/articles/woodside-summit.md:4:11"), "{}", run.stderr);
    insta::assert_snapshot!(run.stderr_stable());
}

#[test]
fn syntax_css_is_linked_only_by_pages_with_highlighted_code() {
    let site = Site::fixture("pages");
    site.build_ok();
    // the stylesheets by their plain names: `/style.0123456789.css` (fingerprinted) is `/style.css`
    let plain = |href: String| match href.split('.').collect::<Vec<_>>()[..] {
        [stem, hash, ext] if hash.len() == 10 && hash.chars().all(|c| c.is_ascii_hexdigit()) => format!("{stem}.{ext}"),
        _ => href,
    };
    let stylesheets =
        |path: &str| site.page(path).attrs("link[rel=stylesheet]", "href").into_iter().map(plain).collect::<Vec<_>>();
    assert_eq!(stylesheets("articles/export-rules/"), ["/style.css", "/syntax.css"]);
    assert!(site.read("articles/export-rules/index.html").contains("hl-code"));
    for page in ["articles/lima-meeting/", "", "topics/technology/", "actors/commerce-department/"] {
        assert_eq!(stylesheets(page), ["/style.css"], "{page}");
    }
    // the file is still there for the pages that link it
    assert!(site.exists("syntax.css"));
}

#[test]
fn the_404_page_offers_search_and_the_topics() {
    let site = Site::fixture("pages");
    site.build_ok();
    let page = site.page("404.html");
    assert_eq!(page.attrs("main form", "action"), ["/search/"]);
    assert_eq!(page.attrs("main form", "method"), ["get"]);
    assert_eq!(page.attrs("main form input[type=search]", "name"), ["q"]);
    // the box has a label
    let id = page.attrs("main form input[type=search]", "id");
    assert_eq!(page.attrs("main form label", "for"), id);
    assert_eq!(page.texts(".not-found-topics .entities a"), ["Technology", "Trade"]);
    assert_eq!(page.attrs(".not-found-topics .entities a", "href"), ["/topics/technology/", "/topics/trade/"]);

    // without search, no form; the topics stay
    let site = Site::fixture_with(
        "pages",
        &[(
            "site.toml",
            &format!(
                "{}search = false\n",
                std::fs::read_to_string(harness::fixture_dir("pages").join("site.toml")).unwrap()
            ),
        )],
    );
    site.build_ok();
    let page = site.page("404.html");
    assert!(page.attrs("main form", "action").is_empty());
    assert_eq!(page.texts(".not-found-topics .entities a"), ["Technology", "Trade"]);
}
