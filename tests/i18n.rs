//! The theme's words in the site's language (issue 26, first half): complete catalogues for the
//! ten shipped languages with CLDR plural forms; dates for the language; a French site with no
//! English catalogue string in any page and French stemming in search; an Arabic page right to
//! left; a Chinese page whose search finds a two-character word; overrides in site.toml and
//! `i18n/`; and the errors (an unknown key, a missing string, a language without a catalogue).

mod harness;

use dossier::i18n::{self, Catalogue, Message};
use harness::Site;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

/// The languages the default theme ships.
const SHIPPED: &[&str] = &["ar", "de", "en", "es", "fr", "ja", "ko", "ru", "uk", "zh"];

fn catalogue(language: &str) -> Catalogue {
    Catalogue::of_theme(language).unwrap_or_else(|e| panic!("{language}: {e:#?}"))
}

/// The `{name}`s a string fills in.
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string())).collect()
}

fn texts(message: &Message) -> Vec<&str> {
    match message {
        Message::Text(t) => vec![t.as_str()],
        Message::Plural(forms) => forms.values().map(String::as_str).collect(),
    }
}

#[test]
fn every_shipped_catalogue_has_the_keys_of_english_and_the_plural_forms_of_its_language() {
    assert_eq!(i18n::theme_languages(), SHIPPED);
    let en = catalogue("en");
    for language in SHIPPED {
        let c = catalogue(language);
        let keys: Vec<&String> = c.messages().keys().collect();
        assert_eq!(keys, en.messages().keys().collect::<Vec<_>>(), "{language}: the keys of en.toml");
        let categories: BTreeSet<&str> = c.plural_categories().into_iter().collect();
        for (key, message) in c.messages() {
            let english = &en.messages()[key];
            match (message, english) {
                (Message::Plural(forms), Message::Plural(_)) => {
                    let written: BTreeSet<&str> = forms.keys().map(String::as_str).collect();
                    assert_eq!(written, categories, "{language}: `{key}` has the plural forms of {language}");
                }
                (Message::Text(_), Message::Text(_)) => {}
                _ => panic!("{language}: `{key}` is plural in one language and not in the other"),
            }
            // a translation fills in no value the templates do not give
            let allowed: BTreeSet<String> = texts(english).iter().flat_map(|t| placeholders(t)).collect();
            for text in texts(message) {
                assert!(placeholders(text).is_subset(&allowed), "{language}: `{key}` = {text:?} uses {allowed:?} only");
            }
        }
    }
}

#[test]
fn plural_forms_follow_each_language_with_numbers_in_every_category() {
    let cases: &[(&str, &[(u64, &str)])] = &[
        ("en", &[(1, "1 result"), (2, "2 results"), (0, "0 results")]),
        ("fr", &[(0, "0 résultat"), (1, "1 résultat"), (2, "2 résultats"), (1_000_000, "1000000 de résultats")]),
        ("es", &[(1, "1 resultado"), (2, "2 resultados"), (1_000_000, "1000000 de resultados")]),
        ("de", &[(1, "1 Ergebnis"), (2, "2 Ergebnisse")]),
        (
            "ru",
            &[
                (1, "1 результат"),
                (21, "21 результат"),
                (2, "2 результата"),
                (24, "24 результата"),
                (5, "5 результатов"),
                (11, "11 результатов"),
            ],
        ),
        (
            "uk",
            &[
                (1, "1 результат"),
                (31, "31 результат"),
                (3, "3 результати"),
                (22, "22 результати"),
                (7, "7 результатів"),
                (12, "12 результатів"),
            ],
        ),
        (
            "ar",
            &[(0, "لا نتائج"), (1, "نتيجة واحدة"), (2, "نتيجتان"), (3, "3 نتائج"), (11, "11 نتيجة"), (100, "100 نتيجة")],
        ),
        ("zh", &[(1, "1 条结果"), (2, "2 条结果")]),
        ("ja", &[(1, "1件"), (2, "2件")]),
        ("ko", &[(1, "결과 1건"), (2, "결과 2건")]),
    ];
    for (language, numbers) in cases {
        let c = catalogue(language);
        let mut hit = BTreeSet::new();
        for (n, expected) in *numbers {
            hit.insert(c.category(*n));
            assert_eq!(c.text("js_results", Some(*n), &[]).unwrap(), *expected, "{language}: {n}");
        }
        let mut categories: BTreeSet<&str> = c.plural_categories().into_iter().collect();
        if matches!(*language, "ru" | "uk") {
            // `other` is their form for fractions (1,5): no whole number has it
            categories.remove("other");
        }
        assert_eq!(hit, categories, "{language}: every category is tried");
    }
    // the other plural keys choose as well
    let ru = catalogue("ru");
    assert_eq!(ru.text("n_explainers", Some(3), &[]).unwrap(), "3 материала");
    assert_eq!(ru.text("min_read", Some(5), &[]).unwrap(), "5 мин чтения");
    assert_eq!(catalogue("ar").text("n_explainers", Some(2), &[]).unwrap(), "مقالان");
}

