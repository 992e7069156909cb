//! Link resolution: `.md` paths, `actor:`, `topic:`, `source:` and site paths become checked hrefs.

use super::builders::{ActorBuilder, EntityBuilder, ExplainerBuilder, TopicBuilder};
use super::plan::{Page, PageKind};
use super::publish::LeftOut;
use super::{ActorId, ExplainerId, Section, SectionId, TopicId};
use crate::config::RawHtml;
use crate::diagnostics::{Code, Diagnostic, SourceFile, closest};
use crate::frontmatter::SourceEntry;
use crate::load::{ContentFile, StaticFile};
use crate::markdown::{LinkRef, ParsedBody, url_allowed, url_scheme};
use crate::page_ids::{AnchorCheck, source_anchor};
use crate::parse::{self, ContentKind, ParsedHome};
use crate::slug::Slug;
use crate::urls::normalize_path as normalize;
use crate::urls::{Urls, output_file};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::HashSet;

/// A page of the site that a link leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Explainer(ExplainerId),
    Actor(ActorId),
    Topic(TopicId),
    /// A section's page, or the archive of a folder (linked as its `_index.md`).
    Section(SectionId),
    Home,
}

/// What a written link becomes. `href: None` keeps the destination as written (external links).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResolvedLink {
    pub href: Option<String>,
    pub target: Option<Target>,
    /// For `source:` links: the number of the source in the list, and its title.
    pub citation: Option<(usize, String)>,
    /// Written as its text alone, without `<a>`: a link to an explainer that is scheduled or
    /// expired, which this build leaves out.
    pub as_text: bool,
    /// For a link to an image of the site (a static or bundle file): its width and height.
    pub image: Option<(u32, u32)>,
    /// For a link from a page in another language to a page the site has only in the default
    /// language (see [`Fallback`]): that language, for `hreflang` and the note beside the link.
    pub language: Option<String>,
}

impl ResolvedLink {
    pub const UNCHANGED: ResolvedLink =
        ResolvedLink { href: None, target: None, citation: None, as_text: false, image: None, language: None };
    pub const AS_TEXT: ResolvedLink =
        ResolvedLink { href: None, target: None, citation: None, as_text: true, image: None, language: None };

    fn to(href: String, target: Option<Target>) -> ResolvedLink {
        ResolvedLink { href: Some(href), target, citation: None, as_text: false, image: None, language: None }
    }
}

/// The social card image of an explainer (`image:`), found among the site's files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SocialImage {
    /// The file's path in the output (`articles/lima/map.png`).
    pub path: String,
    /// Its width and height, when its header says.
    pub size: Option<(u32, u32)>,
}

pub struct LinkIndexInput<'a, 's> {
    pub urls: &'a Urls,
    pub explainers: &'a [ExplainerBuilder<'s>],
    pub actors: &'a [ActorBuilder<'s>],
    pub topics: &'a [TopicBuilder<'s>],
    pub sections: &'a [Section<'s>],
    pub home: Option<&'a ParsedHome<'s>>,
    /// Explainers left out of this build (drafts, scheduled, expired), by path in content/.
    pub unpublished: &'a FxHashMap<&'a str, LeftOut>,
    /// Files that failed to parse: their own errors are reported; links to them are not.
    pub failed_paths: &'a HashSet<&'a str>,
    pub pages: &'a [Page],
    pub static_files: &'a [StaticFile],
    /// Under `trusted`, links may use any scheme.
    pub raw_html: RawHtml,
    /// In a language other than the default: the default language's pages, for links to the
    /// content files this language has no version of.
    pub fallback: Option<&'a Fallback>,
}

/// The pages of the default language, for the text of another language: a link there to
/// `x.md` leads to the default language's page of `x.md` when that language has no `x.<lang>.md`.
#[derive(Debug)]
pub struct Fallback {
    pub language: String,
    pub urls: Urls,
    /// `articles/x.md` (relative to content/) → the site path of its page.
    pub by_content_path: FxHashMap<String, String>,
}

