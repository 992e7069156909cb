//! Content nobody here wrote: raw HTML in each `[markdown] raw_html` mode, email autolinks,
//! anchors defined in raw HTML, ids that would clash, control characters, and anchors checked
//! against the pages as rendered (the `raw-html` fixture; the invalid fixtures of unsafe link
//! schemes, clashing ids and a template override's anchors are in `invalid_sites.rs`).

mod harness;

use harness::{Page, Site, broken_internal_links};

/// The body of an explainer page as rendered: the `.prose` element's HTML.
fn prose(page: &Page) -> String {
    let selector = scraper::Selector::parse(".prose").unwrap();
    page.html.select(&selector).next().expect("a .prose element").inner_html()
}

/// The `raw-html` fixture with `raw_html` set to `mode` (the default when `None`).
fn raw_html_site(mode: Option<&str>) -> Site {
    let site = Site::fixture("raw-html");
    if let Some(mode) = mode {
        let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
        site.write("site.toml", &toml.replace("[markdown]\n", &format!("[markdown]\nraw_html = \"{mode}\"\n")));
    }
    site
}

#[test]
fn sanitize_keeps_what_explainers_use_and_removes_the_rest() {
    let site = raw_html_site(None);
    let run = site.build_ok();
    let page = site.page("articles/lima-briefing/");
    let body = prose(&page);
    // nothing that runs
    for unsafe_markup in ["<script", "onerror", "javascript:", "ads.example.net", "<font", "<center", "style=\"color"] {
        assert!(!body.contains(unsafe_markup), "`{unsafe_markup}` in {body}");
    }
    // what explainers use stays: tables, wrappers with Markdown inside, details, embeds
    assert_eq!(page.texts(".prose td b"), ["military channels"]);
    assert_eq!(page.texts(".prose div.note strong"), ["Note."]);
    assert_eq!(page.texts(".prose details summary"), ["What the two leaders agreed"]);
    assert_eq!(page.attrs(".prose iframe", "src"), ["https://www.youtube-nocookie.com/embed/lima2024"]);
    assert_eq!(page.attrs(".prose iframe", "title"), ["Embedded content from www.youtube-nocookie.com"]);
    // a raw image gets the site's path, as Markdown images do, and an empty alt
    assert_eq!(page.attrs(".prose img", "src"), ["/pasted/img/lima.png"]);
    assert_eq!(page.attrs(".prose img", "alt"), [""]);
    // each removal is a warning with its place; `check` reports the same
    assert!(run.stderr.contains("--> content/articles/lima-briefing.md:38:27"), "{}", run.stderr);
    let check = site.run(&["check"]);
    check.assert_success();
    assert_eq!(check.stderr_stable(), run.stderr_stable());
    insta::assert_snapshot!("sanitized_body", body);
    insta::assert_snapshot!("sanitize_warnings", run.stderr_stable());
}

#[test]
fn email_autolinks_become_mailto_links() {
    let site = raw_html_site(None);
    site.build_ok();
    let page = site.page("articles/lima-briefing/");
    assert_eq!(page.href_of("press@state.example.gov"), "mailto:press@state.example.gov");
}

#[test]
fn anchors_defined_in_raw_html_are_link_targets() {
    let site = raw_html_site(None);
    site.build_ok();
    // `<a name="readouts">` becomes an id; `<h3 id="timeline-2024">` is one on the other page
    assert!(site.page("articles/lima-briefing/").ids().contains(&"readouts".to_string()));
    assert_eq!(
        site.page("articles/lima-context/").attrs(".prose a[href*='lima-briefing']", "href"),
        ["/pasted/articles/lima-briefing/#readouts"]
    );
    assert_eq!(broken_internal_links(&site.public(), "/pasted/"), Vec::<String>::new());
    // a link to an id no element has is an error in `build` and `check` alike
    let text = std::fs::read_to_string(site.root.join("content/articles/lima-context.md")).unwrap();
    site.write("content/articles/lima-context.md", &text.replace("#readouts", "#readout"));
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("no element with the id `#readout` on /articles/lima-briefing/"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `#readouts`?"), "{}", run.stderr);
    assert_eq!(site.run(&["check"]).code, 1);
}

#[test]
fn ids_are_unique_and_made_ids_step_around_the_template_and_each_other() {
    let site = raw_html_site(None);
    site.build_ok();
    let page = site.page("articles/lima-briefing/");
    let ids = page.ids();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "an id twice in {ids:?}");
    // `[^sources]` and `## Sources` both step around the theme's `#sources` section
    assert_eq!(page.attrs(".footnote-definition", "id"), ["sources-1"]);
    assert_eq!(page.attrs(".prose h2", "id"), ["sources-2"]);
    assert_eq!(page.attrs(".sources-section", "id"), ["sources"]);
    assert_eq!(page.attrs(".footnote-reference a", "href"), ["#sources-1"]);
}

