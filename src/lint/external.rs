//! `dossier check --external`: requests every external URL of explainer bodies and sources, a
//! few at a time per host, with a cache of results in `.dossier-cache/links`, and reports broken
//! links (grouped by host) and permanent redirects.

use crate::assemble::Site;
use crate::diagnostics::{Code, Diagnostic, Excerpt, Location, SourceFile};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Where the results are kept between runs, relative to the site root.
pub const CACHE_FILE: &str = ".dossier-cache/links";
/// Requests in flight at once over all hosts: each host has its own, lower, limit besides.
const WORKERS: usize = 16;
/// Statuses with which a server refuses HEAD (or answers it wrongly): the URL is asked again with GET.
const HEAD_REFUSED: [u16; 3] = [403, 405, 501];

/// One external URL at one place of the site.
#[derive(Debug, Clone)]
pub struct ExternalLink {
    pub url: String,
    pub location: Location,
    pub excerpt: Excerpt,
    /// What the URL is to a source of `sources:`; `None` in a body.
    pub of_source: Option<SourceUrl>,
}

/// A URL of an entry of `sources:`, by the id of the source: what the help of a failure says
/// depends on whether readers have an archived copy to go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceUrl {
    /// Its `url:`, and whether the source has an `archived:` copy.
    Url { id: String, archived: bool },
    /// Its `archived:` copy.
    Archived { id: String },
}

/// Every `http` and `https` URL of explainer bodies (links and images) and of `sources:` (`url:`
/// and `archived:`), each with its place; in file order.
pub fn collect(site: &Site<'_>) -> Vec<ExternalLink> {
    let mut out = Vec::new();
    for e in &site.explainers {
        let source = SourceFile::new(&e.file.path, &e.file.text);
        let place = |url: &str, (offset, len): (usize, usize), of_source: Option<SourceUrl>| {
            let (location, excerpt) = source.locate(offset, len);
            ExternalLink { url: url.to_string(), location, excerpt, of_source }
        };
        for link in e.body.links.iter().filter(|l| !l.removed && !l.is_email && is_external(&l.dest)) {
            out.push(place(&link.dest, (link.offset, link.len), None));
        }
        let Ok(split) = crate::frontmatter::split(&source) else { continue };
        let places = crate::frontmatter::LintPlaces::find(&source, &split, &e.meta);
        for (entry, &(id_at, id_len)) in e.meta.sources.iter().zip(&places.sources) {
            let id = entry.id.clone();
            let urls = [
                (entry.url.as_deref(), SourceUrl::Url { id: id.clone(), archived: entry.archived.is_some() }),
                (entry.archived.as_deref(), SourceUrl::Archived { id }),
            ];
            for (url, of_source) in urls {
                let Some(url) = url.filter(|u| is_external(u)) else { continue };
                // at the URL as written after the source's id, or at the id
                let at = e
                    .file
                    .text
                    .get(id_at..)
                    .and_then(|rest| rest.find(url))
                    .map_or((id_at, id_len), |i| (id_at + i, url.len()));
                out.push(place(url, at, Some(of_source)));
            }
        }
    }
    out
}

fn is_external(url: &str) -> bool {
    let lower = |prefix: &str| url.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix));
    lower("http://") || lower("https://")
}

/// What a request found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "lowercase")]
pub enum Outcome {
    /// A 2xx answer, or a temporary redirect.
    Ok,
    /// A permanent redirect (301, 308) to this URL.
    Moved(String),
    /// A 4xx or 5xx answer, or a DNS, TLS, connection failure or timeout: why.
    Broken(String),
}

/// How `check --external` requests.
#[derive(Debug, Clone)]
pub struct Options {
    /// Requests in flight at once to one host.
    pub per_host: usize,
    pub timeout: Duration,
    /// How long a cached result stays good.
    pub max_age: Duration,
    /// Now, in seconds since the Unix epoch (results are stamped with it).
    pub now: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    /// By URL: when it was requested (seconds since the Unix epoch) and what was found.
    links: BTreeMap<String, (u64, Outcome)>,
}