#[test]
fn dates_are_written_for_the_language() {
    let day = chrono::NaiveDate::from_ymd_opt(2024, 11, 16).unwrap();
    let cases = [
        ("en", "16 November 2024"),
        ("fr", "16 novembre 2024"),
        ("es", "16 de noviembre de 2024"),
        ("de", "16. November 2024"),
        ("ar", "16 نوفمبر 2024"),
        ("zh", "2024年11月16日"),
        ("ja", "2024年11月16日"),
        ("ko", "2024년 11월 16일"),
        ("ru", "16 ноября 2024\u{202f}г."),
        ("uk", "16 листопада 2024\u{202f}р."),
    ];
    for (language, expected) in cases {
        assert_eq!(catalogue(language).date(day), expected, "{language}");
    }
}

#[test]
fn search_js_and_the_catalogue_name_the_same_strings() {
    let script =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/search.js"))
            .unwrap();
    let used: BTreeSet<&str> =
        script.split("msg(\"").skip(1).filter_map(|rest| rest.split_once('"').map(|(key, _)| key)).collect();
    let en = catalogue("en");
    let listed: BTreeSet<&str> = en.messages().keys().filter_map(|k| k.strip_prefix(i18n::JS_PREFIX)).collect();
    assert_eq!(used, listed, "search.js calls msg() with exactly the js_ keys of the catalogue");
}

