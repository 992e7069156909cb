//! `dossier check --external` (docs/lint.md) against servers started here on loopback: broken
//! links (404, 500, a timeout) reported by host with their places, permanent redirects as notes,
//! HEAD refused then GET, at most `--per-host` requests at once to one host, the cache in
//! `.dossier-cache/links` (a second run requests nothing; a corrupt one is ignored with a
//! warning), `--strict`, and the archived copy suggested for a failing source without one.
//! Nothing here touches the network beyond 127.0.0.1.

mod harness;

use harness::{BIN, Run, Site};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a test server saw: each request (method, path), and the most connections it handled at
/// once.
#[derive(Default)]
struct Seen {
    requests: Vec<(String, String)>,
    open: usize,
    most_open: usize,
}

/// A server on 127.0.0.1 answering by the first part of the path (see [`answer`]), one request
/// per connection, each on its own thread.
struct Server {
    port: u16,
    seen: Arc<Mutex<Seen>>,
}

impl Server {
    fn start(listener: TcpListener) -> Server {
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let shared = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &seen));
            }
        });
        Server { port, seen }
    }

    fn requests(&self) -> Vec<(String, String)> {
        self.seen.lock().unwrap().requests.clone()
    }
}

fn serve(stream: TcpStream, seen: &Mutex<Seen>) {
    let mut reader = BufReader::new(&stream);
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    // the rest of the head, up to its blank line
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = first.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    {
        let mut s = seen.lock().unwrap();
        s.requests.push((method.clone(), path.clone()));
        s.open += 1;
        s.most_open = s.most_open.max(s.open);
    }
    let (status, extra) = answer(&method, &path);
    let body = if method == "HEAD" { "" } else { "ok" };
    let response = format!(
        "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        if method == "HEAD" { 0 } else { body.len() }
    );
    let _ = (&stream).write_all(response.as_bytes());
    seen.lock().unwrap().open -= 1;
}

/// The answer to each kind of path: `/ok/`, `/moved/` (301 to `/ok/new-…`), `/missing/` (404),
/// `/error/` (500), `/head-refused/` (405 to HEAD, 200 to GET), `/slow/` (200 after 300 ms),
/// `/hang/` (200 after 3 s, past `--timeout 1`).
fn answer(method: &str, path: &str) -> (&'static str, String) {
    let kind = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let rest = path.rsplit('/').next().unwrap_or("");
    match kind {
        "ok" => ("200 OK", String::new()),
        "moved" => ("301 Moved Permanently", format!("Location: /ok/new-{rest}\r\n")),
        "missing" => ("404 Not Found", String::new()),
        "error" => ("500 Internal Server Error", String::new()),
        "head-refused" if method == "HEAD" => ("405 Method Not Allowed", String::new()),
        "head-refused" => ("200 OK", String::new()),
        "slow" => {
            std::thread::sleep(Duration::from_millis(300));
            ("200 OK", String::new())
        }
        "hang" => {
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK", String::new())
        }
        _ => ("404 Not Found", String::new()),
    }
}

/// The three servers of the fixture, their ports in the same order as their names (`MAIN` <
/// `SLOW` < `HANG`) so that the report, grouped by host, lists them in one order on every run.
struct Servers {
    main: Server,
    slow: Server,
    hang: Server,
}

fn start_servers() -> Servers {
    let mut listeners: Vec<TcpListener> = (0..3).map(|_| TcpListener::bind("127.0.0.1:0").unwrap()).collect();
    listeners.sort_by_key(|l| l.local_addr().unwrap().port());
    let mut servers = listeners.into_iter().map(Server::start);
    let (main, slow, hang) = (servers.next().unwrap(), servers.next().unwrap(), servers.next().unwrap());
    Servers { main, slow, hang }
}

