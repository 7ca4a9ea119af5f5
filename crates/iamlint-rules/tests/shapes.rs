//! Each rule fires through every shape a policy takes in Terraform — a heredoc, `jsonencode`,
//! a `data "aws_iam_policy_document"` — and points at the element it is about.

use iamlint_rules::{Selection, run};
use iamlint_terraform::load_sources;

/// Runs every rule on `src`; returns (rule, flagged text, line) of the findings of `rule`.
fn fired(rule: &str, src: &str) -> Vec<(String, u32)> {
    let model = load_sources(vec![("main.tf".into(), src.to_string())]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let selection = Selection {
        select: vec!["all".into()],
        ..Selection::default()
    };
    run(&model, &selection)
        .into_iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            let loc = f.loc.unwrap();
            let file = model.sources.get(loc.file);
            (file.slice(loc).to_string(), file.line_col(loc.start).line)
        })
        .collect()
}

fn heredoc(resource: &str, attr: &str, json: &str) -> String {
    format!("resource \"{resource}\" \"x\" {{\n  {attr} = <<-EOF\n{json}\n  EOF\n}}\n")
}

/// HCL accepts JSON syntax inside an object constructor, so `jsonencode(<json>)` is Terraform.
fn jsonencode(resource: &str, attr: &str, json: &str) -> String {
    format!("resource \"{resource}\" \"x\" {{\n  {attr} = jsonencode({json})\n}}\n")
}

fn document(resource: &str, attr: &str, statement: &str) -> String {
    format!(
        "data \"aws_iam_policy_document\" \"d\" {{\n  statement {{\n{statement}\n  }}\n}}\n\nresource \"{resource}\" \"x\" {{\n  {attr} = data.aws_iam_policy_document.d.json\n}}\n"
    )
}

fn identity(statement: &str) -> String {
    format!("{{\"Version\": \"2012-10-17\", \"Statement\": [{statement}]}}")
}

/// (rule, identity JSON statement or trust, policy-document statement body, expected flagged text)
struct Case {
    rule: &'static str,
    trust: bool,
    json: &'static str,
    doc: &'static str,
    flagged_json: &'static str,
    flagged_doc: &'static str,
}

const CASES: &[Case] = &[
    Case {
        rule: "full-admin-access",
        trust: false,
        json: r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#,
        doc: "    actions = [\"*\"]\n    resources = [\"*\"]",
        flagged_json: "\"*\"",
        flagged_doc: "\"*\"",
    },
    Case {
        rule: "service-wildcard-action",
        trust: false,
        json: r#"{"Effect": "Allow", "Action": ["s3:GetObject", "iam:*"], "Resource": "*"}"#,
        doc: "    actions = [\"s3:GetObject\", \"iam:*\"]\n    resources = [\"*\"]",
        flagged_json: "\"iam:*\"",
        flagged_doc: "\"iam:*\"",
    },
    Case {
        rule: "allow-not-action",
        trust: false,
        json: r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#,
        doc: "    not_actions = [\"iam:*\"]\n    resources = [\"*\"]",
        flagged_json: "\"NotAction\"",
        flagged_doc: "not_actions",
    },
    Case {
        rule: "allow-not-resource",
        trust: false,
        json: r#"{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::x/*"}"#,
        doc: "    actions = [\"s3:GetObject\"]\n    not_resources = [\"arn:aws:s3:::x/*\"]",
        flagged_json: "\"NotResource\"",
        flagged_doc: "not_resources",
    },
    Case {
        rule: "invalid-policy-element",
        trust: false,
        json: r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [], "Principal": "*"}"#,
        doc: "    actions = [\"s3:GetObject\"]\n    resources = []",
        flagged_json: "[]",
        flagged_doc: "[]",
    },
    Case {
        rule: "unknown-action",
        trust: false,
        json: r#"{"Effect": "Allow", "Action": ["s3:GetObject", "iam:AssumeRole"], "Resource": "*"}"#,
        doc: "    actions = [\"s3:GetObject\", \"iam:AssumeRole\"]\n    resources = [\"*\"]",
        flagged_json: "\"iam:AssumeRole\"",
        flagged_doc: "\"iam:AssumeRole\"",
    },
    Case {
        rule: "write-on-any-resource",
        trust: false,
        json: r#"{"Effect": "Allow", "Action": ["ec2:DescribeInstances", "s3:PutObject"], "Resource": "*"}"#,
        doc: "    actions = [\"ec2:DescribeInstances\", \"s3:PutObject\"]\n    resources = [\"*\"]",
        flagged_json: "\"s3:PutObject\"",
        flagged_doc: "\"s3:PutObject\"",
    },
    Case {
        rule: "action-resource-mismatch",
        trust: false,
        json: r#"{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "arn:aws:s3:::reports"}"#,
        doc: "    actions = [\"s3:ListBucket\", \"s3:GetObject\"]\n    resources = [\"arn:aws:s3:::reports\"]",
        flagged_json: "\"s3:GetObject\"",
        flagged_doc: "\"s3:GetObject\"",
    },
    Case {
        rule: "trust-any-principal",
        trust: true,
        json: r#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}"#,
        doc: "    actions = [\"sts:AssumeRole\"]\n    principals {\n      type = \"AWS\"\n      identifiers = [\"*\"]\n    }",
        flagged_json: "\"*\"",
        flagged_doc: "\"*\"",
    },
];

