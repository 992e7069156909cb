//! One module per command; each turns its typed arguments into work and an exit code.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod preview;
pub mod serve;

use crate::diagnostics::Diagnostic;
use std::io::Write;
use std::process::ExitCode;

/// Content or template errors.
pub const EXIT_ERRORS: u8 = 1;
/// The command line was wrong (clap uses 2 for its own usage errors too).
pub const EXIT_USAGE: u8 = 2;

/// Prints diagnostics to stderr, each followed by a blank line.
pub fn report(diagnostics: &[Diagnostic]) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    for d in diagnostics {
        let _ = writeln!(out, "{d}");
    }
}

/// Prints the errors and a closing line that counts them, and returns exit code 1.
pub fn fail(diagnostics: &[Diagnostic], consequence: &str) -> ExitCode {
    report(diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let plural = if errors == 1 { "" } else { "s" };
    eprintln!("error: {errors} error{plural} found; {consequence}");
    ExitCode::from(EXIT_ERRORS)
}

/// `1.23 s` or `450 ms`.
pub fn seconds(d: std::time::Duration) -> String {
    if d.as_secs_f64() >= 1.0 { format!("{:.2} s", d.as_secs_f64()) } else { format!("{} ms", d.as_millis()) }
}
