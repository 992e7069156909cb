//! Lists at scale (issue 23): the actor index grouped by kind, then A–Z, with letter jumps that
//! work across its pages; the glossary's count, five newest uses and link to search.

mod harness;

use harness::{Page, Server, Site, broken_internal_links};

/// Actors a page of the index (`ACTORS_PER_PAGE`).
const PER_PAGE: usize = 100;

/// `count` actor profiles without a kind (the "Others" group), names starting with every letter
/// in turn, added to the `lists` fixture: with its six profiles, `count + 6` actors.
fn with_many_actors(count: usize) -> Site {
    let site = Site::fixture("lists");
    for i in 0..count {
        let letter = (b'A' + (i % 26) as u8) as char;
        let text = format!("---\nname: {letter}ssembly delegate {i:03}\nrole: Delegate\n---\n\nA delegate.\n");
        site.write(&format!("content/actors/delegate-{i:03}.md"), &text);
    }
    site
}

/// The names listed on a page of the actor index, in order.
fn names_on(page: &Page) -> Vec<String> {
    page.texts(".actor-group .entities li > a")
}

#[test]
fn the_actor_index_is_grouped_by_kind_then_a_to_z_with_letter_jumps() {
    let site = Site::fixture("lists");
    site.build_ok();
    let page = site.page("actors/");
    assert_eq!(page.texts(".actor-group h2"), ["People", "Organizations", "Countries"]);
    // A–Z by the name in Latin letters: Ōhira sorts as Ohira, "7th" comes under `#`, first
    assert_eq!(
        names_on(&page),
        ["Joe Biden", "Ōhira Masayoshi", "Xi Jinping", "7th Fleet", "Ministry of Commerce", "Philippines"]
    );
    assert_eq!(page.texts(".actor-group h3.letter"), ["J", "O", "X", "#", "M", "P"]);
    assert_eq!(page.texts(".letter-jump-label"), ["People", "Organizations", "Countries"]);
    assert_eq!(
        page.attrs(".letter-jump a", "href"),
        [
            "/actors/#letter-person-j",
            "/actors/#letter-person-o",
            "/actors/#letter-person-x",
            "/actors/#letter-organization-num",
            "/actors/#letter-organization-m",
            "/actors/#letter-country-p",
        ]
    );
    // every jump lands on a heading of the page
    let ids = page.ids();
    for href in page.attrs(".letter-jump a", "href") {
        let id = href.split_once('#').unwrap().1;
        assert!(ids.iter().any(|i| i == id), "no #{id} on the index");
    }
    // one page: no page links, and no page 2
    assert!(page.texts(".pagination").is_empty());
    assert!(!site.exists("actors/page/2/index.html"));
    assert_eq!(broken_internal_links(&site.public(), "/"), Vec::<String>::new());
}

#[test]
fn a_large_actor_index_is_paginated_and_every_page_is_reachable() {
    let site = with_many_actors(250);
    site.build_ok();
    // 256 actors: three pages at the format's pagination addresses, and no fourth
    let paths = ["actors/", "actors/page/2/", "actors/page/3/"];
    assert!(!site.exists("actors/page/4/index.html"));
    let pages: Vec<Page> = paths.iter().map(|p| site.page(p)).collect();
    let listed: Vec<Vec<String>> = pages.iter().map(names_on).collect();
    assert_eq!(listed.iter().map(Vec::len).collect::<Vec<_>>(), [PER_PAGE, PER_PAGE, 256 - 2 * PER_PAGE]);
    // each actor once, in the order of the index: kinds first, then A–Z across the pages
    let all: Vec<String> = listed.concat();
    assert_eq!(all.len(), 256);
    assert_eq!(
        &all[..6],
        ["Joe Biden", "Ōhira Masayoshi", "Xi Jinping", "7th Fleet", "Ministry of Commerce", "Philippines"]
    );
    let delegates: Vec<String> = all[6..].to_vec();
    let mut sorted = delegates.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(delegates, sorted, "the Others group is A–Z across pages");
    // a group or letter that goes on over a page says so, and keeps its heading
    assert!(pages[1].text(".actor-group h2").starts_with("Others (continued)"), "{}", pages[1].text(".actor-group h2"));
    // next links chain every page, previous links chain them back
    for (i, page) in pages.iter().enumerate() {
        let next = page.attrs(".pagination a[rel=next]", "href");
        let prev = page.attrs(".pagination a[rel=prev]", "href");
        assert_eq!(next, paths.get(i + 1).map(|p| format!("/{p}")).into_iter().collect::<Vec<_>>());
        assert_eq!(prev, i.checked_sub(1).map(|j| format!("/{}", paths[j])).into_iter().collect::<Vec<_>>());
        assert_eq!(page.text(".pagination-status"), format!("Page {} of 3", i + 1));
    }
    // an A–Z list says Previous and Next, not the Newer and Older of explainer lists
    assert_eq!(pages[1].texts(".pagination a[rel]"), ["Previous", "Next"]);
    assert_eq!(pages[1].attrs("nav.pagination", "aria-label"), ["Pages of the actor index"]);
    // the letter jumps are the same on every page, and a letter that starts on another page
    // links to that page's heading
    let jumps = pages[0].attrs(".letter-jump a", "href");
    for page in &pages[1..] {
        assert_eq!(page.attrs(".letter-jump a", "href"), jumps);
    }
    let others: Vec<&String> = jumps.iter().filter(|h| h.contains("#letter-other-")).collect();
    assert_eq!(others.len(), 26, "{others:?}");
    for href in &others {
        let (path, id) = href.split_once('#').unwrap();
        let on = paths.iter().position(|p| format!("/{p}") == path).unwrap_or_else(|| panic!("{href}"));
        let heading = pages[on].attrs(&format!("#{id}"), "id");
        assert_eq!(heading.len(), 1, "{href}");
        // the heading's letter starts on that page: it is not marked as continued
        assert!(!pages[on].text(&format!("#{id}")).contains("continued"), "{href}");
    }
    assert!(others.iter().any(|h| h.starts_with("/actors/page/3/#")), "{others:?}");
    assert_eq!(broken_internal_links(&site.public(), "/"), Vec::<String>::new());
    // the further pages are in the sitemap
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("https://example.org/actors/page/3/"));
}

