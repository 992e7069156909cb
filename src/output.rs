//! Write: the one module that writes the output folder, all or nothing (stage in a sibling folder, then swap).
//!
//! The output before last is kept in a hidden sibling (`.public.dossier-previous`) and becomes the
//! next staging folder: files whose bytes did not change are left as they are (and keep their
//! modification time, so deploy tools see what changed), the rest are written, and files the
//! build no longer makes are removed. Nothing is deleted wholesale on the way. Whether a page's
//! bytes changed is known from the folder's manifest (`output/manifest.rs`) when the file is as the build
//! that wrote it left it, and by reading the file otherwise.

mod live;
mod manifest;

use crate::config::Compression;
use crate::diagnostics::{Code, Diagnostic};
use crate::load::{StaticFile, StaticSource};
use crate::publish::precompress;
use crate::render::Sink;
use rustc_hash::{FxHashMap, FxHashSet};
use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

pub use live::Live;
use manifest::{Manifest, Stamp};

const STAGING_MARK: &str = ".dossier-staging-";
const PREVIOUS_MARK: &str = ".dossier-previous";
/// The previous output, kept under this name when a failed commit could not put it back: no
/// build removes it, and the error names it.
const KEPT_MARK: &str = ".dossier-kept-";

/// Refuses output folders whose replacement would destroy the site or more: the site root, a
/// parent of it, `content/` and the other source folders, `/` and the home folder.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let absolute = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                other => out.push(other),
            }
        }
        // resolve symlinks of the part that exists
        std::fs::canonicalize(&out).unwrap_or(out)
    };
    let root = absolute(root);
    let output = absolute(output);
    let refuse = |why: &str| {
        Err(Diagnostic::error(format!("refusing to use {} as the output folder: {why}", output.display()))
            .code(Code::OutputFolder)
            .with_help("choose a folder of its own, such as `public` inside the site"))
    };
    if output.parent().is_none() {
        return refuse("it is the root of the file system");
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && output == absolute(&home)
    {
        return refuse("it is your home folder");
    }
    if root.starts_with(&output) {
        return refuse("it contains the site itself, which a build would replace");
    }
    for source in ["content", "static", "templates", "themes"] {
        let dir = root.join(source);
        if output.starts_with(&dir) || dir.starts_with(&output) {
            return refuse(&format!("it is or holds the site's {source}/ folder"));
        }
    }
    // an output dossier made may hold `content/` or `site.toml` of its own (a site that
    // publishes a `static/content/` folder, as Hugo's documentation imported does): its
    // manifest says it is an output, not a site
    if (output.join("site.toml").exists() || output.join("content").is_dir()) && !made_by_dossier(&output) {
        return refuse("it looks like a dossier site (it has site.toml or content/)");
    }
    Ok(())
}

/// Whether a manifest beside `output` describes it: the folder is a build's output.
fn made_by_dossier(output: &Path) -> bool {
    Beside::new(output).is_ok_and(|(target, beside)| beside.manifest_of(&target).is_some())
}

/// How many threads write files. On disks where each file creation waits on the device (virtual
/// machines, network disks), overlapping those waits is what makes writing fast; the CPU work of
/// rendering stays on rayon's threads.
const WRITER_THREADS: usize = 16;
/// Pages waiting for a writer, at most; rendering pauses when writers fall behind.
const QUEUE: usize = 256;

enum Job {
    /// A file of the theme built into dossier: its path in the output, where it goes, its bytes.
    Write { path: String, dest: PathBuf, bytes: Vec<u8> },
    /// A page, already compared with the file there if any: its path in the output and the hash
    /// of its bytes go into the manifest once it is written; then its compressed copies.
    Page { dest: PathBuf, bytes: Vec<u8>, path: String, hash: u128, compress: Vec<Compression> },
    /// A static file: its path in the output, the file it is copied from, where it goes.
    Copy { path: String, from: PathBuf, dest: PathBuf },
    /// Only the compressed copies of a file written or kept otherwise (a page unchanged, a static
    /// file): its path, where it is, its bytes and their hash.
    Compress { path: String, dest: PathBuf, bytes: Vec<u8>, hash: u128, compress: Vec<Compression> },
}

impl Job {
    fn dest(&self) -> &Path {
        match self {
            Job::Write { dest, .. } | Job::Page { dest, .. } | Job::Copy { dest, .. } | Job::Compress { dest, .. } => {
                dest
            }
        }
    }

    /// The file's path in the output (`articles/x/index.html`), as messages and the manifest
    /// name it.
    fn path(&self) -> &str {
        match self {
            Job::Write { path, .. } | Job::Page { path, .. } | Job::Copy { path, .. } | Job::Compress { path, .. } => {
                path
            }
        }
    }

    /// Runs the job: the file, then its compressed copies; the files made, with their stamps.
    fn run(&self, compare: bool) -> io::Result<Made> {
        let mut made = Vec::new();
        if !matches!(self, Job::Compress { .. }) {
            made.push((self.path().to_string(), run_job(self, compare)?));
        }
        if let Job::Page { path, dest, bytes, hash, compress } | Job::Compress { path, dest, bytes, hash, compress } =
            self
        {
            if let Some(parent) = dest.parent()
                && !compress.is_empty()
            {
                std::fs::create_dir_all(parent)?;
            }
            for &kind in compress {
                let copy = precompress::compress(bytes, kind)?;
                let suffix = precompress::suffix(kind);
                let mut copy_dest = dest.clone().into_os_string();
                copy_dest.push(suffix);
                let mut file = std::fs::File::create(&copy_dest)?;
                io::Write::write_all(&mut file, &copy)?;
                let stamp = file.metadata().ok().and_then(|m| Stamp::new(&m, precompress::stamp_hash(*hash, kind)));
                made.push((format!("{path}{suffix}"), stamp));
            }
        }
        Ok(made)
    }
}

/// The files dossier keeps beside an output folder (`public`): the output before last
/// (`.public.dossier-previous`) and the manifests of both.
struct Beside {
    parent: PathBuf,
    name: String,
    previous: PathBuf,
    manifest: PathBuf,
    /// The manifest of a new output, written before it is swapped in and renamed to `manifest`
    /// after: whichever moment a build is killed at, one of the two describes the output.
    next_manifest: PathBuf,
    previous_manifest: PathBuf,
    /// Present when the output before last holds files dossier did not make, moved aside by the
    /// build that replaced it: the next build must stage (which deletes them), not leave the
    /// output in place ([`Live`]).
    moved_aside: PathBuf,
}

impl Beside {
    /// For the output folder `target` (a symbolic link resolved: the folder is replaced where it
    /// points, and the link stays).
    fn new(target: &Path) -> io::Result<(PathBuf, Beside)> {
        let target = match std::fs::symlink_metadata(target) {
            Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(target)?,
            _ => target.to_path_buf(),
        };
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("public").to_string();
        let beside = Beside {
            previous: parent.join(format!(".{name}{PREVIOUS_MARK}")),
            manifest: parent.join(format!(".{name}.dossier-manifest")),
            next_manifest: parent.join(format!(".{name}.dossier-manifest.next")),
            previous_manifest: parent.join(format!(".{name}{PREVIOUS_MARK}.manifest")),
            moved_aside: parent.join(format!(".{name}{PREVIOUS_MARK}.moved-aside")),
            parent,
            name,
        };
        Ok((target, beside))
    }

    /// The manifest that describes `target`, if one does: the folder is dossier's.
    fn manifest_of(&self, target: &Path) -> Option<&Path> {
        [&self.next_manifest, &self.manifest].into_iter().map(PathBuf::as_path).find(|m| Manifest::describes(m, target))
    }
}

/// The base URL the output folder `output` was built for, as its manifest records it: `None`
/// when no manifest beside it describes it, or it was written by a build that did not record one.
pub fn recorded_base_url(output: &Path) -> Option<String> {
    let (target, beside) = Beside::new(output).ok()?;
    [&beside.manifest, &beside.next_manifest].into_iter().find_map(|m| Manifest::base_url_of(m, &target))
}