/// Everything a link can lead to, indexed for lookups.
pub struct LinkIndex<'a, 's> {
    input: LinkIndexInput<'a, 's>,
    /// `articles/x.md` (relative to content/) → target.
    by_content_path: FxHashMap<&'a str, Target>,
    /// Output file (`articles/x/index.html`, `style.css`) → the page's target, if it has one.
    by_output_file: FxHashMap<String, Option<Target>>,
    actor_by_slug: FxHashMap<&'a str, ActorId>,
    topic_by_slug: FxHashMap<&'a str, TopicId>,
    /// The files of page bundles: path relative to content/ (`articles/lima/map.png`) → output
    /// path (`articles/lima/map.png`, its folders slugified).
    by_bundle_path: FxHashMap<&'a str, &'a str>,
    /// The width and height of each image among the static and bundle files, by output path.
    image_sizes: FxHashMap<&'a str, (u32, u32)>,
    /// The static files, by output path, when a language's pages are in a folder of their own
    /// (`fr/`): links to them lead to the root, where they are written once. Empty otherwise.
    assets: rustc_hash::FxHashSet<&'a str>,
}

impl<'a, 's> LinkIndex<'a, 's> {
    pub fn new(input: LinkIndexInput<'a, 's>) -> Self {
        let mut by_content_path = FxHashMap::default();
        by_content_path.reserve(input.explainers.len() + input.actors.len() + input.topics.len() + 1);
        for (id, e) in input.explainers.iter().enumerate() {
            by_content_path.insert(e.parsed.file.rel.as_str(), Target::Explainer(id));
        }
        for (id, a) in input.actors.iter().enumerate() {
            if let Some(file) = profile_file(a) {
                by_content_path.insert(file.rel.as_str(), Target::Actor(id));
            }
        }
        for (id, t) in input.topics.iter().enumerate() {
            if let Some(file) = profile_file(t) {
                by_content_path.insert(file.rel.as_str(), Target::Topic(id));
            }
        }
        for (id, section) in input.sections.iter().enumerate() {
            if let Some(intro) = &section.intro {
                by_content_path.insert(intro.file.rel.as_str(), Target::Section(id));
            }
        }
        if let Some(home) = input.home {
            by_content_path.insert(home.file.rel.as_str(), Target::Home);
        }
        let mut by_output_file = FxHashMap::default();
        by_output_file.reserve(input.pages.len() + input.static_files.len());
        for page in input.pages {
            let target = match page.kind {
                PageKind::Explainer(id) => Some(Target::Explainer(id)),
                PageKind::Actor { id, page: 1, .. } => Some(Target::Actor(id)),
                PageKind::Topic { id, page: 1, .. } => Some(Target::Topic(id)),
                PageKind::Home { page: 1, .. } => Some(Target::Home),
                PageKind::Section { id, page: 1, .. } => Some(Target::Section(id)),
                _ => None,
            };
            by_output_file.insert(output_file(&page.path), target);
        }
        let mut by_bundle_path = FxHashMap::default();
        let mut image_sizes = FxHashMap::default();
        let mut assets = rustc_hash::FxHashSet::default();
        let in_language_folder = input.urls.root_path() != input.urls.base_path();
        for file in input.static_files {
            if in_language_folder {
                assets.insert(file.output_path.as_str());
            }
            if let Some(size) = file.dimensions {
                image_sizes.insert(file.output_path.as_str(), size);
            }
            by_output_file.entry(file.output_path.clone()).or_insert(None);
            if let Some(rel) = &file.bundle {
                by_bundle_path.insert(rel.as_str(), file.output_path.as_str());
            }
        }
        let actor_by_slug = input.actors.iter().enumerate().map(|(i, a)| (a.slug.as_str(), i)).collect();
        let topic_by_slug = input.topics.iter().enumerate().map(|(i, t)| (t.slug.as_str(), i)).collect();
        LinkIndex {
            input,
            by_content_path,
            by_output_file,
            actor_by_slug,
            topic_by_slug,
            by_bundle_path,
            image_sizes,
            assets,
        }
    }

