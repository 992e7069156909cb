//! Corrections (docs/corrections.md): `/corrections/` lists every `updates:` entry of the site,
//! newest first, each linking to its explainer; `/corrections/atom.xml` is its feed; `kind:
//! correction | update` (update by default) shows on both and on the explainer's page. On the
//! `corrections` fixture.

mod harness;

use harness::Site;

/// (kind, date, note, explainer title) of each entry of the page, in order.
fn entries(site: &Site) -> Vec<(String, String, String, String)> {
    let page = site.page("corrections/");
    let kinds = page.texts(".correction-entry .update-kind");
    let dates = page.attrs(".correction-entry time", "datetime");
    let notes = page.texts(".correction-text");
    let titles = page.texts(".correction-of a");
    assert_eq!([kinds.len(), dates.len(), notes.len()], [titles.len(); 3]);
    (0..kinds.len()).map(|i| (kinds[i].clone(), dates[i].clone(), notes[i].clone(), titles[i].clone())).collect()
}

#[test]
fn the_corrections_page_lists_every_update_newest_first_with_its_kind_and_explainer() {
    let site = Site::fixture("corrections");
    site.build_ok();
    let tariffs = "Tariffs: what \"Phase One\" <left> behind";
    let lima = "Biden and Xi meet in Lima";
    let s = |t: &str| t.to_string();
    assert_eq!(
        entries(&site),
        [
            // the same day: the newer explainer first
            (
                s("Correction"),
                s("2024-11-20"),
                s("Corrected the year of the \"Phase One\" agreement to 2020."),
                s(tariffs)
            ),
            (s("Update"), s("2024-11-20"), s("Added the White House readout."), s(lima)),
            (s("Update"), s("2024-11-19"), s("Added the tariff increases of 2024 & their scope."), s(tariffs)),
            (
                s("Correction"),
                s("2024-11-18"),
                s("Corrected the length of the trilateral meeting to 50 minutes."),
                s(lima)
            ),
        ]
    );
    let page = site.page("corrections/");
    // each links to its explainer's list of updates, which is there
    let hrefs = page.attrs(".correction-of a", "href");
    assert_eq!(hrefs[0], "/policy/articles/tariffs/#updates");
    assert_eq!(hrefs[1], "/policy/articles/lima/#updates");
    assert!(site.page("articles/lima/").ids().contains(&"updates".to_string()));
    assert!(page.text(".dek").contains("2 corrections and 2 updates"), "{}", page.text(".dek"));
    // the feed is linked from the page head and from the text
    assert!(page.attrs("link[type='application/atom+xml']", "href").contains(&"/policy/corrections/atom.xml".into()));
    assert_eq!(page.href_of("Follow them in a feed"), "/policy/corrections/atom.xml");
    // in the sitemap; the feed is not
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/policy/corrections/</loc>"), "{sitemap}");
    assert!(!sitemap.contains("corrections/atom.xml"));
}

#[test]
fn the_corrections_feed_has_an_entry_per_update_with_its_kind() {
    let site = Site::fixture("corrections");
    site.build_ok();
    let xml = site.read("corrections/atom.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let atom = "http://www.w3.org/2005/Atom";
    let root = doc.root_element();
    let child_text = |node: roxmltree::Node<'_, '_>, name: &str| {
        node.children().find(|c| c.has_tag_name((atom, name))).and_then(|c| c.text()).unwrap_or_default().to_string()
    };
    assert_eq!(child_text(root, "title"), "Corrections and updates · Corrections Fixture");
    assert_eq!(child_text(root, "id"), "https://example.org/policy/corrections/");
    assert_eq!(child_text(root, "updated"), "2024-11-20T00:00:00Z");
    let entries: Vec<_> = root.children().filter(|c| c.has_tag_name((atom, "entry"))).collect();
    let titles: Vec<String> = entries.iter().map(|e| child_text(*e, "title")).collect();
    assert_eq!(
        titles,
        [
            "Correction: Tariffs: what \"Phase One\" <left> behind",
            "Update: Biden and Xi meet in Lima",
            "Update: Tariffs: what \"Phase One\" <left> behind",
            "Correction: Biden and Xi meet in Lima",
        ]
    );
    let link = |e: &roxmltree::Node<'_, '_>| {
        e.children().find(|c| c.has_tag_name((atom, "link"))).and_then(|l| l.attribute("href")).unwrap().to_string()
    };
    assert_eq!(link(&entries[0]), "https://example.org/policy/articles/tariffs/#updates");
    let terms: Vec<&str> = entries
        .iter()
        .map(|e| e.children().find(|c| c.has_tag_name((atom, "category"))).unwrap().attribute("term").unwrap())
        .collect();
    assert_eq!(terms, ["correction", "update", "update", "correction"]);
    // ids are unique
    let mut ids: Vec<String> = entries.iter().map(|e| child_text(*e, "id")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4);
    assert_eq!(child_text(entries[1], "summary"), "Added the White House readout.");
}

#[test]
fn an_explainer_marks_its_corrections() {
    let site = Site::fixture("corrections");
    site.build_ok();
    let lima = site.page("articles/lima/");
    // under the title: the day of the newest correction, linking to the list
    assert_eq!(lima.attrs(".corrected-notice time", "datetime"), ["2024-11-18"]);
    assert_eq!(lima.href_of("see the correction"), "#updates");
    // in the list, the correction is marked in words, the update is not
    let items = lima.texts("#updates li");
    assert_eq!(items.len(), 2);
    assert!(items[0].starts_with("Correction 18 November 2024"), "{items:?}");
    assert!(items[1].starts_with("20 November 2024"), "{items:?}");
    assert_eq!(lima.href_of("All corrections and updates"), "/policy/corrections/");
    // an explainer without corrections has no notice
    let chips = site.page("articles/chips/");
    assert!(chips.texts(".corrected-notice").is_empty());
    assert!(chips.texts("#updates").is_empty());
}

#[test]
fn a_site_without_updates_has_no_corrections_page() {
    let site = Site::fixture("corrections");
    site.remove("content/articles/lima.md");
    site.remove("content/articles/tariffs.md");
    site.build_ok();
    assert!(!site.exists("corrections/index.html"));
    assert!(!site.exists("corrections/atom.xml"));
    assert!(!site.read("sitemap.xml").contains("corrections/"));
}

#[test]
fn a_kind_that_is_neither_is_an_error_at_its_value() {
    let site = Site::fixture("corrections");
    site.write(
        "content/articles/chips.md",
        "---\ntitle: Export controls on chips\ndate: 2024-11-15\nupdates:\n  - date: 2024-11-16\n    kind: corection\n    note: Fixed a name.\n  - date: 2024-11-17\n    kind: erratum\n    note: Fixed a date.\n---\n\nText.\n",
    );
    let stderr = site.fails_keeping_the_output(&["content/articles/chips.md:6:11", "content/articles/chips.md:9:11"]);
    insta::assert_snapshot!("corrections_bad_kind", stderr);
}
