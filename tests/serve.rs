//! `serve` and `preview`, started for real on a free port and spoken to over HTTP.

mod harness;

use harness::{Server, Site};
use std::io::{BufRead, BufReader, Write};

fn serving(fixture: &str) -> (Site, Server) {
    let site = Site::fixture(fixture);
    let server = Server::start(&site.root, &["serve"]);
    (site, server)
}

#[test]
fn serves_the_site_from_memory_with_links_under_the_preview_address() {
    let (site, server) = serving("subpath");
    assert!(server.url.starts_with("http://127.0.0.1:"), "loopback by default: {}", server.url);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
    // the base_url's path (/policy/explainers/) is mapped onto /
    assert!(home.body.contains("href=\"/articles/two/\""), "{}", home.body);
    assert!(!home.body.contains("/policy/explainers/articles"));
    assert!(home.body.contains("EventSource(\"/__dossier/events\")"), "the reload script is injected");
    assert_eq!(server.get("/articles/one/").status, 200);
    assert!(!site.public().exists(), "serve writes nothing");
}

#[test]
fn content_types_head_404_and_folders() {
    let (_site, server) = serving("basic");
    for (path, ty) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/search.js", "text/javascript; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "text/xml; charset=utf-8"),
        ("/img/map.svg", "image/svg+xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!((r.status, r.header("content-type")), (200, Some(ty)), "{path}");
    }
    server.wait_for("/search/index/meta.json", "the search index is built after the pages", |r| r.status == 200);
    let get = server.get("/articles/summit/");
    let head = server.request("HEAD", "/articles/summit/");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), get.header("content-length"));
    assert!(head.body.is_empty(), "HEAD has no body");
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page not found"), "the site's 404 page");
    let slashless = server.get("/articles/summit");
    assert_eq!((slashless.status, slashless.header("location")), (301, Some("/articles/summit/")));
    assert_eq!(server.request("POST", "/").status, 405);
}

#[test]
fn no_path_escapes_the_site() {
    let (site, server) = serving("basic");
    site.write("../secret.txt", "secret");
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/a/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "//etc/passwd",
        "/static/../../secret.txt",
    ] {
        let r = server.get(path);
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
        assert!(!r.body.contains("secret") && !r.body.contains("root:"), "{path}");
    }
}

#[test]
fn edits_additions_deletions_and_renames_show_up() {
    let (site, server) = serving("basic");
    assert!(server.get("/articles/summit/").body.contains("<h1>The summit</h1>"));
    // an edit
    let text = std::fs::read_to_string(site.root.join("content/articles/summit.md")).unwrap();
    site.write("content/articles/summit.md", &text.replace("title: The summit", "title: The summit, edited"));
    server.wait_for("/articles/summit/", "edit", |r| r.body.contains("<h1>The summit, edited</h1>"));
    server.wait_for("/topics/trade/", "the topic lists it", |r| r.body.contains("The summit, edited"));
    // an addition
    site.write("content/articles/fresh.md", "---\ntitle: Fresh\ndate: 2024-12-01\ntopics: [Trade]\n---\n\nNew.\n");
    server.wait_for("/articles/fresh/", "addition", |r| r.status == 200 && r.body.contains("<h1>Fresh</h1>"));
    server.wait_for("/", "the home page lists it", |r| r.body.contains("Fresh"));
    // a rename
    std::fs::rename(site.root.join("content/articles/fresh.md"), site.root.join("content/articles/renamed.md"))
        .unwrap();
    server.wait_for("/articles/renamed/", "rename", |r| r.status == 200);
    assert_eq!(server.get("/articles/fresh/").status, 404);
    // a deletion
    site.remove("content/articles/renamed.md");
    server.wait_for("/articles/renamed/", "deletion", |r| r.status == 404);
    server.wait_for("/", "the home page forgets it", |r| !r.body.contains("Fresh"));
}

#[test]
fn template_edits_re_render_what_uses_them() {
    let (site, server) = serving("basic");
    // an override keeps what links point to (the body's headings, the sources): without them,
    // `#anchor` links to these pages would be errors
    site.write(
        "templates/explainer.html",
        "{% extends \"base.html\" %}{% block main %}<h1 class=\"mine\">{{ explainer.title }}</h1>{{ explainer.body | safe }}\
         <section id=\"sources\">{% for s in explainer.sources %}<p id=\"{{ s.anchor }}\">{{ s.title }}</p>{% endfor %}</section>{% endblock main %}",
    );
    server
        .wait_for("/articles/summit/", "template override", |r| r.body.contains("<h1 class=\"mine\">The summit</h1>"));
    site.remove("templates/explainer.html");
    server.wait_for("/articles/summit/", "override removed", |r| r.body.contains("<h1>The summit</h1>"));
    // a static file
    site.write("static/extra.txt", "hello");
    server.wait_for("/extra.txt", "static file", |r| r.status == 200 && r.body == "hello");
}

