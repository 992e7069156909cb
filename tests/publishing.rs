//! What publishing needs: feeds, sitemap, robots.txt, 404, redirects, social cards, JSON-LD and
//! the search index, checked on built fixture sites.

mod harness;

use harness::{Site, broken_internal_links};
use std::collections::BTreeSet;

fn xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not XML: {e}\n{text}"))
}

fn children<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    node.children().filter(|n| n.tag_name().name() == name).collect()
}

fn child_text(node: roxmltree::Node<'_, '_>, name: &str) -> String {
    node.children().find(|n| n.tag_name().name() == name).and_then(|n| n.text()).unwrap_or_default().to_string()
}

#[test]
fn atom_feeds_list_the_newest_explainers_with_absolute_urls() {
    let site = Site::fixture("subpath");
    site.build_ok();
    let text = site.read("atom.xml");
    let doc = xml(&text);
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    assert_eq!(child_text(feed, "title"), "Subpath");
    assert_eq!(child_text(feed, "id"), "https://example.org/policy/explainers/");
    assert_eq!(child_text(feed, "updated"), "2024-01-02T00:00:00Z");
    let entries = children(feed, "entry");
    let titles: Vec<String> = entries.iter().map(|e| child_text(*e, "title")).collect();
    assert_eq!(titles, ["Two", "One"]);
    let link = entries[0].children().find(|n| n.tag_name().name() == "link").unwrap();
    assert_eq!(link.attribute("href"), Some("https://example.org/policy/explainers/articles/two/"));
    let self_link = children(feed, "link").into_iter().find(|l| l.attribute("rel") == Some("self")).unwrap();
    assert_eq!(self_link.attribute("href"), Some("https://example.org/policy/explainers/atom.xml"));
    // topic and actor feeds
    let topic = site.read("topics/energy/atom.xml");
    assert_eq!(children(xml(&topic).root_element(), "entry").len(), 2);
    let actor = site.read("actors/someone/atom.xml");
    let actor_doc = xml(&actor);
    let actor_entries = children(actor_doc.root_element(), "entry");
    assert_eq!(actor_entries.iter().map(|e| child_text(*e, "title")).collect::<Vec<_>>(), ["One"]);
    // pages point to their feeds
    let page = site.page("topics/energy/");
    assert_eq!(
        page.attrs("link[rel=alternate][type='application/atom+xml']", "href"),
        ["/policy/explainers/atom.xml", "/policy/explainers/topics/energy/atom.xml"]
    );
}

#[test]
fn feed_entries_use_updated_and_summaries() {
    let site = Site::fixture_with(
        "features",
        &[(
            "content/articles/e.md",
            "---\ntitle: Echo & <Co>\ndate: 2024-11-10\nupdated: 2024-12-01T08:00:00+01:00\nsummary: Sum & more.\n---\n\nText.\n",
        )],
    );
    site.build_ok();
    let text = site.read("atom.xml");
    let doc = xml(&text);
    let feed = doc.root_element();
    assert_eq!(child_text(feed, "updated"), "2024-12-01T07:00:00Z", "the latest change, in UTC");
    let echo = children(feed, "entry").into_iter().find(|e| child_text(*e, "title") == "Echo & <Co>").unwrap();
    assert_eq!(child_text(echo, "published"), "2024-11-10T00:00:00Z");
    assert_eq!(child_text(echo, "updated"), "2024-12-01T07:00:00Z");
    assert_eq!(child_text(echo, "summary"), "Sum & more.");
}

