//! stub
use crate::diagnostics::Diagnostic;
use crate::import::archive::Archive;
use std::path::Path;

pub fn read(_src: &Path) -> Result<Archive, Vec<Diagnostic>> {
    Err(vec![])
}