#[test]
fn a_broken_edit_shows_an_overlay_and_the_fix_clears_it() {
    let (site, server) = serving("basic");
    let good = std::fs::read_to_string(site.root.join("content/articles/summit.md")).unwrap();
    site.write("content/articles/summit.md", &good.replace("title: The summit", "title: [The summit"));
    let broken = server.wait_for("/articles/summit/", "overlay", |r| r.body.contains("id=\"dossier-error\""));
    assert!(broken.body.contains("content/articles/summit.md:"), "the overlay names the file and line");
    assert!(broken.body.contains("<h1>The summit</h1>"), "the last good build is still served");
    // a broken link and a template error too
    site.write("content/articles/summit.md", &good.replace("(background.md#why-it-matters)", "(nowhere.md)"));
    server.wait_for("/articles/summit/", "link error", |r| {
        r.body.contains("there is no file content/articles/nowhere.md")
    });
    site.write("content/articles/summit.md", &good);
    site.write("templates/explainer.html", "{% if %}");
    server.wait_for("/articles/summit/", "template error", |r| r.body.contains("templates/explainer.html:1:"));
    site.remove("templates/explainer.html");
    let fixed = server.wait_for("/articles/summit/", "fixed", |r| !r.body.contains("dossier-error"));
    assert!(fixed.body.contains("<h1>The summit</h1>"));
    assert!(server.stderr().contains("still serving the last good build"));
}

#[test]
fn open_pages_are_told_to_reload() {
    let (site, server) = serving("basic");
    let mut stream = std::net::TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(15))).unwrap();
    write!(stream, "GET /__dossier/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    std::thread::sleep(std::time::Duration::from_millis(200));
    site.write("content/articles/background.md", "---\ntitle: The background\ndate: 2024-11-10\n---\n\nChanged.\n");
    loop {
        line.clear();
        reader.read_line(&mut line).expect("an event before the timeout");
        if line.starts_with("event: reload") {
            break;
        }
    }
}

#[test]
fn a_site_that_does_not_build_at_first_is_served_as_an_error_page() {
    let site = Site::fixture("invalid-yaml");
    let server = Server::start(&site.root, &["serve"]);
    let r = server.get("/");
    assert_eq!(r.status, 503);
    assert!(r.body.contains("content/articles/a.md:5:7"), "{}", r.body);
    site.write("content/articles/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\n\nFixed.\n");
    server.wait_for("/articles/a/", "fixed", |r| r.status == 200);
}

