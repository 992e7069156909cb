//! `extra` data at every level (front matter of explainers, actors and topics; `[extra]` of
//! site.toml) reaching template overrides; the table of contents of explainers (`toc`), the
//! default theme's "On this page" and its threshold; `<!-- more -->` ending the summary. On the
//! `extra-and-toc` fixture, and `invalid-extra` for `extra` that is not a mapping.

mod harness;

use harness::{Site, broken_internal_links};

/// The part of `html` from the first `<start` to the `end` after it, inclusive.
fn part<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let from = html.find(start).unwrap_or_else(|| panic!("no `{start}` in the page"));
    let to = html[from..].find(end).map(|i| from + i + end.len()).expect("the part ends");
    &html[from..to]
}

/// An explainer template that prints its `extra`, the site's, and its `toc` three levels deep.
const EXPLAINER_OVERRIDE: &str = r#"{% extends "base.html" %}
{% block main %}<h1>{{ explainer.title }}</h1>
<dl class="extra">
<dt>series</dt><dd class="series">{{ explainer.extra.series | default(value="none") }}{% if explainer.extra.part %}, part {{ explainer.extra.part }}{% endif %}</dd>
<dt>map</dt><dd class="map">{% if explainer.extra.map %}{{ explainer.extra.map.file }} ({{ explainer.extra.map.credit }}){% endif %}</dd>
<dt>reviewed</dt><dd class="reviewed">{% if explainer.extra.reviewed %}yes{% else %}no{% endif %}</dd>
<dt>missing</dt><dd class="missing">{% if explainer.extra.missing %}set{% else %}not set{% endif %}</dd>
<dt>editors</dt><dd class="editors">{{ site.extra.desk.editors | join(sep=", ") }}</dd>
</dl>
<ul class="toc-data">
{%- for a in explainer.toc %}
<li>{{ a.level }} {{ a.id }} {{ a.text }}<ul>
{%- for b in a.children %}
<li>{{ b.level }} {{ b.id }} {{ b.text }}<ul>
{%- for c in b.children %}
<li>{{ c.level }} {{ c.id }} {{ c.text }} ({{ c.children | length }})</li>
{%- endfor %}</ul></li>
{%- endfor %}</ul></li>
{%- endfor %}
</ul>
{{ explainer.body | safe }}{% endblock main %}
"#;

fn built() -> Site {
    let site = Site::fixture("extra-and-toc");
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    site
}

#[test]
fn extra_of_actors_topics_and_the_site_reaches_template_overrides() {
    let site = built();
    let actor = site.read("actors/gina-raimondo/index.html");
    insta::assert_snapshot!("actor_extra", part(&actor, "<dl class=\"extra\">", "</dl>"));
    // a loop over a mapping follows the order it was written in (`portrait` before `in_office`),
    // build after build
    assert!(actor.contains(r#"<dd class="every-key">portrait in_office</dd>"#), "{actor}");
    assert_eq!(built().read("actors/gina-raimondo/index.html"), actor);
    let topic = site.read("topics/technology/index.html");
    // a loop over `extra`'s keys, sorted
    insta::assert_snapshot!("topic_extra", part(&topic, "<dl class=\"extra\">", "</dl>"));
}

#[test]
fn extra_of_explainers_reaches_an_explainer_override_with_the_toc() {
    let site = Site::fixture_with("extra-and-toc", &[("templates/explainer.html", EXPLAINER_OVERRIDE)]);
    site.build_ok();
    let page = site.read("articles/export-controls/index.html");
    insta::assert_snapshot!("explainer_extra", part(&page, "<dl class=\"extra\">", "</dl>"));
    // nesting: `###` under the `##` before it, `####` under the `###`; duplicate text gets `-1`,
    // a custom id is kept
    insta::assert_snapshot!("explainer_toc_data", part(&page, "<ul class=\"toc-data\">", "\n</ul>"));
    // an explainer without `extra` has an empty one: a key not written is not defined
    let tariffs = site.page("articles/tariffs/");
    assert_eq!(tariffs.text(".series"), "none");
    assert_eq!(tariffs.text(".missing"), "not set");
}

#[test]
fn extra_that_is_not_a_mapping_is_an_error_at_the_field() {
    let site = Site::fixture("invalid-extra");
    let run = site.build();
    run.assert_code(1);
    insta::assert_snapshot!("invalid_extra", run.stderr_stable());
}

#[test]
fn extra_in_site_toml_must_be_a_table() {
    let site = Site::fixture_with(
        "extra-and-toc",
        &[("site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\nextra = \"newsletter\"\n")],
    );
    let run = site.build();
    run.assert_code(1);
    insta::assert_snapshot!("invalid_site_extra", run.stderr_stable());
}

#[test]
fn the_default_theme_shows_on_this_page_with_enough_headings() {
    let site = built();
    let page = site.read("articles/export-controls/index.html");
    insta::assert_snapshot!("on_this_page", part(&page, "<nav class=\"toc\"", "</nav>"));
    let parsed = site.page("articles/export-controls/");
    // every entry leads to a heading of the page, and the nav is named by its heading
    let targets: Vec<String> =
        parsed.attrs("nav.toc a", "href").iter().map(|h| h.trim_start_matches('#').to_string()).collect();
    let ids = parsed.ids();
    assert!(targets.iter().all(|t| ids.contains(t)), "{targets:?} in {ids:?}");
    assert_eq!(parsed.attrs("nav.toc", "aria-labelledby"), ["on-this-page"]);
    assert_eq!(parsed.text("#on-this-page"), "On this page");
    assert!(broken_internal_links(&site.public(), "/").is_empty());
    // three `##` headings are fewer than the default four
    assert!(site.page("articles/tariffs/").texts("nav.toc").is_empty());
}

#[test]
fn toc_min_headings_sets_the_threshold_and_zero_turns_it_off() {
    let toml = std::fs::read_to_string(harness::fixture_dir("extra-and-toc").join("site.toml")).unwrap();
    let with = |min: &str| {
        let site = Site::fixture_with(
            "extra-and-toc",
            &[("site.toml", &toml.replace("[extra]", &format!("toc_min_headings = {min}\n\n[extra]")))],
        );
        site.build_ok();
        let shown = |path: &str| !site.page(path).texts("nav.toc").is_empty();
        (shown("articles/export-controls/"), shown("articles/tariffs/"))
    };
    assert_eq!(with("3"), (true, true));
    assert_eq!(with("5"), (false, false));
    assert_eq!(with("0"), (false, false));
}

#[test]
fn more_ends_the_summary_unless_summary_is_set() {
    let site = built();
    let page = site.page("articles/export-controls/");
    let before_more = "In December 2024 the Commerce Department widened its rules on advanced chips and the tools \
                       that make them. The rules add 140 companies to the Entity List and cover high-bandwidth memory.";
    assert_eq!(page.text(".dek"), before_more);
    assert_eq!(page.attrs("meta[name=description]", "content"), [before_more]);
    // the marker itself is not on the page
    assert!(!page.source.contains("more --"), "the marker is left out");
    assert!(page.text(".prose").contains("This paragraph is past the summary."));
    // lists show the same summary
    assert!(site.page("articles/").texts(".card").iter().any(|c| c.contains("cover high-bandwidth memory.")));
    // `summary:` wins over the marker
    assert_eq!(
        site.page("articles/tariffs/").text(".dek"),
        "The summary written in front matter wins over the marker."
    );
}
