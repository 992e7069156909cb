//! The HTTP side of `serve` and `preview` (axum on tokio): safe paths, content types, `HEAD`,
//! the site's 404 page, and for `serve` the reload events and the error overlay; a header
//! timeout and a connection cap so that no client can starve the others.

use super::session::Snapshot;
use axum::Extension;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, broadcast, watch};
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
    /// The first build is publishing its pages as they render (and then its search index): a
    /// file not in the snapshot yet may be on its way, so a request for one waits for the next
    /// publication rather than getting a 404 (see [`Live::publish`]).
    pub publishing: bool,
    /// Counts publications while `publishing`: what a waiting request waits on.
    pub published: watch::Sender<u64>,
}

impl Live {
    /// Adds a page the first build just rendered, and wakes the requests waiting for one.
    pub fn publish(live: &RwLock<Live>, path: String, bytes: Arc<Vec<u8>>) {
        let mut live = live.write().expect("no handler panics holding the snapshot");
        live.snapshot.pages.insert(path, bytes);
        live.published.send_modify(|n| *n += 1);
    }

    /// Ends the first build's publishing (`built` and `error` set as it ended): a file still not
    /// in the snapshot is not there.
    pub fn published_all(live: &RwLock<Live>) {
        let mut live = live.write().expect("no handler panics holding the snapshot");
        live.publishing = false;
        live.published.send_modify(|n| *n += 1);
    }
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
    limits: Limits,
    pub address: std::net::SocketAddr,
}

impl BoundServer {
    /// Starts the runtime and binds; the error is the line to print.
    pub fn bind(ip: std::net::IpAddr, port: u16) -> Result<BoundServer, String> {
        let limits = Limits::for_open_files(raise_open_file_limit());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind((ip, port)))
            .map_err(|e| format!("cannot listen on {ip}:{port}: {e}"))?;
        let address = listener.local_addr().expect("a bound listener has an address");
        Ok(BoundServer { runtime, listener, limits, address })
    }

    /// Serves until Ctrl-C; the error is the line to print.
    pub fn serve(self, state: Arc<AppState>) -> Result<(), String> {
        let BoundServer { runtime, listener, limits, .. } = self;
        runtime.block_on(run(listener, router(state), limits, async {
            let _ = tokio::signal::ctrl_c().await;
        }));
        Ok(())
    }
}

/// What keeps one client from starving the others (issue 19): `axum::serve` has no header
/// timeout and no connection cap, so `serve` and `preview` run their own accept loop on hyper.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections open at once. When full, a new connection closes the least recently active
    /// one that is not an event stream (a half-open or idle one), so a flood cannot lock out a
    /// real request: refusing the newcomer, or making it wait, would.
    pub connections: usize,
    /// Reload event streams open at once (one per open tab), inside `connections`. Streams are
    /// long-lived by design and never closed to make room, so they get a cap of their own, a
    /// quarter of the connections at most: the rest always stays for requests. One more stream
    /// is answered 503.
    pub streams: usize,
    /// Time to send a request's headers: from the connection's start, and again from each
    /// response on a kept-alive connection (so it is also the idle keep-alive timeout).
    pub header_timeout: Duration,
    /// How long Ctrl-C waits for requests in flight before the server stops anyway.
    pub shutdown_grace: Duration,
}

/// File descriptors kept for the rest of the process: the runtime, the watcher, files read
/// while building or answering.
const RESERVED_FILES: u64 = 64;

impl Limits {
    /// The limits for a process that may hold `open_files` file descriptors.
    pub fn for_open_files(open_files: u64) -> Limits {
        // a local server: browsers open six connections per host, plus one per tab for reloads
        let connections = open_files.saturating_sub(RESERVED_FILES).clamp(16, 512) as usize;
        Limits {
            connections,
            streams: (connections / 4).min(128),
            header_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(3),
        }
    }
}