#[test]
fn rules_fire_through_heredoc_jsonencode_and_policy_documents() {
    for case in CASES {
        let (resource, attr) = if case.trust {
            ("aws_iam_role", "assume_role_policy")
        } else {
            ("aws_iam_policy", "policy")
        };
        let json = identity(case.json);
        for (shape, src, flagged) in [
            ("heredoc", heredoc(resource, attr, &json), case.flagged_json),
            (
                "jsonencode",
                jsonencode(resource, attr, &json),
                case.flagged_json,
            ),
            (
                "policy document",
                document(resource, attr, case.doc),
                case.flagged_doc,
            ),
        ] {
            let got = fired(case.rule, &src);
            assert!(
                got.iter().any(|(text, _)| text == flagged),
                "{} through {shape}: expected a finding on {flagged}, got {got:?}\n{src}",
                case.rule
            );
        }
    }
}

#[test]
fn invalid_policy_json_fires_in_heredocs_and_quoted_strings_at_the_error() {
    let broken = "{\"Statement\": [{\"Effect\": \"Allow\",}]}";
    let got = fired(
        "invalid-policy-json",
        &heredoc("aws_iam_policy", "policy", broken),
    );
    assert_eq!(
        got,
        [(",".to_string(), 3)],
        "at the trailing comma; the heredoc body starts on line 3"
    );
    let quoted =
        "resource \"aws_iam_user_policy\" \"x\" {\n  policy = \"{\\\"Statement\\\": [}\"\n}\n";
    let got = fired("invalid-policy-json", quoted);
    assert_eq!(got, [("}".to_string(), 2)]);
}

#[test]
fn deny_statements_and_unknown_conditions_do_not_fire() {
    let deny = identity(r#"{"Effect": "Deny", "Action": "*", "Resource": "*"}"#);
    assert!(
        fired(
            "full-admin-access",
            &jsonencode("aws_iam_policy", "policy", &deny)
        )
        .is_empty()
    );
    let unknown = "resource \"aws_iam_role\" \"x\" {\n  assume_role_policy = jsonencode({Statement = [{Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = {AWS = \"*\"}, Condition = var.condition}]})\n}\n";
    assert!(
        fired("trust-any-principal", unknown).is_empty(),
        "an unknown condition may restrict: coverage, not a finding"
    );
}

#[test]
fn an_unknown_resource_item_keeps_action_resource_mismatch_silent() {
    let policy = |resources: &str| {
        format!(
            "variable \"extra\" {{}}\nresource \"aws_iam_policy\" \"x\" {{\n  policy = jsonencode({{Statement = [{{Effect = \"Allow\", Action = \"s3:GetObject\", Resource = [{resources}]}}]}})\n}}\n"
        )
    };
    let known = policy("\"arn:aws:s3:::reports\"");
    assert_eq!(
        fired("action-resource-mismatch", &known),
        [("\"s3:GetObject\"".to_string(), 3)]
    );
    let with_unknown = policy("\"arn:aws:s3:::reports\", var.extra");
    assert!(
        fired("action-resource-mismatch", &with_unknown).is_empty(),
        "`var.extra` could be an object ARN: coverage, not a finding"
    );
}

#[test]
fn irrelevant_or_weak_conditions_do_not_restrict_a_wildcard_principal() {
    for condition in [
        r#"{"StringEquals": {"sts:ExternalId": "abc"}}"#,
        r#"{"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}"#,
        r#"{"StringLike": {"aws:PrincipalArn": "*"}}"#,
        r#"{"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}"#,
    ] {
        let st = format!(
            r#"{{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": "*", "Condition": {condition}}}"#
        );
        let src = jsonencode("aws_iam_role", "assume_role_policy", &identity(&st));
        assert_eq!(fired("trust-any-principal", &src).len(), 1, "{condition}");
    }
    let st = r#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}"#;
    assert!(
        fired(
            "trust-any-principal",
            &jsonencode("aws_iam_role", "assume_role_policy", &identity(st))
        )
        .is_empty()
    );
}

#[test]
fn service_wildcard_severity_depends_on_the_service() {
    let model = load_sources(vec![(
        "main.tf".into(),
        jsonencode(
            "aws_iam_policy",
            "policy",
            &identity(
                r#"{"Effect": "Allow", "Action": ["s3:*", "KMS:*", "*:Get*"], "Resource": "arn:aws:s3:::b"}"#,
            ),
        ),
    )]);
    let findings = run(&model, &Selection::default());
    let sev: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "service-wildcard-action")
        .map(|f| f.severity.as_str())
        .collect();
    assert_eq!(sev, ["medium", "high", "high"]);
}

/// A policy whose `Resource` lists `n` bucket ARNs, as a jsonencode argument.
fn buckets(n: usize) -> String {
    format!(
        r#"{{Version = "2012-10-17", Statement = [{{Effect = "Allow", Action = "s3:GetObject", Resource = [for i in range({n}) : "arn:aws:s3:::bucket-${{i}}/*"]}}]}}"#
    )
}