#[test]
fn the_glossary_shows_the_count_the_five_newest_uses_and_links_the_rest_to_search() {
    let site = Site::fixture("lists");
    site.build_ok();
    let page = site.page("glossary/");
    let apec = "#term-apec .used-in";
    assert!(page.text(apec).starts_with("Used in 6 explainers, the latest:"), "{}", page.text(apec));
    // the five newest of the six, newest first: "APEC in a pandemic" (2020) is left out
    assert_eq!(
        page.texts(&format!("{apec} a:not(.term-more)")),
        [
            "Biden and Xi meet at APEC in Lima",
            "What to expect from APEC 2024",
            "Export controls on gallium",
            "Bali: the first in-person meeting",
            "APEC goes online again",
        ]
    );
    assert_eq!(page.attrs(&format!("{apec} a.term-more"), "href"), ["/search/?q=APEC"]);
    assert_eq!(page.text(&format!("{apec} a.term-more")), "Search for all 6 explainers using APEC");
    // three uses: all shown, no link to search
    let pla = "#term-pla .used-in";
    assert!(page.text(pla).starts_with("Used in 3 explainers: "), "{}", page.text(pla));
    assert_eq!(page.texts(&format!("{pla} a")).len(), 3);
    assert!(page.texts(&format!("{pla} a.term-more")).is_empty());
    assert_eq!(broken_internal_links(&site.public(), "/"), Vec::<String>::new());
}

#[test]
fn without_search_the_glossary_gives_the_count_and_no_search_link() {
    let site = Site::fixture("lists");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &toml.replace("[glossary]", "search = false\n\n[glossary]"));
    site.build_ok();
    let page = site.page("glossary/");
    assert!(page.text("#term-apec .used-in").starts_with("Used in 6 explainers, the latest:"));
    assert_eq!(page.texts("#term-apec .used-in a").len(), 5);
    assert!(page.texts("a.term-more").is_empty());
    assert!(!page.source.contains("/search/"));
}

#[test]
fn a_term_used_everywhere_keeps_the_glossary_small() {
    let site = Site::fixture("lists");
    for i in 0..400 {
        let text = format!(
            "---\ntitle: \"APEC trade ministers, meeting {i}\"\ndate: 2024-05-{:02}\n---\n\n\
             APEC trade ministers met for the {i}th time to discuss supply chains.\n",
            i % 28 + 1
        );
        site.write(&format!("content/articles/apec-{i:03}.md"), &text);
    }
    site.build_ok();
    let html = site.read("glossary/index.html");
    let page = Page::parse(&html);
    assert!(page.text("#term-apec .used-in").starts_with("Used in 406 explainers, the latest:"));
    assert_eq!(page.texts("#term-apec .used-in a").len(), 6, "five uses and the search link");
    assert!(html.len() < 20_000, "the glossary is {} bytes", html.len());
}

