//! What Terraform's values do: conversions, equality, ordering, and the shape of collections.
//! Objects and maps are kept sorted by key (Terraform iterates and encodes them that way), with
//! the last of duplicate keys winning.

use iamlint_model::value::format_number;
use iamlint_model::{Data, Key, Location, Str, Unknown, Value};

/// An error Terraform would report; `try` and `can` catch it, elsewhere it becomes an unknown
/// value plus a coverage note.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    pub message: String,
    pub loc: Option<Location>,
    /// A spent evaluation budget: nothing catches it (`try`, `can`, per-element recovery), so
    /// the root module's evaluation ends quickly.
    pub fatal: bool,
}

impl EvalError {
    pub fn new(message: impl Into<String>, loc: Option<Location>) -> Self {
        EvalError {
            message: message.into(),
            loc,
            fatal: false,
        }
    }

    /// The error of a spent [`Budget`](super::budget::Budget).
    pub fn budget(loc: Option<Location>) -> Self {
        EvalError {
            message: super::budget::EXCEEDED.into(),
            loc,
            fatal: true,
        }
    }
}

pub type Result<T> = std::result::Result<T, EvalError>;

/// Sorts object entries by key, the last duplicate winning.
pub fn normalize_object(mut entries: Vec<(Key, Value)>) -> Vec<(Key, Value)> {
    // A stable sort keeps duplicates in source order; then keep the last of each run.
    entries.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    let mut out: Vec<(Key, Value)> = Vec::with_capacity(entries.len());
    for e in entries {
        match out.last_mut() {
            Some(last) if last.0.name == e.0.name => *last = e,
            _ => out.push(e),
        }
    }
    out
}

pub fn object(entries: Vec<(Key, Value)>, loc: Option<Location>) -> Value {
    Value::new(Data::Object(normalize_object(entries)), loc)
}

pub fn key(name: impl Into<String>) -> Key {
    Key {
        name: name.into(),
        loc: None,
    }
}

pub fn string(s: impl Into<String>, loc: Option<Location>) -> Value {
    Value::string(s, loc)
}

pub fn number(n: f64, loc: Option<Location>) -> Value {
    Value::new(Data::Number(n), loc)
}

pub fn boolean(b: bool, loc: Option<Location>) -> Value {
    Value::new(Data::Bool(b), loc)
}

pub fn list(items: Vec<Value>, loc: Option<Location>) -> Value {
    Value::new(Data::List(items), loc)
}

/// The unknown a value stands for at its top level: itself, or a partial string.
pub fn top_unknown(v: &Value) -> Option<&Unknown> {
    match &v.data {
        Data::Unknown(u) => Some(u),
        Data::String(s) => s.unknowns.first(),
        _ => None,
    }
}

/// A value as a string, as Terraform converts primitives (`tostring`, templates).
pub fn to_str(v: &Value) -> Result<Option<String>> {
    match &v.data {
        Data::String(s) => Ok(s.as_known().map(str::to_string)),
        Data::Number(n) => Ok(Some(format_number(*n))),
        Data::Bool(b) => Ok(Some(b.to_string())),
        Data::Unknown(_) => Ok(None),
        Data::Null => Err(EvalError::new(
            "a null value cannot be used as a string",
            v.loc,
        )),
        _ => Err(EvalError::new(
            format!("a {} cannot be used as a string", v.type_name()),
            v.loc,
        )),
    }
}

pub fn to_number(v: &Value) -> Result<Option<f64>> {
    match &v.data {
        Data::Number(n) => Ok(Some(*n)),
        Data::String(s) => match s.as_known() {
            None => Ok(None),
            Some(t) => t
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && !t.trim().is_empty())
                .map(Some)
                .ok_or_else(|| EvalError::new(format!("\"{t}\" is not a number"), v.loc)),
        },
        Data::Unknown(_) => Ok(None),
        _ => Err(EvalError::new(
            format!("a number is required, not a {}", v.type_name()),
            v.loc,
        )),
    }
}

pub fn to_bool(v: &Value) -> Result<Option<bool>> {
    match &v.data {
        Data::Bool(b) => Ok(Some(*b)),
        Data::String(s) => match s.as_known() {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(t) => Err(EvalError::new(format!("\"{t}\" is not a bool"), v.loc)),
        },
        Data::Unknown(_) => Ok(None),
        _ => Err(EvalError::new(
            format!("a bool is required, not a {}", v.type_name()),
            v.loc,
        )),
    }
}

/// Whether the value, anywhere inside, is unknown.
pub fn is_wholly_known(v: &Value) -> bool {
    v.first_unknown().is_none()
}

/// Terraform's `==`: same type and same content. `None` when unknown parts decide it.
pub fn equals(a: &Value, b: &Value) -> Option<bool> {
    match (&a.data, &b.data) {
        (Data::Unknown(_), _) | (_, Data::Unknown(_)) => None,
        (Data::Null, Data::Null) => Some(true),
        (Data::Bool(x), Data::Bool(y)) => Some(x == y),
        (Data::Number(x), Data::Number(y)) => Some(x == y),
        (Data::String(x), Data::String(y)) => match (x.as_known(), y.as_known()) {
            (Some(x), Some(y)) => Some(x == y),
            _ => None,
        },
        (Data::List(x), Data::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = Some(true);
            for (p, q) in x.iter().zip(y) {
                match equals(p, q) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        (Data::Object(x), Data::Object(y)) => {
            if x.len() != y.len() || x.iter().zip(y).any(|(p, q)| p.0.name != q.0.name) {
                return Some(false);
            }
            let mut all = Some(true);
            for (p, q) in x.iter().zip(y) {
                match equals(&p.1, &q.1) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        _ => Some(false),
    }
}

/// A value's string when it is a wholly known string.
pub fn known_str(v: &Value) -> Option<&str> {
    v.as_known_str()
}

/// A new string value computed by a function: no byte map, located at the call.
pub fn computed_string(text: String, loc: Option<Location>) -> Value {
    Value::new(Data::String(Str::known(text)), loc)
}

/// What `for`, `%{for}` and `dynamic` iterate: a list's (index, element) pairs, or an object's
/// (key, value) pairs in key order. `None` for anything else.
pub fn iteration_pairs(data: Data) -> std::result::Result<Vec<(Value, Value)>, Data> {
    match data {
        Data::List(items) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (number(i as f64, None), v))
            .collect()),
        Data::Object(entries) => Ok(entries
            .into_iter()
            .map(|(k, v)| (string(k.name, k.loc), v))
            .collect()),
        other => Err(other),
    }
}
