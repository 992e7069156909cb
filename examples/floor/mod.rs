//! What the two floor examples share, so that both measure the same files and the same Markdown:
//! the content files of a site, and a file split into its front matter and its body.

use std::path::{Path, PathBuf};

/// Every Markdown file under `SITE_DIR/content`, in the order of a walk.
pub fn content_files(site_dir: &str) -> Vec<PathBuf> {
    walkdir::WalkDir::new(Path::new(site_dir).join("content"))
        .into_iter()
        .map(|entry| entry.expect("readable content"))
        .filter(|entry| entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md"))
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// (front matter, body) of a content file; no front matter when it does not start with `---`.
pub fn split(text: &str) -> (&str, &str) {
    match text.strip_prefix("---\n").and_then(|rest| rest.split_once("\n---\n")) {
        Some((front, body)) => (front, body),
        None => ("", text),
    }
}
