//! "Did you mean": the closest name among candidates, in bounded time.
//!
//! Names come from untrusted input, so the search never does more than a bounded amount of work
//! per name: a name longer than any plausible identifier gets no suggestion, candidates whose
//! length alone puts them out of reach are skipped, and the edit distance is computed only in
//! the band of the table that can stay within the limit, stopping as soon as a row leaves it.

/// Names longer than this get no suggestion: no AWS action, service prefix or rule name comes
/// near it (the longest action names are under 100 characters), and a 17,000-character name
/// must not cost 17,000 × candidates work.
pub const MAX_NAME: usize = 160;

/// Levenshtein distance, case-insensitive (unbounded: for short, trusted names).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (lower(a), lower(b));
    within(&a, &b, a.len().max(b.len())).unwrap_or(usize::MAX)
}

/// The candidate closest to `name`, when close enough to be a plausible typo (at most a third
/// of its length, plus one). Ties go to the alphabetically first candidate.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name_chars = lower(name);
    if name_chars.len() > MAX_NAME {
        return None;
    }
    let mut limit = name_chars.len() / 3 + 1;
    let mut best: Option<(usize, &'a str)> = None;
    let mut candidate_chars = Vec::new();
    let mut name_bag = Bag::of(&name_chars);
    for c in candidates {
        // Length alone bounds the distance from below: most candidates stop here.
        if c.len().abs_diff(name_chars.len()) > limit && c.is_ascii() {
            continue;
        }
        // So do the letters: an edit changes at most one letter's count each way.
        if name_bag.distance_to(c) > limit {
            continue;
        }
        candidate_chars.clear();
        candidate_chars.extend(c.chars().map(|ch| ch.to_ascii_lowercase()));
        let Some(d) = within(&name_chars, &candidate_chars, limit) else {
            continue;
        };
        let better = match best {
            None => true,
            Some((bd, bc)) => d < bd || (d == bd && c < bc),
        };
        if better {
            best = Some((d, c));
            // Nothing farther than the best so far can win.
            limit = d;
        }
    }
    best.map(|(_, c)| c)
}

/// How often each character occurs (ASCII case-folded; every other character in one bin).
struct Bag {
    counts: [u32; 129],
    len: usize,
    /// Bins taken out while measuring a candidate, to put back after.
    taken: Vec<u8>,
}

impl Bag {
    fn of(chars: &[char]) -> Self {
        let mut counts = [0; 129];
        for &c in chars {
            counts[Self::bin(c)] += 1;
        }
        Bag {
            counts,
            len: chars.len(),
            taken: Vec::new(),
        }
    }

    fn bin(c: char) -> usize {
        let c = c.to_ascii_lowercase();
        if c.is_ascii() { c as usize } else { 128 }
    }

    /// The bag distance to `other`: a lower bound of the edit distance, since one edit adds
    /// or removes at most one character on each side. One pass over `other`: the characters
    /// both have are taken out of the counts, then put back.
    fn distance_to(&mut self, other: &str) -> usize {
        let mut other_len = 0;
        for c in other.chars() {
            other_len += 1;
            let bin = Self::bin(c);
            if self.counts[bin] > 0 {
                self.counts[bin] -= 1;
                self.taken.push(bin as u8);
            }
        }
        let common = self.taken.len();
        for bin in self.taken.drain(..) {
            self.counts[bin as usize] += 1;
        }
        (self.len - common).max(other_len - common)
    }
}

fn lower(s: &str) -> Vec<char> {
    s.chars().map(|c| c.to_ascii_lowercase()).collect()
}

/// The edit distance of `a` and `b` when it is at most `limit`: only cells within `limit` of
/// the diagonal are computed (others exceed it), and a row whose every cell exceeds `limit`
/// ends the search. O((|a| + |b|) × limit) instead of O(|a| × |b|).
fn within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let over = limit + 1;
    // row[j]: distance of a[..i] and b[..j]; cells outside the band hold `over`.
    let mut row: Vec<usize> = (0..=b.len()).map(|j| j.min(over)).collect();
    for (i, &ca) in a.iter().enumerate() {
        let i = i + 1;
        let lo = i.saturating_sub(limit).max(1);
        let hi = (i + limit).min(b.len());
        // The cell left of the band is out of reach (or the first column, when the band
        // starts there).
        let mut left = if lo == 1 { i.min(over) } else { over };
        let mut diagonal = row[lo - 1];
        if lo == 1 {
            row[0] = left;
        } else {
            row[lo - 1] = over;
        }
        let mut best = left;
        for j in lo..=hi {
            let up = row[j];
            let cell = (diagonal + usize::from(ca != b[j - 1]))
                .min(left + 1)
                .min(up + 1)
                .min(over);
            row[j] = cell;
            diagonal = up;
            left = cell;
            best = best.min(cell);
        }
        if hi < b.len() {
            row[hi + 1] = over;
        }
        if best > limit {
            return None;
        }
    }
    let d = row[b.len()];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook table, for checking the banded one.
    fn full(a: &str, b: &str) -> usize {
        let (a, b) = (lower(a), lower(b));
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    }

    #[test]
    fn finds_plausible_typos_only() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            closest("GetObjct", ["GetObject", "PutObject"]),
            Some("GetObject")
        );
        assert_eq!(closest("Frobnicate", ["GetObject"]), None);
        assert_eq!(closest("getobject", ["GetObject"]), Some("GetObject"));
        // Ties go to the first in alphabetical order, whatever the candidates' order.
        assert_eq!(
            closest("GetObjecX", ["GetObjectY", "GetObjectA"]),
            Some("GetObjectA")
        );
    }

    #[test]
    fn the_band_agrees_with_the_whole_table() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "GetObject",
            "PutObject",
            "GetObjects",
            "DescribeInstances",
            "DescribeInstance",
            "ListBuckets",
            "kitten",
            "sitting",
            "iam",
            "sts",
            "ec2",
            "élan",
        ];
        for a in words {
            for b in words {
                let exact = full(a, b);
                for limit in 0..12 {
                    let got = within(&lower(a), &lower(b), limit);
                    assert_eq!(
                        got,
                        (exact <= limit).then_some(exact),
                        "{a:?} {b:?} {limit}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_huge_name_costs_nothing() {
        let name = "DescribeInstances".repeat(1000);
        let candidates: Vec<String> = (0..5000).map(|i| format!("DescribeInstances{i}")).collect();
        // 1,024 such names against 5,000 candidates: the full table would be 10^12 cells.
        for _ in 0..1024 {
            assert_eq!(closest(&name, candidates.iter().map(String::as_str)), None);
        }
        let long_typo = format!("{}x", "a".repeat(MAX_NAME - 1));
        assert_eq!(
            closest(&long_typo, [&long_typo[1..]]),
            Some(&long_typo[1..])
        );
    }
}