/// Refuses an output folder that dossier did not make (no manifest beside it describes it) and
/// that holds files, unless `force`: a build moves the folder aside whole, and the build after
/// it deletes what it held. Entries at its top whose names start with `.` (`.git`) are carried
/// into every new output and do not count. `shown` is the folder as messages name it.
pub fn check_ownership(output: &Path, shown: &str, force: bool) -> Result<(), Diagnostic> {
    let cannot =
        |e: io::Error| Diagnostic::error(format!("cannot read the output folder {shown}: {e}")).code(Code::Unreadable);
    let (target, beside) = Beside::new(output).map_err(cannot)?;
    match std::fs::symlink_metadata(&target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(cannot(e)),
        Ok(meta) if !meta.is_dir() => {
            return Err(Diagnostic::error(format!("the output folder {shown} exists and is not a folder"))
                .code(Code::OutputFolder)
                .with_help("remove it, or choose another folder with --output"));
        }
        Ok(_) => {}
    }
    if force || beside.manifest_of(&target).is_some() {
        return Ok(());
    }
    let foreign = foreign_entries(&target, "", None);
    if foreign.is_empty() {
        return Ok(());
    }
    let files: usize = foreign.iter().map(|f| f.files.len()).sum();
    let mut named: Vec<String> = foreign.iter().take(5).map(Foreign::describe).collect();
    if foreign.len() > 5 {
        named.push(format!("and {} more", foreign.len() - 5));
    }
    Err(Diagnostic::error(format!(
        "{shown} holds {files} file{} that dossier did not make: {}",
        if files == 1 { "" } else { "s" },
        named.join(", ")
    ))
    .code(Code::OutputFolder)
    .with_help(format!(
        "a build replaces its output folder as a whole: move these files away (files to publish with the site go in static/), \
         build into another folder with --output, or replace this one with --force (its files are then kept in .{}{PREVIOUS_MARK} \
         until the next build)",
        beside.name
    )))
}

/// Files in an output folder that no build made, under the top-most entry dossier did not make:
/// a file (`CNAME`) or a folder (`mydata/`) and every file in it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Foreign {
    /// Relative to the output, `/`-separated; a folder ends with `/`.
    entry: String,
    /// The files, relative to the output.
    files: Vec<String>,
}

impl Foreign {
    /// `CNAME`, or `mydata/ (2 files)`.
    fn describe(&self) -> String {
        match self.files.len() {
            _ if !self.entry.ends_with('/') => self.entry.clone(),
            1 => format!("{} (1 file)", self.entry),
            n => format!("{} ({n} files)", self.entry),
        }
    }
}

/// Whether a file in an output folder is left out of what is reported as not made by dossier:
/// the Finder's `.DS_Store`, which it writes in any folder it shows.
fn ignored_in_output(name: &str) -> bool {
    name == ".DS_Store"
}

/// The entries of `folder` (relative to `target`, `""` for the top) that are not in `made` (files
/// and folders dossier made; `None`: nothing is dossier's), each with every file under it. At the
/// top, entries whose names start with `.` are left out: every build carries them over, but for
/// those the build writes itself, which [`Staging::prepare`] checks.
fn foreign_entries(target: &Path, folder: &str, made: Option<MadePaths<'_>>) -> Vec<Foreign> {
    let dir = if folder.is_empty() { target.to_path_buf() } else { target.join(folder) };
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if ignored_in_output(&name) || (folder.is_empty() && name.starts_with('.')) {
            continue;
        }
        let rel = if folder.is_empty() { name } else { format!("{folder}/{name}") };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !made.is_some_and(|made| is_made(made, &rel, is_dir)) {
            found.push(foreign_under(target, rel, is_dir));
        }
    }
    found.sort_unstable_by(|a, b| a.entry.cmp(&b.entry));
    found
}

/// The files and folders a build made (from its manifest), by path in the output.
type MadePaths<'m> = (&'m FxHashSet<&'m str>, &'m FxHashSet<&'m str>);

/// Whether the file or folder at `rel` is one the build made.
fn is_made((files, folders): MadePaths<'_>, rel: &str, is_dir: bool) -> bool {
    if is_dir { folders.contains(rel) } else { files.contains(rel) }
}

/// `rel` (a file, or a folder and every file in it, links not followed) as a [`Foreign`] entry.
fn foreign_under(target: &Path, rel: String, is_dir: bool) -> Foreign {
    if !is_dir {
        return Foreign { files: vec![rel.clone()], entry: rel };
    }
    let mut files: Vec<String> = walkdir::WalkDir::new(target.join(&rel))
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir() && !e.file_name().to_str().is_some_and(ignored_in_output))
        .filter_map(|e| {
            e.path().strip_prefix(target).ok().map(|p| p.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/"))
        })
        .collect();
    files.sort_unstable();
    Foreign { entry: format!("{rel}/"), files }
}

/// What the scan of the output folder finds while the site builds: the files in it that no build
/// of dossier made. `manifest` is the one that describes the folder, if any.
fn scan_output(target: &Path, manifest: Option<&Path>) -> Vec<Foreign> {
    let manifest = manifest.and_then(|m| Manifest::read(m, target));
    scan_with(target, manifest.as_ref())
}

/// [`scan_output`], with the manifest that describes the folder (if any) read.
fn scan_with(target: &Path, manifest: Option<&Manifest>) -> Vec<Foreign> {
    let files: FxHashSet<&str> = manifest.into_iter().flat_map(Manifest::files).collect();
    let mut folders: FxHashSet<&str> = FxHashSet::default();
    for file in &files {
        folders.extend(file.match_indices('/').map(|(end, _)| &file[..end]));
    }
    // without a manifest (a folder replaced with --force), nothing in it is dossier's
    let made = manifest.is_some().then_some((&files, &folders));
    let mut found = foreign_entries(target, "", made);
    // hidden entries at the top that a build may write too (`.well-known`), but `.git`, which
    // none does: [`Staging::prepare`] keeps those the build does not write, which are carried over
    for entry in std::fs::read_dir(target).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let hidden = name.starts_with('.') && name != ".git" && !ignored_in_output(&name);
        if hidden && !is_made((&files, &folders), &name, is_dir) {
            found.push(foreign_under(target, name, is_dir));
        }
    }
    // Only a folder whose status changed since the manifest was written can hold a file that is
    // not in the manifest: the others are not listed (a status read each, where listing every
    // folder would cost several times more).
    if let Some(manifest) = manifest {
        let status = FolderStatus::open(target);
        for folder in &folders {
            // gone, or replaced by a file: the listing of the folder it is in shows it
            let listed = status.of(folder).is_some_and(|(is_dir, changed)| is_dir && manifest.changed_since(changed));
            if listed {
                found.extend(foreign_entries(target, folder, made));
            }
        }
    }
    found.sort_unstable_by(|a, b| a.entry.cmp(&b.entry));
    found
}

/// Reads the status of folders of an output folder, relative to it where the system allows: it
/// then looks up a short path for each rather than the whole one (at 10,000 folders, about 10
/// ms instead of 16 ms here).
struct FolderStatus {
    target: PathBuf,
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
}

impl FolderStatus {
    fn open(target: &Path) -> FolderStatus {
        FolderStatus {
            target: target.to_path_buf(),
            #[cfg(unix)]
            fd: {
                use rustix::fs::{Mode, OFlags};
                rustix::fs::open(target, OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()
            },
        }
    }

    /// Whether `rel` is a folder (not a link to one), and when its status last changed (`None`
    /// where the system keeps no such time); `None` if it cannot be read.
    fn of(&self, rel: &str) -> Option<(bool, Option<(i64, i64)>)> {
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            use rustix::fs::{AtFlags, FileType};
            let stat = rustix::fs::statat(fd, rel, AtFlags::SYMLINK_NOFOLLOW).ok()?;
            let is_dir = FileType::from_raw_mode(stat.st_mode) == FileType::Directory;
            // the field types differ between systems
            #[allow(clippy::unnecessary_cast)]
            return Some((is_dir, Some((stat.st_ctime as i64, stat.st_ctime_nsec as i64))));
        }
        let meta = std::fs::symlink_metadata(self.target.join(rel)).ok()?;
        Some((meta.is_dir(), manifest::status_time(&meta)))
    }
}

/// A build in progress: pages go into a hidden sibling of the output folder, which replaces the
/// output only on [`Staging::commit`]. Dropped without a commit, it removes itself (or, when it
/// was the output before last, goes back to being that).
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    /// Where the output before last and the manifests are kept.
    beside: Beside,
    /// When the staging folder is the output before last: the files it had (relative paths), and
    /// the files this build wrote, so that the others can be removed on commit.
    reused: Option<Reused>,
    /// Whether the staging folder was the output before last (it goes back to being that if the
    /// build fails).
    was_reused: bool,
    /// The scan of the output folder for files dossier did not make, run while the site builds.
    scan: Option<JoinHandle<Vec<Foreign>>>,
    /// Whether writes are done and the folder holds exactly the build ([`Staging::prepare`]).
    prepared: bool,
    /// Whether the commit moves aside files dossier did not make ([`Staging::prepare`]).
    moves_aside: bool,
    /// Whether writers compare with the file already there (shared with them).
    compare: Arc<AtomicBool>,
    sender: Option<SyncSender<Job>>,
    writers: Vec<JoinHandle<()>>,
    errors: Arc<Mutex<Vec<String>>>,
    /// Every file this build wrote or kept, with the stamp of each page, for the manifest.
    made: Arc<Mutex<Made>>,
    committed: bool,
    /// The staging folder holds what must not be removed (the previous output, after a failed
    /// commit that could not put it back): dropping leaves it alone.
    kept: bool,
    /// `[publish] precompress`: the compressed copies written beside text files.
    precompress: Vec<Compression>,
    /// The base URL the output is built for, recorded in its manifest (`preview` serves under it).
    base_url: Option<String>,
    /// The manifest of the output being replaced, read the first time a compressed copy is not in
    /// the staging folder: its copies are copied, not made again (see [`Staging::borrow_copy`]).
    live_manifest: OnceLock<Option<Manifest>>,
}