#[test]
fn policy_size_counts_like_aws_through_every_shape() {
    let rule = "policy-size-exceeded";
    // `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[`
    // is 87 characters, `]}]}` 4; each ARN `"arn:aws:s3:::bucket-N/*"` 24 + digits, then a comma.
    let size = |n: usize| 87 + 4 + (0..n).map(|i| 24 + i.to_string().len() + 1).sum::<usize>() - 1;
    let managed = (1..400).find(|&n| size(n) > 6_144).unwrap();
    let policy = |n| {
        format!(
            "resource \"aws_iam_policy\" \"x\" {{\n  policy = jsonencode({})\n}}\n",
            buckets(n)
        )
    };
    assert_eq!(
        fired(rule, &policy(managed)).len(),
        1,
        "{} characters",
        size(managed)
    );
    assert!(
        fired(rule, &policy(managed - 1)).is_empty(),
        "{} characters",
        size(managed - 1)
    );

    // A heredoc counts without its whitespace.
    let principals: Vec<String> = (0..70)
        .map(|i| format!("\"arn:aws:iam::111122223333:role/r{i}\""))
        .collect();
    let trust = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {{"AWS": [{}]}}}}]}}"#,
        principals.join(",\n      ")
    );
    let got = fired(rule, &heredoc("aws_iam_role", "assume_role_policy", &trust));
    assert_eq!(got.len(), 1, "{got:?}");

    // A policy document counts its most compact rendering, and the finding is at the data
    // source, with where it is used.
    let doc = "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions   = [\"s3:GetObject\"]\n    resources = [for i in range(300) : \"arn:aws:s3:::bucket-${i}/*\"]\n  }\n}\n\nresource \"aws_iam_policy\" \"x\" {\n  policy = data.aws_iam_policy_document.d.json\n}\n";
    assert_eq!(
        fired(rule, doc),
        [(doc.lines().take(6).collect::<Vec<_>>().join("\n"), 1)]
    );
}

/// A resource policy letting `n` accounts in, one ARN each: compact and with its keys sorted,
/// `{"Statement":[{"Action":"ACTION","Effect":"Allow","Principal":{"AWS":[` ... `]}}],
/// "Version":"2012-10-17"}` is 92 characters and the action, each ARN
/// `"arn:aws:iam::1000000NNNNN:root"` 32 and a comma between two.
fn accounts(n: usize, action: &str) -> String {
    format!(
        r#"{{Version = "2012-10-17", Statement = [{{Effect = "Allow", Principal = {{ AWS = [for i in range({n}) : format("arn:aws:iam::1000000%05d:root", i)] }}, Action = "{action}"}}]}}"#
    )
}

#[test]
fn resource_policies_are_judged_against_their_own_services_quotas() {
    let rule = "policy-size-exceeded";
    let size = |n: usize, action: &str| 92 + action.len() + n * 33 - 1;
    let over = |quota: usize, action: &str| (1..2_000).find(|&n| size(n, action) > quota).unwrap();
    let topic = |n: usize| {
        format!(
            "resource \"aws_sns_topic_policy\" \"t\" {{\n  arn    = \"arn:aws:sns:eu-west-1:111122223333:t\"\n  policy = jsonencode({})\n}}\n",
            accounts(n, "sns:Publish")
        )
    };
    let sns = over(30_720, "sns:Publish");
    assert!(
        fired(rule, &topic(sns - 1)).is_empty(),
        "within SNS's 30 KB"
    );
    let got = fired(rule, &topic(sns));
    assert_eq!(got.len(), 1, "{got:?}");
    // Over S3's 20 KB, under SNS's 30 KB: a topic's own quota is the one that counts.
    assert!(fired(rule, &topic(over(20_480, "sns:Publish"))).is_empty());
    // A topic with its policy inline, through `for_each`: one finding per instance.
    let inline = format!(
        "resource \"aws_sns_topic\" \"t\" {{\n  for_each = toset([\"a\", \"b\"])\n  name     = each.key\n  policy   = jsonencode({})\n}}\n",
        accounts(sns, "sns:Publish")
    );
    assert_eq!(fired(rule, &inline).len(), 2);
    // An ECR repository's 10,240 characters, through a policy document data source.
    let repository = |n: usize| {
        format!(
            "data \"aws_iam_policy_document\" \"pull\" {{\n  statement {{\n    actions = [\"ecr:BatchGetImage\"]\n    principals {{\n      type        = \"AWS\"\n      identifiers = [for i in range({n}) : format(\"arn:aws:iam::1000000%05d:root\", i)]\n    }}\n  }}\n}}\n\nresource \"aws_ecr_repository_policy\" \"r\" {{\n  repository = \"app\"\n  policy     = data.aws_iam_policy_document.pull.json\n}}\n"
        )
    };
    // 10,240 characters hold some 310 account ARNs.
    assert!(fired(rule, &repository(300)).is_empty());
    assert_eq!(fired(rule, &repository(312)).len(), 1);
    // An EventBridge bus's 10,240 characters is a default an account may raise: not judged.
    let bus = format!(
        "resource \"aws_cloudwatch_event_bus_policy\" \"b\" {{\n  event_bus_name = \"default\"\n  policy         = jsonencode({})\n}}\n",
        accounts(over(10_240, "events:PutEvents") * 2, "events:PutEvents")
    );
    assert!(fired(rule, &bus).is_empty());
}

