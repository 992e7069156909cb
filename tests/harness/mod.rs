//! The one test harness: copies a fixture site to a temporary folder, runs the real `dossier`
//! binary on it, and reads what it wrote.

#![allow(dead_code)]

use scraper::{Html, Selector};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_dossier");

/// A site in a temporary folder.
pub struct Site {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

/// What a run of the binary printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert_eq!(self.code, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "expected exit {code}\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    /// stderr with timings removed, for snapshots.
    pub fn stderr_stable(&self) -> String {
        self.stderr.lines().filter(|l| !l.starts_with("timings:")).collect::<Vec<_>>().join("\n")
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

impl Site {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Site {
        let site = Site::empty();
        copy_dir(&fixture_dir(name), &site.root);
        site
    }

    /// A copy of `tests/fixtures/<name>` with `files` (path in the site, text) added or replaced.
    pub fn fixture_with(name: &str, files: &[(&str, &str)]) -> Site {
        let site = Site::fixture(name);
        for (rel, text) in files {
            site.write(rel, text);
        }
        site
    }

    /// An empty folder to build a site in.
    pub fn empty() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        Site { _dir: dir, root }
    }

    /// The temporary folder around the site, for outputs outside it.
    pub fn outside(&self) -> PathBuf {
        self.root.parent().unwrap().to_path_buf()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root.join(rel)).unwrap();
    }

    /// Runs `dossier ARGS` in the site's folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(BIN).args(args).current_dir(&self.root).env("NO_COLOR", "1").output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    #[track_caller]
    pub fn build_ok(&self) -> Run {
        let run = self.build();
        run.assert_success();
        run
    }

    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    pub fn exists(&self, output_file: &str) -> bool {
        self.public().join(output_file).is_file()
    }