/// Every visible text and attribute value of an HTML page (not scripts or styles).
fn words_of(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let mut out = String::new();
    for node in doc.root_element().descendants() {
        if let Some(text) = node.value().as_text() {
            let in_code = node
                .ancestors()
                .any(|a| a.value().as_element().is_some_and(|e| matches!(e.name(), "script" | "style")));
            if !in_code {
                out.push_str(text);
                out.push('\n');
            }
        } else if let Some(element) = node.value().as_element() {
            for (name, value) in element.attrs() {
                // the attributes people read or hear
                let address = value.starts_with("http") || value.starts_with('/');
                if matches!(name, "aria-label" | "title" | "alt" | "placeholder" | "content" | "label") && !address {
                    out.push_str(value);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// The pieces of an English string a page would show: its text between `{…}` values, those with
/// a word of four letters or more.
fn english_pieces(en: &Catalogue, fr: &Catalogue) -> Vec<String> {
    // words French spells alike ("page", "Sources", "Correction") are no sign of English
    let french: String = fr.messages().values().flat_map(texts).collect::<Vec<_>>().join("\n");
    let mut pieces = BTreeSet::new();
    for (key, message) in en.messages() {
        if texts(message) == texts(&fr.messages()[key]) {
            continue;
        }
        for text in texts(message) {
            for piece in text.split(['{', '}']).step_by(2) {
                let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
                let long = piece.split(|c: char| !c.is_alphabetic()).any(|w| w.chars().count() >= 4);
                if long && !french.contains(piece) {
                    pieces.insert(piece.to_string());
                }
            }
        }
    }
    pieces.into_iter().collect()
}

#[test]
fn a_french_site_shows_no_english_string_of_the_theme() {
    let site = Site::fixture("i18n-fr");
    site.build_ok();
    let (en, fr) = (catalogue("en"), catalogue("fr"));
    let pieces = english_pieces(&en, &fr);
    assert!(pieces.iter().any(|p| p == "Key points") && pieces.len() > 100, "{pieces:?}");
    let mut pages = 0;
    for (path, bytes) in site.output_files() {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let words = words_of(&String::from_utf8(bytes).unwrap());
        for piece in &pieces {
            // whole words only: "Topic" is not in "Topics" of another string, nor "In" in "Inde"
            let found = words.match_indices(piece.as_str()).any(|(at, _)| {
                let before = words[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
                let after = words[at + piece.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                before && after
            });
            assert!(!found, "{path} shows the English {piece:?}");
        }
    }
    assert!(pages >= 12, "home, explainers, topics, actors, glossary, search, 404, corrections, alias: {pages}");
    no_english_month_anywhere(&site);
    // and the French ones are there
    let page = site.page("articles/lima/");
    assert_eq!(page.attrs("html", "lang"), ["fr"]);
    assert_eq!(page.attrs("html", "dir"), ["ltr"]);
    assert_eq!(page.text("#takeaways h2"), "Points clés");
    assert_eq!(page.texts(".byline time"), ["16 novembre 2024", "18 novembre 2024"]);
    assert!(page.text(".byline").contains("Mis à jour le 18 novembre 2024"), "{}", page.text(".byline"));
    assert!(page.text(".byline").contains("min de lecture"), "{}", page.text(".byline"));
    assert_eq!(page.texts(".site-nav a"), ["Décryptages", "Thèmes", "Acteurs", "Glossaire", "Recherche"]);
    assert_eq!(site.page("topics/").text("h1"), "Thèmes");
    // values given to t() are escaped once, whether a filter made them safe (join) or not
    let byline = site.page("topics/taiwan/").text(".byline");
    assert!(byline.ends_with("Aussi : Formose, l'île de Taïwan"), "{byline}");
    assert!(site.page("").text(".pagination-status").starts_with("Page 1 sur 2"));
    // the timeline figures: ticks, labels and counts of events in French
    let taiwan = site.page("topics/taiwan/").texts("figure svg text");
    for label in ["juil. 2024", "sept. 2024", "20 mai 2024", "2 événements, 15 nov. – 16 nov. 2024"] {
        assert!(taiwan.contains(&label.to_string()), "{label} in {taiwan:?}");
    }
    // citations: dates, "and", "Last modified" and the quotation marks of the language
    let cite = site.page("articles/lima/").texts(".citation");
    assert!(cite[0].starts_with("Martin, C., & Lefèvre, H. (2024, 16 novembre). "), "{}", cite[0]);
    assert!(
        cite[1].starts_with(
            "Martin, Claire, et Hugo Lefèvre. « Biden et Xi se rencontrent à Lima ». Décryptages Chine–États-Unis. 16 novembre 2024. Dernière modification le 18 novembre 2024. "
        ),
        "{}",
        cite[1]
    );
}

/// English months, whole and abbreviated as chrono and CLDR write them.
const ENGLISH_MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
];

/// No page, feed or citation file of the site names an English month: the figures' ticks and
/// labels, the citations and the feeds write dates in the site's language.
fn no_english_month_anywhere(site: &Site) {
    for (path, bytes) in site.output_files() {
        if path.starts_with("search/index/") || path.ends_with(".js") || path.ends_with(".css") {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        let words = if path.ends_with(".html") { words_of(&text) } else { text };
        for word in words.split(|c: char| !c.is_alphanumeric()) {
            assert!(!ENGLISH_MONTHS.contains(&word), "{path} names the English month {word:?}");
        }
    }
}

#[test]
fn the_search_page_carries_the_strings_of_search_js_in_the_language() {
    let site = Site::fixture("i18n-fr");
    site.build_ok();
    let page = site.page("search/");
    let json = page.attrs("form[data-index]", "data-messages");
    let data: Value = serde_json::from_str(&json[0]).unwrap();
    assert_eq!(data["lang"], "fr");
    assert_eq!(data["messages"]["no_results"], "Aucun résultat.");
    assert_eq!(data["messages"]["results"]["many"], "{n} de résultats");
    // search.js reads them and chooses plurals with the browser's rules (node has them too)
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let script = format!(
        "const {{ translator }} = require({:?}); const msg = translator(process.argv[1]);\
         console.log([msg('no_results'), msg('results', {{ n: 1 }}), msg('results', {{ n: 3 }}),\
         msg('showing', {{ shown: 10, count: msg('results', {{ n: 25 }}) }})].join('|'));",
        root.join("themes/default/static/search.js")
    );
    let out = Command::new("node").args(["-e", &script, &json[0]]).output().expect("node runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Aucun résultat.|1 résultat|3 résultats|10 affichés sur 25 résultats."
    );
}

/// Runs the shipped engine on `queries`: the links of every result, per query, sorted.
fn search(site: &Site, queries: &[&str]) -> Vec<Vec<String>> {
    let mut links: Vec<Vec<String>> = site.run_search_engine(queries, None).iter().map(harness::result_links).collect();
    links.iter_mut().for_each(|l| l.sort());
    links
}

#[test]
fn a_french_site_searches_with_the_french_stemmer() {
    let site = Site::fixture("i18n-fr");
    site.build_ok();
    // "négociations" (lima) and "négociaient" (contexte) share their French stem, not their
    // English one (`negoci`, `negociai`)
    let found = search(&site, &["négociations", "negociaient"]);
    assert_eq!(found[0], ["/articles/contexte/", "/articles/lima/"]);
    assert_eq!(found[1], ["/articles/contexte/", "/articles/lima/"]);
}

#[test]
fn an_arabic_page_is_right_to_left_in_arabic() {
    let site = Site::fixture("i18n-ar");
    site.build_ok();
    let page = site.page("articles/lima/");
    assert_eq!(page.attrs("html", "lang"), ["ar"]);
    assert_eq!(page.attrs("html", "dir"), ["rtl"]);
    assert_eq!(page.text("#takeaways h2"), "النقاط الرئيسية");
    assert_eq!(page.text(".byline time"), "16 نوفمبر 2024");
    assert_eq!(page.text("#sources h2"), "المصادر");
    // the theme's layout mirrors: no left or right in its stylesheet, only logical properties
    let css = std::fs::read_to_string(site.public().join("style.css")).unwrap();
    for physical in [
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "border-left",
        "border-right",
        "left:",
        "right:",
        "text-align: left",
        "text-align: right",
    ] {
        let bare = css.match_indices(physical).any(|(at, _)| !css[..at].ends_with('-'));
        assert!(!bare, "style.css uses `{physical}`");
    }
}

#[test]
fn a_chinese_page_is_found_by_a_two_character_word() {
    let site = Site::fixture("i18n-zh");
    site.build_ok();
    let page = site.page("articles/lima/");
    assert_eq!(page.attrs("html", "lang"), ["zh"]);
    assert_eq!(page.text(".byline time"), "2024年11月16日");
    assert_eq!(page.text("#takeaways h2"), "要点");
    let found = search(&site, &["拜登", "海峡", "关税"]);
    assert_eq!(found[0], ["/articles/lima/"]);
    assert_eq!(found[1], ["/articles/taiwan/"]);
    assert_eq!(found[2], ["/articles/lima/"]);
}

#[test]
fn a_site_overrides_strings_in_site_toml_and_in_its_i18n_folder() {
    let site = Site::fixture("i18n-overrides");
    site.build_ok();
    let page = site.page("articles/lima/");
    // site.toml
    assert_eq!(page.text("#takeaways h2"), "L’essentiel");
    // i18n/fr.toml, a plural
    assert!(page.text(".byline").contains("1 minute de lecture"), "{}", page.text(".byline"));
    // both: site.toml wins
    assert_eq!(page.text("#sources h2"), "Nos sources");
    // the theme's for the rest
    assert_eq!(page.text("#cite-heading"), "Citer ce décryptage");
    // the same site in German takes its [translations.de]
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &toml.replace("language = \"fr\"", "language = \"de\""));
    site.build_ok();
    let page = site.page("articles/lima/");
    assert_eq!(page.text("#takeaways h2"), "Kurz gesagt");
    assert_eq!(page.text("#sources h2"), "Quellen");
}

#[test]
fn unknown_keys_and_plural_forms_are_errors_naming_the_key_and_language() {
    let site = Site::fixture("invalid-i18n-unknown-key");
    let run = site.build();
    run.assert_code(1);
    insta::assert_snapshot!(run.stderr_stable());
}

#[test]
fn a_template_asking_for_a_missing_string_is_an_error_naming_the_key_and_language() {
    let site = Site::fixture("invalid-i18n-missing-string");
    let run = site.build();
    run.assert_code(1);
    insta::assert_snapshot!(run.stderr_stable());
}

#[test]
fn a_language_without_a_catalogue_is_an_error_listing_the_missing_strings() {
    let site = Site::fixture("invalid-i18n-unsupported-language");
    let run = site.build();
    run.assert_code(1);
    insta::assert_snapshot!(run.stderr_stable());
    // a full catalogue in i18n/ makes it a language the site can use
    let en =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n/en.toml")).unwrap();
    site.write("i18n/xx.toml", &en.replace("Key points", "Xx points"));
    site.build_ok();
    assert_eq!(site.page("articles/lima/").attrs("html", "lang"), ["xx"]);
}

#[test]
fn docs_list_every_key_of_the_catalogue() {
    let doc = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/i18n.md")).unwrap();
    let listed: Vec<&str> = doc
        .lines()
        .filter_map(|line| line.strip_prefix("| `").and_then(|rest| rest.split_once('`')).map(|(key, _)| key))
        .collect();
    let en = catalogue("en");
    assert_eq!(listed, en.messages().keys().map(String::as_str).collect::<Vec<_>>(), "docs/i18n.md lists the keys");
}

/// `serve` watches `i18n/`: an edit of the site's translations reloads the strings, and the page
/// served shows the new one.
#[test]
fn serve_reloads_the_strings_when_a_file_of_i18n_changes() {
    let site = Site::fixture("i18n-overrides");
    let server = harness::Server::start(&site.root, &["serve"]);
    let page = server.wait_for("/articles/lima/", "the site's French", |r| r.body.contains("1 minute de lecture"));
    assert!(page.body.contains("Citer ce décryptage"), "the theme's strings under the site's");
    let fr = std::fs::read_to_string(site.root.join("i18n/fr.toml")).unwrap();
    site.write("i18n/fr.toml", &fr.replace("minute de lecture", "minute à lire"));
    server.wait_for("/articles/lima/", "the edited string", |r| r.body.contains("1 minute à lire"));
    // a file that breaks the catalogue is reported at its line, and fixing it clears the error
    site.write("i18n/fr.toml", "min_read = { one = \"{n} minute\" }\n");
    server.wait_for("/articles/lima/", "the error", |r| r.body.contains("i18n/fr.toml:1:1"));
    site.write("i18n/fr.toml", &fr);
    server.wait_for("/articles/lima/", "the first string again", |r| r.body.contains("1 minute de lecture"));
}

/// The site `i18n-theme` with its theme's templates: the default theme's, copied in, and a footer
/// that shows the key the theme adds.
fn themed_site() -> Site {
    let site = Site::fixture("i18n-theme");
    let templates = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    for (rel, bytes) in harness::files_under(&templates) {
        let mut text = String::from_utf8(bytes).unwrap();
        if rel == "base.html" {
            text = text.replace("</footer>", "<p class=\"motto\">{{ tr.maison_motto }}</p></footer>");
        }
        site.write(&format!("themes/maison/templates/{rel}"), &text);
    }
    site
}

/// A theme's catalogues (`themes/<name>/i18n/<lang>.toml`) come between the default theme's and
/// the site's own, and may add keys of the theme's own.
#[test]
fn a_themes_catalogues_sit_between_the_default_themes_and_the_sites() {
    let site = themed_site();
    site.build_ok();
    let page = site.page("articles/lima/");
    // the theme's over the default theme's
    assert_eq!(page.text("#takeaways h2"), "En bref");
    assert!(page.text(".byline").contains("1 minute"), "{}", page.text(".byline"));
    // the site's i18n/fr.toml over the theme's
    assert_eq!(page.text("#sources h2"), "Nos sources");
    // the default theme's for the rest
    assert_eq!(page.text("#cite-heading"), "Citer ce décryptage");
    // a key of the theme's own, in the site's language
    assert_eq!(page.text(".motto"), "Expliqué en cinq minutes");
    // in English, the theme's English
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &toml.replace("language = \"fr\"", "language = \"en\""));
    site.build_ok();
    let page = site.page("articles/lima/");
    assert_eq!(page.text("#takeaways h2"), "In short");
    assert_eq!(page.text(".motto"), "Explained in five minutes");
    // another theme's catalogues are not read: with the default theme, its key is unknown
    site.write("site.toml", &toml.replace("theme = \"maison\"", "theme = \"default\""));
    site.build_ok();
    assert_eq!(site.page("articles/lima/").text("#takeaways h2"), "Points clés");
}

/// A theme's catalogue is checked as the site's are, each error at its line in the theme's file:
/// an unknown key, a plural form missing, a value of the wrong kind, and a key the theme adds
/// that a language lacks.
#[test]
fn errors_of_a_themes_catalogues_are_at_their_place() {
    let site = Site::fixture("invalid-i18n-theme");
    let run = site.build();
    run.assert_code(1);
    let stderr = run.stderr_stable();
    for place in ["themes/maison/i18n/fr.toml:2:1", "themes/maison/i18n/fr.toml:3:1", "themes/maison/i18n/de.toml:1:14"]
    {
        assert!(stderr.contains(place), "{place} in {stderr}");
    }
    assert!(stderr.contains("`maison_motto`"), "{stderr}");
    insta::assert_snapshot!(stderr);
}
