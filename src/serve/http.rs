//! The HTTP side of `serve` and `preview` (axum on tokio): safe paths, content types, `HEAD`,
//! the site's 404 page, and for `serve` the reload events and the error overlay.

use super::session::Snapshot;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

/// The path of the reload event stream in `serve`.
pub const EVENTS_PATH: &str = "/__dossier/events";

/// Where responses come from.
pub enum Files {
    /// `serve`: the session's snapshot, with the last build error if the last edit broke it.
    Live(RwLock<Live>),
    /// `preview`: a built output folder, served under `base_path`.
    Folder { root: PathBuf, base_path: String },
}

#[derive(Default)]
pub struct Live {
    /// Updated in place under the write lock after each good build.
    pub snapshot: Snapshot,
    /// The diagnostics of the last rebuild, when it failed (shown over every page).
    pub error: Option<String>,
    /// Whether any build has succeeded yet.
    pub built: bool,
}

pub struct AppState {
    pub files: Files,
    pub reloads: broadcast::Sender<u64>,
}

/// A server bound to its address but not yet serving, so that the command can print the address
/// (and `serve` build the site) first. The one place `serve` and `preview` start HTTP.
pub struct BoundServer {
    runtime: tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    pub address: std::net::SocketAddr,
}

impl BoundServer {
    /// Starts the runtime and binds; the error is the line to print.
    pub fn bind(ip: std::net::IpAddr, port: u16) -> Result<BoundServer, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind((ip, port)))
            .map_err(|e| format!("cannot listen on {ip}:{port}: {e}"))?;
        let address = listener.local_addr().expect("a bound listener has an address");
        Ok(BoundServer { runtime, listener, address })
    }

    /// Serves until Ctrl-C; the error is the line to print.
    pub fn serve(self, state: Arc<AppState>) -> Result<(), String> {
        let BoundServer { runtime, listener, .. } = self;
        runtime
            .block_on(async move {
                axum::serve(listener, router(state))
                    .with_graceful_shutdown(async {
                        let _ = tokio::signal::ctrl_c().await;
                    })
                    .await
            })
            .map_err(|e| format!("the server stopped: {e}"))
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new().route(EVENTS_PATH, get(events)).fallback(serve_path).with_state(state)
}

async fn events(
    State(state): State<Arc<AppState>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(state.reloads.subscribe())
        .filter_map(|version| version.ok())
        .map(|version| Ok(Event::default().event("reload").data(version.to_string())));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// A request path made safe: percent-decoded, `/`-separated segments, no `.`, `..`, backslash or
/// NUL anywhere. `None` for anything that tries to leave the site.
pub fn safe_path(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            s => segments.push(s),
        }
    }
    let mut path = segments.join("/");
    if decoded.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

fn content_type(path: &str) -> HeaderValue {
    if path.ends_with("atom.xml") {
        return HeaderValue::from_static("application/atom+xml; charset=utf-8");
    }
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text =
        mime.type_() == "text" || mime.subtype() == "javascript" || mime.subtype() == "json" || mime.subtype() == "xml";
    let value = if text { format!("{mime}; charset=utf-8") } else { mime.to_string() };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

fn respond(status: StatusCode, path: &str, bytes: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, content_type(path));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response.headers_mut().insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    response
}

fn text(status: StatusCode, message: &str) -> Response {
    respond(status, "x.txt", message.as_bytes().to_vec())
}

