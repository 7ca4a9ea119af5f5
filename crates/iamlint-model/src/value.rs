//! Evaluated values: JSON-like data plus **unknown**, each node with the location it came from.
//!
//! A value Terraform only knows after apply keeps its origin (`aws_iam_role.app.arn`), and a
//! string with unknown parts stays partial: its text holds [`Str::UNKNOWN_MARK`] where each
//! unknown part stands, so `arn:aws:iam::${var.acct}:role/app` can still be read and matched.

use std::sync::Arc;

use crate::source::{Location, OffsetMap};

/// Why a value is not known, in Terraform's words: `var.x`, `aws_iam_role.app.arn`.
#[derive(Clone, Debug, PartialEq)]
pub struct Unknown {
    pub origin: Arc<str>,
    /// The values it may take, when known to be one of a few (both branches of a conditional
    /// on an unknown condition).
    pub alternatives: Option<Arc<Vec<Value>>>,
}

impl Unknown {
    pub fn new(origin: impl Into<Arc<str>>) -> Self {
        Unknown {
            origin: origin.into(),
            alternatives: None,
        }
    }

    /// Whether it is an attribute of a resource of this configuration (`aws_s3_bucket.b.arn`,
    /// `module.x.aws_iam_role.r.arn`) or the account id in an ARN: known only after apply, but
    /// naming something in the tree, which is no blind spot.
    pub fn is_resource_attribute(&self) -> bool {
        let origin = &*self.origin;
        if origin == crate::model::ACCOUNT_ID {
            return true;
        }
        // The last `aws_…` part is the resource type: a name and an attribute follow it, and
        // only module steps come before it.
        let (mut parts, mut resource_type) = (0, None);
        for (i, part) in origin.split('.').enumerate() {
            parts = i + 1;
            if part.starts_with("aws_") {
                resource_type = Some(i);
            }
        }
        resource_type.is_some_and(|start| {
            parts >= start + 3 && (start == 0 || origin.starts_with("module."))
        })
    }

    /// The account id of ARNs the front-ends build ([`crate::model::ACCOUNT_ID`]): one shared
    /// origin, since every IAM resource's ARN has it.
    pub fn account_id() -> Self {
        static ORIGIN: std::sync::OnceLock<Arc<str>> = std::sync::OnceLock::new();
        Unknown {
            origin: ORIGIN
                .get_or_init(|| crate::model::ACCOUNT_ID.into())
                .clone(),
            alternatives: None,
        }
    }
}

/// A string, possibly partial.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Str {
    /// The text, with one [`Str::UNKNOWN_MARK`] per unknown part.
    pub text: String,
    /// The unknown parts, in order of their marks.
    pub unknowns: Vec<Unknown>,
    /// Where each byte of `text` came from, when finer than the value's own location
    /// (a heredoc's lines, an escaped JSON string).
    pub map: Option<Arc<OffsetMap>>,
    /// The structured value this string is the JSON encoding of (`jsonencode({...})`,
    /// `data.aws_iam_policy_document.x.json`). Its nodes keep their own locations, so a
    /// policy read from it points into the HCL object rather than at the string.
    pub encoded: Option<Arc<Encoded>>,
}

/// A structured value and the Terraform address that rendered it to JSON, when that is not the
/// resource using it (`data.aws_iam_policy_document.x`).
#[derive(Clone, Debug, PartialEq)]
pub struct Encoded {
    pub value: Value,
    pub holder: Option<Arc<str>>,
}

impl Str {
    /// Stands for an unknown part inside [`Str::text`]. A private-use code point: it does not
    /// occur in IAM policies, and JSON parsing keeps it inside strings.
    pub const UNKNOWN_MARK: char = '\u{E000}';

    pub fn known(text: impl Into<String>) -> Self {
        Str {
            text: text.into(),
            unknowns: Vec::new(),
            map: None,
            encoded: None,
        }
    }

    /// The text when every part is known.
    pub fn as_known(&self) -> Option<&str> {
        self.unknowns.is_empty().then_some(self.text.as_str())
    }

    pub fn is_known(&self) -> bool {
        self.unknowns.is_empty()
    }

    /// Where the text's bytes `start..end` were written, when the string has a byte map.
    pub fn locate(&self, start: usize, end: usize) -> Option<Location> {
        self.map.as_ref().and_then(|m| m.map_range(start, end))
    }

    /// The text for people: each unknown part shown as `${origin}`.
    pub fn display(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut unknowns = self.unknowns.iter();
        for ch in self.text.chars() {
            if ch == Self::UNKNOWN_MARK {
                match unknowns.next() {
                    Some(u) => {
                        out.push_str("${");
                        out.push_str(&u.origin);
                        out.push('}');
                    }
                    None => out.push_str("${?}"),
                }
            } else {
                out.push(ch);
            }
        }
        out
    }
}

