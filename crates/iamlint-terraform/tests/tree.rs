//! Loading real directory trees: confinement of `file()`, `templatefile()` and module sources,
//! root discovery, cycles, and where variable values come from.

use std::path::Path;

use iamlint_model::{Model, PolicyBody};
use iamlint_terraform::{LoadOptions, load_paths};

mod common;
use common::tree;

fn load(root: &Path, options: LoadOptions) -> Model {
    load_paths(
        &[root.to_path_buf()],
        &LoadOptions {
            recurse: true,
            ..options
        },
    )
}

/// Addresses in sorted order, so assertions do not depend on the order roots finish in.
fn sorted<'a>(addresses: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    let mut addresses: Vec<&str> = addresses.map(String::as_str).collect();
    addresses.sort();
    addresses
}

fn policy_text(m: &Model, address: &str) -> String {
    let p = m
        .policies
        .iter()
        .find(|p| p.address == address)
        .unwrap_or_else(|| panic!("no {address}"));
    format!("{:?}", p.body)
}

fn notes(m: &Model) -> String {
    m.coverage
        .iter()
        .map(|c| format!("{}: {}\n", c.address, c.message))
        .collect::<String>()
        + &m.errors
            .iter()
            .map(|e| format!("error {}: {}\n", e.path, e.message))
            .collect::<String>()
}