fn redirect(to: &str) -> Response {
    let mut response = text(StatusCode::MOVED_PERMANENTLY, to);
    if let Ok(location) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

async fn serve_path(State(state): State<Arc<AppState>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let Some(path) = safe_path(uri.path()) else {
        return text(StatusCode::BAD_REQUEST, "bad path");
    };
    match &state.files {
        Files::Live(live) => {
            let (found, not_found, error, built) = {
                let live = live.read().expect("no handler panics holding the snapshot");
                let found = find(&path, |p| live.snapshot.get(p));
                let not_found = matches!(found, Found::Nothing).then(|| live.snapshot.get("404.html")).flatten();
                (found, not_found, live.error.clone(), live.built)
            };
            if !built {
                let page = error_page(error.as_deref().unwrap_or("The site is being built."));
                return respond(StatusCode::SERVICE_UNAVAILABLE, "x.html", page);
            }
            let (status, file, bytes) = match found {
                Found::File(file, bytes) => (StatusCode::OK, file, bytes),
                Found::Slash => return redirect(&format!("/{path}/")),
                Found::Nothing => match not_found {
                    Some(bytes) => (StatusCode::NOT_FOUND, "404.html".to_string(), bytes),
                    None => return text(StatusCode::NOT_FOUND, "not found"),
                },
            };
            let bytes = if file.ends_with(".html") { inject(&bytes, error.as_deref()) } else { bytes.to_vec() };
            respond(status, &file, bytes)
        }
        Files::Folder { root, base_path } => {
            let Some(rel) = path.strip_prefix(base_path.trim_start_matches('/')).or(if base_path == "/" {
                Some(&path)
            } else {
                None
            }) else {
                if path.is_empty() {
                    return redirect(base_path);
                }
                return not_found_in(root);
            };
            let rel = rel.to_string();
            match find(&rel, |p| read_inside(root, p)) {
                Found::File(file, bytes) => respond(StatusCode::OK, &file, bytes.to_vec()),
                Found::Slash => redirect(&format!("/{path}/")),
                Found::Nothing => not_found_in(root),
            }
        }
    }
}

fn not_found_in(root: &Path) -> Response {
    match read_inside(root, "404.html") {
        Some(bytes) => respond(StatusCode::NOT_FOUND, "404.html", bytes.to_vec()),
        None => text(StatusCode::NOT_FOUND, "not found"),
    }
}

/// Reads a file of the output folder, refusing anything that resolves outside it (symlinks too).
fn read_inside(root: &Path, rel: &str) -> Option<Arc<Vec<u8>>> {
    if Path::new(rel).components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let full = root.join(rel).canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    if !full.starts_with(&root) || !full.is_file() {
        return None;
    }
    std::fs::read(full).ok().map(Arc::new)
}

enum Found {
    File(String, Arc<Vec<u8>>),
    /// A folder asked for without its `/`: static hosts redirect.
    Slash,
    Nothing,
}

/// Looks a path up as a static host does: the file, or the folder's `index.html`.
fn find(path: &str, get: impl Fn(&str) -> Option<Arc<Vec<u8>>>) -> Found {
    if path.is_empty() || path.ends_with('/') {
        let index = format!("{path}index.html");
        return match get(&index) {
            Some(bytes) => Found::File(index, bytes),
            None => Found::Nothing,
        };
    }
    if let Some(bytes) = get(path) {
        return Found::File(path.to_string(), bytes);
    }
    if get(&format!("{path}/index.html")).is_some() { Found::Slash } else { Found::Nothing }
}

/// The reload script, and the error overlay when the last edit did not build. Only `serve`
/// adds these, and only to what it sends: built files never contain them.
fn inject(html: &[u8], error: Option<&str>) -> Vec<u8> {
    let mut extra = String::from(
        "<script>(function(){var s=new EventSource(\"/__dossier/events\");s.addEventListener(\"reload\",function(){location.reload();});})();</script>\n",
    );
    if let Some(error) = error {
        extra.push_str(&overlay(error));
    }
    let html = String::from_utf8_lossy(html);
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]).into_bytes(),
        None => format!("{html}{extra}").into_bytes(),
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String");
    out
}

fn overlay(error: &str) -> String {
    format!(
        "<div id=\"dossier-error\" role=\"alert\" style=\"position:fixed;left:0;right:0;bottom:0;max-height:70vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#1f0d0d;color:#ffe9e9;border-top:4px solid #e5484d;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap\"><strong style=\"font:600 15px/1.4 system-ui,sans-serif\">dossier: the last change does not build. Showing the last good version until it is fixed.</strong>\n\n{}</div>\n",
        escape(error)
    )
}

/// The page served before any build succeeded.
fn error_page(error: &str) -> Vec<u8> {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>dossier: the site does not build</title></head><body><main><h1>The site does not build yet</h1></main>{}</body></html>",
        overlay(error)
    );
    inject(body.as_bytes(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_site() {
        assert_eq!(safe_path("/articles/x/").as_deref(), Some("articles/x/"));
        assert_eq!(safe_path("/").as_deref(), Some(""));
        assert_eq!(safe_path("//etc/passwd").as_deref(), Some("etc/passwd"));
        assert_eq!(safe_path("/a%20b.html").as_deref(), Some("a b.html"));
        for bad in ["/../etc/passwd", "/a/%2e%2e/%2e%2e/x", "/a/..%2f..%2fx", "/a\\..\\b", "/x%00", "/%2E%2E/"] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn injection_goes_before_the_body_ends() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>", Some("error: <bad>"))).unwrap();
        assert!(out.contains("EventSource(\"/__dossier/events\")"));
        assert!(out.contains("error: &lt;bad&gt;"));
        assert!(out.ends_with("</div>\n</body></html>"));
    }

    #[test]
    fn folders_need_their_slash() {
        let get = |p: &str| (p == "a/index.html").then(|| Arc::new(b"x".to_vec()));
        assert!(matches!(find("a", get), Found::Slash));
        assert!(matches!(find("a/", get), Found::File(ref f, _) if f == "a/index.html"));
        assert!(matches!(find("b", get), Found::Nothing));
    }
}