/// The files a build made, by path in the output, with the stamp of each page.
type Made = Vec<(String, Option<Stamp>)>;

/// What the walk of a reused folder finds: its files (`None` if it holds anything else), and its
/// manifest if there is one for it.
type Walked = (Option<Vec<PathBuf>>, Option<Manifest>);

struct Reused {
    /// The walk of the folder, started in [`Staging::new`] and run while the site is read,
    /// parsed and assembled; the first write waits for it.
    walk: Mutex<Option<JoinHandle<Walked>>>,
    /// What the walk found: the files the folder had.
    had: OnceLock<Vec<PathBuf>>,
    /// The manifest of the folder, read with the walk, if there is one for it.
    manifest: OnceLock<Option<Manifest>>,
    written: Mutex<Vec<PathBuf>>,
}

impl Staging {
    pub fn new(target: &Path) -> io::Result<Staging> {
        let (target, beside) = Beside::new(target)?;
        std::fs::create_dir_all(&beside.parent)?;
        // a build killed after swapping its output in and before renaming its manifest may not
        // have carried the hidden entries of the previous output over yet: they are carried now
        let swapped = Manifest::describes(&beside.next_manifest, &target).then_some(target.as_path());
        remove_abandoned_staging(&beside, swapped);
        // a build killed between swapping its output in and renaming its manifest left the
        // manifest under its other name
        if beside.next_manifest.exists() {
            if Manifest::describes(&beside.next_manifest, &target) {
                std::fs::rename(&beside.next_manifest, &beside.manifest)?;
            } else {
                let _ = std::fs::remove_file(&beside.next_manifest);
            }
        }
        // … or killed while writing it
        for manifest in [&beside.next_manifest, &beside.manifest] {
            let _ = std::fs::remove_file(manifest::temporary(manifest));
        }
        let scan = target.is_dir().then(|| {
            let (target, manifest) = (target.clone(), beside.manifest_of(&target).map(Path::to_path_buf));
            std::thread::spawn(move || scan_output(&target, manifest.as_deref()))
        });
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        let dir = beside.parent.join(format!(".{}{STAGING_MARK}{}-{stamp}", beside.name, std::process::id()));
        // Claiming the previous output is one rename: of two builds at once, one gets it.
        let reused = match std::fs::rename(&beside.previous, &dir) {
            Ok(()) if is_symlink(&dir) => {
                // only a folder dossier made is reused: a link put in its place is removed, never followed
                std::fs::remove_file(&dir)?;
                std::fs::create_dir(&dir)?;
                None
            }
            Ok(()) => {
                let walked = dir.clone();
                let manifest_path = beside.previous_manifest.clone();
                let walk =
                    std::thread::spawn(move || (list_plain_files(&walked), Manifest::read(&manifest_path, &walked)));
                Some(Reused {
                    walk: Mutex::new(Some(walk)),
                    had: OnceLock::new(),
                    manifest: OnceLock::new(),
                    written: Mutex::new(Vec::new()),
                })
            }
            Err(_) => {
                std::fs::create_dir(&dir)?;
                None
            }
        };
        let compare = Arc::new(AtomicBool::new(reused.is_some()));
        let (sender, receiver) = sync_channel::<Job>(QUEUE);
        let receiver = Arc::new(Mutex::new(receiver));
        let errors = Arc::new(Mutex::new(Vec::new()));
        let made = Arc::new(Mutex::new(Vec::new()));
        let writers = (0..WRITER_THREADS)
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                let errors = Arc::clone(&errors);
                let compare = Arc::clone(&compare);
                let made = Arc::clone(&made);
                std::thread::spawn(move || {
                    loop {
                        let job = receiver.lock().expect("no writer panics holding the queue").recv();
                        let Ok(job) = job else { break };
                        match job.run(compare.load(Ordering::SeqCst)) {
                            Ok(files) => made.lock().expect("no panic while holding the list").extend(files),
                            // the path in the output, not in the staging folder: that is what the reader knows
                            Err(e) => errors
                                .lock()
                                .expect("no writer panics holding the errors")
                                .push(format!("{}: {e}", job.path())),
                        }
                    }
                })
            })
            .collect();
        Ok(Staging {
            target,
            dir,
            beside,
            was_reused: reused.is_some(),
            reused,
            scan,
            prepared: false,
            moves_aside: false,
            compare,
            sender: Some(sender),
            writers,
            errors,
            made,
            committed: false,
            kept: false,
            precompress: Vec::new(),
            base_url: None,
            live_manifest: OnceLock::new(),
        })
    }

    /// Sets what the output is published with: the compressed copies written beside text files
    /// (`[publish] precompress`), and the base URL recorded in the manifest. Called before
    /// anything is written.
    pub fn publish(&mut self, precompress: &[Compression], base_url: &str) {
        self.precompress = precompress.to_vec();
        self.base_url = Some(base_url.to_string());
    }

    /// The compressed copies of the file at `path` (with these bytes' `hash` and length) that
    /// must be made: those the output before last holds, made from the same bytes as its manifest
    /// says, are kept.
    fn copies_to_make(&self, path: &str, dest: &Path, hash: u128, len: usize) -> Vec<Compression> {
        if self.precompress.is_empty() || !precompress::worth(path, len) {
            return Vec::new();
        }
        let compare = self.compare.load(Ordering::SeqCst);
        let mut make = Vec::new();
        for &kind in &self.precompress {
            let suffix = precompress::suffix(kind);
            let copy = format!("{path}{suffix}");
            let mut copy_dest = dest.as_os_str().to_owned();
            copy_dest.push(suffix);
            let copy_dest = PathBuf::from(copy_dest);
            let expected = precompress::stamp_hash(hash, kind);
            let kept = compare.then(|| std::fs::symlink_metadata(&copy_dest).ok()).flatten().and_then(|meta| {
                self.manifest()?.get(&copy).filter(|s| s.hash == expected && s.matches(&meta)).copied()
            });
            let kept = kept.or_else(|| self.borrow_copy(&copy, &copy_dest, expected));
            // kept or made, the copy is this build's: not removed with the files it no longer makes
            self.note_written(&copy_dest);
            match kept {
                Some(stamp) => self.made.lock().expect("no panic while holding the list").push((copy, Some(stamp))),
                None => make.push(kind),
            }
        }
        make
    }

    /// Copies the compressed copy `copy` from the output being replaced into the staging folder
    /// when that output's manifest says it was made from the same bytes (`expected`) and the file
    /// is as that build left it. Builds alternate between two folders, so without this the first
    /// rebuild after a build from nothing would compress everything again: measured on 10,000
    /// explainers with gzip and brotli, 20 s of CPU where copying takes under 1 s.
    fn borrow_copy(&self, copy: &str, dest: &Path, expected: u128) -> Option<Stamp> {
        let live = self.live_manifest.get_or_init(|| Manifest::read(&self.beside.manifest, &self.target)).as_ref()?;
        let from = self.target.join(copy);
        let meta = std::fs::symlink_metadata(&from).ok().filter(|m| m.is_file())?;
        live.get(copy).filter(|s| s.hash == expected && s.matches(&meta))?;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).ok()?;
        }
        std::fs::copy(&from, dest).ok()?;
        Stamp::new(&std::fs::symlink_metadata(dest).ok()?, expected)
    }

    /// Waits for the walk of a reused folder. If the folder holds anything but files and folders
    /// (a symbolic link, say), writing into it could leave the output: it is emptied instead, and
    /// the build writes every file afresh.
    fn wait_for_walk(&self) {
        let Some(reused) = &self.reused else { return };
        reused.had.get_or_init(|| {
            let walk = reused.walk.lock().expect("no panic while holding the walk").take();
            let (files, manifest) = walk.and_then(|w| w.join().ok()).unwrap_or((None, None));
            // a folder that is emptied below has no use for its manifest
            let _ = reused.manifest.set(manifest.filter(|_| files.is_some()));
            match files {
                Some(files) => files,
                None => {
                    self.compare.store(false, Ordering::SeqCst);
                    remove_tree(&self.dir);
                    // if this fails, so does every write, and the build reports it
                    let _ = std::fs::create_dir(&self.dir);
                    Vec::new()
                }
            }
        });
    }

    /// The manifest of the reused folder, once the walk is done.
    fn manifest(&self) -> Option<&Manifest> {
        self.reused.as_ref().and_then(|r| r.manifest.get()).and_then(Option::as_ref)
    }

    fn send(&self, job: Job) -> io::Result<()> {
        self.wait_for_walk();
        self.note_written(job.dest());
        let sender = self.sender.as_ref().ok_or_else(|| io::Error::other("the output is already committed"))?;
        sender.send(job).map_err(|_| io::Error::other("the file writers stopped"))
    }

    /// In a reused folder, keeps `dest` from the removal of files this build did not write.
    fn note_written(&self, dest: &Path) {
        if let Some(reused) = &self.reused {
            reused.written.lock().expect("no panic while holding the list").push(dest.to_path_buf());
        }
    }

    /// Copies the static files (theme's, then the site's) into the staging folder.
    pub fn copy_static(&self, files: &[StaticFile]) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for file in files {
            let path = file.output_path.clone();
            let result = self.path_for(&file.output_path).and_then(|dest| {
                self.compress_static(file, &dest)?;
                match &file.source {
                    StaticSource::Disk(from) => self.send(Job::Copy { path, from: from.clone(), dest }),
                    StaticSource::Embedded(bytes) => self.send(Job::Write { path, dest, bytes: bytes.to_vec() }),
                }
            });
            if let Err(e) = result {
                problems.push(Diagnostic::error(format!("cannot copy {}: {e}", file.origin)).code(Code::Write));
            }
        }
        problems
    }

    /// Queues the compressed copies of a static text file that are not already there.
    fn compress_static(&self, file: &StaticFile, dest: &Path) -> io::Result<()> {
        if self.precompress.is_empty() || !precompress::worth(&file.output_path, usize::MAX) {
            return Ok(());
        }
        let bytes = match &file.source {
            StaticSource::Disk(from) => std::fs::read(from)?,
            StaticSource::Embedded(bytes) => bytes.to_vec(),
        };
        let hash = manifest::hash(&bytes);
        let compress = self.copies_to_make(&file.output_path, dest, hash, bytes.len());
        if compress.is_empty() {
            return Ok(());
        }
        let path = file.output_path.clone();
        self.send(Job::Compress { path, dest: dest.to_path_buf(), bytes, hash, compress })
    }

    fn path_for(&self, output_path: &str) -> io::Result<PathBuf> {
        let safe = !output_path.is_empty()
            && Path::new(output_path).components().all(|c| matches!(c, Component::Normal(_)))
            && !output_path.contains(['\\', '\0']);
        if !safe {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unsafe output path `{output_path}`")));
        }
        Ok(self.dir.join(output_path))
    }

    /// The hash of the bytes of each page this build wrote or kept, by path in the output, once
    /// [`Staging::prepare`] has run (the build cache records them). Pages whose file the manifest
    /// cannot vouch for (times in whole seconds) have none.
    pub fn page_hashes(&self) -> FxHashMap<String, u128> {
        let made = self.made.lock().expect("no panic while holding the list");
        made.iter().filter_map(|(path, stamp)| Some((path.clone(), stamp.as_ref()?.hash))).collect()
    }

    /// Waits for every queued file to be written; the errors, if any.
    fn finish_writes(&mut self) -> Vec<String> {
        self.sender = None;
        for writer in self.writers.drain(..) {
            let _ = writer.join();
        }
        std::mem::take(&mut *self.errors.lock().expect("writers are done"))
    }

    /// Waits for every file to be written and removes, from a reused folder, the files this
    /// build did not write: the staging folder then holds exactly the build. Returns a warning for
    /// each file in the output folder that dossier did not make and that the commit will move
    /// aside (`shown` is the output folder as messages name it); an error if any file could not
    /// be written.
    pub fn prepare(&mut self, shown: &str) -> io::Result<Vec<Diagnostic>> {
        if self.prepared {
            return Ok(Vec::new());
        }
        let errors = self.finish_writes();
        if !errors.is_empty() {
            let shown: Vec<&str> = errors.iter().take(5).map(String::as_str).collect();
            return Err(io::Error::other(format!("{} files could not be written: {}", errors.len(), shown.join("; "))));
        }
        self.remove_stale_files();
        self.prepared = true;
        let found = self.scan.take().and_then(|scan| scan.join().ok()).unwrap_or_default();
        let warnings = self.moved_aside(found, shown);
        self.moves_aside = !warnings.is_empty();
        Ok(warnings)
    }

    /// The warnings for the files dossier did not make that the commit moves aside: the entries
    /// the scan found, less the files this build writes at the same paths, and less the hidden
    /// entries at the top that the build does not write (they are carried over).
    fn moved_aside(&self, found: Vec<Foreign>, shown: &str) -> Vec<Diagnostic> {
        let mut moved: Vec<Foreign> = found
            .into_iter()
            .filter(|f| {
                let top = f.entry.split('/').next().unwrap_or_default();
                !top.starts_with('.') || std::fs::symlink_metadata(self.dir.join(top)).is_ok()
            })
            .filter_map(|mut f| {
                f.files.retain(|file| !std::fs::symlink_metadata(self.dir.join(file)).is_ok_and(|m| m.is_file()));
                (!f.files.is_empty()).then_some(f)
            })
            .collect();
        let previous = format!(".{}{PREVIOUS_MARK}", self.beside.name);
        const SHOWN: usize = 10;
        let mut warnings: Vec<Diagnostic> = moved
            .iter()
            .take(SHOWN)
            .map(|f| {
                let first = &f.files[0];
                let message = if f.entry.ends_with('/') {
                    let mut names: Vec<&str> = f.files.iter().take(3).map(String::as_str).collect();
                    if f.files.len() > 3 {
                        names.push("…");
                    }
                    format!(
                        "{shown}/{} holds {} that dossier did not make ({}): this build moves {} aside to {previous}/, and the next build deletes {}",
                        f.entry,
                        plural(f.files.len(), "file"),
                        names.join(", "),
                        if f.files.len() == 1 { "it" } else { "them" },
                        if f.files.len() == 1 { "it" } else { "them" },
                    )
                } else {
                    format!(
                        "{shown}/{first} was not made by dossier: this build moves it aside to {previous}/, and the next build deletes it"
                    )
                };
                Diagnostic::warning(message).code(Code::ForeignFile).with_help(format!(
                    "to keep a file in the site, put it in static/ (static/{first}): static files are copied into every build"
                ))
            })
            .collect();
        if moved.len() > SHOWN {
            let rest: Vec<Foreign> = moved.split_off(SHOWN);
            let files: usize = rest.iter().map(|f| f.files.len()).sum();
            warnings.push(
                Diagnostic::warning(format!(
                    "and {} more in {shown} that dossier did not make, moved aside to {previous}/ as well",
                    plural(files, "file")
                ))
                .code(Code::ForeignFile),
            );
        }
        warnings
    }

    /// Replaces the output folder with the staged one, once every file is written. Hidden entries
    /// at the top of the previous output (`.git`, `.well-known`) are carried over unless the build
    /// wrote the same name: only once the new output is in place, so that whichever step fails,
    /// they are never in a folder that is then removed (see [`Staging::carry_over`]).
    pub fn commit(mut self) -> io::Result<()> {
        self.prepare("")?;
        let made = std::mem::take(&mut *self.made.lock().expect("writers are done"));
        match std::fs::symlink_metadata(&self.target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // without a manifest, the next build compares every file, and refuses the output
                // folder unless told to replace it: it says so
                write_manifest(&self.beside.next_manifest, &self.dir, made, self.base_url.as_deref());
                step(|| std::fs::rename(&self.dir, &self.target))?;
                let _ = step(|| std::fs::rename(&self.beside.next_manifest, &self.beside.manifest));
            }
            Err(e) => return Err(e),
            Ok(meta) if !meta.is_dir() => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists and is not a folder", self.target.display()),
                ));
            }
            Ok(_) => {
                let carried = self.hidden_entries_to_carry()?;
                write_manifest(&self.beside.next_manifest, &self.dir, made, self.base_url.as_deref());
                step(|| swap(&self.dir, &self.target))?;
                // `self.dir` now holds the previous output
                self.carry_over(&carried)?;
                // the next build starts from the previous output, and the manifest that was the
                // output's is the previous output's
                let beside = &self.beside;
                if step(|| std::fs::rename(&self.dir, &beside.previous)).is_ok() {
                    if step(|| std::fs::rename(&beside.manifest, &beside.previous_manifest)).is_err() {
                        let _ = std::fs::remove_file(&beside.previous_manifest);
                    }
                    // the files moved aside are in it until the next staged build deletes them
                    if self.moves_aside {
                        let _ = std::fs::write(&beside.moved_aside, "");
                    } else {
                        let _ = std::fs::remove_file(&beside.moved_aside);
                    }
                } else {
                    remove_tree(&self.dir);
                    let _ = std::fs::remove_file(&beside.previous_manifest);
                }
                let _ = step(|| std::fs::rename(&beside.next_manifest, &beside.manifest));
            }
        }
        self.committed = true;
        Ok(())
    }

    /// The hidden entries at the top of the output that this build does not write, in name order.
    fn hidden_entries_to_carry(&self) -> io::Result<Vec<OsString>> {
        let mut names: Vec<OsString> = step(|| std::fs::read_dir(&self.target))?
            .flatten()
            .map(|entry| entry.file_name())
            .filter(|name| name.to_str().is_some_and(|n| n.starts_with('.')))
            .filter(|name| std::fs::symlink_metadata(self.dir.join(name)).is_err())
            .collect();
        // a hidden file an earlier build made (`.htaccess` of `[publish] redirects`) is not the
        // user's: it goes with that build's output
        if !names.is_empty()
            && let Some(made) = self.beside.manifest_of(&self.target).and_then(|m| Manifest::read(m, &self.target))
        {
            let made: FxHashSet<&str> = made.files().collect();
            names.retain(|name| name.to_str().is_none_or(|n| !made.contains(n)));
        }
        names.sort();
        Ok(names)
    }

    /// Moves `names` from the previous output (in the staging folder since the swap) into the new
    /// output. If one cannot be moved, those moved go back and the swap is undone: the output is
    /// as it was, and dropping the staging folder removes only this build. If that fails too, the
    /// previous output is kept under a name no build removes, and the error says where.
    fn carry_over(&mut self, names: &[OsString]) -> io::Result<()> {
        for (moved, name) in names.iter().enumerate() {
            let Err(e) = step(|| std::fs::rename(self.dir.join(name), self.target.join(name))) else {
                continue;
            };
            let undone = names[..moved]
                .iter()
                .rev()
                .all(|back| step(|| std::fs::rename(self.target.join(back), self.dir.join(back))).is_ok())
                && step(|| swap(&self.dir, &self.target)).is_ok();
            let shown = name.to_string_lossy();
            let e = io::Error::new(e.kind(), format!("cannot move {shown} into the new output: {e}"));
            return Err(if undone { e } else { self.keep_previous_output(e) });
        }
        Ok(())
    }

    /// After a failed commit that could not be undone: the staging folder holds the previous
    /// output, or some of its hidden entries. It is renamed to a name no build removes (or left
    /// where it is if it cannot be), and the error `e` says where it is.
    fn keep_previous_output(&mut self, e: io::Error) -> io::Error {
        self.kept = true;
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        let kept = self.beside.parent.join(format!(".{}{KEPT_MARK}{stamp}", self.beside.name));
        let place = if step(|| std::fs::rename(&self.dir, &kept)).is_ok() { kept } else { self.dir.clone() };
        io::Error::new(
            e.kind(),
            format!("{e}; the previous output's hidden entries (such as .git) are kept in {}", place.display()),
        )
    }

    /// In a reused folder, removes the files this build did not write, and the folders that
    /// leaves empty.
    fn remove_stale_files(&mut self) {
        self.wait_for_walk();
        let Some(reused) = self.reused.take() else { return };
        let written: rustc_hash::FxHashSet<PathBuf> =
            reused.written.into_inner().expect("no panic while holding the list").into_iter().collect();
        let mut emptied = std::collections::BTreeSet::new();
        for file in reused.had.into_inner().unwrap_or_default() {
            if !written.contains(&file) && std::fs::remove_file(&file).is_ok() {
                emptied.extend(file.parent().map(Path::to_path_buf));
            }
        }
        // deepest first, so that a folder whose subfolders all went is empty when its turn comes
        for folder in emptied.iter().rev() {
            let mut folder = folder.as_path();
            while folder != self.dir && std::fs::remove_dir(folder).is_ok() {
                folder = folder.parent().unwrap_or(&self.dir);
            }
        }
    }
}