#[test]
fn inline_policies_add_up_per_principal_across_resources_and_blocks() {
    let rule = "policy-size-exceeded";
    // Two inline policies of ~5,500 characters each: each fits, together they exceed a role's
    // 10,240.
    let role = |second: bool| {
        let extra = if second {
            format!(
                "resource \"aws_iam_role_policy\" \"b\" {{\n  role   = aws_iam_role.app.name\n  policy = jsonencode({})\n}}\n",
                buckets(200)
            )
        } else {
            String::new()
        };
        format!(
            "resource \"aws_iam_role\" \"app\" {{\n  name               = \"app\"\n  assume_role_policy = jsonencode({{Version = \"2012-10-17\", Statement = []}})\n  inline_policy {{\n    name   = \"a\"\n    policy = jsonencode({})\n  }}\n}}\n{extra}",
            buckets(200)
        )
    };
    assert!(fired(rule, &role(false)).is_empty());
    let got = fired(rule, &role(true));
    assert_eq!(got.len(), 1, "{got:?}");
    // A user's 2,048, per instance of `for_each`.
    let users = format!(
        "resource \"aws_iam_user\" \"u\" {{\n  for_each = toset([\"a\", \"b\"])\n  name     = \"u-${{each.key}}\"\n}}\nresource \"aws_iam_user_policy\" \"p\" {{\n  for_each = aws_iam_user.u\n  user     = each.value.name\n  policy   = jsonencode({})\n}}\n",
        buckets(80)
    );
    let model = iamlint_terraform::load_sources(vec![("main.tf".into(), users)]);
    let mut flagged: Vec<String> = run(&model, &Selection::default())
        .into_iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.address)
        .collect();
    flagged.sort();
    assert_eq!(flagged, ["aws_iam_user.u[\"a\"]", "aws_iam_user.u[\"b\"]"]);
}

#[test]
fn full_admin_access_fires_at_every_way_of_attaching_administrator_access() {
    let src = r#"data "aws_partition" "current" {}

resource "aws_iam_role" "a" {
  name                = "a"
  assume_role_policy  = jsonencode({ Version = "2012-10-17", Statement = [] })
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"]
}

resource "aws_iam_role_policy_attachments_exclusive" "a" {
  role_name   = aws_iam_role.a.name
  policy_arns = ["arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"]
}

resource "aws_iam_policy_attachment" "ops" {
  count      = 2
  name       = "ops-${count.index}"
  users      = ["ops-${count.index}"]
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_group_policy_attachment" "readers" {
  group      = "readers"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
"#;
    let got = fired("full-admin-access", src);
    let lines: Vec<u32> = got.iter().map(|(_, line)| *line).collect();
    assert_eq!(lines, [6, 11, 18, 18], "{got:?}");
    assert_eq!(got[0].0, "\"arn:aws:iam::aws:policy/AdministratorAccess\"");
}

#[test]
fn write_on_any_resource_judges_conditions_that_do_not_scope_resources() {
    let with = |condition: &str| {
        let st = format!(
            r#"{{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*", "Condition": {condition}}}"#
        );
        fired(
            "write-on-any-resource",
            &jsonencode("aws_iam_policy", "policy", &identity(&st)),
        )
        .len()
    };
    for irrelevant in [
        r#"{"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}"#,
        r#"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#,
    ] {
        assert_eq!(with(irrelevant), 1, "{irrelevant}");
    }
    // Tags are AWS's recommended scoping (ABAC): on the resource, and on what is created.
    for scoping in [
        r#"{"StringEquals": {"aws:ResourceTag/team": "data"}}"#,
        r#"{"StringEquals": {"aws:RequestTag/team": "data"}}"#,
        r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}"#,
        r#"{"StringEquals": {"s3:prefix": "home/"}}"#,
    ] {
        assert_eq!(with(scoping), 0, "{scoping}");
    }
}