/// A key of an object, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub loc: Option<Location>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Null,
    Bool(bool),
    Number(f64),
    String(Str),
    List(Vec<Value>),
    Object(Vec<(Key, Value)>),
    Unknown(Unknown),
}

/// A value with the location of the expression (or JSON token) that produced it.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub data: Data,
    pub loc: Option<Location>,
}

impl Value {
    pub fn new(data: Data, loc: Option<Location>) -> Self {
        Value { data, loc }
    }

    pub fn unknown(origin: impl Into<Arc<str>>, loc: Option<Location>) -> Self {
        Value::new(Data::Unknown(Unknown::new(origin)), loc)
    }

    pub fn string(text: impl Into<String>, loc: Option<Location>) -> Self {
        Value::new(Data::String(Str::known(text)), loc)
    }

    /// A value from JSON text that is not in the tree (no locations).
    pub fn from_json(text: &str) -> Result<Value, String> {
        serde_json::from_str::<serde_json::Value>(text)
            .map(json_value)
            .map_err(|e| format!("not JSON: {e}"))
    }

    pub fn as_str(&self) -> Option<&Str> {
        match &self.data {
            Data::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_known_str(&self) -> Option<&str> {
        self.as_str().and_then(Str::as_known)
    }

    pub fn as_object(&self) -> Option<&[(Key, Value)]> {
        match &self.data {
            Data::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value of `key` in an object; the last one wins, as in Terraform.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key `key` of an object, with its value (the last one, as [`Value::get`]).
    pub fn entry(&self, key: &str) -> Option<&(Key, Value)> {
        self.as_object()?.iter().rev().find(|(k, _)| k.name == key)
    }

    /// The unknown this value is as a whole: an unknown, or a string of nothing but one unknown
    /// part (`"${aws_iam_role.app.arn}"` in a heredoc).
    pub fn whole_unknown(&self) -> Option<&Unknown> {
        match &self.data {
            Data::Unknown(u) => Some(u),
            Data::String(s)
                if s.unknowns.len() == 1 && s.text.len() == Str::UNKNOWN_MARK.len_utf8() =>
            {
                s.unknowns.first()
            }
            _ => None,
        }
    }

    /// Whether this value, or anything inside it, is unknown.
    pub fn first_unknown(&self) -> Option<&Unknown> {
        match &self.data {
            Data::Unknown(u) => Some(u),
            Data::String(s) => s.unknowns.first(),
            Data::List(items) => items.iter().find_map(Value::first_unknown),
            Data::Object(entries) => entries.iter().find_map(|(_, v)| v.first_unknown()),
            _ => None,
        }
    }

    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.data {
            Data::Null => "null",
            Data::Bool(_) => "bool",
            Data::Number(_) => "number",
            Data::String(_) => "string",
            Data::List(_) => "list",
            Data::Object(_) => "object",
            Data::Unknown(_) => "unknown",
        }
    }
}

/// A number as Terraform and IAM print it: integers without a fraction.
fn json_value(json: serde_json::Value) -> Value {
    let data = match json {
        serde_json::Value::Null => Data::Null,
        serde_json::Value::Bool(b) => Data::Bool(b),
        serde_json::Value::Number(n) => Data::Number(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Data::String(Str::known(s)),
        serde_json::Value::Array(items) => Data::List(items.into_iter().map(json_value).collect()),
        serde_json::Value::Object(entries) => Data::Object(
            entries
                .into_iter()
                .map(|(k, v)| (Key { name: k, loc: None }, json_value(v)))
                .collect(),
        ),
    };
    Value::new(data, None)
}

pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_attributes_are_told_from_other_unknowns() {
        let named = |o: &str| Unknown::new(o).is_resource_attribute();
        assert!(named("aws_s3_bucket.b.arn"));
        assert!(named("module.x[\"k\"].aws_iam_role.r.arn"));
        assert!(named(crate::model::ACCOUNT_ID));
        assert!(!named("var.bucket_arn"));
        assert!(!named("data.aws_caller_identity.current.account_id"));
        assert!(!named("aws_s3_bucket.b"));
        assert!(!named("local.aws_things.x"));
    }

    #[test]
    fn partial_string_displays_its_origins() {
        let s = Str {
            text: format!("arn:aws:iam::{}:role/app", Str::UNKNOWN_MARK),
            unknowns: vec![Unknown::new("var.acct")],
            map: None,
            encoded: None,
        };
        assert_eq!(s.display(), "arn:aws:iam::${var.acct}:role/app");
        assert_eq!(s.as_known(), None);
    }

    #[test]
    fn get_takes_the_last_duplicate_key() {
        let k = |n: &str| Key {
            name: n.into(),
            loc: None,
        };
        let v = Value::new(
            Data::Object(vec![
                (k("a"), Value::string("1", None)),
                (k("a"), Value::string("2", None)),
            ]),
            None,
        );
        assert_eq!(v.get("a").and_then(Value::as_known_str), Some("2"));
    }
}
