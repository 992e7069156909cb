//! Responsive images: `[images]` makes resized variants of the site's PNG, JPEG and WebP images,
//! offered in `srcset` with `sizes`; they are kept in `.dossier-cache/` between builds, so that
//! a rebuild resizes nothing again; a damaged cache entry is made again; an image that does not
//! decode is an error naming it; and `serve` serves the variants `build` writes.

mod harness;

use dossier::pipeline::{self, PipelineOptions};
use dossier::render::{MemorySink, NullSink};
use dossier::serve::session::{Session, Snapshot};
use harness::{Page, Site};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The variants of the `images` fixture (`widths = [64, 128]`), with their sizes: the photo
/// (200×120) and the chart (160×100); not the 40 px seal, nor the GIF.
const VARIANTS: &[(&str, (u32, u32))] = &[
    ("articles/chancay-port/port.jpg.64w.webp", (64, 38)),
    ("articles/chancay-port/port.jpg.128w.webp", (128, 77)),
    ("img/tariffs.png.64w.webp", (64, 40)),
    ("img/tariffs.png.128w.webp", (128, 80)),
];

/// A copy of the fixture `name` without the image cache a test that builds fixtures in place
/// may have left in it: each test starts cold.
fn fixture(name: &str, files: &[(&str, &str)]) -> Site {
    let site = Site::fixture_with(name, files);
    let _ = std::fs::remove_dir_all(site.root.join(".dossier-cache"));
    site
}

fn decoded_size(bytes: &[u8]) -> (u32, u32) {
    let image = image::load_from_memory(bytes).expect("a variant decodes");
    (image.width(), image.height())
}

/// The image cache's entries: file name → (inode, modification time in nanoseconds).
fn cache_entries(site: &Site) -> BTreeMap<String, (u64, i128)> {
    let dir = site.root.join(".dossier-cache/images");
    let Ok(listing) = std::fs::read_dir(&dir) else { return BTreeMap::new() };
    listing
        .flatten()
        .map(|e| {
            let meta = e.metadata().unwrap();
            let mtime = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
            (e.file_name().to_string_lossy().into_owned(), (meta.ino(), mtime))
        })
        .collect()
}

/// Runs the pipeline on the site as `build` does, into memory; returns how many variants it
/// resized.
fn resized_by_a_run(root: &Path) -> usize {
    let options = PipelineOptions::for_site(root);
    let config = pipeline::load_config(&options).unwrap();
    pipeline::run(&options, config, &NullSink).unwrap().images_resized
}

#[test]
fn variants_are_written_and_offered_in_srcset() {
    let site = fixture("images", &[]);
    site.build_ok();
    let files = site.output_files();
    for (path, size) in VARIANTS {
        let bytes = files.get(*path).unwrap_or_else(|| panic!("{path} missing"));
        assert_eq!(&bytes[8..12], b"WEBP", "{path} is WebP");
        assert_eq!(decoded_size(bytes), *size, "{path}");
    }
    let made: Vec<&String> = files.keys().filter(|p| p.contains("w.")).collect();
    assert_eq!(made.len(), VARIANTS.len(), "no variant of the seal (narrower than 64 px) nor of the GIF: {made:?}");
    // the originals are copied as they are
    let source = std::fs::read(site.root.join("content/articles/chancay-port/port.jpg")).unwrap();
    assert_eq!(files["articles/chancay-port/port.jpg"], source);

    let html = site.read("articles/chancay-port/index.html");
    let figure = html.lines().find(|l| l.starts_with("<figure class=\"image\"><img")).expect("the photo's figure");
    insta::assert_snapshot!(figure);
    let page = Page::parse(&html);
    assert_eq!(page.attrs(".prose img", "src"), ["/policy/articles/chancay-port/port.jpg"], "src is the original");
    assert_eq!(page.attrs(".prose img", "width"), ["200"]);

    let tariffs = site.page("articles/tariffs/");
    assert_eq!(
        tariffs.attrs(".prose img", "srcset"),
        ["/policy/img/tariffs.png.64w.webp 64w, /policy/img/tariffs.png.128w.webp 128w, /policy/img/tariffs.png 160w"],
        "only the chart has variants: the seal is narrower than every width, the GIF is not resized"
    );
    assert_eq!(tariffs.attrs(".prose img", "sizes").len(), 1);
    // every address in a srcset is a file of the output
    for srcset in page.attrs(".prose img", "srcset").iter().chain(&tariffs.attrs(".prose img", "srcset")) {
        for candidate in srcset.split(", ") {
            let url = candidate.split(' ').next().unwrap();
            let file = url.strip_prefix("/policy/").unwrap();
            assert!(files.contains_key(file), "{url} is in srcset but not in the output");
        }
    }
}

