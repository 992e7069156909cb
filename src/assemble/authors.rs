//! `authors:` resolved once, in assembly: each written name to the actor it names (by slug,
//! name or alias, letter case aside), and an error for a name that is no actor or an actor that
//! is not a person. Every later stage (byline, citations, lint, serve's fingerprints) reads the
//! ids in [`super::Explainer::authors`].

use super::{Actor, ActorId};
use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::frontmatter::{ActorKind, Located};
use crate::load::ContentFile;
use rustc_hash::FxHashMap;

/// The actors by every name `authors:` may use them by.
pub struct AuthorIndex {
    /// Slugs, compared as written.
    by_slug: FxHashMap<String, ActorId>,
    /// Names and aliases, ASCII letter case folded; the first actor (in slug order) wins a
    /// name two actors share.
    by_name: FxHashMap<String, ActorId>,
}

impl AuthorIndex {
    pub fn new(actors: &[Actor<'_>]) -> AuthorIndex {
        let mut by_slug = FxHashMap::default();
        let mut by_name = FxHashMap::default();
        for (id, actor) in actors.iter().enumerate() {
            by_slug.entry(actor.slug.as_str().to_owned()).or_insert(id);
            for name in std::iter::once(&actor.name).chain(&actor.aliases) {
                by_name.entry(name.to_ascii_lowercase()).or_insert(id);
            }
        }
        AuthorIndex { by_slug, by_name }
    }

    /// The actor a written name names: of those it names by slug or by name, the first in slug
    /// order.
    fn find(&self, written: &str) -> Option<ActorId> {
        let by_slug = self.by_slug.get(written).copied();
        let by_name = self.by_name.get(&written.to_ascii_lowercase()).copied();
        match (by_slug, by_name) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The actors `written` names, in written order without repeats; and an error at each name
    /// that is no actor, or names an actor that is not a person (left in the list: the build
    /// fails on the error).
    pub fn resolve(
        &self,
        actors: &[Actor<'_>],
        written: &[Located<String>],
        file: &ContentFile,
    ) -> (Vec<ActorId>, Vec<Diagnostic>) {
        let (mut ids, mut problems) = (Vec::new(), Vec::new());
        for name in written {
            let found = self.find(&name.value);
            let message = match found {
                None => Some(format!("`authors`: no actor is called `{}`", name.value)),
                Some(id) if actors[id].kind != Some(ActorKind::Person) => {
                    Some(format!("`authors`: {} is not an actor of kind person", actors[id].name))
                }
                Some(_) => None,
            };
            if let Some(message) = message {
                problems.push(
                    Diagnostic::error(message)
                        .code(Code::FieldValue)
                        .at(&SourceFile::new(&file.path, &file.text), name.offset, name.len)
                        .with_help("authors are actors with a profile in content/actors/ that says `kind: person`"),
                );
            }
            if let Some(id) = found.filter(|id| !ids.contains(id)) {
                ids.push(id);
            }
        }
        (ids, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slug::Slug;

    fn actor(slug: &str, name: &str, aliases: &[&str], person: bool) -> Actor<'static> {
        Actor {
            slug: Slug::parse_exact(slug).expect("a slug"),
            name: name.to_owned(),
            kind: person.then_some(ActorKind::Person),
            role: None,
            country: None,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            extra: Default::default(),
            identity: Default::default(),
            profile: None,
            path: format!("actors/{slug}/"),
            explainers: Vec::new(),
            mentioned_in: Vec::new(),
            backlinks: Vec::new(),
            quotes: Vec::new(),
            co_actors: Vec::new(),
        }
    }

    fn file() -> ContentFile {
        ContentFile { path: "content/x.md".into(), rel: "x.md".into(), text: String::new(), control_character: None }
    }

    fn written(names: &[&str]) -> Vec<Located<String>> {
        names.iter().map(|n| Located { value: n.to_string(), offset: 0, len: n.len() }).collect()
    }

    #[test]
    fn names_slugs_and_aliases_find_their_actor_once_in_written_order() {
        let actors = [
            actor("antony-blinken", "Antony Blinken", &["Secretary Blinken"], true),
            actor("china", "China", &[], false),
            actor("jake-sullivan", "Jake Sullivan", &[], true),
        ];
        let index = AuthorIndex::new(&actors);
        let file = file();
        let (ids, problems) =
            index.resolve(&actors, &written(&["jake-sullivan", "SECRETARY BLINKEN", "Jake Sullivan"]), &file);
        assert_eq!(ids, vec![2, 0]);
        assert!(problems.is_empty());
    }

    #[test]
    fn an_unknown_name_and_an_actor_not_a_person_are_errors() {
        let actors = [actor("china", "China", &[], false)];
        let index = AuthorIndex::new(&actors);
        let file = file();
        let (ids, problems) = index.resolve(&actors, &written(&["Nobody", "China"]), &file);
        assert_eq!(ids, vec![0]);
        let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["`authors`: no actor is called `Nobody`", "`authors`: China is not an actor of kind person"]
        );
    }

    #[test]
    fn a_name_two_actors_share_is_the_first_in_slug_order() {
        let actors = [actor("a-lee", "Lee", &[], true), actor("b-lee", "B Lee", &["Lee"], true)];
        let index = AuthorIndex::new(&actors);
        let file = file();
        assert_eq!(index.resolve(&actors, &written(&["lee"]), &file).0, vec![0]);
        // a slug as written beats a later actor's name
        let actors = [actor("a-lee", "b-lee", &[], true), actor("b-lee", "B Lee", &[], true)];
        let index = AuthorIndex::new(&actors);
        assert_eq!(index.resolve(&actors, &written(&["b-lee"]), &file).0, vec![0]);
    }
}
