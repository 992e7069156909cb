//! Multilingual content (issue 26, second half): `languages = ["en", "fr"]` in site.toml and
//! `x.fr.md` beside `x.md`. The French pages live under `/fr/` (home, archives, explainers,
//! topics, actors, glossary, search with its own index and stemmer, feeds, sitemap), each page
//! links its versions (`hreflang` both ways with `x-default`, a language menu), a link to a page
//! French lacks leads to the English one with a note, a profile French lacks is shown in English
//! with a note; `new --lang`, the translation lint, and the errors of `languages`, of a `fr/`
//! folder and of a translation that moves.

mod harness;

use harness::{Page, Site};

const FIXTURE: &str = "multilingual-en-fr";

fn built() -> Site {
    let site = Site::fixture(FIXTURE);
    site.build_ok();
    site
}

/// The `hreflang` → `href` of a page's `<link rel="alternate" hreflang>`, in order.
fn alternates(page: &Page) -> Vec<(String, String)> {
    let langs = page.attrs("link[rel=alternate][hreflang]", "hreflang");
    let hrefs = page.attrs("link[rel=alternate][hreflang]", "href");
    langs.into_iter().zip(hrefs).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn the_french_pages_are_under_fr_and_the_static_files_at_the_root_once() {
    let site = built();
    for file in [
        "fr/index.html",
        "fr/articles/index.html",
        "fr/articles/lima/index.html",
        "fr/articles/semiconducteurs/index.html",
        "fr/topics/index.html",
        "fr/topics/trade/index.html",
        "fr/topics/taiwan/index.html",
        "fr/actors/index.html",
        "fr/actors/xi-jinping/index.html",
        "fr/actors/joe-biden/index.html",
        "fr/glossary/index.html",
        "fr/search/index.html",
        "fr/404.html",
    ] {
        assert!(site.exists(file), "{file}");
    }
    // the English pages stay where a site of one language has them
    for file in ["index.html", "articles/lima/index.html", "articles/background/index.html", "topics/trade/index.html"]
    {
        assert!(site.exists(file), "{file}");
    }
    // a French-only explainer is French only; an English one without a version is English only
    assert!(!site.exists("articles/semiconducteurs/index.html"));
    assert!(!site.exists("fr/articles/background/index.html"));
    // static files once, at the root, linked from there by every language
    for file in ["fr/style.css", "fr/search.js", "fr/robots.txt", "fr/sitemap.xml"] {
        assert!(!site.exists(file), "{file} is written once, at the root");
    }
    let page = site.page("fr/articles/lima/");
    assert_eq!(page.attrs("html", "lang"), ["fr"]);
    assert_eq!(
        page.attrs("link[rel=stylesheet]", "href"),
        site.page("articles/lima/").attrs("link[rel=stylesheet]", "href")
    );
    assert!(page.attrs("link[rel=stylesheet]", "href")[0].starts_with("/style"));
    // the French page is in French: its strings, its date, its links to French pages
    assert_eq!(page.text("h1"), "Biden et Xi se rencontrent à Lima");
    assert_eq!(page.texts(".byline time")[0], "16 novembre 2024");
    assert_eq!(page.attrs(".site-title", "href"), ["/fr/"]);
    assert!(page.attrs(".site-nav a", "href").iter().all(|h| h.starts_with("/fr/")));
    assert_eq!(site.page("fr/search/").attrs("form[data-index]", "data-index"), ["/fr/search/index/"]);
}

#[test]
fn every_version_links_every_other_both_ways_with_x_default() {
    let site = built();
    let expected = pairs(&[
        ("en", "https://example.org/articles/lima/"),
        ("fr", "https://example.org/fr/articles/lima/"),
        ("x-default", "https://example.org/articles/lima/"),
    ]);
    assert_eq!(alternates(&site.page("articles/lima/")), expected);
    assert_eq!(alternates(&site.page("fr/articles/lima/")), expected);
    // lists and profiles too: the home pages, the topic pages
    assert_eq!(
        alternates(&site.page("fr/")),
        pairs(&[
            ("en", "https://example.org/"),
            ("fr", "https://example.org/fr/"),
            ("x-default", "https://example.org/")
        ])
    );
    assert_eq!(alternates(&site.page("topics/trade/")).len(), 3);
    // a page in one language only has no alternate
    assert!(alternates(&site.page("fr/articles/semiconducteurs/")).is_empty());
    assert!(alternates(&site.page("articles/background/")).is_empty());
}

#[test]
fn the_language_menu_offers_each_version_and_marks_the_current_one() {
    let site = built();
    for (path, label, current) in
        [("articles/lima/", "Languages", "English"), ("fr/articles/lima/", "Langues", "Français")]
    {
        let page = site.page(path);
        assert_eq!(page.attrs("nav.language-menu", "aria-label"), [label], "{path}");
        assert_eq!(page.texts("nav.language-menu a"), ["English", "Français"], "{path}");
        assert_eq!(page.attrs("nav.language-menu a", "href"), ["/articles/lima/", "/fr/articles/lima/"]);
        assert_eq!(page.attrs("nav.language-menu a", "lang"), ["en", "fr"]);
        assert_eq!(page.attrs("nav.language-menu a", "hreflang"), ["en", "fr"]);
        assert_eq!(page.texts("nav.language-menu a[aria-current=page]"), [current], "{path}");
    }
    // no menu where there is no other version
    assert!(site.page("fr/articles/semiconducteurs/").texts("nav.language-menu a").is_empty());
}

#[test]
fn a_link_to_a_page_french_lacks_leads_to_the_english_one_with_a_note() {
    let site = built();
    let page = site.page("fr/articles/lima/");
    // `background.md` has no French version
    assert_eq!(page.href_of("le contexte"), "/articles/background/");
    assert_eq!(page.attrs(".prose a[hreflang]", "hreflang"), ["en"]);
    assert_eq!(page.texts(".prose .lang-note"), ["(non traduit)"]);
    // a French version is preferred; actors go to the French pages, translated or not
    assert_eq!(page.href_of("l’autre article"), "/fr/articles/semiconducteurs/");
    assert_eq!(page.href_of("Joe Biden"), "/fr/actors/joe-biden/");
    // the English page links English pages, with no note
    let english = site.page("articles/lima/");
    assert_eq!(english.href_of("the background"), "/articles/background/");
    assert_eq!(english.href_of("Xi’s profile"), "/actors/xi-jinping/");
    assert!(english.texts(".lang-note").is_empty());
}

#[test]
fn a_profile_french_lacks_is_shown_in_english_with_a_note() {
    let site = built();
    // Joe Biden has no French profile: the English one, marked as such
    let biden = site.page("fr/actors/joe-biden/");
    assert_eq!(biden.text("h1"), "Joe Biden");
    assert_eq!(biden.attrs("h1", "lang"), ["en"]);
    assert_eq!(biden.attrs(".profile", "lang"), ["en"]);
    assert!(biden.text(".profile").contains("Forty-sixth president"));
    assert_eq!(
        biden.text(".untranslated-note"),
        "Ce profil n’a pas encore été traduit : il est présenté dans sa langue d’origine."
    );
    // it lists the French explainers that name him
    assert!(
        biden.texts(".card h3, .card h2").iter().any(|t| t.contains("semi-conducteurs")),
        "{:?}",
        biden.texts("h2, h3")
    );
    // Xi Jinping has one: French, with no note
    let xi = site.page("fr/actors/xi-jinping/");
    assert_eq!(xi.text(".dek"), "Président de la République populaire de Chine");
    assert!(xi.texts(".untranslated-note").is_empty());
    assert!(xi.attrs("h1", "lang").is_empty());
    // topics alike: Trade is Commerce in French; Taiwan is shown in English
    assert_eq!(site.page("fr/topics/trade/").text("h1"), "Commerce");
    assert_eq!(site.page("fr/topics/taiwan/").attrs("h1", "lang"), ["en"]);
    // the English pages have no note
    assert!(site.page("actors/joe-biden/").texts(".untranslated-note").is_empty());
}

#[test]
fn each_language_has_its_own_feeds() {
    let site = built();
    let french = site.read("fr/atom.xml");
    assert!(french.contains("Biden et Xi se rencontrent à Lima") && french.contains("semi-conducteurs"));
    assert!(french.contains("https://example.org/fr/articles/lima/"));
    assert!(!french.contains("Biden and Xi meet in Lima"));
    let english = site.read("atom.xml");
    assert!(english.contains("Biden and Xi meet in Lima") && !english.contains("Biden et Xi"));
    let topic = site.read("fr/topics/trade/atom.xml");
    assert!(topic.contains("https://example.org/fr/articles/semiconducteurs/"), "{topic}");
    assert!(site.read("fr/actors/xi-jinping/atom.xml").contains("https://example.org/fr/articles/lima/"));
}

#[test]
fn each_language_has_its_own_search_index_with_its_own_stemmer() {
    let site = built();
    // "négociations" (lima) and "négociaient" (semiconducteurs) share their French stem
    // (`négoci`), not their English one (`negoci`, `negociai`): each finds both in the French
    // index; the English index has neither, and has the English words
    let found = site.search_in("fr", &["négociations", "négociaient", "semiconductor"]);
    assert_eq!(found[0], ["/fr/articles/lima/", "/fr/articles/semiconducteurs/"]);
    assert_eq!(found[1], ["/fr/articles/lima/", "/fr/articles/semiconducteurs/"]);
    assert!(found[2].is_empty(), "{:?}", found[2]);
    let found = site.search_in("", &["négociations", "semiconductor"]);
    assert!(found[0].is_empty(), "{:?}", found[0]);
    assert_eq!(found[1], ["/articles/lima/"]);
}

#[test]
fn the_sitemap_lists_every_language_with_its_versions() {
    let site = built();
    let index = site.read("sitemap.xml");
    assert!(index.contains("<sitemapindex"), "{index}");
    assert!(index.contains("<loc>https://example.org/sitemap-1.xml</loc>"));
    assert!(index.contains("<loc>https://example.org/fr/sitemap-1.xml</loc>"));
    let french = site.read("fr/sitemap-1.xml");
    assert!(french.contains("<loc>https://example.org/fr/articles/lima/</loc>"));
    assert!(french.contains("<loc>https://example.org/fr/articles/semiconducteurs/</loc>"));
    assert!(
        french.contains(r#"<xhtml:link rel="alternate" hreflang="en" href="https://example.org/articles/lima/"/>"#)
    );
    let english = site.read("sitemap-1.xml");
    assert!(
        english.contains(r#"<xhtml:link rel="alternate" hreflang="fr" href="https://example.org/fr/articles/lima/"/>"#)
    );
    assert!(!english.contains("semiconducteurs"));
    assert_eq!(site.read("robots.txt").matches("Sitemap:").count(), 1);
}

#[test]
fn a_language_suffix_the_site_does_not_declare_stays_part_of_the_name() {
    // `lima.fr.md` in a site of English and German is an English explainer named `lima.fr`
    let site = Site::fixture(FIXTURE);
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &toml.replace(r#"languages = ["en", "fr"]"#, r#"languages = ["en", "de"]"#));
    for file in
        ["content/articles/semiconducteurs.fr.md", "content/actors/xi-jinping.fr.md", "content/topics/trade.fr.md"]
    {
        site.remove(file);
    }
    site.write(
        "content/articles/lima.fr.md",
        "---\ntitle: Biden et Xi à Lima\ndate: 2024-11-16\n---\n\nUn texte en français, sans version allemande.\n",
    );
    site.build_ok();
    assert_eq!(site.page("articles/lima-fr/").text("h1"), "Biden et Xi à Lima");
    assert_eq!(site.page("articles/lima/").text("h1"), "Biden and Xi meet in Lima");
    assert!(!site.exists("fr/index.html"));
    // German has no version of anything: its pages are its lists, and the profiles in English
    assert!(site.exists("de/index.html") && !site.exists("de/articles/lima/index.html"));
}

#[test]
fn new_writes_the_version_in_a_declared_language() {
    let site = Site::fixture(FIXTURE);
    site.run(&["new", "article", "Export controls", "--lang", "fr"]).assert_success();
    assert!(site.root.join("content/articles/export-controls.fr.md").is_file());
    site.run(&["new", "article", "Export controls"]).assert_success();
    assert!(site.root.join("content/articles/export-controls.md").is_file());
    let run = site.run(&["new", "actor", "Gina Raimondo", "--lang", "de"]);
    run.assert_code(2);
    assert!(run.stderr.contains("`de` is not a language of this site"), "{}", run.stderr);
    assert!(!site.root.join("content/actors/gina-raimondo.de.md").exists());
}

#[test]
fn check_strict_lists_missing_and_outdated_translations() {
    let site = Site::fixture(FIXTURE);
    let run = site.run(&["check", "--strict"]);
    run.assert_code(1);
    insta::assert_snapshot!(run.stderr_stable());
    // each is a rule of `[lint]`
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &format!("{toml}\n[lint]\nmissing_translation = false\noutdated_translation = false\n"));
    site.run(&["check", "--strict"]).assert_success();
}

#[test]
fn languages_errors_are_reported_at_their_item() {
    let run = Site::fixture("invalid-multilingual-languages").run(&["check"]);
    run.assert_code(1);
    insta::assert_snapshot!(run.stderr_stable());
}

#[test]
fn content_in_a_language_folder_is_an_error_naming_both() {
    let run = Site::fixture("invalid-multilingual-folder").run(&["check"]);
    run.assert_code(1);
    insta::assert_snapshot!(run.stderr_stable());
}

#[test]
fn a_translation_keeps_its_originals_address() {
    let run = Site::fixture("invalid-multilingual-slug").run(&["check"]);
    run.assert_code(1);
    insta::assert_snapshot!(run.stderr_stable());
}

#[test]
fn serve_serves_every_language() {
    let site = Site::fixture(FIXTURE);
    let server = harness::Server::start(&site.root, &["serve"]);
    let page = server.wait_for("/fr/articles/lima/", "the French page", |r| r.status == 200);
    let text = &page.body;
    assert!(text.contains(r#"hreflang="x-default""#) && text.contains("Biden et Xi se rencontrent à Lima"));
    // the same pages as a build
    site.build_ok();
    let served = Page::parse(text);
    let built = site.page("fr/articles/lima/");
    assert_eq!(served.texts("nav.language-menu a"), built.texts("nav.language-menu a"));
    assert_eq!(server.get("/fr/search/index/meta.json").status, 200);
}

#[test]
fn a_language_of_a_multilingual_site_needs_the_strings_of_the_menu_and_notes() {
    // a catalogue of the site's own written before multilingual sites: enough for a site in
    // that language alone, not for one of its languages
    let en =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n/en.toml"))
            .unwrap();
    let older: String = en
        .lines()
        .filter(|l| !dossier::i18n::MULTILINGUAL_KEYS.iter().any(|k| l.starts_with(&format!("{k} ="))))
        .map(|l| format!("{l}\n"))
        .collect();
    let site = Site::fixture_with("invalid-multilingual-slug", &[("i18n/tr.toml", &older)]);
    site.write("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"tr\"\n");
    site.build_ok();
    site.write("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguages = [\"en\", \"tr\"]\n");
    let run = site.run(&["check"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "language `tr` lacks the strings of multilingual sites: `language_name`, `languages_label`, `link_untranslated`, `profile_untranslated`"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_multilingual_site_neither_reads_nor_writes_the_build_cache() {
    let site = Site::fixture(FIXTURE);
    // a cache left by an earlier build of another format: a site of one language would warn
    // once and write it again; a multilingual one does not use it, so it says nothing about it
    site.write(".dossier-cache/build.bin", "not a cache");
    site.write(".dossier-cache/parse.bin", "not a cache either");
    let run = site.build_ok();
    assert!(!run.stderr.contains("cache"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(site.root.join(".dossier-cache/build.bin")).unwrap(), "not a cache");
}
