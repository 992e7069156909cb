//! dossier: a static site generator for policy explainers. See ARCHITECTURE.md for the map.

// Diagnostics are errors of the cold path: their size does not matter, their detail does.
#![allow(clippy::result_large_err)]

pub mod assemble;
pub mod build_cache;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod date;
pub mod diagnostics;
pub mod extra;
pub mod frontmatter;
pub mod highlight;
pub mod i18n;
pub mod images;
pub mod import;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod output;
pub mod page_ids;
pub mod parse;
pub mod pipeline;
pub mod publish;
pub mod render;
pub mod search;
pub mod serve;
pub mod slug;
pub mod theme;
pub mod urls;
pub mod words;
pub mod yaml;

/// The most items one rayon job takes in per-file and per-page loops. Rayon splits a loop into
/// few large jobs when no thread is idle, and a job is never split once it runs: without this
/// bound, one thread could finish a stage alone on the last large job while the other waits (at
/// 10,000 explainers, 30 ms at the end of parsing). Jobs of 64 cost nothing to hand out.
pub(crate) const ITEMS_PER_JOB: usize = 64;