/// Raises the soft limit on open files toward the hard one (many systems start at 256 or 1,024)
/// so that the connection cap, not the file limit, is what a flood meets. Returns the soft limit.
fn raise_open_file_limit() -> u64 {
    use rustix::process::{Resource, getrlimit, setrlimit};
    // enough for the connection cap and the rest; no more is needed
    const WANTED: u64 = 4096;
    let limit = getrlimit(Resource::Nofile);
    let Some(current) = limit.current else { return u64::MAX };
    let target = limit.maximum.map_or(WANTED, |hard| hard.min(WANTED));
    if target > current
        && setrlimit(Resource::Nofile, rustix::process::Rlimit { current: Some(target), maximum: limit.maximum })
            .is_ok()
    {
        return target;
    }
    current
}

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then lets requests
/// in flight finish for `limits.shutdown_grace` at most (event streams are closed at once).
pub async fn run(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let connections = Arc::new(Connections::new(limits));
    // `stop` tells connections to finish; `open` is closed once every connection task has ended
    let (stop, stopped) = watch::channel(false);
    let (open, _) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) if is_connection_error(&e) => continue,
            Err(_) => {
                // out of file descriptors (other files count too): make room, then try again
                connections.close_least_active();
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Some(conn) = connections.admit() else { continue };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve_connection(
            stream,
            conn,
            Arc::clone(&connections),
            router.clone(),
            stopped.clone(),
            open.subscribe(),
        ));
    }
    drop(listener);
    let _ = stop.send(true);
    let _ = tokio::time::timeout(limits.shutdown_grace, open.closed()).await;
}

