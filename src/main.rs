//! The `dossier` binary: parses the command line and hands over to the command's module.

use clap::Parser;
use dossier::cli::{Cli, Command};
use dossier::cmd;
use std::process::ExitCode;

/// mimalloc: builds allocate many small strings on several threads; it is faster than the
/// system allocator there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Preview(args) => cmd::preview::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Init(args) => cmd::init::run(args),
    }
}