#[test]
fn pass_role_and_assume_role_on_everything_through_every_way_of_granting_them() {
    let with = |rule: &str, statement: &str| {
        fired(
            rule,
            &jsonencode("aws_iam_policy", "policy", &identity(statement)),
        )
    };
    let pass = "pass-role-unrestricted";
    for (statement, flagged) in [
        (
            r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}"#,
            "\"iam:PassRole\"",
        ),
        (
            r#"{"Effect": "Allow", "Action": ["s3:GetObject", "iam:Pass*"], "Resource": "*"}"#,
            "\"iam:Pass*\"",
        ),
        (
            r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}"#,
            "\"iam:PassRole\"",
        ),
    ] {
        let got = with(pass, statement);
        assert_eq!(got.len(), 1, "{statement}: {got:?}");
        assert_eq!(got[0].0, flagged, "{statement}");
    }
    // Through NotAction: allow-not-action owns the statement, and pass-role-unrestricted
    // speaks only when that rule is off.
    let not_action = jsonencode(
        "aws_iam_policy",
        "policy",
        &identity(r#"{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}"#),
    );
    assert!(fired(pass, &not_action).is_empty());
    let model = load_sources(vec![("main.tf".into(), not_action)]);
    let without_owner = Selection {
        select: vec!["all".into()],
        ignore: vec!["allow-not-action".into()],
        ..Selection::default()
    };
    let through: Vec<String> = run(&model, &without_owner)
        .into_iter()
        .filter(|f| f.rule == pass)
        .map(|f| f.message)
        .collect();
    assert_eq!(through.len(), 1, "{through:?}");
    assert!(through[0].contains("(through NotAction)"), "{through:?}");
    for silent in [
        r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}"#,
        r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::1:role/app"}"#,
        r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#,
        r#"{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}"#,
    ] {
        assert!(with(pass, silent).is_empty(), "{silent}");
    }
    let assume = "assume-role-unrestricted";
    assert_eq!(
        with(
            assume,
            r#"{"Effect": "Allow", "Action": "sts:Assume*", "Resource": "*"}"#
        )
        .len(),
        1
    );
    assert!(with(assume, r#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::1:role/deploy"}"#).is_empty());
    // Through a policy document, at the action.
    let doc = document(
        "aws_iam_role_policy",
        "policy",
        "    actions   = [\"sts:AssumeRole\"]\n    resources = [\"*\"]",
    );
    assert_eq!(fired(assume, &doc), [("\"sts:AssumeRole\"".to_string(), 3)]);
}

#[test]
fn oidc_trust_needs_a_subject_that_names_owners() {
    let rule = "trust-oidc-unrestricted-subject";
    let trust = |host: &str, condition: &str| {
        let st = format!(
            r#"{{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {{"Federated": "arn:aws:iam::${{data.aws_caller_identity.me.account_id}}:oidc-provider/{host}"}}, "Condition": {condition}}}"#
        );
        fired(
            rule,
            &heredoc("aws_iam_role", "assume_role_policy", &identity(&st)),
        )
    };
    let gh = "token.actions.githubusercontent.com";
    for open in [
        r#"{"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}"#,
        r#"{"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}"#,
        r#"{"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/a:*", "*"]}}"#,
        r#"{"StringNotLike": {"token.actions.githubusercontent.com:sub": "repo:evil/*"}}"#,
        r#"{"StringLikeIfExists": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}"#,
    ] {
        let got = trust(gh, open);
        assert_eq!(got.len(), 1, "{open}: {got:?}");
        assert!(
            got[0].0.contains("oidc-provider/token.actions"),
            "{open}: at the principal"
        );
    }
    for scoped in [
        r#"{"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}"#,
        r#"{"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main"}}"#,
        r#"{"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}, "StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/infra:environment:prod"}}"#,
        r#"{"StringLike": {"token.actions.githubusercontent.com:sub": "${var.subject}"}}"#,
    ] {
        assert!(trust(gh, scoped).is_empty(), "{scoped}");
    }
    assert_eq!(
        trust(
            "gitlab.com",
            r#"{"StringLike": {"gitlab.com:sub": "project_path:*"}}"#
        )
        .len(),
        1
    );
    assert!(
        trust(
            "app.terraform.io",
            r#"{"StringLike": {"app.terraform.io:sub": "organization:acme:*"}}"#
        )
        .is_empty()
    );
}

/// A data source argument set to `null` (terraform-aws-eks's karpenter sets `region =
/// var.region`, null by default) is computed by the provider: an unknown region in a
/// condition, not a null that `invalid-policy-element` would call malformed.
#[test]
fn a_null_data_source_argument_is_computed_not_null() {
    let src = r#"variable "region" {
  type    = string
  default = null
}
data "aws_region" "current" {
  region = var.region
}
data "aws_caller_identity" "current" {}
data "aws_iam_policy_document" "controller" {
  statement {
    actions   = ["ec2:RunInstances"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [data.aws_region.current.region]
    }
  }
}
resource "aws_iam_policy" "controller" {
  name   = "controller"
  policy = data.aws_iam_policy_document.controller.json
}
"#;
    assert_eq!(
        fired("invalid-policy-element", src),
        Vec::<(String, u32)>::new()
    );
    // The policy is still read: its other findings stand.
    assert_eq!(fired("write-on-any-resource", src).len(), 1);
}

/// One element, one concern: a wildcard over a prefix no service has grants nothing, so only
/// `unknown-action` reports it.
#[test]
fn a_wildcard_over_a_missing_prefix_is_unknown_action_alone() {
    let src = r#"
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["cognitoidp:*", "s3:*"], Resource = "arn:aws:s3:::b" }] })
}
"#;
    assert_eq!(
        fired("service-wildcard-action", src),
        [("\"s3:*\"".to_string(), 4)]
    );
    assert_eq!(
        fired("unknown-action", src),
        [("\"cognitoidp:*\"".to_string(), 4)]
    );
}

/// Severity that matches harm: a wildcard of a real service that matches nothing grants nothing
/// (low); a literal action that does not exist is a typo that breaks a real need (high).
#[test]
fn a_pattern_that_matches_nothing_is_low_a_missing_action_high() {
    let src = r#"
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["sts:List*", "s3:GetObjects"], Resource = "*" }] })
}
"#;
    let model = load_sources(vec![("main.tf".into(), src.to_string())]);
    let found = run(&model, &Selection::default());
    let severity = |text: &str| {
        found
            .iter()
            .find(|f| f.rule == "unknown-action" && f.message.contains(text))
            .map(|f| f.severity.as_str())
    };
    assert_eq!(severity("`sts:List*`"), Some("low"));
    assert_eq!(severity("`s3:GetObjects`"), Some("high"));
}

