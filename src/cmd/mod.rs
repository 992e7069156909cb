//! One module per command; each turns its typed arguments into work and an exit code.

pub mod build;
pub mod check;
pub mod import;
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

/// The environment variable that sets the build's clock: a day (`2025-01-01`) or an RFC 3339
/// instant, of which the UTC day is taken. Tests set it; so can a build of a given day.
pub const CLOCK_VARIABLE: &str = "DOSSIER_NOW";

/// The build's day from [`CLOCK_VARIABLE`]: `None` when it is not set (the system clock's UTC day
/// is used), a usage error (exit code 2) when it is not a date.
pub fn clock() -> Result<Option<chrono::NaiveDate>, ExitCode> {
    let Some(value) = std::env::var_os(CLOCK_VARIABLE).filter(|v| !v.is_empty()) else { return Ok(None) };
    let text = value.to_string_lossy();
    match crate::date::Date::parse(&text) {
        Ok(date) => Ok(Some(crate::assemble::utc_day(&date))),
        Err(e) => {
            eprintln!("error: {CLOCK_VARIABLE}: {}", diagnostics::escape_control(&e));
            Err(ExitCode::from(EXIT_USAGE))
        }
    }
}

/// What `build` says of the explainers it left out for their dates, and the next day on which a
/// build would publish or withdraw one (for a scheduled job); `None` when dates change nothing.
pub fn schedule_line(schedule: &crate::assemble::Schedule) -> Option<String> {
    let crate::assemble::Schedule { scheduled, expired, next_change } = *schedule;
    if scheduled + expired == 0 && next_change.is_none() {
        return None;
    }
    let noun = if scheduled + expired == 1 { "explainer" } else { "explainers" };
    let next = match next_change {
        Some(day) => format!("the output changes next on {day} (UTC): build again that day"),
        None => "no date ahead changes the output".to_string(),
    };
    Some(format!("Left out {scheduled} scheduled and {expired} expired {noun}; {next}"))
}