    /// Resolves the links of every body: explainers (in parallel), then the profiles of actors
    /// and topics, the `_index.md` of sections, then the home page's intro.
    pub fn resolve_all(&self, diagnostics: &mut Vec<Diagnostic>) -> ResolvedLinks<'s> {
        let mut anchor_checks = Vec::new();
        let explainers = self.resolve_explainers(diagnostics, &mut anchor_checks);
        let mut resolve_profile = |profile: Option<(&'s ContentFile, &ParsedBody<'_>)>| match profile {
            Some((file, body)) => self.resolve_body(file, body, &[], diagnostics, &mut anchor_checks),
            None => Vec::new(),
        };
        let actors = self.input.actors.iter().map(|a| resolve_profile(profile_body(a))).collect();
        let topics = self.input.topics.iter().map(|t| resolve_profile(profile_body(t))).collect();
        let sections =
            self.input.sections.iter().map(|s| resolve_profile(s.intro.as_ref().map(|p| (p.file, &*p.body)))).collect();
        let home = resolve_profile(self.input.home.map(|h| (h.file, &*h.body)));
        ResolvedLinks { explainers, actors, topics, sections, home, anchor_checks }
    }

    /// Resolves the links of every explainer, in parallel; one list per explainer, in order.
    /// Links with a `#fragment` add the check of their anchor to `checks`.
    pub fn resolve_explainers(
        &self,
        diagnostics: &mut Vec<Diagnostic>,
        checks: &mut Vec<AnchorCheck<'s>>,
    ) -> Vec<ExplainerLinks> {
        let results: Vec<(ExplainerLinks, Vec<Diagnostic>, Vec<AnchorCheck<'s>>)> = self
            .input
            .explainers
            .par_iter()
            .with_max_len(crate::ITEMS_PER_JOB)
            .map(|e| {
                let (mut diags, mut checks) = (Vec::new(), Vec::new());
                let e = &e.parsed;
                let links = self.resolve_body(e.file, &e.body, &e.meta.sources, &mut diags, &mut checks);
                let image = e.meta.image.as_ref().and_then(|image| self.social_image(e.file, image, &mut diags));
                ((links, image), diags, checks)
            })
            .collect();
        results
            .into_iter()
            .map(|(links, diags, found)| {
                diagnostics.extend(diags);
                checks.extend(found);
                links
            })
            .collect()
    }

    /// The file `image:` names: in the explainer's page bundle (relative to its `index.md`), or
    /// a site path (`/img/map.png`); a missing file is an error at the field with the closest
    /// name, a file that is not an image too, and an SVG a warning (social sites show none).
    fn social_image(
        &self,
        file: &ContentFile,
        image: &crate::frontmatter::Located<String>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<SocialImage> {
        let written = image.value.trim();
        let found = match written.strip_prefix('/') {
            Some(site_path) => {
                let path = percent_decode(site_path);
                match self.by_output_file.get(path.as_str()) {
                    Some(None) => Ok(path),
                    _ => {
                        let images = self.image_sizes.keys().copied().filter(|p| !p.ends_with(".html"));
                        let suggestion = closest(&path, images).map(|s| format!("/{s}"));
                        Err(Problem::new(format!(
                            "`image: {written}`: no file at that path in static/ or a page bundle"
                        ))
                        .suggest(suggestion.as_deref()))
                    }
                }
            }
            None if url_scheme(written).is_some() || written.starts_with("//") => Err(Problem::new(format!(
                "`image: {written}`: the social card image must be a file of the site"
            ))
            .code(Code::FieldValue)
            .help("put the image beside the explainer's index.md, or in static/ and write its path (`/img/map.png`)")),
            None => match self.bundle_link(file, written, None, None) {
                Ok(Some(_)) => {
                    let dir = file.rel.rsplit_once('/').map_or("", |(d, _)| d);
                    let rel = normalize(&format!("{dir}/{}", percent_decode(written))).unwrap_or_default();
                    Ok(self.by_bundle_path.get(rel.as_str()).map(|p| p.to_string()).unwrap_or_default())
                }
                Ok(None) => {
                    Err(Problem::new(format!("`image: {written}`: no file content/{}", relative_name(file, written)))
                        .help("an explainer that is not in a page bundle names a static file: `image: /img/map.png`"))
                }
                Err(problem) => Err(problem),
            },
        };
        let source = SourceFile::new(&file.path, &file.text);
        let found = found.and_then(|path| match crate::load::is_image(&path) {
            true => Ok(path),
            false => Err(Problem::new(format!("`image: {written}` is not an image (/{path})"))
                .code(Code::FieldValue)
                .help("give a PNG, JPEG, WebP or GIF file")),
        });
        let path = match found {
            Ok(path) => path,
            Err(problem) => {
                diagnostics.push(problem.into_diagnostic(&source, image.offset, image.len));
                return None;
            }
        };
        if path.rsplit('.').next().is_some_and(|e| e.eq_ignore_ascii_case("svg")) {
            diagnostics.push(
                Diagnostic::warning(format!(
                    "`image: {written}` is an SVG: social sites show no SVG image in link previews"
                ))
                .code(Code::SocialImageFormat)
                .at(&source, image.offset, image.len)
                .with_help("give a PNG or JPEG (1200 × 630 pixels suits most sites); search engines read the SVG"),
            );
        }
        let size = self.image_sizes.get(path.as_str()).copied();
        Some(SocialImage { path, size })
    }

    /// Resolves the links of one body. `sources` are the file's own, for `source:` links.
    pub fn resolve_body(
        &self,
        file: &'s ContentFile,
        body: &ParsedBody<'_>,
        sources: &[SourceEntry],
        diagnostics: &mut Vec<Diagnostic>,
        checks: &mut Vec<AnchorCheck<'s>>,
    ) -> Vec<ResolvedLink> {
        let mut source_file: Option<SourceFile<'_>> = None;
        for image in body.links.iter().filter(|l| l.is_image && !l.removed && l.text.trim().is_empty()) {
            // screen readers have nothing to say for it; an error under `check --strict`
            let source = source_file.get_or_insert_with(|| SourceFile::new(&file.path, &file.text));
            diagnostics.push(
                Diagnostic::warning(format!("image `{}` has no alt text", image.dest))
                    .code(Code::ImageWithoutAlt)
                    .at(source, image.offset, image.len)
                    .with_help(
                        "say what the image shows between the brackets: `![Map of the Kursk region](kursk.png)`",
                    ),
            );
        }
        body.links
            .iter()
            .map(|link| match self.resolve(file, sources, link) {
                Ok((resolved, anchor)) => {
                    if let Some(Anchor { page, fragment, target_file }) = anchor {
                        let (offset, len) = (link.offset, link.len);
                        checks.push(AnchorCheck { file, offset, len, page, fragment, target_file });
                    }
                    if let Some((number, _)) = &resolved.citation {
                        let written = link.text.trim();
                        if !written.is_empty()
                            && written.chars().all(|c| c.is_ascii_digit())
                            && written != number.to_string()
                        {
                            let source = source_file.get_or_insert_with(|| SourceFile::new(&file.path, &file.text));
                            diagnostics.push(
                                Diagnostic::warning(format!(
                                    "citation [{written}] links to `{}`, which is number {number} in `sources:`",
                                    link.dest.trim_start_matches("source:")
                                ))
                                .code(Code::CitationNumber)
                                .at(source, link.offset, link.len)
                                .with_help(format!("write [{number}], or reorder `sources:`")),
                            );
                        }
                    }
                    resolved
                }
                Err(problem) => {
                    let source = source_file.get_or_insert_with(|| SourceFile::new(&file.path, &file.text));
                    let (d, resolved) = if problem.as_text {
                        (Diagnostic::warning(problem.message), ResolvedLink::AS_TEXT)
                    } else {
                        (Diagnostic::error(problem.message), ResolvedLink::UNCHANGED)
                    };
                    let d = d.code(problem.code).at(source, link.offset, link.len);
                    diagnostics.push(match problem.help {
                        Some(help) => d.with_help(help),
                        None => d,
                    });
                    resolved
                }
            })
            .collect()
    }

    /// What `link` becomes, and the anchor it names, to check once its page is rendered.
    fn resolve(
        &self,
        file: &ContentFile,
        sources: &[SourceEntry],
        link: &LinkRef<'_>,
    ) -> Result<(ResolvedLink, Option<Anchor>), Problem> {
        let dest = link.dest.as_ref();
        if link.removed {
            // sanitizing removed it with the raw element around it: it is not on the page
            return Ok((ResolvedLink::UNCHANGED, None));
        }
        if link.is_email {
            // `<press@agency.gov>`: the HTML writer makes it a `mailto:` link
            return Ok((ResolvedLink::UNCHANGED, None));
        }
        if dest.is_empty() {
            return Err(Problem::new("empty link destination").help("write a `.md` file, a site path or an address"));
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            let own = self.by_content_path.get(file.rel.as_str()).copied();
            let check = own.filter(|_| !anchor.is_empty()).map(|target| Anchor {
                page: output_file(&self.target_parts(target).0),
                fragment: anchor.to_string(),
                target_file: None,
            });
            return Ok((ResolvedLink::UNCHANGED, check));
        }
        if let Some(slug) = dest.strip_prefix("actor:") {
            return self.entity_link(slug, "actor", &self.actor_by_slug, self.input.actors, Target::Actor);
        }
        if let Some(slug) = dest.strip_prefix("topic:") {
            return self.entity_link(slug, "topic", &self.topic_by_slug, self.input.topics, Target::Topic);
        }
        if let Some(id) = dest.strip_prefix("source:") {
            let page = self.by_content_path.get(file.rel.as_str()).map(|&t| output_file(&self.target_parts(t).0));
            let resolved = self.source_link(id, sources, file)?;
            let check = page.map(|page| Anchor { page, fragment: source_anchor(id), target_file: None });
            return Ok((resolved, check));
        }
        if let Some(scheme) = url_scheme(dest) {
            if self.input.raw_html != RawHtml::Trusted && !url_allowed(dest) {
                return Err(Problem::new(format!("`{scheme}:` links are not allowed")).code(Code::LinkScheme).help(
                    "links and images may use http, https, mailto and tel addresses, site paths and `.md` files \
                     (`[markdown] raw_html = \"trusted\"` allows any)",
                ));
            }
            return Ok((ResolvedLink::UNCHANGED, None));
        }
        if dest.starts_with("//") {
            return Ok((ResolvedLink::UNCHANGED, None));
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        if path.ends_with(".md") {
            return self.content_link(file, path, fragment);
        }
        if let Some(site_path) = path.strip_prefix('/') {
            return self.site_path_link(site_path, query, fragment, dest);
        }
        if let Some(resolved) = self.bundle_link(file, path, query, fragment)? {
            return Ok((resolved, None));
        }
        Err(Problem::new(format!("relative link `{dest}` does not name a content file"))
            .help("link to a `.md` file (`other.md`), or write a site path from the site root (`/about/`)"))
    }

    /// A relative link to a file of a page bundle (`map.png` in `articles/lima/index.md`): the
    /// address the file is copied to. `None` when the link is not in a bundle and names no
    /// bundle file; in a bundle, a file that is not there is an error naming the closest one.
    fn bundle_link(
        &self,
        file: &ContentFile,
        path: &str,
        query: Option<&str>,
        fragment: Option<&str>,
    ) -> Result<Option<ResolvedLink>, Problem> {
        let dir = file.rel.rsplit_once('/').map_or("", |(d, _)| d);
        let decoded = percent_decode(path);
        let Some(rel) = normalize(&format!("{dir}/{decoded}")) else {
            return Err(Problem::new(format!("link `{path}` leads outside content/")));
        };
        if let Some(output) = self.by_bundle_path.get(rel.as_str()) {
            let mut href = self.input.urls.asset_href(output);
            for (mark, part) in [('?', query), ('#', fragment)] {
                if let Some(part) = part {
                    href.push(mark);
                    href.push_str(part);
                }
            }
            let image = self.image_sizes.get(output).copied();
            return Ok(Some(ResolvedLink { image, ..ResolvedLink::to(href, None) }));
        }
        let in_bundle = file.rel.rsplit_once('/').is_some_and(|(_, name)| name == crate::load::BUNDLE_INDEX);
        if !in_bundle {
            return Ok(None);
        }
        // the files of this bundle (and of the others, for a link that climbs out of it)
        let suggestion = closest(&rel, self.by_bundle_path.keys().copied());
        Err(Problem::new(format!("no file content/{rel}: `{path}` is not in this page bundle")).help(
            match suggestion {
                Some(s) => format!("did you mean `{}`?", relative_from(&file.rel, s)),
                None => format!("put the file in content/{dir}/, next to index.md"),
            },
        ))
    }

    fn entity_link<M, K>(
        &self,
        wanted: &str,
        label: &str,
        by_slug: &FxHashMap<&'a str, usize>,
        entities: &[EntityBuilder<'_, M, K>],
        target: fn(usize) -> Target,
    ) -> Result<(ResolvedLink, Option<Anchor>), Problem> {
        let (slug, fragment) = wanted.split_once('#').map_or((wanted, None), |(s, f)| (s, Some(f)));
        let found =
            by_slug.get(slug).copied().or_else(|| Slug::from_text(slug).and_then(|s| by_slug.get(s.as_str()).copied()));
        match found {
            Some(id) => {
                let entity = &entities[id];
                let mut href = self.input.urls.href(&entity.path);
                let mut check = None;
                if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                    let target_file = profile_file(entity).map(|file| file.rel.clone());
                    check = Some(Anchor { page: output_file(&entity.path), fragment: f.to_string(), target_file });
                    href.push('#');
                    href.push_str(f);
                }
                Ok((ResolvedLink::to(href, Some(target(id))), check))
            }
            None => {
                let suggestion = closest(slug, entities.iter().map(|e| e.slug.as_str()));
                Err(Problem::new(format!(
                    "no {label} `{slug}`: no profile in content/{label}s/ and no explainer names it"
                ))
                .suggest(suggestion))
            }
        }
    }

    fn source_link(&self, id: &str, sources: &[SourceEntry], file: &ContentFile) -> Result<ResolvedLink, Problem> {
        if let Some(index) = sources.iter().position(|s| s.id == id) {
            return Ok(ResolvedLink {
                href: Some(format!("#{}", source_anchor(id))),
                target: None,
                citation: Some((index + 1, sources[index].title.clone())),
                as_text: false,
                image: None,
                language: None,
            });
        }
        if parse::classify(&file.rel) != ContentKind::Explainer {
            return Err(Problem::new(format!("`source:{id}`: only explainers have sources")));
        }
        let suggestion = closest(id, sources.iter().map(|s| s.id.as_str()));
        let help = match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None if sources.is_empty() => "this explainer has no `sources:` in its front matter".to_string(),
            None => format!(
                "the sources are: {}",
                sources.iter().map(|s| format!("`{}`", s.id)).collect::<Vec<_>>().join(", ")
            ),
        };
        Err(Problem::new(format!("no source with id `{id}` in this explainer's `sources:`")).help(help))
    }

    fn content_link(
        &self,
        file: &ContentFile,
        path: &str,
        fragment: Option<&str>,
    ) -> Result<(ResolvedLink, Option<Anchor>), Problem> {
        let joined = if let Some(from_root) = path.strip_prefix('/') {
            normalize(from_root)
        } else {
            let dir = file.rel.rsplit_once('/').map_or("", |(d, _)| d);
            normalize(&format!("{dir}/{path}"))
        };
        let Some(rel) = joined else {
            return Err(Problem::new(format!("link `{path}` leads outside content/")));
        };
        let target = match self.by_content_path.get(rel.as_str()) {
            Some(&t) => t,
            None if self.input.failed_paths.contains(rel.as_str()) => return Ok((ResolvedLink::UNCHANGED, None)),
            None if let Some(link) = self.fallback_link(&rel, fragment) => return Ok((link, None)),
            None if self.input.unpublished.contains_key(rel.as_str()) => {
                return Err(unpublished_link(path, &rel, self.input.unpublished[rel.as_str()]));
            }
            None => {
                // a file of that name elsewhere first: a link written from a page bundle's
                // `index.md` as if from the folder above (`x.md` for `../x.md`) is the usual slip
                let name = rel.rsplit('/').next();
                let same_name = self.by_content_path.keys().copied().filter(|k| k.rsplit('/').next() == name).min();
                let suggestion = same_name.or_else(|| closest(&rel, self.by_content_path.keys().copied()));
                return Err(Problem::new(format!("link to `{path}`: there is no file content/{rel}"))
                    .suggest(suggestion.map(|s| relative_from(&file.rel, s)).as_deref()));
            }
        };
        let (site_path, _) = self.target_parts(target);
        let mut href = self.input.urls.href(&site_path);
        let mut check = None;
        if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
            let target_file = (rel != file.rel).then(|| rel.clone());
            check = Some(Anchor { page: output_file(&site_path), fragment: fragment.to_string(), target_file });
            href.push('#');
            href.push_str(fragment);
        }
        Ok((ResolvedLink::to(href, Some(target)), check))
    }

    /// A link to `rel` (a content file this language has no version of) that leads to the
    /// default language's page of it, marked with that language. Its `#fragment` is not checked.
    fn fallback_link(&self, rel: &str, fragment: Option<&str>) -> Option<ResolvedLink> {
        let fallback = self.input.fallback?;
        let mut href = fallback.urls.href(fallback.by_content_path.get(rel)?);
        if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
            href.push('#');
            href.push_str(fragment);
        }
        Some(ResolvedLink { language: Some(fallback.language.clone()), ..ResolvedLink::to(href, None) })
    }

    fn site_path_link(
        &self,
        site_path: &str,
        query: Option<&str>,
        fragment: Option<&str>,
        written: &str,
    ) -> Result<(ResolvedLink, Option<Anchor>), Problem> {
        let decoded = percent_decode(site_path);
        let candidates = if decoded.is_empty() || decoded.ends_with('/') {
            vec![output_file(&decoded)]
        } else {
            vec![decoded.clone(), format!("{decoded}/index.html")]
        };
        let Some((file, target)) = candidates.iter().find_map(|c| self.by_output_file.get(c).map(|t| (c, t))) else {
            let suggestion = closest(&output_file(&decoded), self.by_output_file.keys().map(String::as_str))
                .map(|s| format!("/{}", s.strip_suffix("index.html").unwrap_or(s)));
            return Err(
                Problem::new(format!("no page or file at `{written}` in this site")).suggest(suggestion.as_deref())
            );
        };
        let check = match (fragment.filter(|f| !f.is_empty()), target) {
            (Some(fragment), Some(t)) => {
                let (target_path, target_file) = self.target_parts(*t);
                Some(Anchor { page: output_file(&target_path), fragment: fragment.to_string(), target_file })
            }
            _ => None,
        };
        let mut href = if self.assets.contains(file.as_str()) {
            self.input.urls.asset_href(site_path)
        } else {
            self.input.urls.href(site_path)
        };
        if let Some(q) = query {
            href.push('?');
            href.push_str(q);
        }
        if let Some(f) = fragment {
            href.push('#');
            href.push_str(f);
        }
        let image = self.image_sizes.get(file.as_str()).copied();
        Ok((ResolvedLink { image, ..ResolvedLink::to(href, *target) }, check))
    }

    /// The site path of a target's page, and its content file.
    fn target_parts(&self, target: Target) -> (String, Option<String>) {
        match target {
            Target::Explainer(id) => {
                let e = &self.input.explainers[id];
                (e.path.clone(), Some(e.parsed.file.rel.clone()))
            }
            Target::Actor(id) => entity_parts(&self.input.actors[id]),
            Target::Topic(id) => entity_parts(&self.input.topics[id]),
            Target::Section(id) => {
                let s = &self.input.sections[id];
                (s.path.clone(), s.intro.as_ref().map(|p| p.file.rel.clone()))
            }
            Target::Home => (String::new(), self.input.home.map(|h| h.file.rel.clone())),
        }
    }
}