#[test]
fn format_original_and_widths_off() {
    let original = "title = \"Images\"\nbase_url = \"https://example.org/\"\n[images]\nwidths = [64, 128]\nformat = \"original\"\nquality = 60\nsizes = \"100vw\"\n";
    let site = fixture("images", &[("site.toml", original)]);
    site.build_ok();
    let files = site.output_files();
    let jpeg = &files["articles/chancay-port/port.jpg.64w.jpg"];
    assert_eq!(&jpeg[..3], [0xFF, 0xD8, 0xFF], "a JPEG of a JPEG");
    assert_eq!(decoded_size(jpeg), (64, 38));
    let png = &files["img/tariffs.png.128w.png"];
    assert_eq!(&png[1..4], b"PNG");
    assert!(image::load_from_memory(png).unwrap().color().has_alpha(), "transparency is kept");
    assert_eq!(site.page("articles/tariffs/").attrs(".prose img", "sizes"), ["100vw"]);

    let off = "title = \"Images\"\nbase_url = \"https://example.org/\"\n[images]\nwidths = []\n";
    let site = fixture("images", &[("site.toml", off)]);
    site.build_ok();
    assert!(!site.output_files().keys().any(|p| p.contains("w.")), "no variants");
    assert!(site.page("articles/chancay-port/").attrs(".prose img", "srcset").is_empty());
    // the build cache is there (`.dossier-cache/build.bin`), and no image
    assert!(!site.root.join(".dossier-cache/images").exists(), "no image cached");
}

#[test]
fn a_rebuild_resizes_nothing_again() {
    let site = fixture("images", &[]);
    assert_eq!(resized_by_a_run(&site.root), VARIANTS.len());
    assert_eq!(resized_by_a_run(&site.root), 0, "every variant from the cache");
    site.build_ok();
    let entries = cache_entries(&site);
    assert_eq!(entries.len(), VARIANTS.len());
    let output = site.output_files();
    site.write(
        "content/articles/tariffs.md",
        &std::fs::read_to_string(site.root.join("content/articles/tariffs.md")).unwrap().replace("larger", "wider"),
    );
    site.build_ok();
    assert_eq!(cache_entries(&site), entries, "no cache entry written again (same inode, same time)");
    let rebuilt = site.output_files();
    for (path, _) in VARIANTS {
        assert_eq!(rebuilt[*path], output[*path], "{path}");
    }

    // a new image is resized; the others are not; a setting changed makes new variants and the
    // old entries are removed
    let chart = std::fs::read(site.root.join("static/img/tariffs.png")).unwrap();
    std::fs::write(site.root.join("static/img/tariffs-2.png"), &chart).unwrap();
    assert_eq!(resized_by_a_run(&site.root), 0, "the same bytes under another name: the same entries");
    let mut edited = chart.clone();
    edited.extend_from_slice(b"trailing bytes a decoder skips");
    std::fs::write(site.root.join("static/img/tariffs-2.png"), &edited).unwrap();
    assert_eq!(resized_by_a_run(&site.root), 2, "other bytes: its two variants");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &format!("{toml}quality = 50\n"));
    assert_eq!(resized_by_a_run(&site.root), 6);
    assert_eq!(cache_entries(&site).len(), 6, "entries of the earlier quality are pruned");
}

#[test]
fn a_damaged_cache_entry_is_made_again_not_shipped() {
    let site = fixture("images", &[]);
    site.build_ok();
    let good = site.output_files();
    let dir = site.root.join(".dossier-cache/images");
    let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    std::fs::write(&entries[0], b"half a file").unwrap();
    std::fs::write(&entries[1], b"").unwrap();
    site.build_ok();
    assert_eq!(site.output_files(), good, "the same bytes as before the damage");
    assert_eq!(resized_by_a_run(&site.root), 0, "the damaged entries were made again and stored");
}

