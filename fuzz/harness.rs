//! What each fuzz target does with its input, shared by the fuzz targets (`fuzz_targets/`) and
//! by the test that replays the committed corpus and crashers without cargo-fuzz
//! (`crates/iamlint-rules/tests/fuzz_corpus.rs`). Each runs the whole pipeline the binary runs
//! on that kind of input — load, evaluate, every rule — on a thread with the binary's stack
//! size, and must never panic.

#![allow(dead_code)]

use std::path::PathBuf;

use iamlint_model::Model;
use iamlint_rules::Selection;
use iamlint_terraform::{LoadOptions, load_paths, load_sources};

/// What a target does with one input.
pub type Target = fn(&[u8]);

/// Which files of `testdata/` seed each target, by how their names end: the fuzzers are run
/// with `../testdata` as a second corpus folder, and the replay test reads them in place,
/// rather than keeping copies.
pub const SEEDS: [(&str, &[&str]); 5] = [
    ("hcl", &[".tf"]),
    ("tf_json", &[".tf.json"]),
    ("tfvars", &[".tfvars", ".tfvars.json"]),
    ("plan", &["plan.json"]),
    ("policy_json", &["policies/deploy.json"]),
];

/// The targets, by name: the fuzz target names and the corpus folders.
pub const TARGETS: [(&str, Target); 6] = [
    ("hcl", hcl),
    ("tf_json", tf_json),
    ("tfvars", tfvars),
    ("plan", plan),
    ("policy_json", policy_json),
    ("states", states),
];

/// Evaluation recurses (each recursion bounded); the binary gives it this much stack.
const STACK: usize = 64 << 20;

fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    let worker = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .expect("a thread");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

fn lint(model: &Model) {
    let every_rule = Selection {
        select: vec!["all".into()],
        ..Selection::default()
    };
    let _ = iamlint_rules::run(model, &every_rule);
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// A `.tf` file.
pub fn hcl(data: &[u8]) {
    let text = text(data);
    on_big_stack(move || lint(&load_sources(vec![("main.tf".into(), text)])));
}

/// A `.tf.json` file.
pub fn tf_json(data: &[u8]) {
    let text = text(data);
    on_big_stack(move || lint(&load_sources(vec![("main.tf.json".into(), text)])));
}

/// A `terraform.tfvars` file (HCL; `.json` when it starts with `{`).
pub fn tfvars(data: &[u8]) {
    let text = text(data);
    on_big_stack(move || {
        let name = if text.trim_start().starts_with('{') {
            "terraform.tfvars.json"
        } else {
            "terraform.tfvars"
        };
        let mut model = Model::default();
        let _ = iamlint_terraform::vars::var_file_values(name.into(), text, &mut model);
    });
}

/// A plan or state JSON document, read from standard input as `iamlint check -` does.
pub fn plan(data: &[u8]) {
    let bytes = data.to_vec();
    on_big_stack(move || {
        let options = LoadOptions {
            stdin: Some(bytes),
            // No configuration directory: nothing is read from disk.
            config_dir: Some(PathBuf::from("/nonexistent/iamlint-fuzz")),
            ..LoadOptions::default()
        };
        lint(&load_paths(&[PathBuf::from("-")], &options));
    });
}

/// A policy document's JSON, parsed alone and as a heredoc policy and trust policy (which maps
/// every position back into the `.tf` file).
pub fn policy_json(data: &[u8]) {
    let text = text(data);
    on_big_stack(move || {
        let _ = iamlint_model::policy::PolicyDocument::from_json(&text);
        let tf = format!(
            "resource \"aws_iam_policy\" \"p\" {{\n  policy = <<EOT\n{text}\nEOT\n}}\n\
             resource \"aws_iam_role\" \"r\" {{\n  assume_role_policy = <<EOT\n{text}\nEOT\n}}\n\
             resource \"aws_iam_role_policy\" \"i\" {{\n  role   = aws_iam_role.r.id\n  policy = <<EOT\n{text}\nEOT\n}}\n"
        );
        lint(&load_sources(vec![("main.tf".into(), tf)]));
    });
}

/// A Step Functions definition, run by a state machine whose role may pass roles.
pub fn states(data: &[u8]) {
    let text = text(data);
    on_big_stack(move || {
        let tf = format!(
            "resource \"aws_iam_role\" \"r\" {{\n  name = \"sfn\"\n  assume_role_policy = jsonencode({{Statement = [{{Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = {{Service = \"states.amazonaws.com\"}}}}]}})\n}}\n\
             resource \"aws_iam_role_policy\" \"p\" {{\n  role   = aws_iam_role.r.id\n  policy = jsonencode({{Statement = [{{Effect = \"Allow\", Action = [\"ecs:RunTask\", \"sagemaker:*\"], Resource = \"*\"}}]}})\n}}\n\
             resource \"aws_ecs_task_definition\" \"t\" {{\n  family = \"job\"\n  task_role_arn = aws_iam_role.r.arn\n  container_definitions = \"[]\"\n}}\n\
             resource \"aws_sfn_state_machine\" \"m\" {{\n  name     = \"m\"\n  role_arn = aws_iam_role.r.arn\n  definition = <<EOT\n{text}\nEOT\n}}\n"
        );
        lint(&load_sources(vec![("main.tf".into(), tf)]));
    });
}