/// The links of an explainer's body, and its social card image.
pub type ExplainerLinks = (Vec<ResolvedLink>, Option<SocialImage>);

/// The links of every body, in the order of each list given to [`LinkIndex`].
pub struct ResolvedLinks<'s> {
    pub explainers: Vec<ExplainerLinks>,
    /// Empty for entities without a profile.
    pub actors: Vec<Vec<ResolvedLink>>,
    pub topics: Vec<Vec<ResolvedLink>>,
    /// Empty for archives without an `_index.md`.
    pub sections: Vec<Vec<ResolvedLink>>,
    pub home: Vec<ResolvedLink>,
    /// The `#fragment`s the links name, to check once pages are rendered.
    pub anchor_checks: Vec<AnchorCheck<'s>>,
}

/// The site path of an entity's page, and its profile file.
fn entity_parts<M, K>(entity: &EntityBuilder<'_, M, K>) -> (String, Option<String>) {
    (entity.path.clone(), profile_file(entity).map(|f| f.rel.clone()))
}

fn profile_file<'s, M, K>(entity: &EntityBuilder<'s, M, K>) -> Option<&'s ContentFile> {
    entity.profile.as_ref().map(|p| p.file)
}

fn profile_body<'a, 's, M, K>(entity: &'a EntityBuilder<'s, M, K>) -> Option<(&'s ContentFile, &'a ParsedBody<'s>)> {
    entity.profile.as_ref().map(|p| (p.file, &*p.body))
}

