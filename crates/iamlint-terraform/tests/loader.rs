//! The loader end to end: every policy shape, with exact locations of its elements.

use iamlint_model::policy::PolicyDocument;
use iamlint_model::{Location, Model, PolicyBody, PolicyKind};
use iamlint_terraform::load_sources;

fn load(files: &[(&str, &str)]) -> Model {
    load_sources(
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
    )
}

fn text(model: &Model, loc: Option<Location>) -> String {
    let loc = loc.expect("a location");
    model.sources.get(loc.file).slice(loc).to_string()
}

fn line_col(model: &Model, loc: Option<Location>) -> (u32, u32) {
    let loc = loc.unwrap();
    let lc = model.sources.get(loc.file).line_col(loc.start);
    (lc.line, lc.column)
}

fn doc(model: &Model, i: usize) -> &PolicyDocument {
    model.policies[i]
        .document()
        .unwrap_or_else(|| panic!("not a document: {:?}", model.policies[i].body))
}

fn first_action_loc(d: &PolicyDocument) -> Option<Location> {
    d.statements[0].action.as_ref().unwrap().items[0].loc
}

#[test]
fn indented_heredoc_actions_point_at_their_line_and_column() {
    let src = "resource \"aws_iam_policy\" \"p\" {\n  policy = <<-EOF\n    {\n      \"Statement\": [{\n        \"Effect\": \"Allow\",\n        \"Action\": \"iam:*\",\n        \"Resource\": \"*\"\n      }]\n    }\n  EOF\n}\n";
    let m = load(&[("main.tf", src)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let d = doc(&m, 0);
    assert_eq!(text(&m, first_action_loc(d)), "\"iam:*\"");
    assert_eq!(line_col(&m, first_action_loc(d)), (6, 19));
    assert_eq!(m.policies[0].address, "aws_iam_policy.p");
}

#[test]
fn quoted_json_with_escapes_maps_back() {
    let src = "resource \"aws_iam_policy\" \"p\" {\n  policy = \"{\\\"Statement\\\":{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"s3:*\\\",\\\"Resource\\\":\\\"*\\\"}}\"\n}\n";
    let m = load(&[("main.tf", src)]);
    let d = doc(&m, 0);
    assert_eq!(text(&m, first_action_loc(d)), "\\\"s3:*\\\"");
}

#[test]
fn jsonencode_points_into_the_hcl_object() {
    let src = r#"resource "aws_iam_role_policy" "p" {
  role = aws_iam_role.r.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "kms:*"]
      Resource = "${aws_s3_bucket.b.arn}/*"
    }]
  })
}
"#;
    let m = load(&[("main.tf", src)]);
    let d = doc(&m, 0);
    let action = d.statements[0].action.as_ref().unwrap();
    assert_eq!(text(&m, action.items[1].loc), "\"kms:*\"");
    assert_eq!(line_col(&m, action.items[1].loc), (7, 35));
    let resource = &d.statements[0].resource.as_ref().unwrap().items[0];
    assert_eq!(resource.display(), "${aws_s3_bucket.b.arn}/*");
    assert!(
        m.coverage.is_empty(),
        "a resource ARN is no blind spot: {:?}",
        m.coverage
    );
}

#[test]
fn a_document_used_many_times_is_one_record_per_kind_with_every_use() {
    let src = r#"data "aws_iam_policy_document" "d" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "a" {
  assume_role_policy = data.aws_iam_policy_document.d.json
}

resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.d.json
}

resource "aws_iam_role" "b" {
  assume_role_policy = data.aws_iam_policy_document.d.json
}
"#;
    let m = load(&[("main.tf", src)]);
    let records: Vec<(PolicyKind, Vec<&str>)> = m
        .policies
        .iter()
        .map(|p| {
            assert_eq!(p.address, "data.aws_iam_policy_document.d");
            assert!(p.document().is_some());
            (p.kind, p.uses.iter().map(|u| u.address.as_str()).collect())
        })
        .collect();
    assert_eq!(
        records,
        [
            (PolicyKind::Trust, vec!["aws_iam_role.a", "aws_iam_role.b"]),
            (PolicyKind::Identity, vec!["aws_iam_policy.p"]),
        ]
    );
}

