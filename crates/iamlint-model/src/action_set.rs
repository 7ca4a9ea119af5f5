//! Sets of catalogue actions, as bitsets: what a principal may do everywhere, computed once per
//! statement and combined with a few word operations per policy (PRIVESC.md §1). One set is
//! about 2.7 KB (one bit per action of the catalogue).
//!
//! A pattern that names no catalogue action (a service the catalogue lacks) is the empty set:
//! the catalogue is the universe, so "every action" means every action it knows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::catalog::Catalog;
use crate::wildcard;

#[derive(Clone, PartialEq, Eq)]
pub struct ActionSet {
    words: Vec<u64>,
}

impl std::fmt::Debug for ActionSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_full() {
            return f.write_str("ActionSet(every action)");
        }
        let names: Vec<String> = self.names().take(8).collect();
        write!(f, "ActionSet({} actions: {}", self.len(), names.join(", "))?;
        f.write_str(if self.len() > 8 { ", …)" } else { ")" })
    }
}

/// Where each service's actions start in the bit order (services, then actions, as the
/// catalogue sorts them).
struct Layout {
    starts: Vec<usize>,
    total: usize,
}

fn layout() -> &'static Layout {
    static LAYOUT: OnceLock<Layout> = OnceLock::new();
    LAYOUT.get_or_init(|| {
        let mut starts = Vec::new();
        let mut total = 0;
        for s in Catalog::get().services() {
            starts.push(total);
            total += s.actions.len();
        }
        Layout { starts, total }
    })
}

fn words() -> usize {
    layout().total.div_ceil(64)
}

/// Patterns seen, with their sets: policies repeat the same few patterns (`s3:Get*`) across
/// thousands of statements. Bounded, so that a hostile tree of distinct patterns costs time,
/// not memory.
const CACHED_PATTERNS: usize = 4096;

impl ActionSet {
    pub fn empty() -> ActionSet {
        ActionSet {
            words: vec![0; words()],
        }
    }

    pub fn full() -> ActionSet {
        let mut set = ActionSet {
            words: vec![u64::MAX; words()],
        };
        let spare = words() * 64 - layout().total;
        if let Some(last) = set.words.last_mut().filter(|_| spare > 0) {
            *last >>= spare;
        }
        set
    }

    /// The catalogue actions an `Action` pattern matches (`s3:Get*`, `*`, `iam:PassRole`),
    /// case-insensitively as IAM does.
    pub fn matching(pattern: &str) -> Arc<ActionSet> {
        static CACHE: OnceLock<Mutex<HashMap<String, Arc<ActionSet>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let key = pattern.to_ascii_lowercase();
        if let Some(set) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return set.clone();
        }
        let set = Arc::new(Self::expand(&key));
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() < CACHED_PATTERNS {
            cache.insert(key, set.clone());
        }
        set
    }

    fn expand(pattern: &str) -> ActionSet {
        if pattern == "*" {
            return Self::full();
        }
        let mut set = Self::empty();
        let Some((service, name)) = pattern.split_once(':') else {
            return set;
        };
        let services = Catalog::get().services();
        let chosen: Vec<usize> = if wildcard::is_pattern(service) {
            let p = wildcard::Pattern::new(service);
            (0..services.len())
                .filter(|&i| p.matches(services[i].prefix, true))
                .collect()
        } else {
            Catalog::get()
                .service_position(service)
                .into_iter()
                .collect()
        };
        let name_pattern = wildcard::is_pattern(name).then(|| wildcard::Pattern::new(name));
        for si in chosen {
            let start = layout().starts[si];
            let service = &services[si];
            match &name_pattern {
                None => {
                    if let Some(ai) = service.position(name) {
                        set.insert(start + ai);
                    }
                }
                Some(p) => {
                    for (ai, a) in service.actions.iter().enumerate() {
                        if p.matches(a.name, true) {
                            set.insert(start + ai);
                        }
                    }
                }
            }
        }
        set
    }

    fn insert(&mut self, bit: usize) {
        self.words[bit / 64] |= 1 << (bit % 64);
    }

    pub fn contains_action(&self, action: &str) -> bool {
        ActionSet::bit_of(action).is_some_and(|bit| self.contains_bit(bit))
    }

    /// A catalogue action's place in every set (none for an action the catalogue lacks): for
    /// a caller that asks about the same action of many sets, the lookup done once.
    pub fn bit_of(action: &str) -> Option<usize> {
        let (service, name) = action.split_once(':')?;
        let si = Catalog::get().service_position(service)?;
        let ai = Catalog::get().services()[si].position(name)?;
        Some(layout().starts[si] + ai)
    }

    /// Whether the action at `bit` ([`ActionSet::bit_of`]) is in the set.
    pub fn contains_bit(&self, bit: usize) -> bool {
        self.words[bit / 64] & (1 << (bit % 64)) != 0
    }

    pub fn union_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub fn intersect_with(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub fn remove_all(&mut self, other: &ActionSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    pub fn is_full(&self) -> bool {
        self.len() == layout().total
    }

    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The actions in the set, as `service:Name`, in catalogue order.
    pub fn names(&self) -> impl Iterator<Item = String> + '_ {
        let services = Catalog::get().services();
        let starts = &layout().starts;
        (0..layout().total)
            .filter(|&bit| self.words[bit / 64] & (1 << (bit % 64)) != 0)
            .map(move |bit| {
                let si = starts.partition_point(|&s| s <= bit) - 1;
                let a = &services[si].actions[bit - starts[si]];
                a.full_name()
            })
    }

    /// Services of which the set holds every action, and of which it holds some: what a
    /// message says of a set too large to list.
    pub fn services_covered(&self) -> (Vec<&'static str>, Vec<&'static str>) {
        let services = Catalog::get().services();
        let starts = &layout().starts;
        let (mut all, mut some) = (Vec::new(), Vec::new());
        for (si, s) in services.iter().enumerate() {
            let held = (starts[si]..starts[si] + s.actions.len())
                .filter(|&bit| self.words[bit / 64] & (1 << (bit % 64)) != 0)
                .count();
            if held == s.actions.len() && held > 0 {
                all.push(s.prefix);
            } else if held > 0 {
                some.push(s.prefix);
            }
        }
        (all, some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_expand_over_the_catalogue() {
        let all = ActionSet::full();
        assert!(all.is_full());
        assert_eq!(*ActionSet::matching("*"), all);
        assert!(ActionSet::empty().is_empty());

        let pass = ActionSet::matching("IAM:passrole");
        assert_eq!(pass.len(), 1);
        assert!(pass.contains_action("iam:PassRole"));
        assert_eq!(pass.names().collect::<Vec<_>>(), ["iam:PassRole"]);

        let iam = ActionSet::matching("iam:*");
        let mut rest = all.clone();
        rest.remove_all(&iam);
        assert!(!rest.contains_action("iam:CreateUser"));
        assert!(rest.contains_action("s3:GetObject"));
        // `iam:*` and everything but `iam:*` make every action: a split admin.
        let mut split = rest.clone();
        split.union_with(&iam);
        assert!(split.is_full());

        let gets = ActionSet::matching("*:Get*");
        assert!(
            gets.contains_action("s3:GetObject") && gets.contains_action("ec2:GetConsoleOutput")
        );
        assert!(!gets.contains_action("s3:PutObject"));
        let (whole, partly) = ActionSet::matching("s3:*").services_covered();
        assert_eq!((whole, partly), (vec!["s3"], vec![]));

        assert!(ActionSet::matching("nosuchservice:*").is_empty());
        assert!(ActionSet::matching("not an action").is_empty());
    }
}
