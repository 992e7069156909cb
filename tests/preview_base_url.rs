//! `preview` shows what was built: under the base URL the folder was built for, from any working
//! directory, `--base-url` over it, warnings when it differs from the folder's own or ./site.toml's;
//! and answers as a production host does (gzip, content types, the 404 page, folders).

mod harness;

use harness::{Server, Site};
use std::io::Read;

/// `GET path` with `Accept-Encoding: gzip`: status, headers (lower-case names) and the raw body.
fn get_gzip(address: &str, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let (status, headers, body) = harness::http_with(address, "GET", path, "Accept-Encoding: br;q=1.0, gzip;q=0.8\r\n");
    (status, headers.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect(), body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[test]
fn a_folder_is_served_under_the_path_it_was_built_for_from_any_directory() {
    // built for /policy/explainers/ (the fixture's base_url)
    let site = Site::fixture("subpath");
    site.build_ok();
    // from the folder around the site, where there is no site.toml
    let server = Server::start(&site.outside(), &["preview", "site/public"]);
    assert!(server.url.ends_with("/policy/explainers/"), "{}", server.url);
    let home = server.get("/policy/explainers/");
    assert_eq!(home.status, 200);
    let page = harness::Page::parse(&home.body);
    for href in page.attrs("link[rel=stylesheet]", "href") {
        assert_eq!(server.get(&href).status, 200, "{href}");
    }
    assert_eq!(server.get("/policy/explainers/articles/one/").status, 200);
    assert_eq!(server.get("/articles/one/").status, 404, "nothing is served at the root");
    assert_eq!(server.stderr(), "", "no warning: the folder is served where it was built for");
    drop(server);

    // a folder built with --base-url is served under that path, from the site's folder too, and
    // the difference from ./site.toml is a warning
    site.run(&["build", "--base-url", "https://example.org/elsewhere/"]).assert_success();
    let server = Server::start(&site.root, &["preview"]);
    assert!(server.url.ends_with("/elsewhere/"), "{}", server.url);
    assert_eq!(server.get("/elsewhere/articles/one/").status, 200);
    let stderr = wait_for_stderr(&server);
    insta::assert_snapshot!("preview_site_toml_differs", stderr);
}

/// The warnings `preview` printed before its first line.
fn wait_for_stderr(server: &Server) -> String {
    for _ in 0..100 {
        let text = server.stderr();
        if !text.is_empty() {
            return text;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    server.stderr()
}

#[test]
fn base_url_overrides_the_recorded_path_with_a_warning() {
    let site = Site::fixture("subpath");
    site.build_ok();
    let server = Server::start(&site.outside(), &["preview", "site/public", "--base-url", "https://example.org/other"]);
    assert!(server.url.ends_with("/other/"), "{}", server.url);
    assert_eq!(server.get("/other/articles/one/").status, 200);
    assert_eq!(server.get("/policy/explainers/articles/one/").status, 404);
    insta::assert_snapshot!("preview_base_url_differs", wait_for_stderr(&server));
    drop(server);
    let run = Site::fixture("subpath").run(&["preview", "public", "--base-url", "ftp://example.org/", "--port", "0"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--base-url"), "{}", run.stderr);
}

#[test]
fn preview_answers_like_a_production_host() {
    let site = Site::fixture("publish");
    site.build_ok();
    let server = Server::start(&site.root, &["preview"]);
    let address = server.address.clone();
    // gzip when asked, from the copy the build wrote
    let (status, headers, body) = get_gzip(&address, "/briefs/articles/export-controls/");
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-encoding"), Some("gzip"));
    assert_eq!(header(&headers, "content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(body, std::fs::read(site.public().join("articles/export-controls/index.html.gz")).unwrap());
    // not without Accept-Encoding
    let plain = server.get("/briefs/articles/export-controls/");
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.header("vary"), Some("accept-encoding"));
    // types
    for (path, kind) in [
        ("/briefs/style.css", "text/css; charset=utf-8"),
        ("/briefs/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/briefs/search.js", "text/javascript; charset=utf-8"),
        ("/briefs/img/supply-chain.svg", "image/svg+xml"),
    ] {
        let response = server.get(path);
        assert_eq!((response.status, response.header("content-type")), (200, Some(kind)), "{path}");
    }
    // the site's 404 page with 404, gzipped when asked
    let missing = server.get("/briefs/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body, site.read("404.html"));
    let (status, headers, _) = get_gzip(&address, "/briefs/nothing-here");
    assert_eq!((status, header(&headers, "content-encoding")), (404, Some("gzip")));
    // folders: index.html, and a 301 to the slash
    let folder = server.get("/briefs/articles/export-controls");
    assert_eq!((folder.status, folder.header("location")), (301, Some("/briefs/articles/export-controls/")));
    assert_eq!(server.get("/briefs/").status, 200);
    drop(server);

    // a folder built without copies is compressed as it is served
    let bare = Site::fixture("subpath");
    bare.build_ok();
    let server = Server::start(&bare.root, &["preview"]);
    let (status, headers, body) = get_gzip(&server.address, "/policy/explainers/");
    assert_eq!((status, header(&headers, "content-encoding")), (200, Some("gzip")));
    let mut html = Vec::new();
    flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut html).unwrap();
    assert_eq!(html, std::fs::read(bare.public().join("index.html")).unwrap());
}
