//! One word splitter for search: the words Rust indexes and the words the browser's script makes
//! of a query are the same. Both sides are checked against the cases of
//! `tests/browser/search-words.json` (ASCII, accents, ß, Cyrillic, Greek, Arabic, CJK, mixed
//! scripts, punctuation, apostrophes, hyphens, digits): Rust here, the shipped `search.js` by
//! `tests/browser/search-words.js` under Node. Then queries in every script find their explainer
//! in a built index, and the stemmers of Russian, Greek and Arabic work on their own script.
//!
//! `UPDATE_SEARCH_WORDS=1 cargo test --test search_words` records Rust's words for new cases.

mod harness;

use dossier::words::words;
use harness::Site;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

fn cases_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser/search-words.json")
}

fn split(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    words(text, |w| out.push(w.to_string()));
    out
}

#[derive(Clone, PartialEq, Debug)]
struct Case {
    case: String,
    text: String,
    words: Vec<String>,
}

fn read_cases() -> (String, Vec<Case>) {
    let text = std::fs::read_to_string(cases_file()).unwrap();
    let json: Vec<Value> = serde_json::from_str(&text).unwrap();
    let cases = json
        .iter()
        .map(|c| Case {
            case: c["case"].as_str().unwrap().to_string(),
            text: c["text"].as_str().unwrap().to_string(),
            words: c["words"].as_array().unwrap().iter().map(|w| w.as_str().unwrap().to_string()).collect(),
        })
        .collect();
    (text, cases)
}

