//! dossier: a static site generator for policy explainers. See ARCHITECTURE.md for the map.

// Diagnostics are errors of the cold path: their size does not matter, their detail does.
#![allow(clippy::result_large_err)]

pub mod assemble;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod date;
pub mod diagnostics;
pub mod frontmatter;
pub mod highlight;
pub mod load;
pub mod markdown;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod search;
pub mod serve;
pub mod slug;
pub mod theme;
pub mod urls;
pub mod words;
pub mod yaml;
