//! `data "aws_iam_policy_document"`: its evaluated body rendered into the policy the AWS
//! provider produces, every element located at the HCL that wrote it. Statements of
//! `source_policy_documents` come first; the document's own statements replace those with the
//! same `sid`, or are added; `override_policy_documents` then do the same to the result (the
//! legacy `source_json` and `override_json` likewise).

use iamlint_model::{Data, Key, Location, Value};

use crate::eval::ops;

/// Statement attributes and the policy element each becomes.
const STATEMENT_ATTRS: [(&str, &str); 6] = [
    ("sid", "Sid"),
    ("effect", "Effect"),
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
];

pub fn render(body: &Value, notes: &mut Vec<String>) -> Value {
    let loc = body.loc;
    let attr = |name: &str| {
        body.as_object()
            .unwrap_or_default()
            .iter()
            .find(|(k, _)| k.name == name)
            .cloned()
    };
    let mut doc = Vec::new();
    match attr("version") {
        Some((k, v)) if !matches!(v.data, Data::Null) => doc.push((key("Version", k.loc), v)),
        _ => doc.push((key("Version", None), Value::string("2012-10-17", None))),
    }
    if let Some((k, v)) = attr("policy_id").filter(|(_, v)| !matches!(v.data, Data::Null)) {
        doc.push((key("Id", k.loc), v));
    }
    let mut statements: Vec<Value> = Vec::new();
    for name in ["source_json", "source_policy_documents"] {
        for source in documents(attr(name).map(|(_, v)| v)) {
            statements.extend(statements_of(&source, notes));
        }
    }
    for st in blocks(attr("statement").map(|(_, v)| v)) {
        merge_by_sid(&mut statements, statement(&st));
    }
    for name in ["override_json", "override_policy_documents"] {
        for source in documents(attr(name).map(|(_, v)| v)) {
            for st in statements_of(&source, notes) {
                merge_by_sid(&mut statements, st);
            }
        }
    }
    let statement_loc = statements.first().and_then(|s| s.loc);
    doc.push((
        key("Statement", statement_loc),
        Value::new(Data::List(statements), statement_loc),
    ));
    Value::new(Data::Object(doc), loc)
}

fn key(name: &str, loc: Option<Location>) -> Key {
    Key {
        name: name.to_string(),
        loc,
    }
}

/// Blocks are lists of objects (HCL), or a single object (`.tf.json`).
fn blocks(v: Option<Value>) -> Vec<Value> {
    match v.map(|v| v.data) {
        Some(Data::List(items)) => items,
        Some(other @ Data::Object(_)) => vec![Value::new(other, None)],
        _ => Vec::new(),
    }
}

/// `source_json` is one document, `source_policy_documents` a list of them.
fn documents(v: Option<Value>) -> Vec<Value> {
    match v {
        None => Vec::new(),
        Some(v) => match v.data {
            Data::Null => Vec::new(),
            Data::List(items) => items,
            _ => vec![v],
        },
    }
}

/// The statements of a JSON policy document (a string, rendered or written).
fn statements_of(source: &Value, notes: &mut Vec<String>) -> Vec<Value> {
    let doc = match &source.data {
        Data::String(s) => match &s.encoded {
            Some(enc) => enc.value.clone(),
            None if s.is_known() => {
                let at = source.loc;
                let locate = |a: usize, b: usize| s.locate(a, b).or(at);
                match crate::json::decode(&s.text, &locate, &[]) {
                    Ok(v) => v,
                    Err(e) => {
                        notes.push(format!(
                            "a merged policy document is not valid JSON: {}",
                            e.message
                        ));
                        return Vec::new();
                    }
                }
            }
            None => return vec![unknown_statement(source)],
        },
        Data::Unknown(_) => return vec![unknown_statement(source)],
        _ => return Vec::new(),
    };
    match doc.get("Statement").map(|s| s.data.clone()) {
        Some(Data::List(items)) => items,
        Some(other) => vec![Value::new(other, doc.get("Statement").and_then(|s| s.loc))],
        None => Vec::new(),
    }
}

fn unknown_statement(source: &Value) -> Value {
    let origin = source.first_unknown().map_or_else(
        || "a merged policy document".to_string(),
        |u| u.origin.to_string(),
    );
    Value::unknown(origin, source.loc)
}

