//! One module per command; each turns its typed arguments into work and an exit code.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod preview;
pub mod serve;

use crate::diagnostics::{self, Diagnostic, Limits};
use std::io::Write;
use std::process::ExitCode;

/// Content or template errors.
pub const EXIT_ERRORS: u8 = 1;
/// The command line was wrong (clap uses 2 for its own usage errors too).
pub const EXIT_USAGE: u8 = 2;

/// Prints diagnostics to stderr, each followed by a blank line, bounded as
/// [`diagnostics::render_bounded`] says: ten thousand errors of one kind in one file print twenty
/// and a count, each with an excerpt of at most about 120 columns.
pub fn report(diagnostics: &[Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let text = diagnostics::render_bounded(diagnostics, Limits::TERMINAL);
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints the errors and a closing line that counts them all (also those only counted), and
/// returns exit code 1.
pub fn fail(diagnostics: &[Diagnostic], consequence: &str) -> ExitCode {
    report(diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let plural = if errors == 1 { "" } else { "s" };
    eprintln!("error: {} error{plural} found; {consequence}", diagnostics::thousands(errors));
    ExitCode::from(EXIT_ERRORS)
}

/// A path as printed to the terminal: its control characters escaped (a folder name could hold a
/// terminal escape sequence).
pub fn shown(path: &std::path::Path) -> String {
    crate::diagnostics::escape_control(&path.display().to_string()).into_owned()
}

/// `1.23 s` or `450 ms`.
pub fn seconds(d: std::time::Duration) -> String {
    if d.as_secs_f64() >= 1.0 { format!("{:.2} s", d.as_secs_f64()) } else { format!("{} ms", d.as_millis()) }
}