#[test]
fn sitemap_lists_every_public_page_and_robots_points_to_it() {
    let site = Site::fixture("subpath");
    site.build_ok();
    let text = site.read("sitemap.xml");
    let doc = xml(&text);
    let urls: BTreeSet<String> = children(doc.root_element(), "url").iter().map(|u| child_text(*u, "loc")).collect();
    let base = "https://example.org/policy/explainers/";
    for path in [
        "",
        "page/2/",
        "articles/one/",
        "articles/two/",
        "topics/",
        "topics/energy/",
        "topics/energy/page/2/",
        "actors/",
        "actors/someone/",
        "search/",
    ] {
        assert!(urls.contains(&format!("{base}{path}")), "sitemap misses {path}: {urls:?}");
    }
    assert!(
        !urls.iter().any(|u| u.contains("old/two") || u.ends_with("404.html")),
        "no redirects or 404 in the sitemap"
    );
    // every listed URL is a page of the build
    for url in &urls {
        let rel = url.strip_prefix(base).unwrap();
        assert!(site.exists(&format!("{rel}index.html")), "{url} has no page");
    }
    let lastmod: Vec<String> = children(doc.root_element(), "url")
        .iter()
        .filter(|u| child_text(**u, "loc").ends_with("articles/one/"))
        .map(|u| child_text(*u, "lastmod"))
        .collect();
    assert_eq!(lastmod, ["2024-01-01T00:00:00Z"]);
    let robots = site.read("robots.txt");
    assert!(robots.contains(&format!("Sitemap: {base}sitemap.xml")), "{robots}");
    assert!(site.exists("404.html"));
}

