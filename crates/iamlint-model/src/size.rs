//! How long a policy is as AWS counts it against its quotas: characters, whitespace excluded.
//!
//! A count is a lower bound when parts are unknown (an unknown part counts nothing, except the
//! account id, which is always 12 digits) or when the provider renders the text itself (a
//! policy-document data source: there we count the most compact JSON of its value). So a rule
//! firing on it is never a false alarm.

use crate::model::ACCOUNT_ID;
use crate::value::{Data, Str, Value};

/// Characters of a policy as AWS counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PolicySize {
    /// At least this many.
    pub chars: usize,
    /// Exactly `chars`: the whole text is known.
    pub exact: bool,
}

impl std::ops::Add for PolicySize {
    type Output = PolicySize;
    fn add(self, other: PolicySize) -> PolicySize {
        PolicySize {
            chars: self.chars + other.chars,
            exact: self.exact && other.exact,
        }
    }
}

/// The size of a policy's JSON text, as the provider sends it.
pub fn of_text(s: &Str) -> PolicySize {
    let mut unknowns = s.unknowns.iter();
    let mut chars = 0;
    for c in s.text.chars().filter(|c| !c.is_whitespace()) {
        chars += match c {
            Str::UNKNOWN_MARK => match unknowns.next() {
                Some(u) if &*u.origin == ACCOUNT_ID => 12,
                _ => 0,
            },
            _ => 1,
        };
    }
    PolicySize {
        chars,
        exact: s.unknowns.iter().all(|u| &*u.origin == ACCOUNT_ID),
    }
}

/// The fewest characters any JSON rendering of `v` takes: a one-item list may render as the
/// item alone, and an empty `Sid` may be left out (the AWS provider does both).
pub fn lower_bound(v: &Value) -> PolicySize {
    PolicySize {
        chars: compact(v),
        exact: false,
    }
}

fn compact(v: &Value) -> usize {
    match &v.data {
        Data::Null => 4,
        Data::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        Data::Number(n) => crate::value::format_number(*n).len(),
        Data::String(s) => 2 + of_text(s).chars,
        Data::Unknown(_) => 0,
        Data::List(items) if items.len() == 1 => compact(&items[0]),
        Data::List(items) => {
            2 + items.len().saturating_sub(1) + items.iter().map(compact).sum::<usize>()
        }
        Data::Object(entries) => {
            let kept: Vec<_> = entries
                .iter()
                .filter(|(k, v)| !(k.name == "Sid" && v.as_known_str() == Some("")))
                .collect();
            2 + kept.len().saturating_sub(1)
                + kept
                    .iter()
                    .map(|(k, v)| {
                        k.name.chars().filter(|c| !c.is_whitespace()).count() + 3 + compact(v)
                    })
                    .sum::<usize>()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Unknown;

    #[test]
    fn text_counts_without_whitespace_and_unknowns_count_what_they_surely_are() {
        let pretty = Str::known("{\n  \"Version\": \"2012-10-17\"\n}");
        let minified = r#"{"Version":"2012-10-17"}"#;
        assert_eq!(
            of_text(&pretty),
            PolicySize {
                chars: minified.len(),
                exact: true
            }
        );
        let arn = Str {
            text: format!("\"arn:aws:iam::{m}:role/{m}\"", m = Str::UNKNOWN_MARK),
            unknowns: vec![Unknown::new(ACCOUNT_ID), Unknown::new("var.name")],
            ..Str::default()
        };
        // 2 quotes + 13 + 12 (the account id) + 6 + nothing for the name.
        assert_eq!(
            of_text(&arn),
            PolicySize {
                chars: 33,
                exact: false
            }
        );
    }

    #[test]
    fn a_rendered_value_counts_its_most_compact_json() {
        let doc = Value::from_json(
            r#"{"Statement":[{"Sid":"","Action":["s3:GetObject"],"Resource":["a","b"]}]}"#,
        )
        .unwrap();
        // {"Statement":{"Action":"s3:GetObject","Resource":["a","b"]}}
        let compact = r#"{"Statement":{"Action":"s3:GetObject","Resource":["a","b"]}}"#;
        assert_eq!(
            lower_bound(&doc),
            PolicySize {
                chars: compact.len(),
                exact: false
            }
        );
    }
}