/// An anchor a link names, checked once the page it is on is rendered.
struct Anchor {
    /// The page's output file.
    page: String,
    fragment: String,
    /// The page's content file, if it has one.
    target_file: Option<String>,
}

/// A link to an explainer this build leaves out: an error for a draft; a warning for a scheduled
/// or expired one, whose link is written as its text (the build that publishes it links it).
fn unpublished_link(path: &str, rel: &str, why: LeftOut) -> Problem {
    let (when, help) = match why {
        LeftOut::Draft => {
            return Problem::new(format!("`{path}` is a draft (content/{rel}), which is only built with --drafts"))
                .help("remove the link, or publish the draft with `draft: false`");
        }
        LeftOut::Scheduled(day) => (
            format!(
                "is scheduled for {day} (content/{rel}): until then it is not published, and this link is plain text"
            ),
            "`--future` builds scheduled explainers now".to_string(),
        ),
        LeftOut::Expired(day) => (
            format!("expired on {day} (content/{rel}): it is no longer published, and this link is plain text"),
            format!("remove the link, or change `expires:` in content/{rel}"),
        ),
    };
    let mut problem = Problem::new(format!("`{path}` {when}")).code(Code::LinkToUnpublished).help(help);
    problem.as_text = true;
    problem
}

/// A link problem before it has a location.
struct Problem {
    /// [`Code::BrokenLink`] unless [`Problem::code`] says otherwise.
    code: Code,
    message: String,
    help: Option<String>,
    /// A warning, not an error: the link is written as its text ([`ResolvedLink::AS_TEXT`]).
    as_text: bool,
}