/// `1 file`, `2 files`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Writes the manifest of a new output. Without one, the next build compares every file, and
/// refuses the folder unless told to replace it (it says so): not an error of this build.
fn write_manifest(path: &Path, folder: &Path, made: Made, base_url: Option<&str>) {
    let _ = Manifest::write(path, folder, made, base_url);
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Every file under `dir` (paths including `dir`), or `None` if anything there is neither a file
/// nor a folder, or cannot be read.
fn list_plain_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).follow_links(false) {
        let entry = entry.ok()?;
        let kind = entry.file_type();
        if kind.is_file() {
            files.push(entry.into_path());
        } else if !kind.is_dir() {
            return None;
        }
    }
    Some(files)
}

/// Whether the file at `path` holds exactly `bytes`, read in blocks (no allocation).
fn has_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let mut block = [0u8; 16 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut block) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && block[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) | Err(_) => return false,
        }
    }
}

/// Writes one file. With `compare` (the folder is the output before last), a file that already
/// has exactly these bytes is left alone (pages were compared before they were queued). Returns
/// a page's stamp once it is written.
fn run_job(job: &Job, compare: bool) -> io::Result<Option<Stamp>> {
    let dest = job.dest();
    // what the output before last has at this path
    let existing = if compare { std::fs::symlink_metadata(dest).ok() } else { None };
    if let (Job::Write { bytes, .. }, Some(meta)) = (job, &existing)
        && meta.is_file()
        && meta.len() == bytes.len() as u64
        && has_bytes(dest, bytes)
    {
        return Ok(None);
    }
    // a static file the output before last has, byte for byte, is not copied again: a rebuild
    // that changes nothing writes nothing
    if let (Job::Copy { from, .. }, Some(meta)) = (job, &existing)
        && meta.is_file()
        && std::fs::metadata(from).is_ok_and(|m| m.len() == meta.len())
        && std::fs::read(from).is_ok_and(|bytes| has_bytes(dest, &bytes))
    {
        return Ok(None);
    }
    if let Some(parent) = dest.parent()
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        // the output before last may have a file where this build needs a folder
        if !compare {
            return Err(e);
        }
        for ancestor in parent.ancestors().collect::<Vec<_>>().into_iter().rev() {
            if std::fs::symlink_metadata(ancestor).is_ok_and(|m| m.is_file()) {
                std::fs::remove_file(ancestor)?;
            }
        }
        std::fs::create_dir_all(parent)?;
    }
    // … or a folder where this build writes a file
    if existing.as_ref().is_some_and(std::fs::Metadata::is_dir) {
        std::fs::remove_dir_all(dest)?;
    }
    match job {
        Job::Write { dest, bytes, .. } => std::fs::write(dest, bytes).map(|()| None),
        Job::Page { dest, bytes, hash, .. } => {
            let mut file = std::fs::File::create(dest)?;
            io::Write::write_all(&mut file, bytes)?;
            Ok(file.metadata().ok().and_then(|m| Stamp::new(&m, *hash)))
        }
        Job::Copy { from, dest, .. } => std::fs::copy(from, dest).map(|_| None),
        // the file itself is written or kept by another job: only its copies are this one's
        Job::Compress { .. } => Ok(None),
    }
}

