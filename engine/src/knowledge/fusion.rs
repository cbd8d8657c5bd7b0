//! Reciprocal rank fusion: merges ranked lists from different retrievers into one.
//!
//! Each item scores `sum(1 / (k + rank))` over the lists it appears in (rank from 1). Only
//! ranks matter, so keyword scores and cosine similarities need no calibration against each
//! other (Cormack, Clarke and Büttcher, SIGIR 2009; k = 60 there and here).

use std::collections::HashMap;
use std::hash::Hash;

/// The `k` of the original paper: dampens the weight of the very first ranks.
pub const DEFAULT_RRF_K: f32 = 60.0;

/// Fuses `lists` (each best first) into one list, best first, with fused scores.
///
/// Ties keep the order in which items were first seen, list by list, so the result is
/// deterministic.
pub fn reciprocal_rank_fusion<T>(lists: &[Vec<T>], k: f32) -> Vec<(T, f32)>
where
    T: Eq + Hash + Clone,
{
    let mut scores: HashMap<T, (f32, usize)> = HashMap::new();
    let mut seen = 0usize;
    for list in lists {
        for (index, item) in list.iter().enumerate() {
            let contribution = 1.0 / (k + (index + 1) as f32);
            let entry = scores.entry(item.clone()).or_insert_with(|| {
                seen += 1;
                (0.0, seen)
            });
            entry.0 += contribution;
        }
    }
    let mut fused: Vec<(T, f32, usize)> = scores
        .into_iter()
        .map(|(item, (score, first_seen))| (item, score, first_seen))
        .collect();
    fused.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
    fused
        .into_iter()
        .map(|(item, score, _)| (item, score))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_ranked_by_both_lists_beats_one_ranked_first_by_one_list() {
        let keyword = vec!["a", "b", "c"];
        let vector = vec!["d", "b", "a"];
        let fused = reciprocal_rank_fusion(&[keyword, vector], DEFAULT_RRF_K);
        let order: Vec<&str> = fused.iter().map(|(item, _)| *item).collect();
        assert_eq!(order[0], "a", "a is 1st and 3rd: {fused:?}");
        assert_eq!(order[1], "b", "b is 2nd and 2nd: {fused:?}");
        assert_eq!(order.len(), 4);
        let expected_a = 1.0 / 61.0 + 1.0 / 63.0;
        assert!((fused[0].1 - expected_a).abs() < 1e-6);
    }

    #[test]
    fn a_single_list_keeps_its_order() {
        let fused = reciprocal_rank_fusion(&[vec![3, 1, 2]], 60.0);
        let order: Vec<i32> = fused.iter().map(|(item, _)| *item).collect();
        assert_eq!(order, vec![3, 1, 2]);
    }

    #[test]
    fn ties_keep_first_seen_order() {
        let fused = reciprocal_rank_fusion(&[vec!["x"], vec!["y"]], 60.0);
        let order: Vec<&str> = fused.iter().map(|(item, _)| *item).collect();
        assert_eq!(order, vec!["x", "y"]);
    }

    #[test]
    fn no_lists_fuse_to_nothing() {
        let fused = reciprocal_rank_fusion::<u8>(&[], 60.0);
        assert!(fused.is_empty());
    }
}
