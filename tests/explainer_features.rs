//! The explainer features: mentions, quotes, sources, timelines, glossary, related, backlinks and
//! actors seen together, checked on the `features` fixture's built pages.

mod harness;

use harness::{Site, broken_internal_links};

fn built(autolink: Option<&str>) -> Site {
    let site = Site::fixture("features");
    if let Some(mode) = autolink {
        let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
        site.write("site.toml", &toml.replace("base_url", &format!("autolink = \"{mode}\"\nbase_url")));
    }
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    site
}

#[test]
fn first_mentions_link_to_actor_pages() {
    let site = built(None);
    let alpha = site.page("articles/a/");
    let mentions = alpha.texts(".prose a.mention");
    assert_eq!(mentions, ["Xi", "Yoon Suk Yeol", "People’s Liberation Army", "Kim Jong Un", "Victor Cha"]);
    let hrefs = alpha.attrs(".prose a.mention", "href");
    assert_eq!(hrefs[0], "/actors/xi-jinping/");
    assert_eq!(hrefs[1], "/actors/yoon-suk-yeol/", "the longer name wins over the alias `Yoon`");
    assert_eq!(hrefs[2], "/actors/pla/");
    // not in headings, code or links
    assert!(alpha.texts("h2 a").is_empty());
    assert!(alpha.texts("code a").is_empty());
    assert_eq!(alpha.texts(".prose a[href='https://example.com/yoon']"), ["Yoon’s own page"]);
    // an actor already linked by hand is not linked again
    let bravo = site.page("articles/b/");
    assert_eq!(bravo.texts(".prose a[href='/actors/xi-jinping/']"), ["Xi"]);
}

#[test]
fn a_mention_runs_through_the_rest_of_a_longer_name_of_the_same_actor() {
    let site = Site::fixture("features");
    site.write(
        "content/articles/d.md",
        "---\ntitle: Delta\ndate: 2024-11-13\n---\n\nPresident Xi Jinping arrived. Later, President Xi spoke.\n",
    );
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let delta = site.page("articles/d/");
    // "President Xi" (an alias) then "Jinping": one link over the whole name, not a bare "Jinping"
    assert_eq!(delta.texts(".prose a.mention"), ["President Xi Jinping"]);
    assert_eq!(delta.attrs(".prose a.mention", "href"), ["/actors/xi-jinping/"]);
}

#[test]
fn autolink_all_and_off() {
    let all = built(Some("all")).page("articles/a/");
    assert_eq!(all.texts(".prose a.mention[href='/actors/xi-jinping/']"), ["Xi", "Xi"]);
    assert_eq!(all.texts(".prose a.mention[href='/actors/yoon-suk-yeol/']"), ["Yoon Suk Yeol", "Yoon"]);
    let site = built(Some("off"));
    assert!(site.page("articles/a/").texts(".prose a.mention").is_empty());
    // still counted: the actor page lists the explainer as mentioning it
    assert_eq!(site.page("actors/kim-jong-un/").texts("#mentioned .card-title"), ["Alpha", "Bravo"]);
}

#[test]
fn actors_mentioned_but_not_listed_show_it_on_their_page() {
    let site = built(None);
    let kim = site.page("actors/kim-jong-un/");
    assert_eq!(kim.texts("#mentioned .card-title"), ["Alpha", "Bravo"]);
    assert!(kim.texts(".column-main .cards .card-title").is_empty(), "no explainer lists Kim in front matter");
    let xi = site.page("actors/xi-jinping/");
    assert!(xi.texts("#mentioned .card-title").is_empty(), "listed explainers are not repeated as mentions");
}

#[test]
fn attributed_quotes_appear_in_their_words() {
    let site = built(None);
    let alpha = site.page("articles/a/");
    assert_eq!(alpha.texts("figure.quote blockquote"), ["Beijing wants investment."]);
    assert_eq!(alpha.text("figure.quote figcaption"), "— Victor Cha, CSIS");
    assert_eq!(alpha.attrs("figure.quote figcaption a", "href"), ["/actors/victor-cha/"]);
    assert_eq!(
        alpha.texts(".prose > blockquote"),
        ["An unnamed view. — A senior official"],
        "unattributed stays a blockquote"
    );

    let cha = site.page("actors/victor-cha/");
    assert_eq!(cha.texts("#quotes blockquote"), ["Beijing wants investment."]);
    assert_eq!(cha.attrs("#quotes figcaption a", "href"), ["/articles/a/"]);
    let kim = site.page("actors/kim-jong-un/");
    assert_eq!(kim.texts("#quotes blockquote"), ["Words from Kim."], "attributed through a link");
}

#[test]
fn glossary_terms_are_explained_once_and_listed() {
    let site = built(None);
    let alpha = site.page("articles/a/");
    assert_eq!(alpha.attrs(".prose abbr", "title"), ["Asia-Pacific Economic Cooperation"], "first use only");
    let bravo = site.page("articles/b/");
    // PLA is a glossary term and an actor alias: the abbreviation nests in the mention
    assert_eq!(bravo.attrs(".prose a.mention abbr", "title"), ["People's Liberation Army"]);
    let glossary = site.page("glossary/");
    assert_eq!(glossary.texts("dt"), ["APEC", "PLA"]);
    assert_eq!(glossary.attrs("#term-apec a", "href"), ["/articles/a/"]);
    assert_eq!(glossary.attrs("#term-pla a", "href"), ["/articles/b/"]);
    assert!(site.page("").texts(".site-nav a").contains(&"Glossary".to_string()));
}