/// A statement with a non-empty `Sid` replaces the one with the same `Sid`; others are added.
fn merge_by_sid(statements: &mut Vec<Value>, st: Value) {
    let sid = st
        .get("Sid")
        .and_then(Value::as_known_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if let Some(sid) = sid
        && let Some(existing) = statements
            .iter_mut()
            .find(|s| s.get("Sid").and_then(Value::as_known_str) == Some(&sid))
    {
        *existing = st;
        return;
    }
    statements.push(st);
}

fn statement(st: &Value) -> Value {
    let loc = st.loc;
    let entries = st.as_object().unwrap_or_default();
    let get = |name: &str| {
        entries
            .iter()
            .find(|(k, v)| k.name == name && !matches!(v.data, Data::Null))
    };
    let mut out = Vec::new();
    for (attr, element) in STATEMENT_ATTRS {
        if let Some((k, v)) = get(attr) {
            out.push((key(element, k.loc), v.clone()));
        }
    }
    if !out.iter().any(|(k, _)| k.name == "Effect") {
        // The provider's default.
        out.push((key("Effect", None), Value::string("Allow", loc)));
    }
    for (block, element) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let Some((k, v)) = get(block) {
            out.push((
                key(element, k.loc),
                principals(blocks(Some(v.clone())), v.loc),
            ));
        }
    }
    if let Some((k, v)) = get("condition") {
        out.push((
            key("Condition", k.loc),
            condition(blocks(Some(v.clone())), v.loc),
        ));
    }
    Value::new(Data::Object(out), loc)
}

/// `principals { type = "AWS" identifiers = [...] }` blocks, grouped by type. Type `"*"` with
/// identifier `"*"` renders as the bare `"Principal": "*"`, as the provider does.
fn principals(blocks: Vec<Value>, loc: Option<Location>) -> Value {
    let mut by_type: Vec<(Key, Value)> = Vec::new();
    for b in &blocks {
        let (Some(ty), Some(ids)) = (b.get("type"), b.get("identifiers")) else {
            continue;
        };
        let Some(name) = ty.as_known_str() else {
            return Value::new(Data::Unknown(unknown_of(ty, "principal type")), b.loc);
        };
        if name == "*" {
            let data = match &ids.data {
                Data::List(items) if items.len() == 1 => items[0].data.clone(),
                other => other.clone(),
            };
            let at = match &ids.data {
                Data::List(items) if items.len() == 1 => items[0].loc,
                _ => ids.loc,
            };
            return Value::new(data, at);
        }
        merge_into(&mut by_type, key(name, ty.loc), ids.clone());
    }
    Value::new(Data::Object(by_type), loc)
}

fn unknown_of(v: &Value, what: &str) -> iamlint_model::Unknown {
    v.first_unknown()
        .cloned()
        .unwrap_or_else(|| iamlint_model::Unknown::new(what))
}

/// Appends `v` (a value or a list of values) to the list under `k`.
fn merge_into(entries: &mut Vec<(Key, Value)>, k: Key, v: Value) {
    let items = match v.data {
        Data::List(items) => items,
        Data::Unknown(_) => vec![v],
        _ => vec![v],
    };
    match entries.iter_mut().find(|(e, _)| e.name == k.name) {
        Some((
            _,
            Value {
                data: Data::List(existing),
                ..
            },
        )) => existing.extend(items),
        _ => {
            let loc = items.first().and_then(|i| i.loc);
            entries.push((k, ops::list(items, loc)));
        }
    }
}

/// A condition's key: its text, or for one with unknown parts and a known end (an IRSA
/// trust's `"${replace(var.provider_arn, "/^(.*provider/)/", "")}:sub"`) the text with each
/// unknown part shown as `${origin}`, which the policy reader takes as a key it cannot decide
/// but whose claim and values a rule may still read.
fn key_text(variable: &Value) -> Option<String> {
    match &variable.data {
        Data::String(s) if s.is_known() => Some(s.text.clone()),
        Data::String(s) => {
            let known_end = s.text.rsplit(iamlint_model::Str::UNKNOWN_MARK).next()?;
            known_end.starts_with(':').then(|| s.display())
        }
        _ => None,
    }
}

/// `condition { test = "StringEquals" variable = "k" values = [...] }` blocks, grouped by test.
fn condition(blocks: Vec<Value>, loc: Option<Location>) -> Value {
    let mut by_test: Vec<(Key, Value)> = Vec::new();
    for b in &blocks {
        let (Some(test), Some(variable), Some(values)) =
            (b.get("test"), b.get("variable"), b.get("values"))
        else {
            continue;
        };
        let (Some(t), Some(var)) = (test.as_known_str(), key_text(variable)) else {
            let origin = if test.as_known_str().is_none() {
                test
            } else {
                variable
            };
            return Value::new(Data::Unknown(unknown_of(origin, "condition")), b.loc);
        };
        let var_key = key(&var, variable.loc.or(b.loc));
        match by_test.iter_mut().find(|(k, _)| k.name == t) {
            Some((
                _,
                Value {
                    data: Data::Object(vars),
                    ..
                },
            )) => merge_into(vars, var_key, values.clone()),
            _ => {
                let mut vars = Vec::new();
                merge_into(&mut vars, var_key, values.clone());
                by_test.push((key(t, test.loc), Value::new(Data::Object(vars), b.loc)));
            }
        }
    }
    Value::new(Data::Object(by_test), loc)
}
