//! Every ```` ```hcl fail ```` block of every rule's docs must fire the rule; every
//! ```` ```hcl pass ```` block must not. Each example must load without errors.

use iamlint_rules::{Selection, docs, registry, run};
use iamlint_terraform::load_sources;

#[test]
fn every_rule_documents_failing_and_passing_examples_that_hold() {
    let mut failures = Vec::new();
    for rule in registry::all() {
        let meta = rule.meta();
        let examples = docs::examples(meta);
        assert!(
            examples.iter().any(|e| e.fires),
            "{}: no ```hcl fail example",
            meta.name
        );
        assert!(
            examples.iter().any(|e| !e.fires),
            "{}: no ```hcl pass example",
            meta.name
        );
        for (i, ex) in examples.iter().enumerate() {
            let model = load_sources(vec![("main.tf".into(), ex.code.clone())]);
            assert!(
                model.errors.is_empty(),
                "{} example {i} does not load: {:?}",
                meta.name,
                model.errors
            );
            let selection = Selection {
                select: vec!["all".into()],
                ..Selection::default()
            };
            let findings = run(&model, &selection);
            let fired: Vec<_> = findings
                .iter()
                .filter(|f| f.rule == meta.name)
                .map(|f| f.message.clone())
                .collect();
            if ex.fires == fired.is_empty() {
                failures.push(format!(
                    "{} example {i} ({}): fired {:?}\n{}",
                    meta.name,
                    if ex.fires { "fail" } else { "pass" },
                    fired,
                    ex.code
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_rule_documents_the_required_sections() {
    for rule in registry::all() {
        let md = docs::markdown(rule.meta());
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## References",
        ] {
            assert!(md.contains(section), "{} lacks {section}", rule.meta().name);
        }
    }
}

#[test]
fn rule_names_are_kebab_case_and_unique() {
    let mut names: Vec<_> = registry::all().iter().map(|r| r.meta().name).collect();
    for n in &names {
        assert!(n.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{n}");
        let s = &registry::find(n).unwrap().meta().summary;
        assert!(
            !s.ends_with('.') && s.chars().next().unwrap().is_lowercase(),
            "{n}: summary style"
        );
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), registry::all().len());
}
