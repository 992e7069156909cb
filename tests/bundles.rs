//! Page bundles: `content/<folder>/<slug>/index.md` is the explainer `<slug>`, the files beside
//! it are copied next to its page, and relative links and images in its body lead to them.

mod harness;

use harness::{Server, Site};

#[test]
fn a_bundle_is_its_folder_page_with_its_files_beside_it() {
    let site = Site::fixture("bundle");
    site.build_ok();
    // the folder's name, slugified, is the page's address; not `/lima-map/index/`
    assert!(site.exists("articles/lima-map/index.html"));
    assert!(!site.exists("articles/lima-map/index/index.html"));
    // every file of the bundle, sub-folders too, byte for byte; the Markdown is not copied
    let bundle = harness::fixture_dir("bundle").join("content/articles/Lima-Map");
    for file in ["chart.png", "lima.svg", "data/figures.csv"] {
        let copied = std::fs::read(site.public().join("articles/lima-map").join(file)).unwrap();
        assert_eq!(copied, std::fs::read(bundle.join(file)).unwrap(), "{file}");
    }
    assert!(!site.exists("articles/lima-map/index.md"));
}

#[test]
fn relative_links_and_images_lead_to_the_bundle_files_under_the_base_path() {
    let site = Site::fixture("bundle");
    site.build_ok();
    let page = site.page("articles/lima-map/");
    assert_eq!(
        page.attrs("main img", "src"),
        [
            "/policy/articles/lima-map/lima.svg",
            "/policy/articles/lima-map/chart.png",
            "/policy/articles/lima-map/chart.png",
            "/policy/img/flag.svg",
        ]
    );
    assert_eq!(page.href_of("the data"), "/policy/articles/lima-map/data/figures.csv");
    assert_eq!(page.href_of("the other explainer"), "/policy/articles/trade/");
    // from another explainer: the bundle's page by its index.md, and one of its files
    let trade = site.page("articles/trade/");
    assert_eq!(trade.href_of("the meeting"), "/policy/articles/lima-map/");
    assert_eq!(trade.href_of("here"), "/policy/articles/lima-map/chart.png");
    assert!(harness::broken_internal_links(&site.public(), "/policy/").is_empty());
}

#[test]
fn a_missing_bundle_file_is_an_error_at_its_place_with_a_did_you_mean() {
    let site = Site::fixture("invalid-bundle-missing-file");
    let run = site.build();
    run.assert_code(1);
    let stderr = run.stderr_stable();
    assert!(stderr.contains("content/articles/lima/index.md:8:30"), "{stderr}");
    assert!(stderr.contains("did you mean `lima.svg`?"), "{stderr}");
    assert!(stderr.contains("content/articles/lima/index.md:10:30"), "{stderr}");
    assert!(stderr.contains("did you mean `figures.csv`?"), "{stderr}");
    // a link to an explainer written as if from the folder above the bundle
    assert!(stderr.contains("content/articles/lima/index.md:12:43"), "{stderr}");
    assert!(stderr.contains("did you mean `../trade.md`?"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_bundle_file_and_a_static_file_at_one_path_clash() {
    let site = Site::fixture_with("bundle", &[("static/articles/lima-map/lima.svg", "<svg/>")]);
    let run = site.build();
    run.assert_code(1);
    let stderr = run.stderr_stable();
    assert!(stderr.contains("/articles/lima-map/lima.svg"), "{stderr}");
    assert!(stderr.contains("content/articles/Lima-Map/lima.svg"), "{stderr}");
    assert!(stderr.contains("static/articles/lima-map/lima.svg"), "{stderr}");
}

#[test]
fn a_slug_cannot_move_a_bundle_away_from_its_files() {
    let site = Site::fixture("bundle");
    let index = "content/articles/Lima-Map/index.md";
    let text = std::fs::read_to_string(site.root.join(index)).unwrap();
    site.write(index, &text.replacen("date:", "slug: elsewhere\ndate:", 1));
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("a bundle's address is its folder's name, `lima-map`"), "{}", run.stderr);
}

#[test]
fn serve_picks_up_an_added_and_a_changed_bundle_file() {
    let site = Site::fixture("bundle");
    let server = Server::start(&site.root, &["serve"]);
    assert_eq!(server.get("/articles/lima-map/lima.svg").status, 200);
    site.write("content/articles/Lima-Map/notes.txt", "Sources of the map.\n");
    server.wait_for("/articles/lima-map/notes.txt", "an added bundle file", |r| {
        r.status == 200 && r.body.contains("Sources of the map.")
    });
    site.write("content/articles/Lima-Map/notes.txt", "Sources, revised.\n");
    server.wait_for("/articles/lima-map/notes.txt", "a changed bundle file", |r| r.body.contains("revised"));
    // a link to it now resolves
    let index = "content/articles/Lima-Map/index.md";
    let text = std::fs::read_to_string(site.root.join(index)).unwrap();
    site.write(index, &format!("{text}\nThe [notes](notes.txt).\n"));
    server.wait_for("/articles/lima-map/", "a link to the new file", |r| {
        r.status == 200 && r.body.contains("href=\"/articles/lima-map/notes.txt\"")
    });
}

#[test]
fn images_carry_their_size_and_all_but_the_first_load_lazily() {
    let site = Site::fixture("bundle");
    site.build_ok();
    let page = site.page("articles/lima-map/");
    assert_eq!(page.attrs("main img", "width"), ["120", "4", "4", "30"], "SVG attributes, PNG header");
    assert_eq!(page.attrs("main img", "height"), ["80", "3", "3", "20"]);
    // the first image of the page may be the first thing seen: loaded at once
    assert_eq!(page.attrs("main img", "loading"), ["lazy", "lazy", "lazy"]);
    assert_eq!(page.attrs("main img", "decoding"), ["async", "async", "async"]);
    assert!(site.read("articles/lima-map/index.html").contains("lima.svg\" width=\"120\" height=\"80\" alt="));
    // on another page, the first image is its own first
    let trade = site.page("articles/trade/");
    assert_eq!(trade.attrs("main img", "width"), ["30"]);
    assert!(trade.attrs("main img", "loading").is_empty());
}

#[test]
fn an_image_alone_in_its_paragraph_is_a_figure_with_caption_and_credit() {
    let site = Site::fixture("bundle");
    site.build_ok();
    let html = site.read("articles/lima-map/index.html");
    let figures: Vec<&str> = html
        .match_indices("<figure class=\"image\">")
        .map(|(at, _)| &html[at..at + html[at..].find("</figure>").unwrap() + "</figure>".len()])
        .collect();
    assert_eq!(figures.len(), 2, "the two images alone in their paragraphs; not those in a sentence");
    insta::assert_snapshot!(figures.join("\n"));
    let page = site.page("articles/lima-map/");
    assert_eq!(page.text("figure.image figcaption .credit"), "Map: Dossier fixture");
    assert!(page.attrs("figure.image img", "title").is_empty(), "the title is the caption now");
    assert_eq!(page.texts("main p img").len(), 2, "images within text stay inline");
}

#[test]
fn an_image_without_alt_text_is_a_warning_at_its_place() {
    let site = Site::fixture("bundle");
    let run = site.build_ok();
    assert!(run.stderr.contains("warning: image `/img/flag.svg` has no alt text"), "{}", run.stderr);
    assert!(run.stderr.contains("content/articles/trade.md:10:46"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("has no alt text").count(), 1, "{}", run.stderr);
    let strict = site.run(&["check", "--strict"]);
    strict.assert_code(1);
    assert!(strict.stderr.contains("has no alt text"), "{}", strict.stderr);
}
