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
    /// Build in memory, serve on a local address, rebuild and reload pages on every change
    Serve(ServeArgs),
    /// Serve a built output folder as a static host would, under the base URL's path
    Preview(PreviewArgs),
    /// Create a new explainer, actor or topic file
    New(NewArgs),
    /// Create a new site in DIR
    Init(InitArgs),
    /// Write a new dossier site from a Hugo or Zola site (or a WordPress export), with a
    /// MIGRATION.md report
    #[command(subcommand)]
    Import(ImportSource),
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
    /// Include explainers dated after today (UTC; `DOSSIER_NOW` sets the day)
    #[arg(long)]
    pub future: bool,
    /// Print the time each stage took
    #[arg(long)]
    pub timings: bool,
    /// Replace the output folder even if dossier did not make it (no manifest beside it) and it
    /// holds files: they are moved aside to .<name>.dossier-previous and deleted by the next build
    #[arg(long)]
    pub force: bool,
    /// Build without the build cache (.dossier-cache/build.bin): render and write every page, and
    /// leave no cache behind
    #[arg(long)]
    pub no_cache: bool,
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
    /// Include explainers dated after today (UTC; `DOSSIER_NOW` sets the day)
    #[arg(long)]
    pub future: bool,
    /// Also request every external link of bodies and sources, and report those that fail
    #[arg(long)]
    pub external: bool,
    /// With --external: requests in flight at once to one host
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64), requires = "external")]
    pub per_host: u16,
    /// With --external: seconds a request may take before the link counts as broken
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600), requires = "external")]
    pub timeout: u64,
    /// With --external: days a result in .dossier-cache/links stays good (0 asks again)
    #[arg(long, value_name = "DAYS", default_value_t = 7, requires = "external")]
    pub cache_days: u32,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Address to listen on (loopback unless you choose otherwise)
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Include explainers marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Include explainers dated after today (UTC; `DOSSIER_NOW` sets the day)
    #[arg(long)]
    pub future: bool,
    /// Print the time each stage of every rebuild took
    #[arg(long)]
    pub timings: bool,
    /// Start without the parse cache (.dossier-cache/parse.bin, .dossier-cache/serve/): parse
    /// every file, and leave no cache behind
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The built folder (default: `output_dir` of ./site.toml, or `public`)
    pub dir: Option<PathBuf>,
    /// Address to listen on
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Serve under this URL's path (default: the base URL the folder was built for)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
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
    /// The version in this language of a multilingual site (`languages` in site.toml):
    /// writes `<slug>.<lang>.md`
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder for the new site (must not exist, or be empty)
    pub dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// Import a Hugo site (its folder, with hugo.toml, config.toml or config/_default/)
    Hugo(ImportSiteArgs),
    /// Import a Zola site (its folder, with config.toml)
    Zola(ImportSiteArgs),
    /// Import a WordPress export (Tools → Export → All content: a WXR .xml file)
    Wordpress(ImportWordPressArgs),
}

#[derive(Debug, Args)]
pub struct ImportWordPressArgs {
    /// The WordPress export (WXR) file (never modified)
    pub export: PathBuf,
    /// Folder for the new dossier site (must not exist, or be empty, unless --force)
    pub dst: PathBuf,
    /// The site's wp-content/uploads folder: the images and files posts use are copied beside them
    #[arg(long, value_name = "DIR")]
    pub uploads: Option<PathBuf>,
    #[command(flatten)]
    pub options: ImportOptions,
}

#[derive(Debug, Args)]
pub struct ImportSiteArgs {
    /// The source site's folder (never modified)
    pub src: PathBuf,
    /// Folder for the new dossier site (must not exist, or be empty, unless --force)
    pub dst: PathBuf,
    #[command(flatten)]
    pub options: ImportOptions,
}

/// What every `import` takes, whatever the source.
#[derive(Debug, Args)]
pub struct ImportOptions {
    /// How taxonomies become topics and actors, and which terms to rename or merge (see
    /// docs/import.md)
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Replace DST even if it holds files
    #[arg(long)]
    pub force: bool,
}
