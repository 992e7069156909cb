//! The command line: clap derive structs, one typed argument struct per command.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "dossier",
    version,
    about = "Build sites of policy explainers: sourced articles with actor and topic pages and checked cross-links.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (all or nothing)
    Build(BuildArgs),
    /// Check everything a build would, and write nothing
    Check(CheckArgs),
    /// Create a new explainer, actor or topic file
    New(NewArgs),
    /// Create a new site in DIR
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site's folder (the one with site.toml)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output folder (default: `output_dir` of site.toml, relative to the site)
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Use this base URL instead of site.toml's `base_url`
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include explainers marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Print the time each stage took
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,
    /// Include explainers marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// An explainer, in content/articles/
    Article,
    /// An actor profile, in content/actors/
    Actor,
    /// A topic profile, in content/topics/
    Topic,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to create
    pub kind: NewKind,
    /// Its title (or, for an actor, its name); the file name is made from it
    pub title: String,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder for the new site (must not exist, or be empty)
    pub dir: PathBuf,
}