    #[track_caller]
    pub fn read(&self, output_file: &str) -> String {
        let path = self.public().join(output_file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// The page at a site path (`articles/x/`), parsed.
    #[track_caller]
    pub fn page(&self, site_path: &str) -> Page {
        let file = if site_path.is_empty() || site_path.ends_with('/') {
            format!("{site_path}index.html")
        } else {
            site_path.to_string()
        };
        Page::parse(&self.read(&file))
    }

    /// Every file of the output with its bytes.
    pub fn output_files(&self) -> BTreeMap<String, Vec<u8>> {
        files_under(&self.public())
    }

    /// Builds the site over a previous output, expecting exit 1: every one of `locations` is
    /// reported (`--> path:line:col` ending its line), the output is unchanged, no staging folder
    /// is left, nothing is reported as built, and `check` fails with the same errors (the closing
    /// line aside, which says what became of the output). Returns the build's stderr, stable.
    #[track_caller]
    pub fn fails_keeping_the_output(&self, locations: &[&str]) -> String {
        self.write("public/index.html", "previous build");
        self.write("public/articles/kept/index.html", "previous article");
        let before = self.output_files();
        let run = self.build();
        run.assert_code(1);
        for location in locations {
            assert!(run.stderr.contains(&format!("--> {location}\n")), "expected `{location}` in:\n{}", run.stderr);
        }
        assert_eq!(self.output_files(), before, "the previous output changed");
        let leftovers: Vec<_> = std::fs::read_dir(&self.root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public"))
            .collect();
        assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
        assert!(run.stdout.is_empty(), "nothing is reported as built: {}", run.stdout);
        let check = self.run(&["check"]);
        check.assert_code(1);
        let consequence = |stderr: &str| {
            stderr
                .replace("the site does not build", "X")
                .replace("public was not changed", "X")
                .replace("nothing was built", "X")
        };
        assert_eq!(consequence(&check.stderr), consequence(&run.stderr), "check and build differ");
        run.stderr_stable()
    }
}

pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// A parsed HTML page.
pub struct Page {
    pub html: Html,
    pub source: String,
}

impl Page {
    pub fn parse(source: &str) -> Page {
        Page { html: Html::parse_document(source), source: source.to_string() }
    }

    /// Text of every element matching `css`, whitespace collapsed.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let selector = Selector::parse(css).unwrap();
        self.html
            .select(&selector)
            .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    #[track_caller]
    pub fn text(&self, css: &str) -> String {
        let texts = self.texts(css);
        assert!(!texts.is_empty(), "nothing matches `{css}`");
        texts.join(" | ")
    }

    /// An attribute of every element matching `css`.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        let selector = Selector::parse(css).unwrap();
        self.html.select(&selector).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
    }

    /// `href` of the first link whose text is `text`.
    #[track_caller]
    pub fn href_of(&self, text: &str) -> String {
        let selector = Selector::parse("a").unwrap();
        self.html
            .select(&selector)
            .find(|a| a.text().collect::<String>().trim() == text)
            .and_then(|a| a.value().attr("href").map(str::to_string))
            .unwrap_or_else(|| panic!("no link with text `{text}`"))
    }

    pub fn ids(&self) -> Vec<String> {
        self.attrs("[id]", "id")
    }
}

/// Checks every `href` and `src` under `base_path` in every page: the file exists and, for a
/// `#fragment`, the target page has that id. Returns the problems found.
pub fn broken_internal_links(public: &Path, base_path: &str) -> Vec<String> {
    let files = files_under(public);
    let mut pages: BTreeMap<String, Page> = BTreeMap::new();
    for (path, bytes) in &files {
        if path.ends_with(".html") {
            pages.insert(path.clone(), Page::parse(&String::from_utf8_lossy(bytes)));
        }
    }
    let mut problems = Vec::new();
    for (from, page) in &pages {
        let mut targets = page.attrs("a[href]", "href");
        targets.extend(page.attrs("[src]", "src"));
        targets.extend(page.attrs("link[href]", "href"));
        for target in targets {
            let (path, fragment) = target.split_once('#').map_or((target.as_str(), None), |(p, f)| (p, Some(f)));
            let file = if path.is_empty() {
                from.clone()
            } else if let Some(rel) = path.strip_prefix(base_path) {
                let rel = rel.split('?').next().unwrap();
                if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_string() }
            } else if path.starts_with('/') {
                problems.push(format!("{from}: link outside the base path: {target}"));
                continue;
            } else {
                continue; // external
            };
            if !files.contains_key(&file) {
                problems.push(format!("{from}: broken link {target}"));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty())
                && let Some(target_page) = pages.get(&file)
                && !target_page.ids().iter().any(|id| id == fragment)
            {
                problems.push(format!("{from}: missing anchor {target}"));
            }
        }
    }
    problems
}

/// A running `dossier serve` or `dossier preview`, stopped when dropped.
pub struct Server {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT/…` as printed on its first line.
    pub url: String,
    pub address: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// Starts `dossier ARGS --port 0` in `dir` and waits for its first line.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        use std::io::{BufRead, BufReader, Read};
        let mut child = Command::new(BIN)
            .args(args)
            .args(["--port", "0"])
            .current_dir(dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        let address = url.trim_start_matches("http://").split('/').next().unwrap().to_string();
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = std::sync::Arc::clone(&stderr);
        let mut err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = stdout.read_to_string(&mut rest);
        });
        Server { child, url, address, stderr }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `GET path` (or another request line's method) over a fresh connection, exactly as written.
    pub fn request(&self, method: &str, path: &str) -> Response {
        http(&self.address, method, path)
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path)
    }

    /// Waits until `check` holds for `GET path`, for at most 15 seconds.
    #[track_caller]
    pub fn wait_for(&self, path: &str, what: &str, check: impl Fn(&Response) -> bool) -> Response {
        let started = std::time::Instant::now();
        loop {
            let response = self.get(path);
            if check(&response) {
                return response;
            }
            if started.elapsed() > std::time::Duration::from_secs(15) {
                panic!(
                    "{what}: {path} never changed; last: {} {}\nstderr:\n{}",
                    response.status,
                    response.body,
                    self.stderr()
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A plain HTTP/1.1 request, the path sent as is (so traversal attempts reach the server).
pub fn http(address: &str, method: &str, path: &str) -> Response {
    let (status, headers, body) = http_with(address, method, path, "");
    Response { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
}

/// A plain HTTP/1.1 request with `extra` header lines (each ending in `\r\n`): the status, the
/// headers as sent, and the body's bytes (a compressed body stays as it came).
pub fn http_with(address: &str, method: &str, path: &str, extra: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{extra}Connection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").map_or(raw.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = lines.filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_string(), v.to_string())).collect();
    (status, headers, raw[end..].to_vec())
}

impl Site {
    /// Runs the shipped search engine (the built site's `search.js`, under node through
    /// `tests/browser/search-engine.js`) on `queries`, with the first `top` results of each (all
    /// of them when `None`): one JSON object per query, its `results` in rank order.
    pub fn run_search_engine<Q: AsRef<str>>(&self, queries: &[Q], top: Option<usize>) -> Vec<serde_json::Value> {
        use std::io::Write as _;
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut command = Command::new("node");
        command
            .arg(root.join("tests/browser/search-engine.js"))
            .arg(self.public().join("search.js"))
            .arg(self.public().join("search/index"));
        if let Some(top) = top {
            command.args(["--top", &top.to_string()]);
        }
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("node runs (CI installs it)");
        let queries: Vec<&str> = queries.iter().map(AsRef::as_ref).collect();
        child.stdin.take().unwrap().write_all(serde_json::to_string(&queries).unwrap().as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

/// The links of one query's results from [`Site::run_search_engine`], in rank order.
pub fn result_links(result: &serde_json::Value) -> Vec<String> {
    result["results"].as_array().unwrap().iter().map(|r| r["u"].as_str().unwrap().to_string()).collect()
}

impl Site {
    /// [`Site::run_search_engine`] on the index in `folder` of the output (`fr/` for the French
    /// pages of a multilingual site, `""` for the default language's): the links of every
    /// result, per query, sorted.
    pub fn search_in(&self, folder: &str, queries: &[&str]) -> Vec<Vec<String>> {
        use std::io::Write as _;
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut child = Command::new("node")
            .arg(root.join("tests/browser/search-engine.js"))
            .arg(self.public().join("search.js"))
            .arg(self.public().join(folder).join("search/index"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("node runs (CI installs it)");
        child.stdin.take().unwrap().write_all(serde_json::to_string(queries).unwrap().as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let results: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        let mut links: Vec<Vec<String>> = results.iter().map(result_links).collect();
        links.iter_mut().for_each(|l| l.sort());
        links
    }
}