/// Errors of one incoming connection (not of the listener): skip it.
fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset)
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    conn: Arc<Conn>,
    connections: Arc<Connections>,
    router: Router,
    mut stop: watch::Receiver<bool>,
    _open: watch::Receiver<()>,
) {
    let io = TokioIo::new(Tracked { inner: stream, conn: Arc::clone(&conn), epoch: connections.epoch });
    let handle = ConnHandle { conn: Arc::clone(&conn), connections: Arc::clone(&connections) };
    let service = TowerToHyperService::new(router);
    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(handle.clone());
        hyper::service::Service::call(&service, request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(connections.limits.header_timeout).keep_alive(true);
    let mut connection = std::pin::pin!(builder.serve_connection(io, service));
    let mut stopping = false;
    loop {
        tokio::select! {
            // a protocol error or a timeout ends the connection: nothing to report
            _ = connection.as_mut() => break,
            // closed to make room for a newer connection: dropping it closes the socket
            () = conn.close.notified() => break,
            _ = stop.wait_for(|stop| *stop), if !stopping => {
                if conn.stream.load(Ordering::Relaxed) {
                    break;
                }
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
    connections.remove(&conn);
}

/// The open connections, for the cap.
struct Connections {
    limits: Limits,
    /// Activity times are microseconds since this instant.
    epoch: Instant,
    open: Mutex<Open>,
    /// Whether the cap was reached (said once on stderr, not once per connection).
    full_said: AtomicBool,
}

#[derive(Default)]
struct Open {
    next_id: u64,
    by_id: HashMap<u64, Arc<Conn>>,
    streams: usize,
}

/// One open connection.
struct Conn {
    id: u64,
    /// When a byte was last read or written, in microseconds since `Connections::epoch`.
    last_active: AtomicU64,
    /// Whether it carries a reload event stream (then it is never closed to make room).
    stream: AtomicBool,
    /// Told to close, to make room.
    close: Notify,
}

/// The connection a request came on, for the event stream's cap (a request extension).
#[derive(Clone)]
struct ConnHandle {
    conn: Arc<Conn>,
    connections: Arc<Connections>,
}

impl Connections {
    fn new(limits: Limits) -> Connections {
        Connections { limits, epoch: Instant::now(), open: Mutex::default(), full_said: AtomicBool::new(false) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        // the lock is held for bookkeeping only, which does not panic
        self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a new connection, closing the least recently active one if the cap is
    /// reached; `None` (the newcomer is closed) only if every open connection is a stream.
    fn admit(&self) -> Option<Arc<Conn>> {
        let mut open = self.lock();
        if open.by_id.len() >= self.limits.connections {
            if !self.full_said.swap(true, Ordering::Relaxed) {
                eprintln!(
                    "note: {} connections are open at once; the least recently active are closed to make room",
                    self.limits.connections
                );
            }
            Self::close_least_active_in(&mut open)?;
        }
        let id = open.next_id;
        open.next_id += 1;
        let conn = Arc::new(Conn {
            id,
            last_active: AtomicU64::new(micros_since(self.epoch)),
            stream: AtomicBool::new(false),
            close: Notify::new(),
        });
        open.by_id.insert(id, Arc::clone(&conn));
        Some(conn)
    }

    fn close_least_active(&self) {
        Self::close_least_active_in(&mut self.lock());
    }

    /// Closes the connection that was active least recently, streams aside (ties: the oldest).
    fn close_least_active_in(open: &mut Open) -> Option<()> {
        let victim = open
            .by_id
            .values()
            .filter(|c| !c.stream.load(Ordering::Relaxed))
            .min_by_key(|c| (c.last_active.load(Ordering::Relaxed), c.id))?
            .id;
        let conn = open.by_id.remove(&victim)?;
        // a permit is kept if its task is not waiting yet
        conn.close.notify_one();
        Some(())
    }

    /// Marks `conn` as carrying an event stream; false when there are too many.
    fn begin_stream(&self, conn: &Conn) -> bool {
        let mut open = self.lock();
        if conn.stream.load(Ordering::Relaxed) {
            return true;
        }
        if open.streams >= self.limits.streams || !open.by_id.contains_key(&conn.id) {
            return false;
        }
        open.streams += 1;
        conn.stream.store(true, Ordering::Relaxed);
        true
    }

    fn remove(&self, conn: &Conn) {
        let mut open = self.lock();
        if open.by_id.remove(&conn.id).is_some() && conn.stream.load(Ordering::Relaxed) {
            open.streams -= 1;
        }
    }
}

fn micros_since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// A socket that records when it last moved a byte, for choosing which connection to close.
struct Tracked {
    inner: tokio::net::TcpStream,
    conn: Arc<Conn>,
    epoch: Instant,
}

impl Tracked {
    fn touch(&self) {
        self.conn.last_active.store(micros_since(self.epoch), Ordering::Relaxed);
    }
}

impl tokio::io::AsyncRead for Tracked {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        poll
    }
}

impl tokio::io::AsyncWrite for Tracked {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let poll = std::pin::Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(poll, std::task::Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        poll
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let poll = std::pin::Pin::new(&mut self.inner).poll_write_vectored(cx, data);
        if matches!(poll, std::task::Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new().route(EVENTS_PATH, get(events)).fallback(serve_path).with_state(state)
}

async fn events(State(state): State<Arc<AppState>>, conn: Option<Extension<ConnHandle>>) -> Response {
    if let Some(Extension(handle)) = conn
        && !handle.connections.begin_stream(&handle.conn)
    {
        // EventSource does not retry a 503: that page just does not reload by itself
        return text(StatusCode::SERVICE_UNAVAILABLE, "too many pages are open on this server");
    }
    let stream = BroadcastStream::new(state.reloads.subscribe())
        .filter_map(|version| version.ok())
        .map(|version| Ok::<_, Infallible>(Event::default().event("reload").data(version.to_string())));
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
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

async fn serve_path(State(state): State<Arc<AppState>>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
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
            let (found, not_found, error, built) = loop {
                let mut published = {
                    let live = live.read().expect("no handler panics holding the snapshot");
                    let found = find(&path, |p| live.snapshot.get(p));
                    // while the first build publishes, only a file found is the answer: the
                    // others wait for it, or for the end of publishing
                    if !live.publishing || matches!(found, Found::File(..)) {
                        let not_found =
                            matches!(found, Found::Nothing).then(|| live.snapshot.get("404.html")).flatten();
                        break (found, not_found, live.error.clone(), live.built || live.publishing);
                    }
                    // subscribed under the lock: a publication after this look wakes it
                    live.published.subscribe()
                };
                if published.changed().await.is_err() {
                    break (Found::Nothing, None, None, false);
                }
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
                return not_found_in(root, accepts_gzip(&headers));
            };
            let rel = rel.to_string();
            let gzip = accepts_gzip(&headers);
            match find(&rel, |p| read_inside(root, p)) {
                Found::File(file, bytes) => respond_from_folder(root, StatusCode::OK, &file, bytes, gzip),
                Found::Slash => redirect(&format!("/{path}/")),
                Found::Nothing => not_found_in(root, gzip),
            }
        }
    }
}

fn not_found_in(root: &Path, gzip: bool) -> Response {
    match read_inside(root, "404.html") {
        Some(bytes) => respond_from_folder(root, StatusCode::NOT_FOUND, "404.html", bytes, gzip),
        None => text(StatusCode::NOT_FOUND, "not found"),
    }
}

/// Whether the request's `Accept-Encoding` takes gzip (and does not refuse it with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or_default();
            let refused = parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0)));
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        },
    )
}

