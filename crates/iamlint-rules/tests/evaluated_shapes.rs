//! The rules see through Terraform's evaluation: `for_each` and `count` instances, module
//! calls, tfvars, `dynamic` blocks, merged documents, `file()` and `templatefile()` — and report
//! each finding at the instance address and the place the element was written.

use std::path::Path;

use iamlint_rules::{Selection, run};
use iamlint_terraform::{LoadOptions, load_paths};

fn findings(dir: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/eval")
        .join(dir);
    let model = load_paths(
        &[path],
        &LoadOptions {
            recurse: true,
            ..LoadOptions::default()
        },
    );
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    run(&model, &Selection::default())
        .into_iter()
        .map(|f| {
            let loc = f.loc.unwrap();
            let file = model.sources.get(loc.file);
            let name = file
                .path
                .rsplit("testdata/eval/")
                .next()
                .unwrap_or(&file.path)
                .to_string();
            format!(
                "{} {} {}:{}",
                f.rule,
                f.address,
                name,
                file.line_col(loc.start).line
            )
        })
        .collect()
}

#[test]
fn findings_carry_instance_addresses_through_every_shape() {
    assert_eq!(
        findings("features"),
        [
            // Inline policies of users (`count = 2`), at their `user` argument.
            "user-attached-policy aws_iam_user_policy.ops[0] features/main.tf:45",
            "user-attached-policy aws_iam_user_policy.ops[1] features/main.tf:45",
            "service-wildcard-action aws_iam_user_policy.ops[1] features/main.tf:50",
            "trust-any-principal data.aws_iam_policy_document.trust features/main.tf:78",
            "service-wildcard-action aws_iam_policy.from_template features/policies/bucket.json.tftpl:7",
            "service-wildcard-action aws_iam_policy.from_template features/policies/bucket.json.tftpl:7",
            // NotAction leaves `sts:AssumeRole` in, on every resource: allow-not-action owns
            // that statement, so assume-role-unrestricted stays silent there.
            "allow-not-action aws_iam_policy.from_file features/policies/deploy.json:6",
            // `ec2:*` on S3 ARNs: no EC2 action applies to them.
            "action-resource-mismatch aws_iam_policy.team[\"platform\"] features/terraform.tfvars:6",
            "service-wildcard-action aws_iam_policy.team[\"platform\"] features/terraform.tfvars:6",
        ]
    );
}

#[test]
fn findings_inside_modules_point_at_the_call() {
    assert_eq!(
        findings("modules"),
        [
            // The module's `iam:*` on `*` includes `iam:PassRole`.
            "pass-role-unrestricted module.ci.aws_iam_role_policy.this modules/main.tf:8",
            "service-wildcard-action module.ci.aws_iam_role_policy.this modules/main.tf:8",
            // `iam:*` lets the role write itself an administrator policy (iam-005).
            "privilege-escalation module.ci.aws_iam_role.this modules/modules/role/main.tf:25",
        ]
    );
}