#[test]
fn policy_document_data_source_is_the_holder_and_the_role_a_use() {
    let src = r#"data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
"#;
    let m = load(&[("main.tf", src)]);
    assert_eq!(m.policies.len(), 1);
    let p = &m.policies[0];
    assert_eq!(p.address, "data.aws_iam_policy_document.trust");
    assert_eq!(p.kind, PolicyKind::Trust);
    assert_eq!(p.uses[0].address, "aws_iam_role.r");
    let principal = &p.document().unwrap().statements[0]
        .principal
        .as_ref()
        .unwrap()
        .principals[0];
    assert!(principal.is_wildcard());
    assert_eq!(text(&m, principal.item.loc), "\"*\"");
}

#[test]
fn invalid_json_is_located_inside_the_heredoc() {
    let src = "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}\nEOF\n}\n";
    let m = load(&[("main.tf", src)]);
    let PolicyBody::InvalidJson { loc, .. } = &m.policies[0].body else {
        panic!("{:?}", m.policies[0].body)
    };
    assert_eq!(line_col(&m, *loc).0, 5);
}

#[test]
fn a_broken_file_does_not_hide_the_others() {
    let good = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = []})\n}\n";
    let m = load(&[
        ("bad.tf", "resource \"x\" {\n  a = \n}\n"),
        ("good.tf", good),
    ]);
    assert_eq!(m.errors.len(), 1);
    assert_eq!(m.errors[0].path, "bad.tf");
    assert_eq!(m.policies.len(), 1);
}

#[test]
fn unknown_policies_become_coverage_notes() {
    let src = "variable \"policy\" {}\nresource \"aws_iam_policy\" \"p\" {\n  policy = var.policy\n}\nresource \"aws_iam_policy\" \"q\" {\n  policy = templatefile(\"p.json\", {})\n}\n";
    let m = load(&[("main.tf", src)]);
    assert!(matches!(m.policies[0].body, PolicyBody::Unknown(_)));
    let messages: Vec<_> = m
        .coverage
        .iter()
        .map(|c| format!("{}: {}", c.address, c.message))
        .collect();
    assert_eq!(
        messages,
        [
            "aws_iam_policy.p: identity policy could not be fully evaluated: depends on `var.policy`",
            "aws_iam_policy.q: identity policy could not be fully evaluated: depends on `templatefile(\"p.json\", {})`; `templatefile(\"p.json\", {})` fails to evaluate: \"p.json\" cannot be read: No such file or directory",
        ]
    );
}