/// The `external-links` fixture with the servers' ports written in.
fn site_for(servers: &Servers) -> Site {
    let site = Site::fixture("external-links");
    let file = site.root.join("content/articles/export-controls.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text
        .replace("{MAIN}", &servers.main.port.to_string())
        .replace("{SLOW}", &servers.slow.port.to_string())
        .replace("{HANG}", &servers.hang.port.to_string());
    std::fs::write(&file, text).unwrap();
    site
}

fn check(root: &Path, extra: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(["check", "--external", "--timeout", "1"])
        .args(extra)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `text` with the servers' ports replaced by their names.
fn without_ports(text: &str, servers: &Servers) -> String {
    text.replace(&servers.main.port.to_string(), "MAIN")
        .replace(&servers.slow.port.to_string(), "SLOW")
        .replace(&servers.hang.port.to_string(), "HANG")
}

fn count(requests: &[(String, String)], method: &str, path: &str) -> usize {
    requests.iter().filter(|(m, p)| m == method && p == path).count()
}

#[test]
fn broken_links_by_host_redirects_as_notes_and_a_second_run_from_the_cache() {
    let servers = start_servers();
    let site = site_for(&servers);
    let first = check(&site.root, &[]);
    first.assert_success();
    insta::assert_snapshot!("report", without_ports(&first.stderr_stable(), &servers));
    assert!(first.stdout.contains("Checked 14 external URLs (14 requested"), "{}", first.stdout);
    assert!(first.stdout.contains(": 4 broken links, 1 moved"), "{}", first.stdout);

    let main = servers.main.requests();
    // HEAD first; GET only where HEAD was refused
    assert_eq!(count(&main, "HEAD", "/ok/rule"), 1, "{main:?}");
    assert_eq!(count(&main, "GET", "/ok/rule"), 0, "{main:?}");
    assert_eq!(count(&main, "HEAD", "/head-refused/statement"), 1, "{main:?}");
    assert_eq!(count(&main, "GET", "/head-refused/statement"), 1, "{main:?}");
    // a redirect is reported, not followed
    assert_eq!(count(&main, "HEAD", "/ok/new-briefing"), 0, "{main:?}");
    // one request for a URL linked twice
    assert_eq!(main.iter().filter(|(_, p)| p == "/ok/rule").count(), 1, "{main:?}");

    // at most two requests at once to one host (the default), and the limit was reached
    let slow = servers.slow.seen.lock().unwrap().most_open;
    assert_eq!(slow, 2, "connections open at once on the slow host");

    // the second run asks nothing and reports the same
    let counts = |s: &Servers| (s.main.requests().len(), s.slow.requests().len(), s.hang.requests().len());
    let before = counts(&servers);
    let second = check(&site.root, &[]);
    second.assert_success();
    assert_eq!(counts(&servers), before, "the second run made requests");
    assert_eq!(second.stderr_stable(), first.stderr_stable());
    assert!(second.stdout.contains("(0 requested"), "{}", second.stdout);

    // results older than --cache-days are asked for again
    let third = check(&site.root, &["--cache-days", "0"]);
    third.assert_success();
    assert!(third.stdout.contains("(14 requested"), "{}", third.stdout);
}

#[test]
fn per_host_sets_the_limit() {
    let servers = start_servers();
    let site = site_for(&servers);
    check(&site.root, &["--per-host", "3"]).assert_success();
    assert_eq!(servers.slow.seen.lock().unwrap().most_open, 3);
}

#[test]
fn strict_makes_broken_links_errors_but_not_redirects() {
    let servers = start_servers();
    let site = site_for(&servers);
    let run = check(&site.root, &["--strict"]);
    run.assert_code(1);
    assert!(run.stderr.contains("error: broken link: 404 Not Found"), "{}", run.stderr);
    assert!(run.stderr.contains("error: 4 broken external links with --strict"), "{}", run.stderr);
    assert!(run.stderr.contains("note: moved permanently to"), "{}", run.stderr);
    assert!(!run.stderr.contains("warning: broken link"), "{}", run.stderr);
}

#[test]
fn a_corrupt_cache_is_ignored_with_a_warning_and_replaced() {
    let servers = start_servers();
    let site = site_for(&servers);
    let cache = site.root.join(".dossier-cache/links");
    std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
    std::fs::write(&cache, "{\"links\": [not json").unwrap();
    let run = check(&site.root, &[]);
    run.assert_success();
    assert!(run.stderr.contains("warning: .dossier-cache/links is not a cache of links"), "{}", run.stderr);
    assert!(run.stdout.contains("(14 requested"), "{}", run.stdout);
    let again = check(&site.root, &[]);
    assert!(!again.stderr.contains("is not a cache"), "{}", again.stderr);
    assert!(again.stdout.contains("(0 requested"), "{}", again.stdout);
    // written whole, under its name only
    assert!(!site.root.join(".dossier-cache/links.new").exists());
}

#[test]
fn without_external_nothing_is_requested() {
    let servers = start_servers();
    let site = site_for(&servers);
    let out = Command::new(BIN).arg("check").current_dir(&site.root).env("NO_COLOR", "1").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(servers.main.requests().is_empty() && servers.slow.requests().is_empty());
    assert!(!site.root.join(".dossier-cache/links").exists());
    // the options of the external check need --external
    let usage = Command::new(BIN).args(["check", "--per-host", "3"]).current_dir(&site.root).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn findings_have_their_codes() {
    use dossier::diagnostics::{Code, Excerpt, Location};
    use dossier::lint::external::{self, ExternalLink, Options};
    let servers = start_servers();
    let site = Site::empty();
    let cache = site.root.join(external::CACHE_FILE);
    std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
    std::fs::write(&cache, "not json").unwrap();
    let link = |path: &str| ExternalLink {
        url: format!("http://127.0.0.1:{}{path}", servers.main.port),
        location: Location { path: "content/articles/x.md".into(), line: 1, column: 1 },
        excerpt: Excerpt { text: String::new(), column: 1, width: 1 },
        of_source: None,
    };
    let options = Options { per_host: 2, timeout: Duration::from_secs(5), max_age: Duration::from_secs(60), now: 1 };
    let report = external::check(&site.root, &[link("/missing/x"), link("/moved/y"), link("/ok/z")], &options);
    let broken: Vec<Code> = report.broken.values().flatten().map(|d| d.code).collect();
    assert_eq!(broken, [Code::ExternalLinkBroken]);
    assert_eq!(report.moved.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::ExternalRedirect]);
    assert_eq!(report.cache.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::LinkCache]);
    assert_eq!((report.urls, report.requested), (3, 3));
}