/// Removes a folder tree, its subfolders in parallel (see [`WRITER_THREADS`]).
fn remove_tree(dir: &Path) {
    // a link in place of the folder is removed itself: what it points to is not ours
    if is_symlink(dir) {
        let _ = std::fs::remove_file(dir);
        return;
    }
    let mut subfolders = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).max_depth(2).follow_links(false).into_iter().flatten() {
        if entry.file_type().is_dir() && entry.depth() == 2 {
            subfolders.push(entry.into_path());
        }
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..WRITER_THREADS.min(subfolders.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(folder) = subfolders.get(i) else { break };
                    let _ = std::fs::remove_dir_all(folder);
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(dir);
}

impl Sink for Staging {
    /// A page the output before last already has, byte for byte, is found so on the calling
    /// thread and not handed to a writer: in a rebuild that is almost every page, and handing
    /// each over would cost two thread switches. The folder's manifest says so without reading
    /// the file, when the file is as the build that wrote it left it.
    fn write(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let dest = self.path_for(path)?;
        self.wait_for_walk();
        let hash = manifest::hash(&bytes);
        if self.compare.load(Ordering::SeqCst)
            && let Ok(meta) = std::fs::symlink_metadata(&dest)
            && meta.is_file()
            && meta.len() == bytes.len() as u64
        {
            let unchanged = match self.manifest().and_then(|m| m.get(path)).filter(|stamp| stamp.matches(&meta)) {
                Some(stamp) => stamp.hash == hash,
                None => has_bytes(&dest, &bytes),
            };
            if unchanged {
                self.note_written(&dest);
                let stamp = Stamp::new(&meta, hash);
                self.made.lock().expect("no panic while holding the list").push((path.to_string(), stamp));
                let compress = self.copies_to_make(path, &dest, hash, bytes.len());
                if compress.is_empty() {
                    return Ok(());
                }
                return self.send(Job::Compress { path: path.to_string(), dest, bytes, hash, compress });
            }
        }
        let compress = self.copies_to_make(path, &dest, hash, bytes.len());
        self.send(Job::Page { dest, bytes, path: path.to_string(), hash, compress })
    }

    /// A page the build cache says is unchanged: kept when the output before last holds the
    /// bytes recorded for it (its manifest says so, and the file is as that build left it), or
    /// copied from the output being replaced when that output's manifest says the same. Neither:
    /// the page is rendered. Its compressed copies are kept, borrowed or made as for a page
    /// written ([`Staging::copies_to_make`]).
    fn keep(&self, path: &str, hash: u128) -> bool {
        let Ok(dest) = self.path_for(path) else { return false };
        self.wait_for_walk();
        let here = self.compare.load(Ordering::SeqCst).then(|| std::fs::symlink_metadata(&dest).ok()).flatten();
        let here =
            here.and_then(|meta| self.manifest()?.get(path).filter(|s| s.hash == hash && s.matches(&meta)).copied());
        let Some(stamp) = here.or_else(|| self.borrow_copy(path, &dest, hash)) else { return false };
        let len = std::fs::symlink_metadata(&dest).map_or(0, |m| m.len()) as usize;
        // the bytes, when compressed copies may have to be made from them
        let bytes = if self.precompress.is_empty() || !precompress::worth(path, len) {
            Vec::new()
        } else {
            match std::fs::read(&dest) {
                Ok(bytes) if manifest::hash(&bytes) == hash => bytes,
                _ => return false,
            }
        };
        self.note_written(&dest);
        self.made.lock().expect("no panic while holding the list").push((path.to_string(), Some(stamp)));
        let compress = self.copies_to_make(path, &dest, hash, len);
        if !compress.is_empty() {
            // a failure to queue is the writers' failure, which the commit reports
            let _ = self.send(Job::Compress { path: path.to_string(), dest, bytes, hash, compress });
        }
        true
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        #[cfg(test)]
        if steps::killed() {
            return; // as a killed build: nothing is cleaned up
        }
        if !self.committed && !self.kept {
            self.finish_writes();
            self.wait_for_walk();
            // a reused folder goes back to being the output before last (what is in it does not
            // matter: the next build compares every file); a new one is removed
            if !self.was_reused || std::fs::rename(&self.dir, &self.beside.previous).is_err() {
                remove_tree(&self.dir);
            }
        }
    }
}

/// One file system step of a commit. Tests make chosen steps fail, or stop at one as a killed
/// build would, to check that whichever it is, nothing of the user's is lost.
fn step<T>(run: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    #[cfg(test)]
    steps::next()?;
    run()
}

/// Exchanges two folders atomically where the system can (Linux `renameat2`), so that a reader or
/// a crash never sees the output missing; elsewhere, three renames.
fn swap(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    swap_by_renames(a, b)
}

/// [`swap`] where the system cannot exchange two names: `b` aside, `a` to `b`, `b` to `a`. A
/// failed step undoes those before it, so that on an error both folders are where they were
/// (or, if undoing fails too, the error says where `b` is: its name is one no build removes).
fn swap_by_renames(a: &Path, b: &Path) -> io::Result<()> {
    let name = b.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let aside = b.with_file_name(format!(".{name}.dossier-aside-{}", std::process::id()));
    let rename = |from: &Path, to: &Path| step(|| std::fs::rename(from, to));
    rename(b, &aside)?;
    let failed = match rename(a, b) {
        Err(e) => Some((e, rename(&aside, b).is_ok())),
        Ok(()) => match rename(&aside, a) {
            Err(e) => Some((e, rename(b, a).is_ok() && rename(&aside, b).is_ok())),
            Ok(()) => None,
        },
    };
    match failed {
        None => Ok(()),
        Some((e, true)) => Err(e),
        Some((e, false)) => Err(io::Error::new(e.kind(), format!("{e}; {} is at {}", b.display(), aside.display()))),
    }
}

/// Removes staging folders left by builds that were killed, when their process is gone; the first
/// becomes the output before last if there is none. `swapped` is the output when a killed build
/// had swapped its output in (its manifest describes it): its staging folder holds the previous
/// output, whose hidden entries are carried into the output first, as the commit would have.
fn remove_abandoned_staging(beside: &Beside, swapped: Option<&Path>) {
    let (parent, name, previous) = (&beside.parent, &beside.name, &beside.previous);
    let prefix = format!(".{name}{STAGING_MARK}");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|pid| pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists());
        if alive || !cfg!(target_os = "linux") {
            continue;
        }
        if swapped.is_some_and(|output| !carry_hidden_entries(&entry.path(), output)) {
            continue; // kept, rather than lose what could not be carried over
        }
        if previous.exists() || std::fs::rename(entry.path(), previous).is_err() {
            remove_tree(&entry.path());
        }
    }
}

