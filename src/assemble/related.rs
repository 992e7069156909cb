//! Related explainers and actors seen together, from inverted indexes (never all pairs).

use super::{ActorId, ExplainerId, TopicId};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// How many related explainers each explainer gets.
pub const RELATED: usize = 5;
/// How many actors an actor page lists as seen with it.
pub const CO_ACTORS: usize = 8;
/// How many postings the search for related explainers visits per explainer, rarest entities
/// first. Explainers sharing only very common entities score little anyway; the budget keeps the
/// work linear in the number of explainers.
const CANDIDATE_BUDGET: usize = 1024;
/// A topic weighs this many times an actor of the same rarity.
const TOPIC_WEIGHT: f64 = 2.0;

/// Entity ids of one explainer: topics and actors in one space (actors after topics).
fn entities_of(topics: &[TopicId], actors: &[ActorId], topic_count: usize) -> Vec<usize> {
    let mut all: Vec<usize> = topics.iter().copied().chain(actors.iter().map(|&a| topic_count + a)).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Up to [`RELATED`] explainers for each explainer, ranked by the weight of what they share:
/// topics above actors, rarer above common (`ln(1 + N / df)`), newer first on ties.
pub fn related(
    explainer_topics: &[impl AsRef<[TopicId]> + Sync],
    explainer_actors: &[impl AsRef<[ActorId]> + Sync],
    topic_count: usize,
    actor_count: usize,
) -> Vec<Vec<ExplainerId>> {
    let n = explainer_topics.len();
    let entities: Vec<Vec<usize>> = explainer_topics
        .iter()
        .zip(explainer_actors)
        .map(|(t, a)| entities_of(t.as_ref(), a.as_ref(), topic_count))
        .collect();
    let mut postings: Vec<Vec<ExplainerId>> = vec![Vec::new(); topic_count + actor_count];
    for (id, es) in entities.iter().enumerate() {
        for &e in es {
            postings[e].push(id);
        }
    }
    let weight: Vec<f64> = postings
        .iter()
        .enumerate()
        .map(|(e, p)| {
            let rarity = (1.0 + n as f64 / p.len().max(1) as f64).ln();
            if e < topic_count { TOPIC_WEIGHT * rarity } else { rarity }
        })
        .collect();

    (0..n)
        .into_par_iter()
        // each job allocates an `n`-long scratch array: keep jobs few
        .with_min_len(1024)
        .map_init(
            || (vec![0.0f64; n], vec![0; CANDIDATE_BUDGET]),
            |(score, touched): &mut (Vec<f64>, Vec<ExplainerId>), id| {
                // visit the postings of this explainer's entities, rarest first, adding each
                // entity's weight to every explainer met, until the budget is spent (the
                // explainer itself is met too, and counts against the budget; it is left out below)
                let mut order: Vec<usize> = entities[id].clone();
                order.sort_by_key(|&e| (postings[e].len(), e));
                let mut budget = CANDIDATE_BUDGET;
                // explainers met, in `touched[..met]`: at most one per visit
                let mut met = 0;
                for e in order {
                    let visit = &postings[e][..postings[e].len().min(budget)];
                    budget -= visit.len();
                    let w = weight[e];
                    for &other in visit {
                        // weights are above zero: a score of zero is an explainer not met yet.
                        // Written every time and kept only then, without a branch to mispredict
                        touched[met] = other;
                        met += usize::from(score[other] == 0.0);
                        score[other] += w;
                    }
                    if budget == 0 {
                        break;
                    }
                }
                // the best few only, in one pass: a candidate goes in where it ranks among those
                // kept so far, when it ranks above the last of them; once RELATED are kept, a
                // score below the last one's cannot get in, and is turned away at once
                let ranks_before =
                    |a: &(f64, ExplainerId), b: &(f64, ExplainerId)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).is_lt();
                let mut best: Vec<(f64, ExplainerId)> = Vec::with_capacity(RELATED + 1);
                let mut lowest_kept = f64::NEG_INFINITY;
                for &other in &touched[..met] {
                    let candidate = (std::mem::take(&mut score[other]), other);
                    if other == id || candidate.0 < lowest_kept {
                        continue;
                    }
                    if best.len() < RELATED || best.last().is_some_and(|last| ranks_before(&candidate, last)) {
                        let at = best.partition_point(|kept| ranks_before(kept, &candidate));
                        best.insert(at, candidate);
                        best.truncate(RELATED);
                        if best.len() == RELATED {
                            lowest_kept = best[RELATED - 1].0;
                        }
                    }
                }
                best.iter().map(|&(_, other)| other).collect()
            },
        )
        .collect()
}

/// For each actor, the actors that share the most explainers with it: (actor, shared count),
/// most first, then by `names` order. Counts come from each explainer's actor list, so the work
/// is the sum of the squares of those lists' lengths.
pub fn co_actors(
    explainer_actors: &[impl AsRef<[ActorId]>],
    actor_count: usize,
    names: &[&str],
) -> Vec<Vec<(ActorId, usize)>> {
    let mut counts: Vec<BTreeMap<ActorId, usize>> = vec![BTreeMap::new(); actor_count];
    for actors in explainer_actors {
        let actors = actors.as_ref();
        for &a in actors {
            for &b in actors {
                if a != b {
                    *counts[a].entry(b).or_default() += 1;
                }
            }
        }
    }
    counts
        .into_iter()
        .map(|c| {
            let mut ranked: Vec<(ActorId, usize)> = c.into_iter().collect();
            ranked.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| names[x.0].cmp(names[y.0])).then(x.0.cmp(&y.0)));
            ranked.truncate(CO_ACTORS);
            ranked
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_topics_over_actors_and_rare_over_common() {
        // explainer 0 shares topic 0 with 1, actor 0 with 2, and only the everywhere-actor 1 with 3
        let topics = vec![vec![0], vec![0], vec![1], vec![2], vec![3]];
        let actors = vec![vec![0, 1], vec![1], vec![0, 1], vec![1], vec![1]];
        let related = related(&topics, &actors, 4, 2);
        assert_eq!(related[0], vec![1, 2, 3, 4], "topic, then rare actor, then the common actor, newer first");
        assert!(!related[0].contains(&0));
    }

    #[test]
    fn at_most_five_and_deterministic() {
        let topics: Vec<Vec<usize>> = (0..20).map(|_| vec![0]).collect();
        let actors: Vec<Vec<usize>> = (0..20).map(|_| vec![]).collect();
        let a = related(&topics, &actors, 1, 0);
        assert_eq!(a[7], vec![0, 1, 2, 3, 4]);
        assert_eq!(a, related(&topics, &actors, 1, 0));
    }

    #[test]
    fn co_actors_count_shared_explainers() {
        let actors = vec![vec![0, 1, 2], vec![0, 1], vec![0, 2], vec![0, 1]];
        let co = co_actors(&actors, 3, &["Xi", "Biden", "Yoon"]);
        assert_eq!(co[0], vec![(1, 3), (2, 2)]);
        assert_eq!(co[2], vec![(0, 2), (1, 1)]);
    }
}
