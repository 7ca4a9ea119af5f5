//! `data "aws_iam_policy_document"`: its blocks rendered into the policy object the AWS provider
//! would produce, with every element located at the HCL that wrote it.

use iamlint_model::{Data, Key, Location, Value};

use crate::eval::Evaluator;
use crate::syntax::{BodyRef, ParsedFile};

/// Statement attributes and the policy element each becomes.
const STATEMENT_ATTRS: [(&str, &str); 6] = [
    ("sid", "Sid"),
    ("effect", "Effect"),
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
];

pub fn render(
    file: &ParsedFile,
    body: BodyRef,
    loc: Option<Location>,
    ev: &mut Evaluator,
) -> Value {
    let mut doc = Vec::new();
    let version = match body.attr(file, "version") {
        Some(a) => (ev.eval(a.expr), a.key_loc),
        None => (Value::string("2012-10-17", None), None),
    };
    doc.push((key("Version", version.1), version.0));
    if let Some(a) = body.attr(file, "policy_id") {
        doc.push((key("Id", a.key_loc), ev.eval(a.expr)));
    }
    for name in [
        "source_policy_documents",
        "override_policy_documents",
        "source_json",
        "override_json",
    ] {
        if body.attr(file, name).is_some() {
            ev.notes.push(format!("`{name}` is not merged yet"));
        }
    }
    if !dynamic_blocks(file, body).is_empty() {
        ev.notes
            .push("`dynamic` blocks are not expanded yet".into());
    }
    let statements: Vec<Value> = body
        .blocks(file, Some("statement"))
        .into_iter()
        .map(|b| statement(file, b.body, b.loc, ev))
        .collect();
    let statement_loc = statements.first().and_then(|s| s.loc);
    doc.push((
        key("Statement", statement_loc),
        Value::new(Data::List(statements), statement_loc),
    ));
    Value::new(Data::Object(doc), loc)
}

fn dynamic_blocks<'a>(file: &ParsedFile, body: BodyRef<'a>) -> Vec<crate::syntax::BlockRef<'a>> {
    body.blocks(file, Some("dynamic"))
}

fn key(name: &str, loc: Option<Location>) -> Key {
    Key {
        name: name.to_string(),
        loc,
    }
}

fn statement(file: &ParsedFile, body: BodyRef, loc: Option<Location>, ev: &mut Evaluator) -> Value {
    let mut out = Vec::new();
    for (attr, element) in STATEMENT_ATTRS {
        if let Some(a) = body.attr(file, attr) {
            out.push((key(element, a.key_loc), ev.eval(a.expr)));
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
        let blocks = body.blocks(file, Some(block));
        if !blocks.is_empty() {
            let first = blocks[0].loc;
            out.push((key(element, first), principals(file, blocks, ev)));
        }
    }
    let conditions = body.blocks(file, Some("condition"));
    if !conditions.is_empty() {
        let first = conditions[0].loc;
        out.push((key("Condition", first), condition(file, conditions, ev)));
    }
    Value::new(Data::Object(out), loc)
}

/// `principals { type = "AWS" identifiers = [...] }` blocks, grouped by type. Type `"*"` with
/// identifier `"*"` renders as the bare `"Principal": "*"`, as the provider does.
fn principals(
    file: &ParsedFile,
    blocks: Vec<crate::syntax::BlockRef>,
    ev: &mut Evaluator,
) -> Value {
    let mut by_type: Vec<(Key, Value)> = Vec::new();
    let loc = blocks[0].loc;
    for b in &blocks {
        let ty = b.body.attr(file, "type").map(|a| ev.eval(a.expr));
        let ids = b.body.attr(file, "identifiers").map(|a| ev.eval(a.expr));
        let (Some(ty), Some(ids)) = (ty, ids) else {
            continue;
        };
        let Some(name) = ty.as_known_str() else {
            return Value::new(
                Data::Unknown(
                    ty.first_unknown()
                        .cloned()
                        .unwrap_or_else(|| iamlint_model::Unknown::new("principal type")),
                ),
                b.loc,
            );
        };
        if name == "*" {
            return Value::new(ids_as_star(ids), b.loc);
        }
        merge_into(&mut by_type, key(name, ty.loc), ids);
    }
    Value::new(Data::Object(by_type), loc)
}

fn ids_as_star(ids: Value) -> Data {
    match ids.data {
        Data::List(mut items) if items.len() == 1 => items.remove(0).data,
        other => other,
    }
}

/// Appends `v` (a value or a list of values) to the list under `k`.
fn merge_into(entries: &mut Vec<(Key, Value)>, k: Key, v: Value) {
    let items = match v.data {
        Data::List(items) => items,
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
            entries.push((k, Value::new(Data::List(items), loc)));
        }
    }
}

/// `condition { test = "StringEquals" variable = "k" values = [...] }` blocks, grouped by test.
fn condition(file: &ParsedFile, blocks: Vec<crate::syntax::BlockRef>, ev: &mut Evaluator) -> Value {
    let mut by_test: Vec<(Key, Value)> = Vec::new();
    let loc = blocks[0].loc;
    for b in &blocks {
        let test = b.body.attr(file, "test").map(|a| ev.eval(a.expr));
        let variable = b.body.attr(file, "variable").map(|a| ev.eval(a.expr));
        let values = b.body.attr(file, "values").map(|a| ev.eval(a.expr));
        let (Some(test), Some(variable), Some(values)) = (test, variable, values) else {
            continue;
        };
        let (Some(t), Some(var)) = (test.as_known_str(), variable.as_known_str()) else {
            let origin = test.first_unknown().or(variable.first_unknown()).cloned();
            return Value::new(
                Data::Unknown(origin.unwrap_or_else(|| iamlint_model::Unknown::new("condition"))),
                b.loc,
            );
        };
        let var_key = key(var, variable.loc.or(b.loc));
        match by_test.iter_mut().find(|(k, _)| k.name == t) {
            Some((
                _,
                Value {
                    data: Data::Object(vars),
                    ..
                },
            )) => merge_into(vars, var_key, values),
            _ => {
                let mut vars = Vec::new();
                merge_into(&mut vars, var_key, values);
                by_test.push((key(t, test.loc), Value::new(Data::Object(vars), b.loc)));
            }
        }
    }
    Value::new(Data::Object(by_test), loc)
}