/// Moves the hidden entries at the top of `from` that `into` does not have into `into`; whether
/// all of them could be.
fn carry_hidden_entries(from: &Path, into: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(from) else { return false };
    let mut all = true;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_str().is_some_and(|n| n.starts_with('.')) && std::fs::symlink_metadata(into.join(&name)).is_err() {
            all &= std::fs::rename(entry.path(), into.join(&name)).is_ok();
        }
    }
    all
}

/// Failures injected into the steps of a commit ([`step`]), per thread: tests run in parallel.
#[cfg(test)]
mod steps {
    use std::cell::Cell;
    use std::io;

    #[derive(Clone, Copy)]
    struct Plan {
        /// Steps taken since the plan was set.
        taken: usize,
        /// The steps that fail, counted from 0.
        failing: (usize, usize),
        /// The step the build is killed at, and whether it was.
        kill: usize,
        killed: bool,
    }

    const NONE: Plan = Plan { taken: 0, failing: (usize::MAX, usize::MAX), kill: usize::MAX, killed: false };

    thread_local! {
        static PLAN: Cell<Plan> = const { Cell::new(NONE) };
    }

    /// From now on, steps `first..=last` fail.
    pub fn fail(first: usize, last: usize) {
        PLAN.set(Plan { failing: (first, last), ..NONE });
    }

    /// From now on, the build is killed at step `at`: it panics there, and dropping the staging
    /// folder cleans nothing up, as after SIGKILL.
    pub fn kill(at: usize) {
        PLAN.set(Plan { kill: at, ..NONE });
    }

    /// The steps taken since the plan was set; no step fails from now on.
    pub fn reset() -> usize {
        let taken = PLAN.get().taken;
        PLAN.set(NONE);
        taken
    }

    pub fn killed() -> bool {
        PLAN.get().killed
    }