/// What `check --external` found: the diagnostics and how many URLs it asked for.
#[derive(Debug, Default)]
pub struct Report {
    /// Broken links, grouped by host (host, its warnings in file order).
    pub broken: BTreeMap<String, Vec<Diagnostic>>,
    /// Permanent redirects, as warnings printed as notes.
    pub moved: Vec<Diagnostic>,
    /// Problems with the cache (it could not be read or written): warnings.
    pub cache: Vec<Diagnostic>,
    /// Distinct URLs, and how many of them were requested (not found in the cache).
    pub urls: usize,
    pub requested: usize,
}

/// Checks every link of `links`, with the cache of the site at `root`.
pub fn check(root: &Path, links: &[ExternalLink], options: &Options) -> Report {
    let mut report = Report::default();
    let cache_path = root.join(CACHE_FILE);
    let mut cache = read_cache(&cache_path, &mut report.cache);
    let max_age = options.max_age.as_secs();
    cache.links.retain(|_, (when, _)| options.now.saturating_sub(*when) < max_age && *when <= options.now);
    let urls: BTreeSet<&str> = links.iter().map(|l| l.url.as_str()).collect();
    let wanted: Vec<&str> = urls.iter().copied().filter(|u| !cache.links.contains_key(*u)).collect();
    (report.urls, report.requested) = (urls.len(), wanted.len());
    for (url, outcome) in request_all(&wanted, options) {
        cache.links.insert(url, (options.now, outcome));
    }
    if !wanted.is_empty()
        && let Err(e) = write_cache(&cache_path, &cache)
    {
        report.cache.push(Diagnostic::warning(format!("cannot write {CACHE_FILE}: {e}")).code(Code::LinkCache));
    }
    for link in links {
        let Some((_, outcome)) = cache.links.get(&link.url) else { continue };
        let placed =
            |message: String| Diagnostic::warning(message).placed((link.location.clone(), link.excerpt.clone()));
        match outcome {
            Outcome::Ok => {}
            Outcome::Moved(to) => report.moved.push(
                placed(format!("moved permanently to {to}"))
                    .code(Code::ExternalRedirect)
                    .with_help("link to the new URL: the old one may stop redirecting"),
            ),
            Outcome::Broken(why) => {
                let help = help_for(link.of_source.as_ref());
                let d =
                    placed(format!("broken link: {why}: {}", link.url)).code(Code::ExternalLinkBroken).with_help(help);
                report.broken.entry(host_of(&link.url)).or_default().push(d);
            }
        }
    }
    report.broken.values_mut().for_each(|ds| crate::diagnostics::sort(ds));
    crate::diagnostics::sort(&mut report.moved);
    report
}

/// What to do about a broken link: for a source's URL, it depends on its archived copy.
fn help_for(of_source: Option<&SourceUrl>) -> String {
    match of_source {
        Some(SourceUrl::Url { id, archived: false }) => format!(
            "the source `{id}` has no archived copy: add `archived:` with a copy of it (from the Wayback Machine or archive.today) so readers can still read it"
        ),
        Some(SourceUrl::Url { id, archived: true }) => {
            format!(
                "readers can still follow the archived copy of the source `{id}`; update `url:` if the document moved"
            )
        }
        Some(SourceUrl::Archived { id }) => {
            format!("the archived copy of the source `{id}` fails: link to another copy")
        }
        None => "fix the URL, link to an archived copy, or remove the link".to_string(),
    }
}

/// The host (with its port, when it has one) that limits apply to and the report groups by.
fn host_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => String::new(),
        },
        Err(_) => String::new(),
    }
}

/// Reads the cache; a missing one is empty, a corrupt one is ignored with a warning.
fn read_cache(path: &Path, warnings: &mut Vec<Diagnostic>) -> CacheFile {
    let text = match std::fs::read(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return CacheFile::default(),
        Err(e) => {
            warnings.push(
                Diagnostic::warning(format!("cannot read {CACHE_FILE}: {e}; checking every link"))
                    .code(Code::LinkCache),
            );
            return CacheFile::default();
        }
    };
    serde_json::from_slice(&text).unwrap_or_else(|e| {
        warnings.push(
            Diagnostic::warning(format!("{CACHE_FILE} is not a cache of links ({e}); it is ignored and replaced"))
                .code(Code::LinkCache),
        );
        CacheFile::default()
    })
}

/// Writes the cache to a new file beside it, then renames it over the old one: a run stopped
/// half way leaves the old cache whole.
fn write_cache(path: &Path, cache: &CacheFile) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let fresh: PathBuf = path.with_extension("new");
    let json = serde_json::to_vec(cache).map_err(std::io::Error::other)?;
    std::fs::write(&fresh, json)?;
    std::fs::rename(&fresh, path)
}

