//! `[publish]`: redirect files for real 301s, precompressed copies, fingerprinted assets with
//! integrity attributes, and their errors in site.toml; on the `publish` fixture (a subpath site
//! whose explainers have aliases).

mod harness;

use base64::Engine as _;
use harness::{Site, files_under};
use sha2::{Digest, Sha384};
use std::io::Read;
use std::path::Path;

/// The aliases of the fixture, each with the explainer it leads to.
const ALIASES: &[(&str, &str)] = &[
    ("/briefs/2023/10/chip-rules/", "/briefs/articles/chip-rules-2023/"),
    ("/briefs/2024/12/chip-rules/", "/briefs/articles/export-controls/"),
    ("/briefs/old briefs/chips/", "/briefs/articles/export-controls/"),
];

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("a gzip stream");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).expect("a brotli stream");
    out
}

#[test]
fn every_alias_is_a_301_in_each_hosts_file_and_its_page_stays() {
    let site = Site::fixture("publish");
    site.build_ok();
    let netlify = site.read("_redirects");
    let nginx = site.read(".nginx.conf");
    let apache = site.read(".htaccess");
    // the site's own rules come first
    assert!(netlify.starts_with("# the site's own rule, kept before dossier's\n/briefs/feed/ /briefs/atom.xml 301\n"));
    for (from, to) in ALIASES {
        let encoded = from.replace(' ', "%20");
        assert!(
            netlify.contains(&format!("{encoded} {to} 301!\n{encoded} {to} 301\n")),
            "{from} in _redirects:\n{netlify}"
        );
        for path in [from.to_string(), from.trim_end_matches('/').to_string(), format!("{from}index.html")] {
            let line = format!("location = \"{path}\" {{ return 301 \"{to}\"; }}");
            assert!(nginx.contains(&line), "{line} in .nginx.conf:\n{nginx}");
        }
        let pattern = from.trim_end_matches('/').replace('.', "\\.");
        let line = format!("RedirectMatch 301 \"^{pattern}(/|/index\\.html)?$\" \"{to}\"");
        assert!(apache.contains(&line), "{line} in .htaccess:\n{apache}");
        // the meta-refresh page stays, for hosts without redirects
        let page = site.read(&format!("{}index.html", from.trim_start_matches("/briefs/")));
        assert!(page.contains("http-equiv=\"refresh\""), "{from} keeps its page");
    }
    assert_eq!(netlify.matches(" 301!\n").count(), ALIASES.len(), "one forced rule per alias");
    assert!(nginx.contains("error_page 404 /briefs/404.html;") && nginx.contains("gzip_static on;"));
    assert!(apache.contains("ErrorDocument 404 /briefs/404.html"));
    // the redirect files are not pages: not in the sitemap
    let sitemap = site.read("sitemap.xml");
    assert!(!sitemap.contains("_redirects") && !sitemap.contains("nginx") && !sitemap.contains("htaccess"));
}

#[test]
fn without_publish_settings_no_host_file_is_written_and_turning_one_off_removes_it() {
    let site = Site::fixture_with("publish", &[("static/_redirects", "")]);
    site.build_ok();
    assert!(site.exists(".htaccess") && site.exists(".nginx.conf"));
    let text = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &text.replace("redirects = [\"netlify\", \"nginx\", \"apache\"]", "redirects = []"));
    site.build_ok();
    site.build_ok();
    // hidden files an earlier build made are its own, not the user's: they go with its output
    assert!(!site.exists(".htaccess") && !site.exists(".nginx.conf") && !site.exists("_headers"));
    assert_eq!(site.read("_redirects"), "", "the site's own file is copied as it is");
}

/// Every file of the output that gets compressed copies: HTML, CSS, JS, XML, JSON, SVG over 1 KB.
fn compressible(files: &std::collections::BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let text = [".html", ".css", ".js", ".xml", ".json", ".svg"];
    files
        .iter()
        .filter(|(p, b)| b.len() > 1024 && text.iter().any(|e| p.ends_with(e)))
        .map(|(p, _)| p.clone())
        .collect()
}

