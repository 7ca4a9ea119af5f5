//! The loader suite: every evaluation feature, with the value and the exact location of every
//! policy element it produces, pinned by snapshots. A change in how something evaluates, or in
//! where an element is said to be, shows up here.

use std::fmt::Write;

use iamlint_model::policy::{ElementList, Item};
use iamlint_model::{Location, Model, PolicyBody};
use iamlint_terraform::{LoadOptions, load_paths};

fn at(model: &Model, loc: Option<Location>) -> String {
    match loc {
        Some(l) => {
            let f = model.sources.get(l.file);
            let lc = f.line_col(l.start);
            format!("{}:{}:{}", f.path, lc.line, lc.column)
        }
        None => "-".into(),
    }
}

fn item(model: &Model, i: &Item) -> String {
    format!("{} @ {}", i.display(), at(model, i.loc))
}

fn list(model: &Model, out: &mut String, l: &Option<ElementList>) {
    if let Some(l) = l {
        let _ = writeln!(out, "    {}:", l.key.name);
        for i in &l.items {
            let _ = writeln!(out, "      {}", item(model, i));
        }
        if let Some(u) = &l.unknown {
            let _ = writeln!(out, "      <unknown: {}>", u.origin);
        }
    }
}

/// Every policy of a model, element by element, with where each was written.
fn dump(model: &Model) -> String {
    let mut out = String::new();
    for p in &model.policies {
        let _ = writeln!(out, "{} ({:?})", p.address, p.kind);
        for u in &p.uses {
            let _ = writeln!(
                out,
                "  used by {}.{} @ {}",
                u.address,
                u.attribute,
                at(model, u.loc)
            );
        }
        match &p.body {
            PolicyBody::Document(d) => {
                for s in &d.statements {
                    let _ = writeln!(out, "  {} @ {}", s.label(), at(model, s.loc));
                    if let Some(e) = &s.effect {
                        let _ = writeln!(out, "    Effect: {}", item(model, e));
                    }
                    list(model, &mut out, &s.action);
                    list(model, &mut out, &s.resource);
                    if let Some(p) = &s.principal {
                        let _ = writeln!(out, "    {}:", p.key.name);
                        for pr in &p.principals {
                            let _ = writeln!(out, "      {:?} {}", pr.kind, item(model, &pr.item));
                        }
                    }
                    for c in &s.conditions {
                        let values: Vec<String> = c.values.iter().map(|v| item(model, v)).collect();
                        let _ = writeln!(
                            out,
                            "    Condition {} {}: {}",
                            c.operator,
                            c.key,
                            values.join(", ")
                        );
                    }
                }
                if let Some(u) = &d.statements_unknown {
                    let _ = writeln!(out, "  <unknown statements: {}>", u.origin);
                }
            }
            PolicyBody::InvalidJson { message, loc } => {
                let _ = writeln!(out, "  invalid JSON: {message} @ {}", at(model, *loc));
            }
            PolicyBody::Unknown(u) => {
                let _ = writeln!(out, "  <unknown: {}>", u.origin);
            }
        }
    }
    for c in &model.coverage {
        let _ = writeln!(out, "coverage: {}: {}", c.address, c.message);
    }
    for e in &model.errors {
        let _ = writeln!(
            out,
            "error: {} @ {}: {}",
            e.path,
            at(model, e.loc),
            e.message
        );
    }
    out
}

fn load(dir: &str) -> Model {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/eval")
        .join(dir);
    load_paths(
        &[path],
        &LoadOptions {
            recurse: true,
            ..LoadOptions::default()
        },
    )
}

#[test]
fn features() {
    insta::assert_snapshot!(dump(&load("features")));
}

#[test]
fn modules() {
    let model = load("modules");
    insta::assert_snapshot!(dump(&model));
    // The called module is linted through its calls only, not again as a root of its own.
    let addresses: Vec<&str> = model.resources.iter().map(|r| r.address.as_str()).collect();
    assert!(
        addresses.contains(&"module.apps[\"web\"].aws_iam_role.this"),
        "{addresses:?}"
    );
    assert!(!addresses.contains(&"aws_iam_role.this"), "{addresses:?}");
}