/// One element, one concern: `iam:PassRole` and `sts:AssumeRole` on `*` belong to their own
/// rules, and an Allow with `NotAction` to `allow-not-action`; `write-on-any-resource` and the
/// others stay silent there (and speak when the owner is turned off).
#[test]
fn each_element_gets_one_finding_from_the_rule_that_owns_it() {
    let src = r#"resource "aws_iam_policy" "pass" {
  name   = "pass"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })
}
resource "aws_iam_policy" "assume" {
  name   = "assume"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" }] })
}
resource "aws_iam_policy" "notaction" {
  name   = "notaction"
  policy = jsonencode({ Statement = [{ Effect = "Allow", NotAction = "iam:*", Resource = "*" }] })
}
"#;
    let model = load_sources(vec![("main.tf".into(), src.to_string())]);
    let every_rule = |ignore: &[&str]| {
        let selection = Selection {
            select: vec!["all".into()],
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
            ..Selection::default()
        };
        let mut found: Vec<(String, &str)> = run(&model, &selection)
            .into_iter()
            .map(|f| (f.address, f.rule))
            .collect();
        found.sort();
        found
    };
    let p = |a: &str, r: &'static str| (format!("aws_iam_policy.{a}"), r);
    assert_eq!(
        every_rule(&[]),
        [
            p("assume", "assume-role-unrestricted"),
            p("notaction", "allow-not-action"),
            p("pass", "pass-role-unrestricted"),
        ]
    );
    assert_eq!(
        every_rule(&["pass-role-unrestricted", "allow-not-action"]),
        [
            p("assume", "assume-role-unrestricted"),
            p("notaction", "assume-role-unrestricted"),
            p("pass", "write-on-any-resource"),
        ]
    );
}

/// The telemetry every workload writes (logs, metrics, traces) on `*` is no finding: the risk
/// tier of those actions is data (`data/low-risk-writes.tsv`); other writes still are.
#[test]
fn telemetry_writes_on_every_resource_are_not_reported() {
    let st = r#"{"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "cloudwatch:PutMetricData", "s3:PutObject"], "Resource": "*"}"#;
    let got = fired(
        "write-on-any-resource",
        &jsonencode("aws_iam_policy", "policy", &identity(st)),
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "\"s3:PutObject\"");
}

/// A Deny in the same policy that covers the Allow everywhere silences the statement rules; a
/// Deny on some resources, or one that a condition may lift, does not.
#[test]
fn a_deny_in_the_same_policy_counts_only_when_it_covers_the_grant() {
    let with = |deny: &str| {
        identity(&format!(
            r#"{{"Effect": "Allow", "Action": ["iam:PassRole", "s3:PutObject", "ecr:*"], "Resource": "*"}}, {deny}"#
        ))
    };
    let rules = [
        "pass-role-unrestricted",
        "write-on-any-resource",
        "service-wildcard-action",
    ];
    let everywhere = with(
        r#"{"Effect": "Deny", "Action": ["iam:PassRole", "s3:PutObject", "ecr:*"], "Resource": "*"}"#,
    );
    for shape in [
        heredoc("aws_iam_policy", "policy", &everywhere),
        jsonencode("aws_iam_policy", "policy", &everywhere),
    ] {
        for rule in rules {
            assert!(fired(rule, &shape).is_empty(), "{rule}: {shape}");
        }
    }
    let some = with(
        r#"{"Effect": "Deny", "Action": ["iam:PassRole", "s3:PutObject", "ecr:*"], "Resource": "arn:aws:s3:::audit/*"}"#,
    );
    let conditional = with(
        r#"{"Effect": "Deny", "Action": ["iam:PassRole", "s3:PutObject", "ecr:*"], "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}"#,
    );
    for json in [some, conditional] {
        let shape = jsonencode("aws_iam_policy", "policy", &json);
        for rule in rules {
            assert_eq!(fired(rule, &shape).len(), 1, "{rule}: {shape}");
        }
    }
}

/// The most common real GitHub trust names the provider by reference: its ARN is computed from
/// its `url` when the provider is in the configuration, and otherwise (a variable, a module
/// output) the conditions' claim keys say whose tokens the trust accepts (#13.12).
#[test]
fn oidc_trust_through_a_provider_reference() {
    let rule = "trust-oidc-unrestricted-subject";
    let trust = |principal: &str, condition: &str| {
        let src = format!(
            r#"variable "provider_arn" {{
  type = string
}}
resource "aws_iam_openid_connect_provider" "github" {{
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}}
data "aws_iam_policy_document" "trust" {{
  statement {{
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {{
      type        = "Federated"
      identifiers = [{principal}]
    }}
{condition}
  }}
}}
resource "aws_iam_role" "deploy" {{
  name               = "deploy"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}
"#
        );
        fired(rule, &src)
    };
    let condition = |key: &str, test: &str, value: &str| {
        format!(
            "    condition {{\n      test     = \"{test}\"\n      variable = \"{key}\"\n      values   = [\"{value}\"]\n    }}"
        )
    };
    let aud_only = condition(
        "token.actions.githubusercontent.com:aud",
        "StringEquals",
        "sts.amazonaws.com",
    );
    let any_repo = condition(
        "token.actions.githubusercontent.com:sub",
        "StringLike",
        "repo:*",
    );
    let one_repo = condition(
        "token.actions.githubusercontent.com:sub",
        "StringLike",
        "repo:acme/infra:*",
    );
    let provider = "aws_iam_openid_connect_provider.github.arn";
    // At the reference in the trust policy, not at the provider's block.
    assert_eq!(
        trust(provider, &aud_only),
        [(provider.to_string(), 13)],
        "provider in the configuration"
    );
    assert_eq!(trust("var.provider_arn", &any_repo).len(), 1, "ARN unknown");
    assert_eq!(trust("var.provider_arn", &aud_only).len(), 1, "ARN unknown");
    assert!(trust(provider, &one_repo).is_empty());
    assert!(trust("var.provider_arn", &one_repo).is_empty());
    // Nothing says whose tokens: no guess.
    assert!(trust("var.provider_arn", "").is_empty());
    // IRSA (terraform-aws-iam's iam-role-for-service-accounts-eks): the claim keys are built
    // from the provider ARN, known only after apply; their claim and values still tell.
    let irsa =
        |claim: &str| format!("${{replace(var.provider_arn, \"/^(.*provider/)/\", \"\")}}:{claim}");
    let irsa_aud = condition(&irsa("aud"), "StringEquals", "sts.amazonaws.com");
    assert_eq!(
        trust("var.provider_arn", &irsa_aud).len(),
        1,
        "IRSA, aud only"
    );
    let any_account = condition(&irsa("sub"), "StringLike", "system:serviceaccount:*");
    assert_eq!(
        trust("var.provider_arn", &any_account).len(),
        1,
        "any service account"
    );
    let one_account = condition(
        &irsa("sub"),
        "StringEquals",
        "system:serviceaccount:kube-system:ebs-csi-controller-sa",
    );
    assert!(trust("var.provider_arn", &one_account).is_empty());
}