/// `preview`'s answer with a file of the folder, as a production host gives it: text files over
/// 1 KB gzipped when the client takes gzip, from the `.gz` copy the build wrote when there is
/// one (`[publish] precompress`), else compressed now.
fn respond_from_folder(root: &Path, status: StatusCode, file: &str, bytes: Arc<Vec<u8>>, gzip: bool) -> Response {
    let compressible = crate::publish::precompress::worth(file, bytes.len());
    if !(gzip && compressible) {
        let mut response = respond(status, file, bytes.to_vec());
        if compressible {
            response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        return response;
    }
    let compressed = match read_inside(root, &format!("{file}.gz")) {
        Some(copy) => Some(copy.to_vec()),
        None => crate::publish::precompress::compress(&bytes, crate::config::Compression::Gzip).ok(),
    };
    let Some(compressed) = compressed else { return respond(status, file, bytes.to_vec()) };
    let mut response = respond(status, file, compressed);
    response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
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

    use std::io::{Read, Write};
    // the clients are plain blocking sockets: the test body runs outside the server's workers
    use std::net::TcpStream;

    /// A server on a free port serving a folder with an `index.html`, with short limits.
    struct TestServer {
        address: std::net::SocketAddr,
        reloads: broadcast::Sender<u64>,
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        task: tokio::task::JoinHandle<()>,
        _dir: tempfile::TempDir,
    }

    const LIMITS: Limits = Limits {
        connections: 8,
        streams: 2,
        header_timeout: Duration::from_millis(400),
        shutdown_grace: Duration::from_secs(5),
    };

    async fn start(limits: Limits) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<p>home</p>").unwrap();
        let (reloads, _) = broadcast::channel(4);
        let files = Files::Folder { root: dir.path().to_path_buf(), base_path: "/".into() };
        let state = Arc::new(AppState { files, reloads: reloads.clone() });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(run(listener, router(state), limits, async {
            let _ = stopped.await;
        }));
        TestServer { address, reloads, stop: Some(stop), task, _dir: dir }
    }

    /// Reads until the peer closes; the bytes, or `None` if it is still open after `within`.
    fn read_to_close(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
        let started = Instant::now();
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let left = within.checked_sub(started.elapsed()).filter(|d| !d.is_zero())?;
            stream.set_read_timeout(Some(left)).unwrap();
            match stream.read(&mut buf) {
                Ok(0) => return Some(all),
                Ok(n) => all.extend_from_slice(&buf[..n]),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    return None;
                }
                Err(_) => return Some(all),
            }
        }
    }

    fn half_open(address: std::net::SocketAddr) -> TcpStream {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHost: x").unwrap();
        stream
    }

    fn get(address: std::net::SocketAddr) -> String {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let bytes = read_to_close(&mut stream, Duration::from_secs(1)).expect("an answer within a second");
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Opens the event stream and reads its head.
    fn events_stream(address: std::net::SocketAddr) -> (TcpStream, String) {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        stream.write_all(b"GET /__dossier/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert_eq!(stream.read(&mut byte).unwrap(), 1, "the stream's head");
            head.push(byte[0]);
        }
        (stream, String::from_utf8(head).unwrap())
    }

    fn reads_event(stream: &mut TcpStream) -> bool {
        stream.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        while !String::from_utf8_lossy(&seen).contains("event: reload") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return false,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        true
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn unfinished_headers_and_idle_keep_alive_are_closed_after_the_header_timeout() {
        let server = start(LIMITS).await;
        let started = Instant::now();
        let mut stalled = half_open(server.address);
        let mut silent = TcpStream::connect(server.address).unwrap();
        let mut idle = TcpStream::connect(server.address).unwrap();
        idle.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut answer = vec![0u8; 4096];
        let n = idle.read(&mut answer).unwrap();
        assert!(answer[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer[..n]));
        for stream in [&mut stalled, &mut silent, &mut idle] {
            assert!(read_to_close(stream, Duration::from_secs(3)).is_some(), "closed after the timeout");
        }
        assert!(started.elapsed() >= Duration::from_millis(350), "not before the timeout: {:?}", started.elapsed());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_server_closes_the_least_active_connection_and_answers() {
        let server = start(LIMITS).await;
        let mut flood = Vec::new();
        for _ in 0..40 {
            flood.push(half_open(server.address));
        }
        for _ in 0..5 {
            assert!(get(server.address).starts_with("HTTP/1.1 200"));
        }
        // the oldest were closed to make room, well before their header timeout
        let first = read_to_close(&mut flood[0], Duration::from_millis(200));
        assert_eq!(first.as_deref(), Some(&b""[..]), "closed without an answer");
        let open = server.task.is_finished();
        assert!(!open);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn event_streams_outlive_the_timeout_and_the_flood_and_have_their_own_cap() {
        let server = start(LIMITS).await;
        let (mut one, head) = events_stream(server.address);
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let (mut two, _) = events_stream(server.address);
        let (_, refused) = events_stream(server.address);
        assert!(refused.starts_with("HTTP/1.1 503"), "a third stream is over the cap: {refused}");
        let mut flood = Vec::new();
        for _ in 0..40 {
            flood.push(half_open(server.address));
        }
        assert!(get(server.address).starts_with("HTTP/1.1 200"));
        // past the header timeout, and after a flood that filled the cap many times over
        std::thread::sleep(LIMITS.header_timeout * 2);
        server.reloads.send(1).unwrap();
        assert!(reads_event(&mut one), "the first stream is still open");
        assert!(reads_event(&mut two), "the second stream is still open");
        // a closed stream frees its place
        drop(one);
        std::thread::sleep(Duration::from_millis(100));
        server.reloads.send(2).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        let (_, again) = events_stream(server.address);
        assert!(again.starts_with("HTTP/1.1 200"), "{again}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn shutdown_does_not_wait_for_event_streams() {
        let mut server = start(LIMITS).await;
        let (mut stream, _) = events_stream(server.address);
        let _idle = TcpStream::connect(server.address).unwrap();
        let started = Instant::now();
        server.stop.take().unwrap().send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(2), &mut server.task).await.expect("stopped").unwrap();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(read_to_close(&mut stream, Duration::from_secs(1)).is_some(), "the stream is closed");
    }

    #[test]
    fn limits_follow_the_file_limit_and_leave_room_for_requests() {
        let small = Limits::for_open_files(256);
        assert_eq!((small.connections, small.streams), (192, 48));
        let large = Limits::for_open_files(1 << 20);
        assert_eq!((large.connections, large.streams), (512, 128));
        assert_eq!(Limits::for_open_files(10).connections, 16);
        assert_eq!(large.header_timeout, Duration::from_secs(10));
    }
}
