//! `serve` and `preview`: the pipeline kept in memory behind a local web server, with a watcher
//! that rebuilds what an edit changes and tells open pages to reload.

pub mod changes;
pub mod fingerprint;
pub mod http;
pub mod session;
pub mod watch;