#[test]
fn many_concurrent_connections() {
    let (_site, server) = serving("basic");
    let address = server.address.clone();
    let threads: Vec<_> = (0..64)
        .map(|i| {
            let address = address.clone();
            std::thread::spawn(move || {
                let path = if i % 2 == 0 { "/" } else { "/articles/summit/" };
                harness::http(&address, "GET", path).status
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
    // a client that connects and goes away does not stop the server
    drop(std::net::TcpStream::connect(&address).unwrap());
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn ctrl_c_stops_cleanly() {
    let (_site, mut server) = serving("basic");
    assert_eq!(server.get("/").status, 200);
    let pid = server.child.id().to_string();
    std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed().as_secs() < 10, "still running after Ctrl-C");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn preview_serves_the_built_folder_under_the_base_path() {
    let site = Site::fixture("subpath");
    site.build_ok();
    let before = site.output_files();
    let server = Server::start(&site.root, &["preview"]);
    assert!(server.url.ends_with("/policy/explainers/"), "{}", server.url);
    let home = server.get("/policy/explainers/");
    assert_eq!(home.status, 200);
    assert!(!home.body.contains("EventSource"), "preview serves files as built");
    assert_eq!(home.body, site.read("index.html"));
    assert_eq!(server.get("/").status, 301, "the root leads to the base path");
    let missing = server.get("/policy/explainers/nothing/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body, site.read("404.html"));
    assert_eq!(server.get("/articles/one/").status, 404, "outside the base path");
    assert_eq!(
        server.get("/policy/explainers/articles/one").header("location"),
        Some("/policy/explainers/articles/one/")
    );
    for path in ["/policy/explainers/../../site.toml", "/policy/explainers/%2e%2e/%2e%2e/site.toml"] {
        let r = server.get(path);
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
    }
    // it rebuilds nothing: an edit does not change what it serves
    site.write("content/articles/one.md", "---\ntitle: Changed\ndate: 2024-01-01\n---\n");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!server.get("/policy/explainers/articles/one/").body.contains("Changed"));
    assert_eq!(site.output_files(), before, "and writes nothing");
}

#[test]
fn preview_refuses_a_folder_without_a_build() {
    let site = Site::fixture("basic");
    let run = site.run(&["preview", "--port", "0"]);
    run.assert_code(1);
    assert!(run.stderr.contains("run `dossier build` first"), "{}", run.stderr);
}

#[test]
fn preview_does_not_follow_symlinks_out_of_the_folder() {
    let site = Site::fixture("basic");
    site.build_ok();
    site.write("../outside.txt", "outside");
    std::os::unix::fs::symlink(site.outside().join("outside.txt"), site.public().join("link.txt")).unwrap();
    let server = Server::start(&site.root, &["preview"]);
    assert_eq!(server.get("/link.txt").status, 404);
}

#[test]
fn rebuilds_render_only_the_pages_a_change_affects() {
    let (site, server) = serving("features");
    let pages_rebuilt = |server: &Server, count: usize| -> Vec<(usize, usize)> {
        let started = std::time::Instant::now();
        loop {
            let lines: Vec<(usize, usize)> = server
                .stderr()
                .lines()
                .filter_map(|l| {
                    let rest = l.strip_prefix("rebuilt ")?;
                    let mut words = rest.split_whitespace();
                    let done = words.next()?.parse().ok()?;
                    let of = words.nth(1)?.parse().ok()?;
                    Some((done, of))
                })
                .collect();
            if lines.len() >= count {
                return lines;
            }
            assert!(started.elapsed().as_secs() < 15, "no rebuild: {}", server.stderr());
            std::thread::sleep(std::time::Duration::from_millis(30));
        }
    };
    // a sentence in the body of an explainer: its page only
    let d = std::fs::read_to_string(site.root.join("content/articles/d.md")).unwrap();
    site.write("content/articles/d.md", &format!("{d}\nAnother sentence.\n"));
    let (done, of) = pages_rebuilt(&server, 1)[0];
    assert_eq!(done, 1, "a body edit re-renders the explainer's page only (of {of})");
    // its title: also the lists, feeds and pages that show its card
    site.write("content/articles/d.md", &d.replace("title: Delta", "title: Delta, renamed"));
    let (done, of) = pages_rebuilt(&server, 2)[1];
    assert!(done > 1 && done < of, "a title edit re-renders the pages that show it: {done} of {of}");
    server.wait_for("/topics/", "", |r| r.status == 200);
    assert!(server.get("/").body.contains("Delta, renamed"));
    // a template: every page
    site.write("templates/404.html", "{% extends \"base.html\" %}{% block main %}<h1>Lost</h1>{% endblock main %}");
    let (done, of) = pages_rebuilt(&server, 3)[2];
    assert_eq!(done, of, "a template edit re-renders everything");
}

#[test]
fn turning_search_on_indexes_the_words_of_every_body() {
    // bodies parsed while search was off did not count their words: turning it on parses them again
    let site = Site::fixture("basic");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &format!("{toml}search = false\n"));
    let text = std::fs::read_to_string(site.root.join("content/articles/summit.md")).unwrap();
    site.write("content/articles/summit.md", &format!("{text}\nA quokka watched the talks.\n"));
    let server = Server::start(&site.root, &["serve"]);
    assert!(server.get("/articles/summit/").body.contains("quokka"));
    assert_eq!(server.get("/search/index/meta.json").status, 404);

    site.write("site.toml", &toml);
    let meta = server.wait_for("/search/index/meta.json", "the index, once search is on", |r| r.status == 200);
    let meta: serde_json::Value = serde_json::from_str(&meta.body).unwrap();
    let shards = meta["shards"].as_array().unwrap().len();
    let indexed = (0..shards).any(|i| {
        let shard = server.get(&format!("/search/index/t/{i}.json"));
        let shard: serde_json::Value = serde_json::from_str(&shard.body).unwrap();
        shard["t"].get("quokka").is_some()
    });
    assert!(indexed, "a word found only in a body is in the index");
}

#[test]
fn raw_html_mode_and_anchors_are_those_of_a_fresh_build() {
    let (site, server) = serving("raw-html");
    let page = server.get("/articles/lima-briefing/");
    assert!(!page.body.contains("<script>alert(") && page.body.contains("id=\"readouts\""), "sanitized");
    // `[markdown]` changes how every body is parsed: all of them are parsed again
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &toml.replace("[markdown]\n", "[markdown]\nraw_html = \"trusted\"\n"));
    server.wait_for("/articles/lima-briefing/", "trusted", |r| r.body.contains("<script>alert("));
    // an anchor the other page links to disappears: the link is an error, as in a build
    let briefing = std::fs::read_to_string(site.root.join("content/articles/lima-briefing.md")).unwrap();
    site.write("content/articles/lima-briefing.md", &briefing.replace("<a name=\"readouts\"></a>", ""));
    let broken = server.wait_for("/articles/lima-context/", "anchor error", |r| r.body.contains("dossier-error"));
    assert!(broken.body.contains("no element with the id `#readouts`"), "{}", broken.body);
    site.write("content/articles/lima-briefing.md", &briefing);
    server.wait_for("/articles/lima-context/", "fixed", |r| !r.body.contains("dossier-error"));
    // a template that writes an id changes the ids made from bodies: `## Sources` steps around it
    site.write(
        "templates/explainer.html",
        &std::fs::read_to_string("themes/default/templates/explainer.html")
            .unwrap()
            .replace("<h1>", "<h1 id=\"sources-2\">"),
    );
    server.wait_for("/articles/lima-briefing/", "ids step around the template's", |r| {
        r.body.contains("<h2 id=\"sources-3\">Sources</h2>")
    });
}