/// A JSON string, with what a reader cannot see escaped: accents on their own, spaces other than
/// the space, controls, zero-width characters, and characters that look like the one NFC makes of
/// them (the compatibility ideograph U+F9DC is U+9686).
fn quoted(text: &str) -> String {
    let nfc = icu_normalizer::ComposingNormalizerBorrowed::new_nfc();
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c.is_whitespace() && c != ' ')
                || c.is_control()
                || ('\u{300}'..='\u{36f}').contains(&c)
                || ('\u{200b}'..='\u{200f}').contains(&c)
                || c == '\u{feff}'
                || !nfc.is_normalized(c.encode_utf8(&mut [0; 4])) =>
            {
                write!(out, "\\u{:04x}", c as u32).unwrap()
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The cases file as it is kept: one case a line.
fn render(cases: &[Case]) -> String {
    let lines: Vec<String> = cases
        .iter()
        .map(|c| {
            let words: Vec<String> = c.words.iter().map(|w| quoted(w)).collect();
            format!(
                "  {{\"case\": {}, \"text\": {}, \"words\": [{}]}}",
                quoted(&c.case),
                quoted(&c.text),
                words.join(", ")
            )
        })
        .collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

#[test]
fn rust_splits_the_shared_cases_as_recorded() {
    let (text, cases) = read_cases();
    let fresh: Vec<Case> = cases.iter().map(|c| Case { words: split(&c.text), ..c.clone() }).collect();
    if std::env::var_os("UPDATE_SEARCH_WORDS").is_some() {
        std::fs::write(cases_file(), render(&fresh)).unwrap();
        return;
    }
    let wrong: Vec<String> = cases
        .iter()
        .zip(&fresh)
        .filter(|(recorded, now)| recorded.words != now.words)
        .map(|(recorded, now)| {
            format!("{}: {:?}\n  recorded: {:?}\n  Rust:     {:?}", now.case, now.text, recorded.words, now.words)
        })
        .collect();
    assert!(wrong.is_empty(), "Rust splits differently from the cases file:\n{}", wrong.join("\n"));
    assert_eq!(text, render(&cases), "the cases file is kept as `render` writes it");
    let kinds = ["ASCII", "accents", "sharp s", "Cyrillic", "Greek", "Arabic", "Chinese", "Japanese", "Korean"];
    for kind in kinds {
        assert!(cases.iter().any(|c| c.case == kind), "a case of {kind}");
    }
}

#[test]
fn each_word_is_its_own_query() {
    // a word the index holds, typed as a query, is that one word: the browser finds its key
    for case in read_cases().1 {
        for word in &case.words {
            assert_eq!(split(word), [word.as_str()], "{}", case.case);
        }
    }
}

/// Whether `node` runs here.
fn node() -> bool {
    Command::new("node").arg("--version").output().is_ok_and(|out| out.status.success())
}

#[test]
fn the_browser_splits_the_shared_cases_as_rust_does() {
    // node is required: CI installs it (.ci/run), so a missing node fails there rather than
    // passing without the browser's side; a machine without it says so with DOSSIER_SKIP_NODE=1
    if std::env::var_os("DOSSIER_SKIP_NODE").is_some() {
        eprintln!("skipped (DOSSIER_SKIP_NODE): `node tests/browser/search-words.js` runs the browser's side");
        return;
    }
    assert!(node(), "node is not installed: install Node.js, or set DOSSIER_SKIP_NODE=1 to skip the browser's side");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser/search-words.js");
    let out = Command::new("node").arg(script).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("as Rust does"), "{stdout}");
}

/// A file of the built search index.
fn index_file(site: &Site, file: &str) -> Value {
    serde_json::from_str(&site.read(&format!("search/index/{file}"))).unwrap()
}

/// The term shard of `key` as search.js finds it: the last one whose first key is not after it.
fn shard_of(site: &Site, key: &str) -> Value {
    let meta = index_file(site, "meta.json");
    let firsts: Vec<&str> = meta["shards"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    index_file(site, &format!("t/{}.json", firsts.iter().rposition(|f| *f <= key).unwrap_or(0)))
}

/// The stem under which the index files `word`, as search.js finds it: the stem it points to
/// (`w`), else the word itself when it is a stem (`t`).
fn stem_of(site: &Site, word: &str) -> Option<String> {
    let shard = shard_of(site, word);
    match shard["w"][word].as_str() {
        Some(stem) => Some(stem.to_string()),
        None => shard["t"].get(word).map(|_| word.to_string()),
    }
}

/// What search.js finds for `query`: the title of each document that matches every word of it
/// (the script ranks those first).
fn search(site: &Site, query: &str) -> Vec<String> {
    let meta = index_file(site, "meta.json");
    let stop: Vec<&str> = meta["stop_words"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    let query: Vec<String> = split(query).into_iter().filter(|w| !stop.contains(&w.as_str())).collect();
    let mut matched: BTreeMap<u64, usize> = BTreeMap::new();
    for stem in query.iter().filter_map(|word| stem_of(site, word)) {
        let mut doc = 0;
        // postings are (gap, frequency, length) triples
        let list = shard_of(site, &stem)["t"][&stem].as_str().map(dossier::search::decode_postings);
        for pair in list.flatten().unwrap().chunks(3) {
            doc += u64::from(pair[0]);
            *matched.entry(doc).or_default() += 1;
        }
    }
    let per_shard = meta["per_shard"].as_u64().unwrap();
    matched
        .into_iter()
        .filter(|&(_, n)| n == query.len())
        .map(|(doc, _)| {
            let shard = index_file(site, &format!("d/{}.json", doc / per_shard));
            shard[(doc % per_shard) as usize]["t"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn queries_in_every_script_find_their_explainer() {
    let site = Site::fixture("search-scripts");
    site.build_ok();
    for (query, title) in [
        // the case: "Straße" was indexed as `strasse` but searched as `stra` + `e`
        ("Wilhelmstraße", "Berlin's view from the Wilhelmstraße"),
        ("wilhelmstrasse", "Berlin's view from the Wilhelmstraße"),
        ("Aussenministerin", "Berlin's view from the Wilhelmstraße"),
        ("Zolle", "Berlin's view from the Wilhelmstraße"),
        ("москве санкциях", "Moscow and Beijing after Lima"),
        ("ПОСВЯЩЕН", "Moscow and Beijing after Lima"),
        ("Αθηνα", "The port of Piraeus"),
        ("ΠΕΙΡΑΙΆ", "The port of Piraeus"),
        ("القاهرة", "Cairo and the Belt and Road"),
        ("拜登", "Xi and Biden in Lima"),
        ("トランプ", "Tokyo and the tariffs"),
        ("関税", "Tokyo and the tariffs"),
        ("외교부는", "Seoul's chip controls"),
    ] {
        assert_eq!(search(&site, query), [title], "query {query:?}");
    }
}

#[test]
fn stemmers_work_on_their_own_script() {
    // the stemmers of Russian, Greek and Arabic used to get transliterated ASCII, and left it be
    let site = Site::fixture("search-scripts");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    for (language, forms, stem) in [
        // "новый" keeps its й, so the stemmer knows the ending
        ("ru", &["Переговоры", "переговорах"][..], "переговор"),
        ("ru", &["новый"], "нов"),
        ("el", &["διαπραγματεύσεις", "ΔΙΑΠΡΑΓΜΑΤΕΥΣΕΩΝ"], "διαπραγματευσ"),
        ("ar", &["المفاوضات", "المفاوض"], "مفاوض"),
    ] {
        site.write("site.toml", &toml.replace("language = \"en\"", &format!("language = \"{language}\"")));
        site.build_ok();
        for form in forms {
            let word = split(form).concat();
            assert_eq!(stem_of(&site, &word).as_deref(), Some(stem), "{language}: {form}");
            assert_eq!(search(&site, form), [stem_title(language)], "{language}: query {form:?}");
        }
    }
}

/// The explainer of the fixture in a language.
fn stem_title(language: &str) -> &'static str {
    match language {
        "ru" => "Moscow and Beijing after Lima",
        "el" => "The port of Piraeus",
        _ => "Cairo and the Belt and Road",
    }
}
