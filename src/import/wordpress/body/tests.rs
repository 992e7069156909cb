//! Tests of the body conversion: paragraphs, block comments, HTML to Markdown, links, uploads.

use super::*;

fn site<'a>(
    by_path: &'a HashMap<String, usize>,
    by_id: &'a HashMap<String, usize>,
    uploads: Option<&'a Path>,
) -> Site<'a> {
    Site { prefixes: vec!["https://example.org".into(), "http://example.org".into()], by_path, by_id, uploads }
}

fn md(html: &str) -> String {
    let none = HashMap::new();
    convert(html, &site(&none, &none, None)).markdown
}

#[test]
fn classic_text_gets_its_paragraphs_and_line_breaks() {
    let out = md(
        "First line\nsame paragraph\n\nSecond <em>para</em>.\n\n<pre>keep\n\n  this</pre>\n\n<ul>\n<li>one</li>\n</ul>",
    );
    assert_eq!(out, "First line  \nsame paragraph\n\nSecond *para*.\n\n```\nkeep\n\n  this\n```\n\n- one\n");
}

#[test]
fn classic_text_between_blocks_is_a_paragraph_and_blocks_are_never_wrapped() {
    let out = md("<strong>Lead</strong>\n<h2>Head</h2>\nText after.\n<ul>\n<li>a</li>\n</ul>\n<script>x()</script>");
    assert_eq!(out, "**Lead**\n\n## Head\n\nText after.\n\n- a\n");
}

#[test]
fn an_anchor_without_href_keeps_its_text() {
    assert_eq!(md("<p><a class=\"wp-block-button__link\">Button</a></p>"), "Button\n");
}

#[test]
fn block_comments_are_dropped_and_more_is_kept() {
    let out = md(
        "<!-- wp:paragraph -->\n<p>Intro.</p>\n<!-- /wp:paragraph -->\n\n<!--more-->\n\n<!-- wp:heading {\"level\":3} -->\n<h3>Next</h3>\n<!-- /wp:heading -->",
    );
    assert_eq!(out, "Intro.\n\n<!-- more -->\n\n## Next\n", "the h3 is raised: it follows the title");
}

#[test]
fn tables_lists_entities_and_nested_formatting_come_out_right() {
    let out = md(
        "<p>Tariffs &amp; quotas &ldquo;now&rdquo;&nbsp;&mdash; it&#8217;s <strong>very <em>much</em> so</strong></p>\
        <table><thead><tr><th>Year</th><th>Rate</th></tr></thead><tbody><tr><td>2018</td><td>25%</td></tr></tbody></table>\
        <ol><li>One<ul><li>Sub</li></ul></li><li>Two</li></ol><h2>Heading</h2>",
    );
    // `&nbsp;` is a space in the Markdown (mdka folds white space)
    assert!(out.contains("Tariffs & quotas “now” — it’s **very *much* so**"), "{out}");
    assert!(out.contains("| Year | Rate |\n| --- | --- |\n| 2018 | 25% |"), "{out}");
    assert!(out.contains("1. One\n   - Sub\n2. Two"), "{out}");
    assert!(out.contains("## Heading"), "{out}");
}

#[test]
fn hostile_html_does_not_survive() {
    let out = md(
        "<p onclick=\"steal()\">Hi<script>alert(1)</script> <a href=\"javascript:alert(2)\">click</a> <img src=\"x.png\" onerror=\"alert(3)\" alt=\"X\"></p><style>p{}</style>",
    );
    assert!(
        !out.contains("alert") && !out.contains("onclick") && !out.contains("javascript") && !out.contains("p{}"),
        "{out}"
    );
    assert!(out.contains("click"), "{out}");
}

#[test]
fn links_to_imported_posts_become_document_links() {
    let by_path = HashMap::from([("/2019/11/lima/".to_string(), 3)]);
    let by_id = HashMap::from([("12".to_string(), 4)]);
    let converted = convert(
        "<p><a href=\"https://example.org/2019/11/lima/#why\">a</a> <a href=\"http://example.org/?p=12\">b</a> <a href=\"/gone/\">c</a> <a href=\"https://other.org/x/\">d</a></p>",
        &site(&by_path, &by_id, None),
    );
    assert_eq!(
        converted.markdown,
        "[a](wpdoc:3#why) [b](wpdoc:4) [c](https://example.org/gone/) [d](https://other.org/x/)\n"
    );
}

#[test]
fn uploads_become_bundle_files_and_missing_ones_are_listed() {
    let dir = std::env::temp_dir().join(format!("dossier-wp-uploads-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("2013/03")).unwrap();
    std::fs::write(dir.join("2013/03/port.jpg"), b"x").unwrap();
    let none = HashMap::new();
    let converted = convert(
        "<p><img src=\"https://example.org/wp-content/uploads/2013/03/port-300x200.jpg\" alt=\"Port\"> <img src=\"https://example.org/wp-content/uploads/2013/03/gone.png\" alt=\"Gone\"></p>",
        &site(&none, &none, Some(&dir)),
    );
    assert_eq!(
        converted.markdown,
        "![Port](port.jpg) ![Gone](https://example.org/wp-content/uploads/2013/03/gone.png)\n"
    );
    assert_eq!(converted.resources, vec![FileCopy { from: dir.join("2013/03/port.jpg"), to: "port.jpg".into() }]);
    assert_eq!(converted.missing, vec!["https://example.org/wp-content/uploads/2013/03/gone.png".to_string()]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn upload_paths_never_leave_the_uploads_folder() {
    assert_eq!(upload_path("https://e.org/wp-content/uploads/2013/03/x.jpg?w=300").as_deref(), Some("2013/03/x.jpg"));
    assert_eq!(upload_path("https://site.files.wordpress.com/2008/06/a%20b.jpg").as_deref(), Some("2008/06/a b.jpg"));
    assert_eq!(upload_path("https://e.org/wp-content/uploads/../../etc/passwd"), None);
    assert_eq!(upload_path("https://e.org/about/"), None);
}

#[test]
fn anchors_the_page_does_not_have_become_text() {
    let none = HashMap::new();
    let converted = convert(
        "<h2>Why it matters</h2><p><a href=\"#why-it-matters\">up</a> <a href=\"#wrapper\">top</a></p>",
        &site(&none, &none, None),
    );
    assert_eq!(converted.markdown, "## Why it matters\n\n[up](#why-it-matters) top\n");
    assert_eq!(converted.dropped_anchors, 1);
}

#[test]
fn headings_that_skip_a_level_are_raised() {
    let out = md("<h3>Official</h3><p>a</p><h4>Federal</h4><h2>Others</h2><h5>Deep</h5><pre>### not a heading</pre>");
    assert_eq!(out, "## Official\n\na\n\n### Federal\n\n## Others\n\n### Deep\n\n```\n### not a heading\n```\n");
}
