//! Search ranks as promised, on the `search-ranking` fixture, by the shipped `search.js` (its
//! engine under node, `tests/browser/search-engine.js`): a topic or actor page named by the query
//! comes first, then explainers whose title holds every query word; a word the index holds finds
//! its own stem only (not the longer words it starts); a prefix finds whole words, not only stems;
//! a typo finds the word meant; among titles of one length, the spelling and then the order typed
//! first. Also: without JavaScript the search page offers the archives
//! and topics instead of a form.

mod harness;

use harness::Site;
use serde_json::Value;

/// Runs the shipped engine on `queries`: the links of every result, in rank order, per query.
fn search(site: &Site, queries: &[&str]) -> Vec<Vec<String>> {
    site.run_search_engine(queries, None).iter().map(harness::result_links).collect()
}

fn built() -> Site {
    let site = Site::fixture("search-ranking");
    site.build_ok();
    site
}

#[test]
fn a_page_named_by_the_query_comes_first_then_titles() {
    let site = built();
    let found = search(&site, &["export controls", "raimondo", "Gina Raimondo"]);
    // the topic, then the explainer titled with both words, then the one that repeats them most
    assert_eq!(found[0], ["/topics/export-controls/", "/articles/controls-explained/", "/articles/chip-rules/"]);
    // the actor before the explainer that names her three times
    assert_eq!(found[1][0], "/actors/gina-raimondo/");
    assert_eq!(found[1][1], "/articles/raimondo-visit/");
    assert_eq!(found[2][0], "/actors/gina-raimondo/");
}

#[test]
fn among_titles_of_one_length_the_spelling_typed_then_the_order_typed_comes_first() {
    let site = built();
    let found = search(&site, &["rare earth quotas", "rare earth quota", "gallium exports ban", "ban gallium exports"]);
    // both titles hold the stems; "Rare earth quota" scores higher (its text repeats the word),
    // but the query spells "quotas" as the other title does
    assert_eq!(found[0][..2], ["/articles/rare-earth-quotas/", "/articles/rare-earth-quota/"]);
    assert_eq!(found[1][..2], ["/articles/rare-earth-quota/", "/articles/rare-earth-quotas/"]);
    // the same words, spelled alike: the title with the words in the order typed first
    assert_eq!(found[2][..2], ["/articles/gallium-exports-ban/", "/articles/gallium-ban/"]);
    assert_eq!(found[3][..2], ["/articles/gallium-ban/", "/articles/gallium-exports-ban/"]);
}

#[test]
fn an_exact_word_finds_its_stem_and_a_prefix_whole_words() {
    let site = built();
    let found = search(&site, &["search", "searc", "accessib", "accessibility", "export contr"]);
    // "search" is a word of the index: the explainer that says "searchers" is not a match
    assert_eq!(found[0], ["/articles/search-warrants/"]);
    // a prefix that is no word finds every word it starts (stems `search` and `searcher`)
    assert_eq!(found[1].len(), 2, "{:?}", found[1]);
    // "accessibility" stems to `access`: its start still finds it
    assert_eq!(found[2], ["/articles/accessibility/"]);
    assert_eq!(found[3], ["/articles/accessibility/"]);
    // the last word of a query is a prefix while it is being typed
    assert_eq!(found[4][0], "/topics/export-controls/");
}

#[test]
fn a_typo_finds_the_word_meant() {
    let site = built();
    let found = search(&site, &["raimondo", "raimnodo", "raimndo", "accesibility", "zzzzqqq"]);
    assert_eq!(found[1], found[0]);
    assert_eq!(found[2], found[0]);
    assert_eq!(found[3], ["/articles/accessibility/"]);
    assert!(found[4].is_empty());
}

#[test]
fn without_javascript_the_search_page_offers_the_archive_and_topics() {
    let site = built();
    let html = site.read("search/index.html");
    let page = harness::Page::parse(&html);
    // the form is hidden until search.js shows it: a reload with ?q= would show an empty box
    assert_eq!(page.attrs("form.search-form", "hidden"), [""]);
    let links = page.attrs("#search-no-script a", "href");
    assert!(links.contains(&"/articles/".to_string()), "{links:?}");
    assert!(links.contains(&"/topics/".to_string()), "{links:?}");
    assert_eq!(page.attrs("#search-more", "hidden"), [""]);
}

#[test]
fn document_shards_hold_a_passage_for_snippets() {
    let site = built();
    let meta: Value = serde_json::from_str(&site.read("search/index/meta.json")).unwrap();
    let per_shard = meta["per_shard"].as_u64().unwrap() as usize;
    let mut passages = Vec::new();
    for shard in 0..(meta["docs"].as_u64().unwrap() as usize).div_ceil(per_shard) {
        let docs: Value = serde_json::from_str(&site.read(&format!("search/index/d/{shard}.json"))).unwrap();
        passages.extend(docs.as_array().unwrap().iter().map(|d| d["x"].as_str().unwrap().to_string()));
    }
    // a match past the summary is there to show, without the summary again
    assert!(passages.iter().any(|p| p == "A search of one boat took a day."), "{passages:?}");
    assert!(!passages.iter().any(|p| p.contains("Coast guards inspect")), "{passages:?}");
    assert!(passages.iter().all(|p| p.chars().count() <= dossier::search::PASSAGE_CHARS + 40));
}