/// An attached AWS-managed policy is judged like the same document written out by hand, at
/// the ARN that attaches it, through every way of attaching it; AWS's narrow service policies
/// (and its documents' writing) stay silent (#13.14).
#[test]
fn attached_aws_managed_policies_are_judged_like_their_documents() {
    let src = r#"data "aws_partition" "current" {}
resource "aws_iam_role" "fn" {
  name                = "fn"
  assume_role_policy  = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
  managed_policy_arns = ["arn:aws:iam::aws:policy/IAMFullAccess"]
}
resource "aws_iam_role_policy_attachment" "s3" {
  role       = aws_iam_role.fn.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonS3FullAccess"
}
resource "aws_iam_role_policy_attachment" "each" {
  for_each   = toset(["PowerUserAccess", "service-role/AWSLambdaBasicExecutionRole", "AmazonSSMManagedInstanceCore", "AmazonEKSClusterPolicy", "ReadOnlyAccess", "AmazonEC2FullAccess"])
  role       = aws_iam_role.fn.name
  policy_arn = "arn:aws:iam::aws:policy/${each.value}"
}
"#;
    let wildcard = fired("service-wildcard-action", src);
    assert_eq!(
        wildcard,
        [
            ("\"arn:aws:iam::aws:policy/IAMFullAccess\"".to_string(), 5),
            (
                "\"arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonS3FullAccess\""
                    .to_string(),
                9
            ),
            // AmazonEC2FullAccess: its four service wildcards, one finding.
            ("\"arn:aws:iam::aws:policy/${each.value}\"".to_string(), 14),
        ]
    );
    assert_eq!(
        fired("allow-not-action", src),
        [("\"arn:aws:iam::aws:policy/${each.value}\"".to_string(), 14)],
        "PowerUserAccess"
    );
    assert_eq!(
        fired("pass-role-unrestricted", src).len(),
        1,
        "IAMFullAccess"
    );
    // AWS's documents are not the user's to correct, and narrow service policies write on `*`
    // by design.
    for silent in [
        "write-on-any-resource",
        "unknown-action",
        "action-resource-mismatch",
        "policy-size-exceeded",
        "invalid-policy-element",
    ] {
        assert_eq!(fired(silent, src), Vec::<(String, u32)>::new(), "{silent}");
    }
}

/// A policy document no resource uses — handed to a module call that is not installed, to an
/// output, or to nothing — is still linted, as an identity policy of unknown holder, and said
/// so; one with principals (a resource policy) or one a resource takes (an SCP) is not (#13.13).
#[test]
fn policy_documents_no_resource_uses_are_linted_as_identity_policies() {
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/eval/unused-documents/main.tf"),
    )
    .unwrap();
    let model = load_sources(vec![("main.tf".into(), src.clone())]);
    let noted: Vec<&str> = model
        .coverage
        .iter()
        .filter(|c| c.message.starts_with("no resource in the tree uses"))
        .map(|c| c.address.as_str())
        .collect();
    assert_eq!(
        noted,
        [
            "data.aws_iam_policy_document.lattice",
            "data.aws_iam_policy_document.out"
        ]
    );
    assert_eq!(
        fired("service-wildcard-action", &src),
        [
            ("\"vpc-lattice:*\"".to_string(), 7),
            ("\"s3:*\"".to_string(), 19),
            // Used by a policy: judged once, as before.
            ("\"ec2:*\"".to_string(), 29),
        ]
    );
    // The SCP's `*` on `*` is no grant to a principal.
    assert_eq!(
        fired("full-admin-access", &src),
        Vec::<(String, u32)>::new()
    );
    let selection = Selection {
        select: vec!["all".into()],
        ..Selection::default()
    };
    let message = run(&model, &selection)
        .into_iter()
        .find(|f| f.address == "data.aws_iam_policy_document.lattice")
        .unwrap()
        .message;
    assert!(
        message
            .contains("`data.aws_iam_policy_document.lattice` (used by no resource in the tree)"),
        "{message}"
    );
}