#[test]
fn serve_renders_again_the_index_pages_an_actor_moves_between() {
    let site = with_many_actors(150);
    let server = Server::start(&site.root, &["serve"]);
    let page2 = server.wait_for("/actors/page/2/", "the second page", |r| r.status == 200);
    assert!(!page2.body.contains("Zebra"));
    // "Assembly delegate 000" (page 1) becomes "Zebra…": it moves to the end of the last page,
    // and every page changes (page 1 loses an actor, the next ones shift, the jumps change)
    site.write("content/actors/delegate-000.md", "---\nname: Zebra delegate\n---\n\nRenamed.\n");
    server.wait_for("/actors/page/2/", "the renamed actor on page 2", |r| r.body.contains("Zebra delegate"));
    let page1 = server.get("/actors/");
    assert!(!page1.body.contains("Assembly delegate 000"));
    assert!(page1.body.contains("/actors/page/2/#letter-other-z"), "the Z jump leads to page 2");
}

/// `count` topic profiles, titles starting with every letter in turn, added to the `lists`
/// fixture (whose explainers name no topic of these).
fn with_many_topics(count: usize) -> Site {
    let site = Site::fixture("lists");
    for i in 0..count {
        let letter = (b'A' + (i % 26) as u8) as char;
        let text = format!("---\ntitle: {letter}rms control track {i:03}\nsummary: A track.\n---\n\nA track.\n");
        site.write(&format!("content/topics/track-{i:03}.md"), &text);
    }
    site
}

#[test]
fn a_small_topic_index_is_one_page_without_letter_jumps() {
    let site = with_many_topics(3);
    site.build_ok();
    let page = site.page("topics/");
    let names = page.texts(".entities li > a");
    assert!(names.len() >= 3, "{names:?}");
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "A–Z");
    assert!(page.texts(".letter-jumps").is_empty());
    assert!(page.texts(".pagination").is_empty());
    assert!(!site.exists("topics/page/2/index.html"));
}

#[test]
fn a_large_topic_index_is_paginated_with_letter_jumps_across_its_pages() {
    let site = with_many_topics(230);
    site.build_ok();
    let total = site.page("topics/").texts(".dek")[0].split_whitespace().nth(1).unwrap().parse::<usize>().unwrap();
    assert!(total >= 230, "{total}");
    let pages_needed = total.div_ceil(PER_PAGE);
    let paths: Vec<String> =
        (1..=pages_needed).map(|n| if n == 1 { "topics/".to_string() } else { format!("topics/page/{n}/") }).collect();
    assert!(!site.exists(&format!("topics/page/{}/index.html", pages_needed + 1)));
    let pages: Vec<Page> = paths.iter().map(|p| site.page(p)).collect();
    let listed: Vec<String> = pages.iter().flat_map(|p| p.texts(".letter-group .entities li > a")).collect();
    assert_eq!(listed.len(), total, "each topic once across the pages");
    let mut sorted = listed.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(listed, sorted, "A–Z across pages");
    // every page has the same jumps, and each leads to a heading that starts its letter
    let jumps = pages[0].attrs(".letter-jump a", "href");
    assert_eq!(jumps.len(), 26, "{jumps:?}");
    for page in &pages[1..] {
        assert_eq!(page.attrs(".letter-jump a", "href"), jumps);
    }
    for href in &jumps {
        let (path, id) = href.split_once('#').unwrap();
        let on = paths.iter().position(|p| format!("/{p}") == path).unwrap_or_else(|| panic!("{href}"));
        assert_eq!(pages[on].attrs(&format!("#{id}"), "id").len(), 1, "{href}");
        assert!(!pages[on].text(&format!("#{id}")).contains("continued"), "{href}");
    }
    // a letter that goes on over a page is headed again, "(continued)"
    let last_letter = pages[0].texts(".letter-group h2").last().unwrap().chars().next().unwrap();
    let next_first = pages[1].texts(".letter-group h2")[0].clone();
    assert_eq!(next_first.contains("(continued)"), next_first.starts_with(last_letter), "{next_first}");
    assert_eq!(pages[1].attrs("nav.pagination", "aria-label"), ["Pages of the topic index"]);
    assert_eq!(broken_internal_links(&site.public(), "/"), Vec::<String>::new());
    assert!(site.read("sitemap.xml").contains("https://example.org/topics/page/2/"));
    // the 404 page offers the largest topics and the way to the rest
    let not_found = site.page("404.html");
    assert_eq!(not_found.texts(".not-found-topics .entities li > a").len(), 24);
    assert_eq!(not_found.attrs(".not-found-topics .more a", "href"), ["/topics/"]);
    assert_eq!(not_found.text(".not-found-topics .more a"), format!("All {total} topics"));
}