    pub fn next() -> io::Result<()> {
        let mut plan = PLAN.get();
        let step = plan.taken;
        plan.taken += 1;
        plan.killed |= step == plan.kill;
        PLAN.set(plan);
        if plan.killed {
            panic!("killed at step {step}");
        }
        if (plan.failing.0..=plan.failing.1).contains(&step) {
            return Err(io::Error::other(format!("step {step} failed")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// An output the user keeps in git (`.git`, `.nojekyll`), made by two builds: the third
    /// reuses the output before last.
    fn output_with_hidden_entries(tmp: &Path) -> PathBuf {
        let target = tmp.join("public");
        build(&target, &[("a/index.html", "a"), ("old.html", "old")]);
        build(&target, &[("a/index.html", "a2"), ("old.html", "old")]);
        std::fs::create_dir_all(target.join(".git/objects")).unwrap();
        std::fs::write(target.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(target.join(".git/objects/ab"), "blob").unwrap();
        std::fs::write(target.join(".nojekyll"), "").unwrap();
        target
    }

    /// The user's files of [`output_with_hidden_entries`].
    const USERS: [&str; 3] = [".git/HEAD", ".git/objects/ab", ".nojekyll"];

    /// A third build of `target`, ready to commit.
    fn third_build(target: &Path) -> Staging {
        let staging = Staging::new(target).unwrap();
        staging.write("a/index.html", b"a3".to_vec()).unwrap();
        staging.write("b/index.html", b"b".to_vec()).unwrap();
        staging
    }

    /// Renames the staging folders of this process as if it had ended: the next build treats
    /// them as a killed build's.
    fn end_this_process(tmp: &Path) {
        let ours = format!(".public{STAGING_MARK}{}-", std::process::id());
        for entry in std::fs::read_dir(tmp).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(rest) = name.strip_prefix(&ours) {
                std::fs::rename(entry.path(), tmp.join(format!(".public{STAGING_MARK}999999999-{rest}"))).unwrap();
            }
        }
    }

    /// Where each of the user's files is, among the folders in `tmp`: the output, or a folder
    /// kept for them.
    fn users_files(tmp: &Path) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(tmp).unwrap().flatten() {
            let folder = entry.file_name().to_string_lossy().into_owned();
            for file in USERS {
                if entry.path().join(file).is_file() {
                    found.push((file.to_string(), folder.clone()));
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn a_commit_that_fails_at_any_step_leaves_the_output_and_its_hidden_entries_as_they_were() {
        for n in 0.. {
            let tmp = tempfile::tempdir().unwrap();
            let target = output_with_hidden_entries(tmp.path());
            let before = files(&target);
            let staging = third_build(&target);
            steps::fail(n, n);
            let result = staging.commit();
            let taken = steps::reset();
            if n >= taken {
                assert!(result.is_ok(), "{result:?}");
                assert!(n > 3, "the commit has steps: list, swap, two moves, renames");
                break;
            }
            match &result {
                Err(e) => assert_eq!(files(&target), before, "step {n} failed ({e}): the output is as it was"),
                Ok(()) => assert_eq!(files(&target)["b/index.html"], b"b", "step {n} failed after the swap"),
            }
            for file in USERS {
                assert_eq!(std::fs::read(target.join(file)).unwrap(), before[file], "step {n}: {file}");
            }
            // the next build goes on as usual, and keeps them
            build(&target, &[("c.html", "c")]);
            let after = files(&target);
            assert_eq!(after.keys().filter(|f| !f.starts_with('.')).collect::<Vec<_>>(), ["c.html"], "step {n}");
            for file in USERS {
                assert_eq!(after[file], before[file], "step {n}: {file}");
            }
        }
    }

    #[test]
    fn when_undoing_a_failed_commit_fails_too_the_hidden_entries_are_kept() {
        for n in 0.. {
            let tmp = tempfile::tempdir().unwrap();
            let target = output_with_hidden_entries(tmp.path());
            let staging = third_build(&target);
            steps::fail(n, usize::MAX);
            let result = staging.commit();
            let taken = steps::reset();
            if n >= taken {
                assert!(result.is_ok(), "{result:?}");
                break;
            }
            let found = users_files(tmp.path());
            assert_eq!(found.len(), USERS.len(), "step {n} on: {found:?}");
            if let Err(e) = &result
                && let Some((_, kept)) = found.iter().find(|(_, folder)| folder != "public")
            {
                assert!(e.to_string().contains(kept.as_str()), "step {n} on: the error names {kept}: {e}");
            }
            // a later build (another process) keeps them: in the output, or where they were kept
            end_this_process(tmp.path());
            build(&target, &[("c.html", "c")]);
            let found = users_files(tmp.path());
            assert_eq!(found.len(), USERS.len(), "step {n} on, after the next build: {found:?}");
            assert!(found.iter().all(|(_, f)| f == "public" || f.contains(KEPT_MARK)), "step {n} on: {found:?}");
        }
    }

    #[test]
    fn a_build_killed_at_any_step_of_its_commit_loses_no_hidden_entry() {
        for n in 0.. {
            let tmp = tempfile::tempdir().unwrap();
            let target = output_with_hidden_entries(tmp.path());
            let before = files(&target);
            let staging = third_build(&target);
            steps::kill(n);
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| staging.commit()));
            let taken = steps::reset();
            if n >= taken {
                assert!(matches!(result, Ok(Ok(()))));
                break;
            }
            assert!(result.is_err(), "killed at step {n}");
            // the next build, in another process, finds what the killed one left
            end_this_process(tmp.path());
            build(&target, &[("c.html", "c")]);
            let after = files(&target);
            for file in USERS {
                assert_eq!(after.get(file), Some(&before[file]), "killed at step {n}: {file}");
            }
            assert_eq!(after["c.html"], b"c");
        }
    }

    #[test]
    fn swapping_by_renames_puts_both_folders_back_when_a_step_fails() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join(".public.staging"), tmp.path().join("public"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(b.join(".git")).unwrap();
        std::fs::write(a.join("new.html"), "new").unwrap();
        std::fs::write(b.join(".git/HEAD"), "head").unwrap();
        let (files_a, files_b) = (files(&a), files(&b));
        for n in 0..3 {
            steps::fail(n, n);
            let result = swap_by_renames(&a, &b);
            steps::reset();
            assert!(result.is_err(), "step {n}");
            assert_eq!((files(&a), files(&b)), (files_a.clone(), files_b.clone()), "step {n}");
        }
        // when undoing fails too, the error says where the output is
        steps::fail(1, usize::MAX);
        let e = swap_by_renames(&a, &b).unwrap_err();
        steps::reset();
        let aside = tmp.path().join(format!(".public.dossier-aside-{}", std::process::id()));
        assert!(e.to_string().ends_with(&format!("is at {}", aside.display())), "{e}");
        assert_eq!(files(&aside), files_b);
        std::fs::rename(&aside, &b).unwrap();
        swap_by_renames(&a, &b).unwrap();
        assert_eq!((files(&a), files(&b)), (files_b, files_a));
    }

    #[test]
    fn commit_replaces_and_keeps_hidden_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir_all(target.join(".git")).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();
        let staging = Staging::new(&target).unwrap();
        staging.write("a/index.html", b"new".to_vec()).unwrap();
        for i in 0..40 {
            staging.write(&format!("many/{i}/index.html"), vec![b'x'; 100]).unwrap();
        }
        staging.commit().unwrap();
        assert_eq!(std::fs::read_dir(target.join("many")).unwrap().count(), 40);
        assert!(target.join(".git").is_dir());
        assert!(!target.join("old.html").exists());
        assert_eq!(std::fs::read_to_string(target.join("a/index.html")).unwrap(), "new");
        let mut leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        leftovers.sort();
        // `old.html`, which no build made, was moved aside: the mark says the next build deletes it
        assert_eq!(
            leftovers,
            [".public.dossier-manifest", ".public.dossier-previous", ".public.dossier-previous.moved-aside", "public"],
            "the old output is kept for the next build, and the new one has a manifest"
        );
    }

    /// Every file under `dir`, by relative path, with its bytes.
    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().strip_prefix(dir).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
            .collect()
    }

    fn build(target: &Path, pages: &[(&str, &str)]) {
        let staging = Staging::new(target).unwrap();
        for (path, text) in pages {
            staging.write(path, text.as_bytes().to_vec()).unwrap();
        }
        staging.commit().unwrap();
    }

    #[test]
    fn the_output_before_last_is_reused_and_ends_up_exactly_as_built() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let first = [("same/index.html", "same"), ("changed.html", "one"), ("gone/deep/x.html", "x"), ("f", "file")];
        build(&target, &first);
        build(&target, &[("other.html", "second build")]);
        let previous = tmp.path().join(".public.dossier-previous");
        assert_eq!(files(&previous).len(), first.len(), "the first build's output is kept");
        let same = previous.join("same/index.html");
        let old_time = std::fs::metadata(&same).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));

        let third = [
            ("same/index.html", "same"),
            ("changed.html", "two!"),
            ("f/index.html", "now a folder"),
            ("gone", "now a file"),
        ];
        build(&target, &third);
        let expected: BTreeMap<String, Vec<u8>> =
            third.iter().map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())).collect();
        assert_eq!(files(&target), expected);
        assert_eq!(
            std::fs::metadata(target.join("same/index.html")).unwrap().modified().unwrap(),
            old_time,
            "an unchanged file is not rewritten"
        );
        assert!(!target.join("gone/deep").exists(), "folders left empty are removed");
        assert_eq!(files(&previous).keys().collect::<Vec<_>>(), ["other.html"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_page_its_manifest_vouches_for_is_not_read_again() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let pages = [("p/index.html", "one"), ("q/index.html", "one")];
        build(&target, &pages);
        build(&target, &[("other.html", "second build")]);
        assert!(tmp.path().join(".public.dossier-previous.manifest").is_file());

        // in the output before last, both pages get other bytes of the same length; one keeps
        // its modification time, as if untouched
        let previous = tmp.path().join(".public.dossier-previous");
        for page in ["p/index.html", "q/index.html"] {
            let file = previous.join(page);
            let time = std::fs::metadata(&file).unwrap().modified().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(10));
            std::fs::write(&file, "two").unwrap();
            if page == "p/index.html" {
                std::fs::File::options().write(true).open(&file).unwrap().set_modified(time).unwrap();
            }
        }
        build(&target, &pages);
        let read = |page: &str| std::fs::read_to_string(target.join(page)).unwrap();
        assert_eq!(read("p/index.html"), "two", "trusted from the manifest, not read");
        assert_eq!(read("q/index.html"), "one", "touched since: read, compared and written");
        assert!(tmp.path().join(".public.dossier-previous.manifest").is_file());
    }

    #[test]
    fn a_previous_output_holding_a_symbolic_link_is_not_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        build(&target, &[("a.html", "a")]);
        build(&target, &[("a.html", "a")]);
        let previous = tmp.path().join(".public.dossier-previous");
        std::os::unix::fs::symlink(&outside, previous.join("articles")).unwrap();
        build(&target, &[("articles/x/index.html", "x")]);
        assert!(std::fs::read_dir(&outside).unwrap().next().is_none(), "nothing written outside the output");
        assert_eq!(files(&target).keys().collect::<Vec<_>>(), ["articles/x/index.html"]);
    }

    #[test]
    fn an_output_folder_that_is_a_link_is_written_where_it_points() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("www/site");
        std::fs::create_dir_all(&real).unwrap();
        std::fs::write(tmp.path().join("www/keep.txt"), "next to the real folder").unwrap();
        let link = tmp.path().join("public");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        for round in ["one", "two", "three"] {
            build(&link, &[("index.html", round)]);
            assert!(is_symlink(&link), "the link stays");
            assert_eq!(std::fs::read_to_string(real.join("index.html")).unwrap(), round);
        }
        assert_eq!(std::fs::read_to_string(tmp.path().join("www/keep.txt")).unwrap(), "next to the real folder");
    }

    #[test]
    fn links_in_place_of_staging_folders_are_removed_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let precious = tmp.path().join("precious");
        std::fs::create_dir_all(precious.join("sub")).unwrap();
        std::fs::write(precious.join("sub/file"), "keep").unwrap();
        let target = tmp.path().join("public");
        build(&target, &[("a.html", "a")]);
        // the output before last replaced by a link to a folder that is not dossier's
        std::os::unix::fs::symlink(&precious, tmp.path().join(".public.dossier-previous")).unwrap();
        build(&target, &[("b.html", "b")]);
        build(&target, &[("c.html", "c")]);
        assert_eq!(std::fs::read_to_string(precious.join("sub/file")).unwrap(), "keep");
        assert_eq!(files(&target).keys().collect::<Vec<_>>(), ["c.html"]);
        remove_tree(&tmp.path().join("no-such-folder"));
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&precious, &link).unwrap();
        remove_tree(&link);
        assert!(!link.exists() && precious.join("sub/file").exists());
    }

    #[test]
    fn a_failed_build_gives_the_previous_output_back() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        build(&target, &[("a.html", "a")]);
        build(&target, &[("b.html", "b")]);
        {
            let staging = Staging::new(&target).unwrap();
            staging.write("c.html", b"c".to_vec()).unwrap();
        }
        assert!(tmp.path().join(".public.dossier-previous").is_dir());
        assert_eq!(files(&target).keys().collect::<Vec<_>>(), ["b.html"]);
        build(&target, &[("d.html", "d")]);
        assert_eq!(files(&target).keys().collect::<Vec<_>>(), ["d.html"]);
    }

    #[test]
    fn dropping_without_commit_leaves_the_output_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();
        {
            let staging = Staging::new(&target).unwrap();
            staging.write("x.html", b"x".to_vec()).unwrap();
        }
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
        assert!(target.join("old.html").exists());
    }

    #[test]
    fn refuses_unsafe_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::new(&tmp.path().join("public")).unwrap();
        for bad in ["../x", "/etc/passwd", "a/../../b", ""] {
            assert!(staging.write(bad, Vec::new()).is_err(), "{bad}");
        }
    }

    /// Builds `pages` into `target` as `dossier build` does; the warnings about files moved aside.
    fn build_reporting(target: &Path, pages: &[(&str, &str)]) -> Vec<String> {
        let mut staging = Staging::new(target).unwrap();
        for (path, text) in pages {
            staging.write(path, text.as_bytes().to_vec()).unwrap();
        }
        let warnings = staging.prepare("public").unwrap();
        staging.commit().unwrap();
        warnings.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn an_output_folder_dossier_did_not_make_is_refused_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        assert!(check_ownership(&target, "public", false).is_ok(), "a folder that does not exist");
        std::fs::create_dir_all(target.join(".git")).unwrap();
        std::fs::write(target.join(".git/HEAD"), "ref").unwrap();
        std::fs::write(target.join(".DS_Store"), "").unwrap();
        assert!(check_ownership(&target, "public", false).is_ok(), "hidden entries are carried over");
        std::fs::create_dir_all(target.join("mydata")).unwrap();
        std::fs::write(target.join("mydata/a.csv"), "1").unwrap();
        std::fs::write(target.join("mydata/b.csv"), "2").unwrap();
        std::fs::write(target.join("CNAME"), "example.org").unwrap();
        let refused = check_ownership(&target, "public", false).unwrap_err();
        assert!(refused.message.contains("public holds 3 files that dossier did not make"), "{}", refused.message);
        assert!(
            refused.message.contains("CNAME") && refused.message.contains("mydata/ (2 files)"),
            "{}",
            refused.message
        );
        assert!(refused.help.unwrap().contains("--force"));
        assert!(check_ownership(&target, "public", true).is_ok());
        // forced, every file is named as it is moved aside, and the next build is dossier's
        let moved = build_reporting(&target, &[("index.html", "home")]);
        assert_eq!(moved.len(), 2, "{moved:?}");
        assert!(moved[0].starts_with("public/CNAME was not made by dossier"), "{moved:?}");
        assert!(
            moved[1].starts_with("public/mydata/ holds 2 files that dossier did not make (mydata/a.csv, mydata/b.csv)")
        );
        assert!(target.join(".git/HEAD").is_file());
        assert!(check_ownership(&target, "public", false).is_ok());
        assert!(build_reporting(&target, &[("index.html", "home")]).is_empty());
        std::fs::write(tmp.path().join("file"), "").unwrap();
        assert!(check_ownership(&tmp.path().join("file"), "file", true).is_err(), "a file is not a folder");
    }

    #[test]
    fn files_dossier_did_not_make_are_named_before_they_are_moved_aside() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let pages = [("index.html", "home"), ("articles/a/index.html", "a"), ("style.css", "css")];
        build(&target, &pages);
        build(&target, &pages);
        std::thread::sleep(std::time::Duration::from_millis(30));
        std::fs::write(target.join("CNAME"), "example.org").unwrap();
        std::fs::write(target.join("articles/a/notes.txt"), "draft").unwrap();
        std::fs::create_dir_all(target.join("mydata/deep")).unwrap();
        std::fs::write(target.join("mydata/deep/x.csv"), "1").unwrap();
        std::fs::write(target.join("articles/a/.DS_Store"), "").unwrap();
        std::fs::create_dir_all(target.join(".git")).unwrap();
        std::fs::write(target.join(".git/HEAD"), "ref").unwrap();
        // the next build writes a CNAME of its own (from static/): that one is not reported
        let mut next = pages.to_vec();
        next.push(("CNAME", "example.org"));
        let moved = build_reporting(&target, &next);
        assert_eq!(moved.len(), 2, "{moved:?}");
        assert!(moved[0].starts_with("public/articles/a/notes.txt was not made by dossier: this build moves it aside to .public.dossier-previous/, and the next build deletes it"), "{moved:?}");
        assert!(
            moved[1].starts_with("public/mydata/ holds 1 file that dossier did not make (mydata/deep/x.csv)"),
            "{moved:?}"
        );
        let previous = tmp.path().join(".public.dossier-previous");
        assert!(previous.join("articles/a/notes.txt").is_file(), "moved aside, not deleted");
        assert!(target.join(".git/HEAD").is_file() && !target.join("articles/a/notes.txt").exists());
        assert!(build_reporting(&target, &next).is_empty(), "reported once");
        assert!(!previous.join("articles/a/notes.txt").exists(), "deleted by the build after");
    }

    #[test]
    fn a_build_killed_before_its_manifest_is_renamed_leaves_the_folder_dossiers() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        build(&target, &[("a.html", "a")]);
        let (manifest, next) =
            (tmp.path().join(".public.dossier-manifest"), tmp.path().join(".public.dossier-manifest.next"));
        std::fs::rename(&manifest, &next).unwrap();
        assert!(check_ownership(&target, "public", false).is_ok());
        assert!(build_reporting(&target, &[("b.html", "b")]).is_empty());
        assert!(manifest.is_file() && !next.exists());
        // a manifest of another folder does not make a folder dossier's
        std::fs::rename(&target, tmp.path().join("elsewhere")).unwrap();
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("CNAME"), "x").unwrap();
        assert!(check_ownership(&target, "public", false).is_err());
    }

    #[test]
    fn refuses_dangerous_output_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
        for bad in
            [root.clone(), root.join("content"), root.join("content/x"), tmp.path().to_path_buf(), PathBuf::from("/")]
        {
            assert!(check_output_dir(&root, &bad).is_err(), "{}", bad.display());
        }
        // a folder with content/ that no build made looks like a site: refused
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(elsewhere.join("content")).unwrap();
        assert!(check_output_dir(&root, &elsewhere).is_err());
        // an output that holds content/ because the site publishes one (static/content/) is
        // dossier's own, as its manifest says: rebuilding into it is allowed
        let output = root.join("public");
        build(&output, &[("index.html", "home"), ("content/notes.txt", "a static file")]);
        assert!(output.join("content").is_dir());
        assert!(check_output_dir(&root, &output).is_ok());
    }
}