impl Problem {
    /// The diagnostic at `len` bytes from `offset` of `source`.
    fn into_diagnostic(self, source: &SourceFile<'_>, offset: usize, len: usize) -> Diagnostic {
        let d = if self.as_text { Diagnostic::warning(self.message) } else { Diagnostic::error(self.message) };
        let d = d.code(self.code).at(source, offset, len);
        match self.help {
            Some(help) => d.with_help(help),
            None => d,
        }
    }

    fn new(message: impl Into<String>) -> Problem {
        Problem { code: Code::BrokenLink, message: message.into(), help: None, as_text: false }
    }

    fn code(mut self, code: Code) -> Problem {
        self.code = code;
        self
    }

    fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }

    fn suggest(self, suggestion: Option<&str>) -> Problem {
        match suggestion {
            Some(s) => self.help(format!("did you mean `{s}`?")),
            None => self,
        }
    }
}

/// `written` relative to the folder of `file`, for messages (`articles/map.png`).
fn relative_name(file: &ContentFile, written: &str) -> String {
    let dir = file.rel.rsplit_once('/').map_or("", |(d, _)| d);
    normalize(&format!("{dir}/{written}")).unwrap_or_else(|| written.to_string())
}

/// How to write a link to content path `to` from the file at `from` (both relative to content/).
fn relative_from(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> =
        from.split('/').collect::<Vec<_>>().split_last().map(|(_, d)| d.to_vec()).unwrap_or_default();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(s.replace('+', "%2B").as_bytes())
        .next()
        .map(|(k, v)| if v.is_empty() { k.into_owned() } else { format!("{k}={v}") })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(normalize("articles/../articles/x.md").as_deref(), Some("articles/x.md"));
        assert_eq!(normalize("articles/../../x.md"), None);
        assert_eq!(relative_from("articles/a.md", "articles/b.md"), "b.md");
        assert_eq!(relative_from("articles/background/a.md", "articles/b.md"), "../b.md");
        assert_eq!(relative_from("index.md", "articles/b.md"), "articles/b.md");
        assert_eq!(percent_decode("a%20b/"), "a b/");
    }
}