#[test]
fn an_undecodable_image_is_an_error_naming_it() {
    let site = fixture("invalid-image-undecodable", &[]);
    let stderr =
        site.fails_keeping_the_output(&["content/articles/chancay-port/port.jpg:1:1", "static/img/tariffs.png:1:1"]);
    assert!(stderr.contains("cannot decode the image static/img/tariffs.png"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn init_keeps_the_cache_out_of_git() {
    let site = Site::empty();
    site.run(&["init", "new-site"]).assert_success();
    let ignored = std::fs::read_to_string(site.root.join("new-site/.gitignore")).unwrap();
    assert!(ignored.lines().any(|l| l == "/.dossier-cache/"), "{ignored}");
}

/// Every file `serve` serves, bytes read from where they are (pages, and static files from the
/// disk or the cache).
fn served_files(snapshot: &Snapshot) -> BTreeMap<String, Vec<u8>> {
    let mut files: BTreeMap<String, Vec<u8>> = snapshot.pages.iter().map(|(p, b)| (p.clone(), b.to_vec())).collect();
    for path in snapshot.statics.keys() {
        files.insert(path.clone(), snapshot.get(path).expect("a static file served").to_vec());
    }
    files
}

/// A build from nothing, into memory, with `serve`'s base URL: every file with its bytes.
fn built_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let options = PipelineOptions { base_url: Some("http://127.0.0.1:1/".into()), ..PipelineOptions::for_site(root) };
    let config = pipeline::load_config(&options).unwrap();
    let sink = MemorySink::default();
    let rendered = pipeline::run(&options, config, &sink).unwrap();
    let mut files: BTreeMap<String, Vec<u8>> = sink.into_files().into_iter().collect();
    for f in rendered.static_files.iter() {
        let bytes = match &f.source {
            dossier::load::StaticSource::Disk(path) => std::fs::read(path).unwrap(),
            dossier::load::StaticSource::Embedded(bytes) => bytes.to_vec(),
        };
        files.insert(f.output_path.clone(), bytes);
    }
    files
}

#[test]
fn serve_serves_the_variants_build_writes_and_a_body_edit_resizes_nothing() {
    use dossier::serve::changes::{self, ChangedPath, RebuildPlan};
    let site = fixture("images", &[]);
    let mut session = Session::new(site.root.clone(), "http://127.0.0.1:1/".into(), false);
    let mut snapshot = Snapshot::default();
    let mut rebuild = |changed: &[&str], snapshot: &mut Snapshot| {
        let plan = if changed.is_empty() {
            RebuildPlan::everything()
        } else {
            changes::plan(&changed.iter().map(|p| ChangedPath::file(p)).collect::<Vec<_>>())
        };
        snapshot.apply(session.rebuild(&plan).unwrap().update);
        snapshot.apply(session.rebuild_search().unwrap().0);
    };
    rebuild(&[], &mut snapshot);
    let without_search = |files: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        files.into_iter().filter(|(p, _)| !p.starts_with("search/")).collect()
    };
    assert_eq!(without_search(served_files(&snapshot)), without_search(built_files(&site.root)));
    assert!(snapshot.statics.contains_key(VARIANTS[0].0));
    let entries = cache_entries(&site);

    // a body edit: nothing resized, nothing written to the cache
    let body = std::fs::read_to_string(site.root.join("content/articles/chancay-port/index.md")).unwrap();
    site.write("content/articles/chancay-port/index.md", &body.replace("foothold", "beachhead"));
    rebuild(&["content/articles/chancay-port/index.md"], &mut snapshot);
    assert_eq!(cache_entries(&site), entries);
    assert_eq!(without_search(served_files(&snapshot)), without_search(built_files(&site.root)));

    // a new photo in the bundle: its variants are served, as built
    let photo = std::fs::read(site.root.join("content/articles/chancay-port/port.jpg")).unwrap();
    std::fs::write(site.root.join("content/articles/chancay-port/pier.jpg"), photo).unwrap();
    site.write("content/articles/chancay-port/index.md", &format!("{body}\n![The pier again](pier.jpg)\n"));
    rebuild(&["content/articles/chancay-port/pier.jpg", "content/articles/chancay-port/index.md"], &mut snapshot);
    let served = served_files(&snapshot);
    assert!(served.contains_key("articles/chancay-port/pier.jpg.128w.webp"));
    assert_eq!(without_search(served), without_search(built_files(&site.root)));
}