#[test]
fn aliases_redirect_with_canonical_links() {
    let site = Site::fixture("subpath");
    site.build_ok();
    let alias = site.page("old/two/");
    assert_eq!(alias.attrs("link[rel=canonical]", "href"), ["https://example.org/policy/explainers/articles/two/"]);
    assert_eq!(alias.attrs("meta[name=robots]", "content"), ["noindex"]);
    assert!(
        alias
            .source
            .contains(r#"<script>location.replace("/policy/explainers/articles/two/" + location.hash);</script>"#)
    );
    assert!(alias.source.contains(r#"<meta http-equiv="refresh" content="0; url=/policy/explainers/articles/two/">"#));
    assert_eq!(alias.href_of("Two"), "/policy/explainers/articles/two/");
}

fn json_ld(page: &harness::Page) -> serde_json::Value {
    let scripts = page.texts("script[type='application/ld+json']");
    assert_eq!(scripts.len(), 1, "one JSON-LD block");
    serde_json::from_str(&scripts[0]).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{}", scripts[0]))
}

#[test]
fn explainers_carry_json_ld_and_social_cards() {
    let site = Site::fixture("features");
    site.build_ok();
    let page = site.page("articles/a/");
    let ld = json_ld(&page);
    assert_eq!(ld["@context"], "https://schema.org");
    let graph = ld["@graph"].as_array().unwrap();
    let article = graph.iter().find(|n| n["@type"] == "BackgroundNewsArticle").expect("an article node");
    assert_eq!(article["headline"], "Alpha");
    assert_eq!(article["datePublished"], "2024-11-16");
    assert_eq!(article["url"], "https://example.org/articles/a/");
    let about: Vec<(&str, &str)> = article["about"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["@type"].as_str().unwrap(), t["name"].as_str().unwrap()))
        .collect();
    assert_eq!(about, [("Thing", "Taiwan"), ("Thing", "Trade"), ("Person", "Xi Jinping"), ("Person", "Yoon Suk Yeol")]);
    let mentions: Vec<&str> =
        article["mentions"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(mentions, ["Kim Jong Un", "People's Liberation Army", "Victor Cha"]);
    let crumbs = graph.iter().find(|n| n["@type"] == "BreadcrumbList").expect("breadcrumbs");
    let items = crumbs["itemListElement"].as_array().unwrap();
    assert_eq!(items[0]["item"], "https://example.org/");
    assert_eq!(items.last().unwrap()["name"], "Alpha");

    assert_eq!(page.attrs("meta[property='og:type']", "content"), ["article"]);
    assert_eq!(page.attrs("meta[property='og:title']", "content"), ["Alpha"]);
    assert_eq!(page.attrs("meta[property='article:tag']", "content"), ["Taiwan", "Trade"]);
    assert_eq!(page.attrs("meta[name='twitter:card']", "content"), ["summary"]);

    let actor = json_ld(&site.page("actors/xi-jinping/"));
    let profile = actor["@graph"].as_array().unwrap().iter().find(|n| n["@type"] == "ProfilePage").unwrap();
    assert_eq!(profile["mainEntity"]["@type"], "Person");
    assert_eq!(profile["mainEntity"]["alternateName"][0], "Xi");
}

#[test]
fn json_ld_cannot_close_its_script() {
    let site = Site::fixture("basic");
    site.write(
        "content/articles/evil.md",
        "---\ntitle: \"</script><script>alert(1)</script>\"\ndate: 2024-01-01\n---\n\nText.\n",
    );
    site.build_ok();
    let page = site.page("articles/evil/");
    assert_eq!(page.texts("script").len(), 1, "only the JSON-LD script");
    assert_eq!(json_ld(&page)["@graph"][0]["headline"], "</script><script>alert(1)</script>");
    assert_eq!(page.text("h1"), "</script><script>alert(1)</script>");
}

#[test]
fn search_index_is_sharded_and_covers_every_page() {
    let site = Site::fixture("features");
    site.build_ok();
    let meta: serde_json::Value = serde_json::from_str(&site.read("search/index/meta.json")).unwrap();
    let docs = meta["docs"].as_u64().unwrap() as usize;
    // 4 explainers, 3 topics (two profiles and `Elsewhere`), 6 actors
    assert_eq!(docs, 4 + 3 + 6);
    let per = meta["per_shard"].as_u64().unwrap() as usize;
    let shards = meta["shards"].as_array().unwrap();
    assert!(!shards.is_empty());
    let mut titles = Vec::new();
    for i in 0..docs.div_ceil(per) {
        let shard: serde_json::Value = serde_json::from_str(&site.read(&format!("search/index/d/{i}.json"))).unwrap();
        titles.extend(shard.as_array().unwrap().iter().map(|d| d["t"].as_str().unwrap().to_string()));
    }
    assert_eq!(&titles[..4], ["Alpha", "Bravo", "Charlie", "Delta"]);
    // stems carry postings; words point to their stems
    let mut all_terms = serde_json::Map::new();
    let mut all_words = serde_json::Map::new();
    for i in 0..shards.len() {
        let shard: serde_json::Value = serde_json::from_str(&site.read(&format!("search/index/t/{i}.json"))).unwrap();
        all_terms.extend(shard["t"].as_object().unwrap().clone());
        all_words.extend(shard["w"].as_object().unwrap().clone());
    }
    assert!(all_terms.contains_key("drill"), "stemmed: drilled → drill");
    assert_eq!(all_words["drilled"], "drill");
    assert!(!all_terms.contains_key("the"), "stop words are left out");
    // the first posting of `alpha` is document 0 (Alpha) with the highest score
    let alpha = dossier::search::decode_postings(all_terms["alpha"].as_str().unwrap()).unwrap();
    assert_eq!(alpha[0], 0);
    let page = site.page("search/");
    assert_eq!(page.attrs("form[data-index]", "data-index"), ["/search/index/"]);
    // fingerprinted (`[publish] fingerprint`, the default): tests/publish_outputs.rs
    let script = page.attrs("script[src]", "src");
    assert!(script.len() == 1 && script[0].starts_with("/search.") && script[0].ends_with(".js"), "{script:?}");
}

#[test]
fn search_can_be_turned_off() {
    let site = Site::fixture("basic");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &format!("{toml}search = false\n"));
    site.build_ok();
    assert!(!site.exists("search/index.html") && !site.exists("search/index/meta.json"));
    assert!(!site.page("").texts(".site-nav a").contains(&"Search".to_string()));
    assert_eq!(broken_internal_links(&site.public(), "/"), Vec::<String>::new());
}

#[test]
fn subpath_build_has_no_link_outside_the_base_path() {
    let site = Site::fixture("subpath");
    site.build_ok();
    assert_eq!(broken_internal_links(&site.public(), "/policy/explainers/"), Vec::<String>::new());
    for (path, bytes) in site.output_files() {
        if path.ends_with(".xml") || path.ends_with(".txt") {
            let text = String::from_utf8(bytes).unwrap();
            for url in text.split(['"', '<', '>', ' ', '\n']).filter(|s| s.starts_with("http")) {
                assert!(
                    url.starts_with("https://example.org/policy/explainers/")
                        || url.starts_with("http://www.w3.org/")
                        || url.starts_with("http://www.sitemaps.org/"),
                    "{path}: {url}"
                );
            }
        }
    }
}