#[test]
fn nothing_is_marked_up_inside_raw_elements_or_links() {
    let site = raw_html_site(None);
    site.build_ok();
    let page = site.page("articles/lima-briefing/");
    // the first plain mentions are linked
    assert_eq!(page.texts(".prose a.mention"), ["Biden", "Xi"]);
    // not inside the raw `<a>` ("a wire story on Xi's remarks") nor the raw `<span>`
    assert!(page.texts(".prose a a").is_empty(), "a link inside a link");
    assert_eq!(page.texts(".prose span"), ["candid", "Xi Jinping said"]);
    assert!(page.texts(".prose span a, .prose span abbr").is_empty());
    // a glossary term is explained at its first use outside links
    let context = site.page("articles/lima-context/");
    assert!(context.texts(".prose a abbr").is_empty(), "an abbr inside a link");
    assert_eq!(context.texts(".prose abbr"), ["APEC"]);
    let all = raw_html_site(None);
    let toml = std::fs::read_to_string(all.root.join("site.toml")).unwrap();
    all.write("site.toml", &toml.replace("[glossary]", "autolink = \"all\"\n\n[glossary]"));
    all.build_ok();
    let page = all.page("articles/lima-briefing/");
    assert!(page.texts(".prose a a").is_empty(), "a link inside a link");
    assert!(page.texts(".prose span a, .prose details a").is_empty());
    assert_eq!(page.texts(".prose a.mention"), ["Biden", "Xi", "Biden", "Xi"], "`all` links every plain mention");
}

#[test]
fn escape_shows_raw_html_as_text() {
    let site = raw_html_site(Some("escape"));
    // raw HTML is text: its anchors are gone, and links to them are errors
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("no element with the id `#readouts` on /articles/lima-briefing/"), "{}", run.stderr);
    assert!(
        run.stderr.contains("no element with the id `#timeline-2024` on /articles/lima-context/"),
        "{}",
        run.stderr
    );
    for (file, from, to) in [
        ("lima-briefing.md", "(#readouts)", "(#source-readout)"),
        ("lima-briefing.md", "lima-context.md#timeline-2024", "lima-context.md"),
        ("lima-context.md", "lima-briefing.md#readouts", "lima-briefing.md"),
    ] {
        let path = format!("content/articles/{file}");
        let text = std::fs::read_to_string(site.root.join(&path)).unwrap();
        site.write(&path, &text.replace(from, to));
    }
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "nothing is removed, nothing to warn of: {}", run.stderr);
    let page = site.page("articles/lima-briefing/");
    let body = prose(&page);
    assert!(!body.contains("<script") && !body.contains("<iframe") && !body.contains("<table"));
    // (the text between inline tags is Markdown text: smart punctuation curls its quotes)
    assert!(page.text(".prose").contains("<script>alert(“pasted”)</script>"), "{}", page.text(".prose"));
    insta::assert_snapshot!("escaped_body", body);
}

#[test]
fn trusted_passes_raw_html_through_and_allows_any_scheme() {
    let site = raw_html_site(Some("trusted"));
    site.write(
        "content/articles/lima-context.md",
        &std::fs::read_to_string(site.root.join("content/articles/lima-context.md"))
            .unwrap()
            .replace("- Woodside", "[Open the archive](javascript:openArchive()).\n\n- Woodside"),
    );
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let body = prose(&site.page("articles/lima-briefing/"));
    assert!(body.contains("<script>alert(“pasted”)</script>") && body.contains("ads.example.net"), "{body}");
    // text in raw elements is still never marked up
    assert_eq!(site.page("articles/lima-briefing/").texts(".prose span"), ["candid", "Xi Jinping said"]);
    assert_eq!(site.page("articles/lima-context/").href_of("Open the archive"), "javascript:openArchive()");
}

#[test]
fn clashing_raw_ids_are_removed_under_sanitize_and_errors_under_trusted() {
    let clash = "---\ntitle: Clash\ndate: 2024-11-19\n---\n\n<div id=\"main\">One</div>\n\n<span id=\"x\">a</span> <span id=\"x\">b</span>\n";
    let site = Site::fixture_with("raw-html", &[("content/articles/clash.md", clash)]);
    let run = site.build_ok();
    assert!(
        run.stderr
            .contains("raw HTML: the id `main` is one the page's template gives to its own section: it is removed")
    );
    assert!(run.stderr.contains("raw HTML: the id `x` is written twice on this page: it is removed"));
    let page = site.page("articles/clash/");
    assert_eq!(page.attrs("#main", "id").len(), 1, "only the template's");
    assert_eq!(page.attrs(".prose span[id]", "id"), ["x"]);
    let trusted = raw_html_site(Some("trusted"));
    trusted.write("content/articles/clash.md", clash);
    let run = trusted.build();
    run.assert_code(1);
    assert!(run.stderr.contains("--> content/articles/clash.md:6:1"), "{}", run.stderr);
    assert!(run.stderr.contains("--> content/articles/clash.md:8:23"), "{}", run.stderr);
}

#[test]
fn control_characters_pasted_into_content_become_spaces() {
    let pasted =
        "---\ntitle: \"Pasted\u{1a} from a PDF\"\ndate: 2024-11-19\n---\n\nThe\u{b}readout\u{85} said\u{7f} so.\n";
    let site = Site::fixture_with("raw-html", &[("content/articles/pasted.md", pasted)]);
    let run = site.build_ok();
    assert!(run.stderr.contains("control characters (invisible, and not allowed in HTML) are written as spaces"));
    assert!(run.stderr.contains("--> content/articles/pasted.md:2:15"), "{}", run.stderr);
    for (path, bytes) in site.output_files().into_iter().filter(|(p, _)| !p.ends_with(".png")) {
        let text = String::from_utf8_lossy(&bytes);
        let control =
            text.chars().find(|&c| (c.is_control() && !c.is_ascii_whitespace()) || ('\u{80}'..='\u{9f}').contains(&c));
        assert_eq!(control, None, "a control character in {path}");
    }
    assert_eq!(site.page("articles/pasted/").text("h1"), "Pasted from a PDF");
}