/// Resource policies are read as policies in every shape; `resource-policy-public` fires on
/// those anyone may use, at the principal, lowered behind a public access block, silent where
/// a condition or a Deny restricts who (#16).
#[test]
fn resource_policies_open_to_anyone() {
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/eval/resource-policies/main.tf"),
    )
    .unwrap();
    assert_eq!(
        fired("resource-policy-public", &src),
        [
            ("\"*\"".to_string(), 19),
            ("\"*\"".to_string(), 31),
            ("\"*\"".to_string(), 46),
        ]
    );
    // A Lambda permission for anyone, with no source or organization: the function's own rule.
    assert_eq!(
        fired("lambda-function-public", &src),
        [("principal".to_string(), 62)]
    );
    let model = load_sources(vec![("main.tf".into(), src)]);
    let selection = Selection {
        select: vec!["resource-policy-public".into()],
        ..Selection::default()
    };
    let severities: Vec<(String, &str)> = run(&model, &selection)
        .into_iter()
        .map(|f| (f.address, f.severity.as_str()))
        .collect();
    assert_eq!(
        severities,
        [
            ("data.aws_iam_policy_document.site".to_string(), "low"),
            ("aws_sqs_queue.jobs".to_string(), "critical"),
            ("aws_kms_key.k".to_string(), "critical"),
        ]
    );
}

/// `lambda-function-public` on function URLs and permissions through modules, `count` and
/// variables: a module's default `NONE` fires in the module, a caller's `AWS_IAM` does not,
/// an unknown type is a coverage note, a permission bounded by account is silent (#16).
#[test]
fn lambda_functions_anyone_may_invoke() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/eval/public-lambda");
    let model = iamlint_terraform::load_paths(&[dir], &iamlint_terraform::LoadOptions::default());
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let selection = Selection {
        select: vec!["lambda-function-public".into()],
        ..Selection::default()
    };
    let checked = iamlint_rules::check_part(&model, &selection);
    let mut found: Vec<(String, u32)> = checked
        .findings
        .iter()
        .map(|f| {
            let loc = f.loc.unwrap();
            let line = model.sources.get(loc.file).line_col(loc.start).line;
            (f.address.clone(), line)
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("aws_lambda_function_url.counted[0]".to_string(), 22),
            (
                "module.webhook.aws_lambda_function_url.this".to_string(),
                12
            ),
        ]
    );
    let notes: Vec<&str> = checked
        .coverage
        .iter()
        .map(|c| c.address.as_str())
        .collect();
    assert_eq!(notes, ["aws_lambda_function_url.chosen"]);
}

/// `resource-policy-cross-account` in every shape, at the account: high when the statement may
/// write, silent for the resource's owner (its ARN, a key's `kms:*` root), the caller identity,
/// an organization condition and the accounts `.iamlint.toml` trusts (#16).
#[test]
fn resource_policies_open_to_other_accounts() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/eval/cross-account");
    let model = iamlint_terraform::load_paths(&[dir], &iamlint_terraform::LoadOptions::default());
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let found = |trusted: &[&str]| -> Vec<(String, u32, &'static str)> {
        let selection = Selection {
            select: vec!["resource-policy-cross-account".into()],
            accounts: iamlint_rules::Accounts {
                own: None,
                trusted: trusted.iter().map(|t| t.to_string()).collect(),
            },
            ..Selection::default()
        };
        run(&model, &selection)
            .into_iter()
            .map(|f| {
                let loc = f.loc.unwrap();
                let line = model.sources.get(loc.file).line_col(loc.start).line;
                (f.address, line, f.severity.as_str())
            })
            .collect()
    };
    assert_eq!(
        found(&[]),
        [
            (
                "data.aws_iam_policy_document.reports".to_string(),
                13,
                "medium"
            ),
            ("aws_sqs_queue.jobs".to_string(), 40, "high"),
            ("aws_kms_key.shared".to_string(), 61, "high"),
            (
                "aws_sns_topic_policy.alerts[\"audit\"]".to_string(),
                73,
                "high"
            ),
            (
                "aws_sns_topic_policy.alerts[\"partner\"]".to_string(),
                73,
                "high"
            ),
        ]
    );
    let trusted = found(&["121212121212", "999988887777"]);
    assert_eq!(trusted.len(), 3, "{trusted:?}");
    assert!(
        trusted
            .iter()
            .all(|(a, _, _)| !a.contains("partner") && !a.contains("reports"))
    );
}

/// `resource-policy-service-without-source` at the service, in every shape: silent where a
/// condition names the source, or a key policy's encryption context ties the use (#16).
#[test]
fn resource_policies_open_to_services_for_any_source() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/eval/service-principals");
    let model = iamlint_terraform::load_paths(&[dir], &iamlint_terraform::LoadOptions::default());
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let selection = Selection {
        select: vec!["resource-policy-service-without-source".into()],
        ..Selection::default()
    };
    let found: Vec<(String, u32)> = run(&model, &selection)
        .into_iter()
        .map(|f| {
            let loc = f.loc.unwrap();
            (
                f.address,
                model.sources.get(loc.file).line_col(loc.start).line,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("data.aws_iam_policy_document.logs".to_string(), 12),
            ("aws_sqs_queue_policy.fanout[\"orders\"]".to_string(), 44),
            ("aws_sqs_queue_policy.fanout[\"refunds\"]".to_string(), 44),
        ]
    );
}