#[test]
fn image_descriptions_are_left_as_written() {
    let site = Site::fixture_with(
        "features",
        &[(
            "content/articles/e.md",
            "---\ntitle: Echo\ndate: 2024-11-14\n---\n\n![APEC and Xi in Lima](https://example.org/lima.jpg)\n\nXi came to APEC.\n",
        )],
    );
    site.build_ok();
    let echo = site.page("articles/e/");
    // no markup fits in an `alt` attribute: names and terms are marked up in the text after it
    assert_eq!(echo.attrs(".prose img", "alt"), ["APEC and Xi in Lima"]);
    assert_eq!(echo.texts(".prose p abbr"), ["APEC"]);
    assert_eq!(echo.texts(".prose p a.mention"), ["Xi"]);
}

#[test]
fn related_explainers_rank_shared_topics_and_actors() {
    let site = built(None);
    assert_eq!(site.page("articles/a/").texts("#related .card-title"), ["Bravo", "Charlie"]);
    assert_eq!(site.page("articles/b/").texts("#related .card-title"), ["Alpha"]);
    assert!(site.page("articles/d/").texts("#related").is_empty());
}

#[test]
fn backlinks_on_explainer_actor_and_topic_pages() {
    let site = built(None);
    // on an explainer page, one list with the related explainers, marked when they link here
    let alpha = site.page("articles/a/");
    assert_eq!(alpha.texts("#related .card-title"), ["Bravo", "Charlie"]);
    assert_eq!(alpha.texts("#related .links-here"), ["Links here", "Links here"]);
    assert!(alpha.texts("#backlinks").is_empty(), "no second list repeating the same cards");
    assert!(alpha.texts("#related .card-meta a").is_empty(), "no topic links on side cards");
    assert_eq!(site.page("topics/taiwan/").texts(".column-side .card-title"), ["Charlie"]);
    // Bravo links to Kim (in a quote's attribution) and is already listed under "mentioned"
    assert!(site.page("actors/kim-jong-un/").texts("#backlinks").is_empty());
}

#[test]
fn the_side_list_puts_explainers_that_link_here_first_and_stops_at_five() {
    let site = Site::fixture("features");
    // Delta shares nothing with Alpha but links to it; Echo to Hotel only link to it too
    site.write("content/articles/d.md", "---\ntitle: Delta\ndate: 2024-11-13\n---\n\nSee [alpha](a.md).\n");
    for name in ["Echo", "Foxtrot", "Golf", "Hotel"] {
        let slug = name.to_lowercase();
        site.write(
            &format!("content/articles/{slug}.md"),
            &format!("---\ntitle: {name}\ndate: 2024-11-14\n---\n\n{name} cites [alpha](a.md).\n"),
        );
    }
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let alpha = site.page("articles/a/");
    let titles = alpha.texts("#related .card-title");
    assert_eq!(titles.len(), 5, "{titles:?}");
    assert_eq!(&titles[..2], ["Bravo", "Charlie"], "related and linking here come first");
    assert_eq!(alpha.texts("#related .links-here").len(), 5, "all five link here");
    let bravo = site.page("articles/b/");
    assert_eq!(bravo.texts("#related .card-title"), ["Alpha"]);
    assert!(bravo.texts("#related .links-here").is_empty(), "Alpha does not link to Bravo");
}

#[test]
fn topic_timelines_merge_explainers_by_date() {
    let site = built(None);
    let taiwan = site.page("topics/taiwan/");
    let dates = taiwan.attrs(".timeline time", "datetime");
    assert_eq!(dates, ["2016-07-12", "2024-11-15", "2024-11-16"]);
    let last = taiwan.texts(".timeline li").pop().unwrap();
    assert!(last.contains("The leaders meet.") && last.contains("Alpha") && last.contains("Bravo"), "{last}");
    let svg = taiwan.text("figure.chart svg title");
    assert_eq!(svg, "Timeline of Taiwan");
    // 15 and 16 November are too close on an axis from 2016 to tell apart: one labelled marker
    assert_eq!(taiwan.attrs("figure.chart svg circle.event", "r").len(), 2);
    assert!(taiwan.texts("figure.chart svg text").contains(&"2 events, 15–16 Nov 2024".to_string()));
    assert_eq!(taiwan.attrs("figure.chart svg", "role"), ["img"]);
}

#[test]
fn actors_seen_together_are_listed_and_drawn() {
    let site = built(None);
    let xi = site.page("actors/xi-jinping/");
    assert_eq!(xi.texts("#seen-with .entities a"), ["People's Liberation Army", "Yoon Suk Yeol"]);
    assert_eq!(xi.text("#seen-with svg title"), "Actors seen with Xi Jinping");
    assert!(xi.text("#seen-with svg desc").contains("Yoon Suk Yeol (1 shared explainer)"));
    assert_eq!(xi.texts("#seen-with svg text.label").len(), 3, "two neighbours and the actor itself");
}

#[test]
fn explainer_pages_show_reading_time_word_count_and_updates() {
    let site = Site::fixture_with(
        "features",
        &[(
            "content/articles/e.md",
            "---\ntitle: Echo\ndate: 2024-11-10\nupdated: 2024-11-12\nupdates:\n  - date: 2024-11-12\n    note: Fixed a date.\n---\n\none two three\n",
        )],
    );
    site.build_ok();
    let echo = site.page("articles/e/");
    let byline = echo.text(".byline");
    assert!(byline.contains("Updated 12 November 2024"), "{byline}");
    assert!(byline.contains("1 min read") && byline.contains("3 words"), "{byline}");
    assert_eq!(echo.texts("#updates li"), ["12 November 2024: Fixed a date."]);
}

#[test]
fn every_internal_link_resolves() {
    let site = built(None);
    assert_eq!(broken_internal_links(&site.public(), "/"), Vec::<String>::new());
}
