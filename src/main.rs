//! The `dossier` binary: parses the command line and hands over to the command's module.

use clap::Parser;
use dossier::cli::{Cli, Command};
use dossier::cmd;
use std::process::ExitCode;

/// mimalloc: builds allocate many small strings on several threads; it is faster than the
/// system allocator there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (the same in its versions 2 and 3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Build(_) | Command::Check(_)) {
        // a build is short: keep freed memory for reuse instead of giving it back and taking it
        // again (which costs a fifth of a build in zeroed pages)
        // SAFETY: sets a plain integer option of the allocator, before any other thread runs.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
        // and take memory from the system in small pages: a build's few hundred megabytes are
        // faster to fault in 4 KiB at a time than to wait for the kernel to assemble huge pages
        // (measured with `bench/compare`: a tenth less system time and memory)
        #[cfg(target_os = "linux")]
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
    match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Preview(args) => cmd::preview::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Import(source) => cmd::import::run(source),
    }
}