#[test]
fn tf_json_files_are_read() {
    let src = r#"{"resource": {"aws_iam_policy": {"p": {"policy": "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"}}}}"#;
    let m = load(&[("main.tf.json", src)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.policies[0].address, "aws_iam_policy.p");
    let action = &doc(&m, 0).statements[0].action.as_ref().unwrap().items[0];
    assert_eq!(action.known(), Some("*"));
    assert_eq!(
        text(&m, action.loc),
        "\\\"*\\\"",
        "the escaped action inside the JSON string"
    );
}

#[test]
fn a_bom_keeps_offsets_exact() {
    let src = "\u{FEFF}resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = \"s3:*\", Resource = \"*\"}]})\n}\n";
    let m = load(&[("main.tf", src)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(text(&m, first_action_loc(doc(&m, 0))), "\"s3:*\"");
}

#[test]
fn heredoc_interpolations_stay_partial_and_unknown_json_is_coverage_not_an_error() {
    let src = r#"resource "aws_iam_policy" "p" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${aws_s3_bucket.b.arn}/*"}]}
EOF
}
resource "aws_iam_policy" "q" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": ${jsonencode(var.actions)}, "Resource": "*"}]}
EOF
}
resource "aws_s3_bucket" "b" {
  count = 2
}
"#;
    let m = load(&[("main.tf", src)]);
    let resource = &doc(&m, 0).statements[0].resource.as_ref().unwrap().items[0];
    assert_eq!(resource.display(), "${aws_s3_bucket.b.arn}/*");
    assert_eq!(text(&m, resource.loc), "\"${aws_s3_bucket.b.arn}/*\"");
    assert!(
        matches!(m.policies[1].body, PolicyBody::Unknown(_)),
        "{:?}",
        m.policies[1].body
    );
    let notes: Vec<_> = m.coverage.iter().map(|c| c.address.as_str()).collect();
    assert_eq!(
        notes,
        ["aws_iam_policy.q"],
        "a counted bucket carries no policy: no note"
    );
}

#[test]
fn no_input_makes_the_loader_panic() {
    // Every prefix of every bundled file: truncated heredocs, strings, blocks and JSON.
    let files = bundled_files();
    assert!(!files.is_empty());
    for (_, text) in files {
        let name = if text.trim_start().starts_with('{') {
            "f.tf.json"
        } else {
            "f.tf"
        };
        for cut in (0..text.len())
            .filter(|&i| text.is_char_boundary(i))
            .step_by(7)
        {
            load(&[(name, &text[..cut])]);
        }
    }
}

#[test]
fn syntax_terraform_accepts_parses_with_exact_positions() {
    // CRLF line endings.
    let crlf = "resource \"aws_iam_policy\" \"p\" {\r\n  policy = jsonencode({\r\n    Statement = [{ Effect = \"Allow\", Action = \"iam:*\", Resource = \"*\" }]\r\n  })\r\n}\r\n";
    let m = load(&[("main.tf", crlf)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(line_col(&m, first_action_loc(doc(&m, 0))), (3, 47));
    // Duplicate keys in an object constructor: the last wins.
    let dup = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Statement = [{ Effect = \"Deny\", Effect = \"Allow\", Action = \"iam:*\", Resource = \"*\" }]\n  })\n}\n";
    let m = load(&[("main.tf", dup)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let effect = doc(&m, 0).statements[0].effect.clone().unwrap();
    assert_eq!(effect.known(), Some("Allow"));
    assert_eq!(text(&m, effect.loc), "\"Allow\"");
    // A newline after `:` inside a `for` expression's value (cloudposse/terraform-null-label).
    let for_nl = "locals {\n  actions = { for k in [\"a\"] : k => true ? \"iam:*\" :\n    \"s3:*\" }\n}\nresource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = local.actions[\"a\"], Resource = \"*\" }] })\n}\n";
    let m = load(&[("main.tf", for_nl)]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(line_col(&m, first_action_loc(doc(&m, 0))), (2, 44));
}

#[test]
fn mutated_inputs_never_panic() {
    // A deterministic mutation run over every bundled file: bytes inserted, deleted or replaced
    // with characters that matter to HCL, JSON and templates.
    const ALPHABET: &[u8] = b"{}[]()\"'$%~:=,.*?!<>-\n\\#/ 0aZ";
    let files = bundled_files();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (name, text) in &files {
        let name = if name.ends_with(".json") || name.ends_with(".tf.json") {
            "f.tf.json"
        } else {
            "f.tf"
        };
        for _ in 0..150 {
            let mut bytes = text.clone().into_bytes();
            for _ in 0..(1 + next() % 3) {
                let at = (next() as usize) % (bytes.len() + 1);
                let c = ALPHABET[(next() as usize) % ALPHABET.len()];
                match next() % 3 {
                    0 => bytes.insert(at, c),
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ if at < bytes.len() => bytes[at] = c,
                    _ => bytes.push(c),
                }
            }
            if let Ok(mutated) = String::from_utf8(bytes) {
                load(&[(name, &mutated)]);
            }
        }
    }
}

/// (file name, text) of every text file under `testdata/`.
fn bundled_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                files.push((
                    path.file_name().unwrap().to_string_lossy().to_string(),
                    text,
                ));
            }
        }
    }
    files.sort();
    files
}