/// The URLs not yet asked for, by host, and how many requests each host has in flight.
#[derive(Default)]
struct Queue {
    waiting: BTreeMap<String, VecDeque<String>>,
    in_flight: BTreeMap<String, usize>,
    done: Vec<(String, Outcome)>,
}

impl Queue {
    /// The next URL of a host below its limit, counted as in flight.
    fn take(&mut self, per_host: usize) -> Option<(String, String)> {
        let host = self
            .waiting
            .iter()
            .find(|(host, _)| self.in_flight.get(*host).copied().unwrap_or(0) < per_host)
            .map(|(host, _)| host.clone())?;
        let urls = self.waiting.get_mut(&host)?;
        let url = urls.pop_front()?;
        // a host with nothing left is not looked at again
        if urls.is_empty() {
            self.waiting.remove(&host);
        }
        *self.in_flight.entry(host.clone()).or_default() += 1;
        Some((host, url))
    }

    fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }
}

/// Requests every URL, at most `options.per_host` at once per host and [`WORKERS`] in all.
fn request_all(urls: &[&str], options: &Options) -> Vec<(String, Outcome)> {
    if urls.is_empty() {
        return Vec::new();
    }
    let mut queue = Queue::default();
    for url in urls {
        queue.waiting.entry(host_of(url)).or_default().push_back(url.to_string());
    }
    let agent = agent(options.timeout);
    let state = (Mutex::new(queue), Condvar::new());
    let per_host = options.per_host.max(1);
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(urls.len()) {
            scope.spawn(|| worker(&state, &agent, per_host));
        }
    });
    let (queue, _) = state;
    let mut done = queue.into_inner().map(|q| q.done).unwrap_or_default();
    done.sort();
    done
}

/// Takes URLs from the queue until none is left, waiting while every host with URLs left is at
/// its limit.
fn worker((queue, changed): &(Mutex<Queue>, Condvar), agent: &ureq::Agent, per_host: usize) {
    let Ok(mut q) = queue.lock() else { return };
    loop {
        if let Some((host, url)) = q.take(per_host) {
            drop(q);
            let outcome = request(agent, &url);
            let Ok(mut again) = queue.lock() else { return };
            if let Some(n) = again.in_flight.get_mut(&host) {
                *n -= 1;
            }
            again.done.push((url, outcome));
            changed.notify_all();
            q = again;
        } else if q.is_empty() {
            return;
        } else {
            let Ok(woken) = changed.wait(q) else { return };
            q = woken;
        }
    }
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(timeout))
        .user_agent(concat!("dossier-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// HEAD, then GET when HEAD fails or is refused; the body of a GET is not read.
fn request(agent: &ureq::Agent, url: &str) -> Outcome {
    let answer = match agent.head(url).call() {
        Ok(r) if !HEAD_REFUSED.contains(&r.status().as_u16()) => Ok(r),
        // a server that does not answer HEAD in time is not asked twice
        Err(e @ ureq::Error::Timeout(_)) => Err(e),
        _ => agent.get(url).call(),
    };
    match answer {
        Ok(response) => outcome_of(url, &response),
        Err(e) => Outcome::Broken(failure(&e)),
    }
}

fn outcome_of(url: &str, response: &ureq::http::Response<ureq::Body>) -> Outcome {
    let status = response.status();
    let code = status.as_u16();
    if code == 301 || code == 308 {
        let to = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("");
        // a relative Location is resolved against the URL asked for
        let to = url::Url::parse(url).and_then(|base| base.join(to)).map_or_else(|_| to.to_string(), String::from);
        return Outcome::Moved(to);
    }
    if status.is_client_error() || status.is_server_error() {
        return Outcome::Broken(format!("{code} {}", status.canonical_reason().unwrap_or("")).trim_end().to_string());
    }
    Outcome::Ok
}

/// Why a request failed, in words.
fn failure(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".to_string(),
        ureq::Error::HostNotFound => "host not found (DNS)".to_string(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => "timed out".to_string(),
        // the system resolver's failures come as I/O errors
        ureq::Error::Io(io) if io.to_string().contains("lookup address") => format!("host not found (DNS): {io}"),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => format!("TLS failure: {e}"),
        _ => e.to_string(),
    }
}
