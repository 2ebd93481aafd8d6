//! "Did you mean ...?": the closest known word to a misspelt one.

/// The candidate closest to `word`, if it is close enough to be a likely typo:
/// at most one edit per three characters (and at least one), ignoring ASCII
/// case. Swapping two neighbouring letters is one edit (`dealy`, `delay`). The runtime uses it too, for names given to `Net` and `Node`.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    const LONGEST: usize = 64;
    let word: Vec<char> = word.chars().map(|c| c.to_ascii_lowercase()).collect();
    if word.is_empty() || word.len() > LONGEST {
        return None;
    }
    let limit = (word.len() / 3).max(1);
    candidates
        .into_iter()
        // The distance is at least the difference in length: skip the
        // candidates that cannot be close before measuring.
        .filter(|c| c.chars().count().abs_diff(word.len()) <= limit)
        .map(|c| (distance(&word, c), c))
        .filter(|&(d, c)| d <= limit && d < word.len().max(c.len()))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Edit distance between `a` (already lowercase) and `b`: insertions,
/// deletions, substitutions and swaps of two neighbours, each one edit
/// (optimal string alignment).
fn distance(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            let delete = previous[j + 1] + 1;
            let insert = current[j] + 1;
            let mut best = substitute.min(delete).min(insert);
            if i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) {
                if let Some(&two_back) = before.get(j - 1) {
                    best = best.min(two_back + 1);
                }
            }
            current.push(best);
        }
        before = std::mem::replace(&mut previous, current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod suggest_should {
    use super::closest;

    #[test]
    fn find_a_near_miss() {
        assert_eq!(closest("nod", ["node", "router", "bridge"]), Some("node"));
        assert_eq!(
            closest("Bridge", ["node", "router", "bridge"]),
            Some("bridge")
        );
        assert_eq!(closest("ns2", ["ns1", "testbr", "host"]), Some("ns1"));
    }

    #[test]
    fn count_two_swapped_neighbours_as_one_edit() {
        assert_eq!(closest("dealy", ["delay", "jitter"]), Some("delay"));
        assert_eq!(closest("tpc", ["tcp", "udp"]), Some("tcp"));
    }

    #[test]
    fn stay_quiet_when_nothing_is_close() {
        assert_eq!(closest("xyz", ["node", "router"]), None);
        assert_eq!(closest("a", ["b"]), None);
        assert_eq!(closest("", ["b"]), None);
    }
}