#[test]
fn text_files_over_a_kilobyte_get_gzip_and_brotli_copies_with_the_same_bytes_every_build() {
    let site = Site::fixture("publish");
    site.build_ok();
    let files = files_under(&site.public());
    let compressible = compressible(&files);
    for kind in ["html", "css", "js", "xml", "json"] {
        assert!(compressible.iter().any(|p| p.ends_with(kind)), "the fixture has a .{kind} file over 1 KB");
    }
    for path in &compressible {
        assert_eq!(gunzip(&files[&format!("{path}.gz")]), files[path], "{path}.gz");
        assert_eq!(unbrotli(&files[&format!("{path}.br")]), files[path], "{path}.br");
    }
    // small files and other kinds get none
    for (path, bytes) in &files {
        if path.ends_with(".gz") || path.ends_with(".br") {
            let source = &path[..path.len() - 3];
            assert!(compressible.contains(&source.to_string()), "{path} is the copy of a text file over 1 KB");
        } else if bytes.len() <= 1024 {
            assert!(!files.contains_key(&format!("{path}.gz")), "{path} is too small to compress");
        }
    }
    assert!(files.contains_key("img/supply-chain.svg") && !files.contains_key("img/supply-chain.svg.gz"));
    // the same site built elsewhere gives the same bytes
    let again = Site::fixture("publish");
    again.build_ok();
    assert_eq!(files_under(&again.public()), files, "copies are deterministic");
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn a_rebuild_compresses_only_the_files_that_changed() {
    let site = Site::fixture("publish");
    site.build_ok();
    site.build_ok();
    let untouched = site.public().join("articles/chip-rules-2023/index.html.br");
    let edited = site.public().join("articles/export-controls/index.html.gz");
    let style = site.public().join("style.css.gz");
    let before = (modified(&untouched), modified(&edited), modified(&style));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let text = std::fs::read_to_string(site.root.join("content/articles/export-controls.md")).unwrap();
    site.write("content/articles/export-controls.md", &text.replace("140 companies", "a hundred and forty companies"));
    // a build reuses the output before last, with its manifest (a build that changes nothing
    // leaves the output in place): the second build that changes something after the times
    // were read reuses the folder they were read from
    site.build_ok();
    let text = std::fs::read_to_string(site.root.join("content/articles/export-controls.md")).unwrap();
    site.write("content/articles/export-controls.md", &text.replace("a hundred and forty", "a hundred and forty-one"));
    site.build_ok();
    assert_eq!(modified(&untouched), before.0, "an unchanged page's copy is not made again");
    assert_eq!(modified(&style), before.2, "an unchanged static file's copy is not made again");
    assert_ne!(modified(&edited), before.1, "the edited page's copy is made again");
    let page = std::fs::read(site.public().join("articles/export-controls/index.html")).unwrap();
    assert_eq!(gunzip(&std::fs::read(&edited).unwrap()), page);
    // a copy changed by hand is not trusted: its stamp no longer matches, and it is made again
    std::fs::write(&untouched, b"damaged").unwrap();
    site.build_ok();
    site.build_ok();
    let page = std::fs::read(site.public().join("articles/chip-rules-2023/index.html")).unwrap();
    assert_eq!(unbrotli(&std::fs::read(&untouched).unwrap()), page);
}

#[test]
fn the_first_rebuild_copies_the_copies_of_the_output_it_replaces() {
    // Builds alternate between two folders, and after a build from nothing the other one is
    // empty: its copies come from the output being replaced, as that output's manifest vouches
    // for them, instead of being compressed again (20 s of CPU at 10,000 explainers). Shown by a
    // copy changed in place behind the manifest's back (same length, inode and time): a copied
    // copy carries the change, a remade one would not.
    let site = Site::fixture("publish");
    site.build_ok();
    let copy = site.public().join("articles/chip-rules-2023/index.html.gz");
    let made = std::fs::read(&copy).unwrap();
    let time = modified(&copy);
    let mut marked = made.clone();
    let last = marked.len() - 1;
    marked[last] ^= 0xff;
    let mut file = std::fs::OpenOptions::new().write(true).open(&copy).unwrap();
    std::io::Write::write_all(&mut file, &marked).unwrap();
    file.set_modified(time).unwrap();
    drop(file);
    site.build_ok();
    assert_eq!(std::fs::read(&copy).unwrap(), marked, "the copy was copied from the replaced output");
    // an edited page's copy is made, not copied
    let edited = site.public().join("articles/export-controls/index.html.gz");
    let text = std::fs::read_to_string(site.root.join("content/articles/export-controls.md")).unwrap();
    site.write("content/articles/export-controls.md", &text.replace("140 companies", "a hundred and forty companies"));
    site.build_ok();
    let page = std::fs::read(site.public().join("articles/export-controls/index.html")).unwrap();
    assert_eq!(gunzip(&std::fs::read(&edited).unwrap()), page);
}

fn integrity(bytes: &[u8]) -> String {
    format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
}

#[test]
fn stylesheets_and_the_search_script_are_fingerprinted_with_integrity_on_every_page() {
    let site = Site::fixture("publish");
    site.build_ok();
    let files = files_under(&site.public());
    let mut immutable = Vec::new();
    for (plain, selector, attr) in [
        ("style.css", "link[rel=stylesheet]", "href"),
        ("syntax.css", "link[rel=stylesheet]", "href"),
        ("search.js", "script[src]", "src"),
    ] {
        let (stem, ext) = plain.split_once('.').unwrap();
        let named: Vec<&String> = files
            .keys()
            .filter(|p| p.starts_with(&format!("{stem}.")) && p.ends_with(&format!(".{ext}")) && *p != plain)
            .collect();
        assert_eq!(named.len(), 1, "one fingerprinted {plain}: {named:?}");
        let fingerprinted = named[0];
        let hash = &fingerprinted[stem.len() + 1..fingerprinted.len() - ext.len() - 1];
        assert!(hash.len() == 10 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{fingerprinted}");
        assert_eq!(files[fingerprinted], files[plain], "the plain name stays, with the same bytes");
        immutable.push(fingerprinted.clone());
        let href = format!("/briefs/{fingerprinted}");
        let page = site.page(if ext == "js" { "search/" } else { "articles/export-controls/" });
        let tags: Vec<String> = page.attrs(selector, attr);
        assert!(tags.contains(&href), "{href} in {tags:?}");
        let sri = page.attrs(&format!("{selector}[{attr}='{href}']"), "integrity");
        assert_eq!(sri, [integrity(&files[plain])], "integrity of {plain}");
    }
    // every page loads the fingerprinted stylesheets, none the plain ones
    for (path, bytes) in &files {
        if path.ends_with(".html") && !path.ends_with("404.html") {
            let text = String::from_utf8_lossy(bytes);
            if text.contains("rel=\"stylesheet\"") {
                assert!(!text.contains("/briefs/style.css\""), "{path} links the plain stylesheet");
            }
        }
    }
    // hosts mark them immutable
    let headers = site.read("_headers");
    let nginx = site.read(".nginx.conf");
    for name in &immutable {
        assert!(headers.contains(&format!("/briefs/{name}\n  Cache-Control: public, max-age=31536000, immutable")));
        assert!(nginx.contains(&format!(
            "location = \"/briefs/{name}\" {{ add_header Cache-Control \"public, max-age=31536000, immutable\"; }}"
        )));
    }
}

#[test]
fn with_fingerprint_off_pages_load_the_plain_names_without_integrity() {
    let site = Site::fixture("publish");
    let text = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &format!("{text}fingerprint = false\n"));
    site.build_ok();
    let page = site.page("articles/export-controls/");
    assert_eq!(page.attrs("link[rel=stylesheet]", "href"), ["/briefs/style.css", "/briefs/syntax.css"]);
    assert!(page.attrs("link[rel=stylesheet][integrity]", "href").is_empty());
    assert_eq!(site.page("search/").attrs("script[src]", "src"), ["/briefs/search.js"]);
    let files = files_under(&site.public());
    assert!(!files.keys().any(|p| p.starts_with("style.") && p != "style.css" && !p.starts_with("style.css.")));
    assert!(!site.exists("_headers"), "nothing to mark immutable");
}

#[test]
fn mistakes_in_the_publish_table_are_each_reported_at_their_place() {
    let site = Site::fixture_with(
        "publish",
        &[(
            "site.toml",
            "title = \"Publishing Fixture\"\nbase_url = \"https://example.org/briefs/\"\n\n[publish]\nredirects = [\"netlfy\", \"nginx\", 3]\nprecompress = \"gzip\"\nfingerprint = \"yes\"\nminify = true\n",
        )],
    );
    let run = site.build();
    run.assert_code(1);
    assert!(!site.public().exists(), "nothing was built");
    insta::assert_snapshot!(run.stderr_stable());
}