#[test]
fn files_outside_the_tree_are_refused() {
    let outside = std::env::temp_dir().join(format!("iamlint-secret-{}.json", std::process::id()));
    std::fs::write(
        &outside,
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"SECRET:*\", \"Resource\": \"*\"}]}",
    )
    .unwrap();
    let policy = |expr: &str, name: &str| {
        format!("resource \"aws_iam_policy\" \"{name}\" {{\n  policy = {expr}\n}}\n")
    };
    let main = [
        policy("file(\"../../../../../../../etc/passwd\")", "relative"),
        policy(&format!("file(\"{}\")", outside.display()), "absolute"),
        policy("file(\"link.json\")", "symlink"),
        policy("templatefile(\"../outside.tftpl\", {})", "template"),
        policy("file(\"inside.json\")", "inside"),
    ]
    .concat();
    let root = tree(
        "confine",
        &[("main.tf", &main), ("inside.json", "{\"Statement\": []}")],
    );
    std::os::unix::fs::symlink(&outside, root.join("link.json")).unwrap();
    let m = load(&root, LoadOptions::default());
    for name in ["relative", "absolute", "symlink", "template"] {
        let address = format!("aws_iam_policy.{name}");
        assert!(
            matches!(
                m.policies
                    .iter()
                    .find(|p| p.address == address)
                    .unwrap()
                    .body,
                PolicyBody::Unknown(_)
            ),
            "{name}"
        );
    }
    assert!(matches!(
        m.policies
            .iter()
            .find(|p| p.address == "aws_iam_policy.inside")
            .unwrap()
            .body,
        PolicyBody::Document(_)
    ));
    let all = notes(&m);
    assert!(
        all.contains("aws_iam_policy.absolute")
            && all.contains("outside the directory being linted"),
        "{all}"
    );
    assert!(all.contains("aws_iam_policy.symlink"), "{all}");
    // Nothing from outside was read into the model.
    for (_, f) in m.sources.iter() {
        assert!(
            !f.text.contains("SECRET") && !f.text.contains("root:"),
            "{} was read",
            f.path
        );
    }
    std::fs::remove_file(outside).unwrap();
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn module_sources_outside_the_tree_are_refused() {
    let root = tree(
        "confine-module",
        &[
            (
                "lint/main.tf",
                "module \"m\" {\n  source = \"../elsewhere\"\n}\n",
            ),
            (
                "elsewhere/main.tf",
                "resource \"aws_iam_policy\" \"p\" {}\n",
            ),
        ],
    );
    let m = load(&root.join("lint"), LoadOptions::default());
    assert!(
        m.errors
            .iter()
            .any(|e| e.message.contains("outside the directory being linted")),
        "{:?}",
        m.errors
    );
    assert!(m.resources.is_empty());
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn roots_are_found_and_called_modules_are_not_roots() {
    let module = "variable \"name\" {}\nresource \"aws_iam_role\" \"r\" {\n  name = var.name\n  assume_role_policy = \"{}\"\n}\n";
    let root = tree(
        "roots",
        &[
            (
                "envs/prod/main.tf",
                "module \"role\" {\n  source = \"../../modules/role\"\n  name = \"prod\"\n}\n",
            ),
            (
                "envs/dev/main.tf",
                "module \"role\" {\n  source = \"../../modules/role\"\n  name = \"dev\"\n}\n",
            ),
            ("modules/role/main.tf", module),
            (
                "standalone/main.tf",
                "resource \"aws_iam_user\" \"u\" {\n  name = \"u\"\n}\n",
            ),
            (
                ".terraform/providers/x.tf",
                "resource \"aws_iam_user\" \"hidden\" {}\n",
            ),
            (".git/x.tf", "resource \"aws_iam_user\" \"git\" {}\n"),
            // A hidden directory of real configuration (seen: `extra/.karpenter`) is linted.
            (
                "extra/.karpenter/main.tf",
                "resource \"aws_iam_user\" \"karpenter\" {}\n",
            ),
        ],
    );
    let m = load(&root, LoadOptions::default());
    let addresses = sorted(m.resources.iter().map(|r| &r.address));
    assert_eq!(
        addresses,
        [
            "aws_iam_user.karpenter",
            "aws_iam_user.u",
            "module.role.aws_iam_role.r",
            "module.role.aws_iam_role.r"
        ]
    );
    // Without recursion, only the directory given.
    let m = load_paths(
        &[root.join("standalone")],
        &LoadOptions {
            recurse: false,
            ..LoadOptions::default()
        },
    );
    assert_eq!(m.resources.len(), 1);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn without_recursion_local_modules_are_still_followed() {
    let root = tree(
        "no-recurse-module",
        &[
            ("main.tf", "module \"svc\" {\n  source = \"./svc\"\n}\n"),
            ("svc/main.tf", "resource \"aws_iam_role\" \"r\" {}\n"),
            (
                "other/main.tf",
                "resource \"aws_iam_user\" \"not_a_root\" {}\n",
            ),
        ],
    );
    let m = load_paths(
        std::slice::from_ref(&root),
        &LoadOptions {
            recurse: false,
            ..LoadOptions::default()
        },
    );
    let addresses = sorted(m.resources.iter().map(|r| &r.address));
    assert_eq!(addresses, ["module.svc.aws_iam_role.r"], "{}", notes(&m));
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn installed_registry_modules_are_read_from_the_manifest() {
    let manifest = r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"iam","Source":"registry.terraform.io/x/iam/aws","Version":"1.0.0","Dir":".terraform/modules/iam"}]}"#;
    let root = tree(
        "installed",
        &[
            (
                "main.tf",
                "module \"iam\" {\n  source = \"x/iam/aws\"\n  actions = [\"iam:*\"]\n}\n",
            ),
            (".terraform/modules/modules.json", manifest),
            (
                ".terraform/modules/iam/main.tf",
                "variable \"actions\" {}\nresource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = var.actions, Resource = \"*\"}]})\n}\n",
            ),
        ],
    );
    let m = load(&root, LoadOptions::default());
    assert!(
        policy_text(&m, "module.iam.aws_iam_policy.p").contains("iam:*"),
        "{}",
        notes(&m)
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_cycle_of_locals_is_reported_not_followed() {
    let root = tree(
        "cycle",
        &[(
            "main.tf",
            "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_iam_policy\" \"p\" {\n  policy = local.a\n}\n",
        )],
    );
    let m = load(&root, LoadOptions::default());
    assert!(
        m.errors
            .iter()
            .any(|e| e.message.contains("refers to itself")),
        "{:?}",
        m.errors
    );
    assert!(matches!(m.policies[0].body, PolicyBody::Unknown(_)));
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn variable_values_follow_terraforms_precedence() {
    let main = r#"variable "a" {}
variable "b" {}
variable "c" {}
variable "d" {}
variable "e" {
  type = list(string)
}
resource "aws_iam_policy" "p" {
  policy = jsonencode({Statement = [{Effect = "Allow", Action = [var.a, var.b, var.c, var.d], Resource = var.e}]})
}
"#;
    let root = tree(
        "vars",
        &[
            ("main.tf", main),
            (
                "terraform.tfvars",
                "a = \"tfvars:a\"\nb = \"tfvars:b\"\nc = \"tfvars:c\"\n",
            ),
            ("b.auto.tfvars", "b = \"auto:b\"\nc = \"auto:c\"\n"),
            ("extra.tfvars.json", "{\"c\": \"file:c\"}"),
        ],
    );
    let options = LoadOptions {
        var_files: vec![root.join("extra.tfvars.json")],
        vars: vec![
            ("d".into(), "cli:d".into()),
            ("e".into(), "[\"arn:aws:s3:::x\"]".into()),
        ],
        env_vars: vec![("a".into(), "env:a".into()), ("d".into(), "env:d".into())],
        recurse: true,
        ..LoadOptions::default()
    };
    let m = load(&root, options);
    let body = policy_text(&m, "aws_iam_policy.p");
    for expected in ["tfvars:a", "auto:b", "file:c", "cli:d", "arn:aws:s3:::x"] {
        assert!(body.contains(expected), "{expected} in {body}");
    }
    assert!(
        !body.contains("env:"),
        "environment variables have the lowest precedence"
    );
    std::fs::remove_dir_all(root).unwrap();
}

/// Variables files are parsed as every other file: a byte order mark (Windows editors write
/// one) and CRLF line endings are fine, and a broken one is located.
#[test]
fn variables_files_with_a_byte_order_mark_are_read() {
    let main = "variable \"a\" {}\nvariable \"b\" {}\nresource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = [var.a, var.b], Resource = \"*\"}]})\n}\n";
    let root = tree(
        "vars-bom",
        &[
            ("main.tf", main),
            ("terraform.tfvars", "\u{FEFF}a = \"bom:a\"\r\n"),
            ("b.auto.tfvars.json", "\u{FEFF}{\"b\": \"bom:b\"}"),
        ],
    );
    let m = load(&root, LoadOptions::default());
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let body = policy_text(&m, "aws_iam_policy.p");
    assert!(body.contains("bom:a") && body.contains("bom:b"), "{body}");
    std::fs::write(root.join("terraform.tfvars"), "\u{FEFF}a = = 1\n").unwrap();
    let m = load(&root, LoadOptions::default());
    let e = &m.errors[0];
    assert!(e.message.starts_with("syntax error"), "{e:?}");
    let file = m.sources.get(e.loc.unwrap().file);
    assert_eq!(file.line_col(e.loc.unwrap().start).line, 1);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn unknown_for_each_is_one_symbolic_instance_with_a_note() {
    let main = "variable \"names\" {}\nresource \"aws_iam_policy\" \"p\" {\n  for_each = var.names\n  name = each.key\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = \"iam:*\", Resource = \"*\"}]})\n}\n";
    let root = tree("unknown-for-each", &[("main.tf", main)]);
    let m = load(&root, LoadOptions::default());
    let addresses: Vec<&str> = m.policies.iter().map(|p| p.address.as_str()).collect();
    assert_eq!(addresses, ["aws_iam_policy.p[*]"]);
    assert!(
        notes(&m).contains(
            "`for_each` depends on `var.names`: one instance `aws_iam_policy.p[*]` stands for all"
        ),
        "{}",
        notes(&m)
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn override_documents_replace_statements_by_sid() {
    let main = r#"data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    sid       = "Write"
    actions   = ["s3:PutObject"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "narrow" {
  statement {
    sid       = "Write"
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::uploads/*"]
  }
}
data "aws_iam_policy_document" "final" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.narrow.json]
  statement {
    sid     = "Read"
    actions = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]
  }
  statement {
    actions   = ["kms:Decrypt"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.final.json
}
"#;
    let root = tree("override", &[("main.tf", main)]);
    let m = load(&root, LoadOptions::default());
    let p = m
        .policies
        .iter()
        .find(|p| p.address == "data.aws_iam_policy_document.final")
        .unwrap();
    let doc = p.document().unwrap();
    let summary: Vec<String> = doc
        .statements
        .iter()
        .map(|s| {
            let actions: Vec<String> = s
                .action
                .as_ref()
                .unwrap()
                .items
                .iter()
                .map(|i| i.display())
                .collect();
            let resources: Vec<String> = s
                .resource
                .as_ref()
                .unwrap()
                .items
                .iter()
                .map(|i| i.display())
                .collect();
            format!(
                "{} {} {}",
                s.label(),
                actions.join(","),
                resources.join(",")
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "statement \"Read\" s3:GetObject,s3:ListBucket arn:aws:s3:::reports,arn:aws:s3:::reports/*",
            "statement \"Write\" s3:PutObject arn:aws:s3:::uploads/*",
            "statement 3 kms:Decrypt *",
        ]
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn nested_modules_with_count_get_full_addresses() {
    let root = tree(
        "nested",
        &[
            (
                "main.tf",
                "module \"outer\" {\n  source = \"./outer\"\n  n = 2\n}\n",
            ),
            (
                "outer/main.tf",
                "variable \"n\" {}\nmodule \"inner\" {\n  source = \"../inner\"\n  count = var.n\n  tag = \"t${count.index}\"\n}\noutput \"arns\" {\n  value = module.inner[*].arn\n}\n",
            ),
            (
                "inner/main.tf",
                "variable \"tag\" {}\nresource \"aws_iam_role\" \"r\" {\n  name = \"role-${var.tag}\"\n  assume_role_policy = jsonencode({Statement = [{Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = {Service = \"ec2.amazonaws.com\"}}]})\n}\noutput \"arn\" {\n  value = aws_iam_role.r.arn\n}\n",
            ),
        ],
    );
    let m = load(&root, LoadOptions::default());
    let addresses = sorted(m.policies.iter().map(|p| &p.address));
    assert_eq!(
        addresses,
        [
            "module.outer.module.inner[0].aws_iam_role.r",
            "module.outer.module.inner[1].aws_iam_role.r"
        ]
    );
    assert!(
        m.errors.is_empty() && m.coverage.is_empty(),
        "{}",
        notes(&m)
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn module_cycles_and_huge_counts_neither_hang_nor_hide_findings() {
    let policy = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = \"*\", Resource = \"*\"}]})\n}\n";
    let root = tree(
        "cycles",
        &[
            (
                "self/main.tf",
                &format!("module \"me\" {{\n  source = \"./\"\n}}\n{policy}"),
            ),
            ("a/main.tf", "module \"b\" {\n  source = \"../b\"\n}\n"),
            ("b/main.tf", "module \"a\" {\n  source = \"../a\"\n}\n"),
            (
                "count/main.tf",
                &policy.replace("policy = ", "count = 100000000\n  policy = "),
            ),
        ],
    );
    let m = load(&root, LoadOptions::default());
    let cycles = m
        .errors
        .iter()
        .filter(|e| e.message.contains("Terraform rejects module cycles"))
        .count();
    assert!(cycles >= 2, "{:?}", m.errors);
    let addresses = sorted(m.policies.iter().map(|p| &p.address));
    assert_eq!(addresses, ["aws_iam_policy.p", "aws_iam_policy.p[*]"]);
    assert!(
        notes(&m).contains("makes 100000000 instances, more than iamlint expands"),
        "{}",
        notes(&m)
    );
    std::fs::remove_dir_all(root).unwrap();
}

/// Linting one example of a repository alone follows its `source = "../../"` into the
/// repository (the enclosing work tree), not beyond it; without a work tree the directory
/// given is the boundary, as before.
#[test]
fn an_example_linted_alone_reads_the_module_it_calls_in_its_repository() {
    let policy = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = \"*\", Resource = \"*\"}]})\n}\n";
    let call = "module \"role\" {\n  source = \"../../modules/role\"\n}\n";
    let files = [
        ("modules/role/main.tf", policy),
        (
            "modules/role/inner.tf",
            "module \"deeper\" {\n  source = \"../deeper\"\n}\n",
        ),
        (
            "modules/deeper/main.tf",
            "resource \"aws_iam_user\" \"u\" {\n  name = \"u\"\n}\n",
        ),
        ("examples/complete/main.tf", call),
    ];
    let repo = tree("repository", &files);
    std::fs::create_dir(repo.join(".git")).unwrap();
    let m = load(&repo.join("examples/complete"), LoadOptions::default());
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(
        sorted(m.policies.iter().map(|p| &p.address)),
        ["module.role.aws_iam_policy.p"]
    );
    assert!(
        m.resources
            .iter()
            .any(|r| r.address == "module.role.module.deeper.aws_iam_user.u"),
        "{:?}",
        m.resources.iter().map(|r| &r.address).collect::<Vec<_>>()
    );
    std::fs::remove_dir_all(repo).unwrap();

    let loose = tree("no-repository", &files);
    let m = load(&loose.join("examples/complete"), LoadOptions::default());
    assert!(
        m.errors
            .iter()
            .any(|e| e.message.contains("outside the directory being linted")),
        "{:?}",
        m.errors
    );
    std::fs::remove_dir_all(loose).unwrap();
}

/// A resource passed whole into an `object({...})` variable has its computed attributes
/// (unknown until apply), not missing ones; a value that truly does not fit is reported in the
/// file it is written in.
#[test]
fn resources_fit_object_variables_and_type_errors_point_at_their_value() {
    let module = r#"variable "cluster" {
  type = object({ arn = string, name = string })
}
variable "names" {
  type    = list(string)
  default = []
}
resource "aws_iam_policy" "p" {
  policy = jsonencode({Statement = [{Effect = "Allow", Action = "ecs:UpdateService", Resource = var.cluster.arn}]})
}
"#;
    let main = "resource \"aws_ecs_cluster\" \"main\" {\n  name = \"main\"\n}\nmodule \"svc\" {\n  source  = \"./svc\"\n  cluster = aws_ecs_cluster.main\n  names   = \"not-a-list\"\n}\n";
    let root = tree("object-var", &[("main.tf", main), ("svc/main.tf", module)]);
    let m = load(&root, LoadOptions::default());
    let not_required = m.errors.iter().all(|e| !e.message.contains("is required"));
    assert!(not_required, "{:?}", m.errors);
    let body = policy_text(&m, "module.svc.aws_iam_policy.p");
    assert!(body.contains("aws_ecs_cluster.main.arn"), "{body}");
    // The string given for a list: reported at the module block's argument, in main.tf.
    let e = m
        .errors
        .iter()
        .find(|e| e.message.starts_with("var.names"))
        .unwrap_or_else(|| panic!("{:?}", m.errors));
    assert!(
        e.path.ends_with("main.tf") && !e.path.contains("svc/"),
        "{e:?}"
    );
    let file = m.sources.get(e.loc.unwrap().file);
    assert_eq!(file.line_col(e.loc.unwrap().start).line, 7, "{e:?}");
    std::fs::remove_dir_all(root).unwrap();
}

/// A deep chain of module calls is no cycle: past iamlint's depth it is a coverage note, never
/// a "module cycle" error, and what the chain holds above the limit is still linted.
#[test]
fn a_deep_module_chain_is_a_note_not_a_cycle() {
    let policy = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = \"*\", Resource = \"*\"}]})\n}\n";
    let mut files: Vec<(String, String)> = (0..80)
        .map(|i| {
            (
                format!("m{i}/main.tf"),
                format!(
                    "module \"next\" {{\n  source = \"../m{}\"\n}}\n{policy}",
                    i + 1
                ),
            )
        })
        .collect();
    files.push(("m80/main.tf".into(), policy.into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let root = tree("deep-modules", &refs);
    let m = load(&root, LoadOptions::default());
    assert!(
        !m.errors.iter().any(|e| e.message.contains("cycle")),
        "{:?}",
        m.errors
    );
    assert!(
        notes(&m).contains("modules nest more than 64 calls deep"),
        "{}",
        notes(&m)
    );
    assert!(m.policies.len() >= 64, "{}", m.policies.len());
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_very_long_chain_of_locals_is_refused_not_a_stack_overflow() {
    let mut main = String::from("locals {\n");
    for i in 0..20_000 {
        main.push_str(&format!("  l{i} = local.l{}\n", i + 1));
    }
    main.push_str("  l20000 = \"iam:*\"\n}\nresource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = local.l0, Resource = \"*\"}]})\n}\n");
    let root = tree("chain", &[("main.tf", &main)]);
    let m = load(&root, LoadOptions::default());
    assert!(
        notes(&m).contains("references nest more than"),
        "{}",
        notes(&m)
    );
    // A chain of ordinary depth still evaluates.
    let mut short = String::from("locals {\n");
    for i in 0..50 {
        short.push_str(&format!("  l{i} = local.l{}\n", i + 1));
    }
    short.push_str("  l50 = \"iam:*\"\n}\nresource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = local.l0, Resource = \"*\"}]})\n}\n");
    std::fs::write(root.join("main.tf"), short).unwrap();
    let m = load(&root, LoadOptions::default());
    assert!(
        policy_text(&m, "aws_iam_policy.p").contains("iam:*"),
        "{}",
        notes(&m)
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn hostile_templates_and_sizes_are_refused_not_built() {
    let main = r#"locals {
  a = format("%999999999d", 1)
  b = indent(999999999, "a\nb")
  c = setproduct(range(1024), range(1024), range(1024))
}
resource "aws_iam_policy" "sizes" {
  policy = jsonencode({Statement = [{Effect = "Allow", Action = [local.a, local.b, length(local.c), "iam:*"], Resource = "*"}]})
}
resource "aws_iam_policy" "recursive" {
  policy = templatefile("t.tftpl", {})
}
"#;
    let root = tree(
        "hostile",
        &[
            ("main.tf", main),
            ("t.tftpl", "${templatefile(\"t.tftpl\", {})}\n"),
        ],
    );
    let m = load(&root, LoadOptions::default());
    let all = notes(&m);
    for expected in [
        "format width over",
        "indent() of 999999999 spaces",
        "setproduct() would make 1073741824",
        "templatefile() cannot be called inside a template",
    ] {
        assert!(all.contains(expected), "{expected}: {all}");
    }
    // What is known is still checked.
    assert!(policy_text(&m, "aws_iam_policy.sizes").contains("iam:*"));
    std::fs::remove_dir_all(root).unwrap();
}
