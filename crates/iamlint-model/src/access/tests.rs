use super::*;

fn doc(statements: &str) -> PolicyDocument {
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
    let doc = PolicyDocument::from_json(&text);
    assert!(doc.issues.is_empty(), "{:?}", doc.issues);
    doc
}

fn ask<'p>(subject: &'p Subject<'p>, action: &str, resource: &str) -> Decision<'p> {
    let resource = resource.replace('#', &Str::UNKNOWN_MARK.to_string());
    subject.allows(Request::new(action, &resource))
}

fn subject<'p>(
    policies: &[&'p PolicyDocument],
    boundary: Option<&'p PolicyDocument>,
) -> Subject<'p> {
    Subject {
        policies: policies.iter().map(|d| Source::Document(d)).collect(),
        boundary: boundary.map(Source::Document),
    }
}

const BUCKET: &str = "arn:aws:s3:::data/report.csv";

#[test]
fn allow_matches_actions_case_insensitively_and_resources_exactly() {
    let p = doc(r#"{"Effect":"Allow","Action":"S3:get*","Resource":"arn:aws:s3:::data/*"}"#);
    let s = subject(&[&p], None);
    assert_eq!(ask(&s, "s3:GetObject", BUCKET).access, Access::Allowed);
    assert_eq!(ask(&s, "s3:PutObject", BUCKET).access, Access::Denied);
    assert_eq!(
        ask(&s, "s3:GetObject", "arn:aws:s3:::Data/x").access,
        Access::Denied
    );
}

#[test]
fn an_explicit_deny_in_another_policy_wins() {
    let admin = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let guard = doc(r#"{"Effect":"Deny","Action":"s3:Delete*","Resource":"arn:aws:s3:::data/*"}"#);
    let s = subject(&[&admin, &guard], None);
    let d = ask(&s, "s3:DeleteObject", BUCKET);
    assert_eq!(d.access, Access::Denied);
    assert_eq!(d.statements.len(), 1);
    assert_eq!(ask(&s, "s3:GetObject", BUCKET).access, Access::Allowed);
}

#[test]
fn not_action_and_not_resource_allow_everything_else() {
    let p = doc(r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#);
    let s = subject(&[&p], None);
    assert_eq!(ask(&s, "s3:GetObject", BUCKET).access, Access::Allowed);
    assert_eq!(
        ask(&s, "iam:PassRole", "arn:aws:iam::1:role/x").access,
        Access::Denied
    );
    let q = doc(r#"{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}"#);
    let s = subject(&[&q], None);
    assert_eq!(ask(&s, "s3:GetObject", BUCKET).access, Access::Allowed);
    assert_eq!(
        ask(&s, "s3:GetObject", "arn:aws:s3:::secret/k").access,
        Access::Denied
    );
    // A Deny with NotAction denies all but the listed actions.
    let deny = doc(r#"{"Effect":"Deny","NotAction":"s3:Get*","Resource":"*"}"#);
    let admin = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let s = subject(&[&admin, &deny], None);
    assert_eq!(ask(&s, "s3:GetObject", BUCKET).access, Access::Allowed);
    assert_eq!(ask(&s, "s3:PutObject", BUCKET).access, Access::Denied);
}

#[test]
fn a_boundary_caps_what_identity_policies_allow() {
    let admin = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let boundary = doc(r#"{"Effect":"Allow","Action":["s3:*","logs:*"],"Resource":"*"}"#);
    let s = subject(&[&admin], Some(&boundary));
    assert_eq!(ask(&s, "s3:GetObject", BUCKET).access, Access::Allowed);
    assert_eq!(
        ask(&s, "iam:CreateUser", "arn:aws:iam::1:user/x").access,
        Access::Denied
    );
    // The boundary grants nothing by itself.
    let none = subject(&[], Some(&boundary));
    assert_eq!(ask(&none, "s3:GetObject", BUCKET).access, Access::Denied);
}

#[test]
fn restrictive_conditions_make_it_maybe_irrelevant_ones_do_not() {
    let passed = doc(
        r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}"#,
    );
    let s = subject(&[&passed], None);
    let d = ask(&s, "iam:PassRole", "arn:aws:iam::1:role/x");
    assert_eq!(d.access, Access::Maybe);
    assert_eq!(d.reasons, [Reason::Condition("iam:PassedToService".into())]);

    let region = doc(
        r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"Bool":{"aws:SecureTransport":"true"}}}"#,
    );
    let s = subject(&[&region], None);
    assert_eq!(
        ask(&s, "iam:PassRole", "arn:aws:iam::1:role/x").access,
        Access::Allowed
    );

    // A Deny the caller can step around (another region) does not deny; one on MFA may.
    let admin = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let region_deny = doc(
        r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#,
    );
    let mfa_deny = doc(
        r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#,
    );
    let s = subject(&[&admin, &region_deny], None);
    assert_eq!(ask(&s, "s3:GetObject", BUCKET).access, Access::Allowed);
    let s = subject(&[&admin, &mfa_deny], None);
    let d = ask(&s, "s3:GetObject", BUCKET);
    assert_eq!(d.access, Access::Maybe);
    assert_eq!(
        d.reasons,
        [Reason::Condition("aws:MultiFactorAuthPresent".into())]
    );
}

#[test]
fn unknown_resources_may_match() {
    let p =
        doc(r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/app-*"}"#);
    let s = subject(&[&p], None);
    // The account is unknown; `*` covers it whatever it is.
    assert_eq!(
        ask(&s, "iam:PassRole", "arn:aws:iam::#:role/app-web").access,
        Access::Allowed
    );
    // The name is unknown: it may or may not start with `app-`.
    let d = ask(&s, "iam:PassRole", "arn:aws:iam::1:role/#");
    assert_eq!(d.access, Access::Maybe);
    // Known parts that cannot match stay denied.
    assert_eq!(
        ask(&s, "iam:PassRole", "arn:aws:iam::1:user/#").access,
        Access::Denied
    );
    let exact =
        doc(r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/app"}"#);
    let s = subject(&[&exact], None);
    assert_eq!(
        ask(&s, "iam:PassRole", "arn:aws:iam::#:role/app").access,
        Access::Maybe
    );
}

#[test]
fn unread_policies_keep_a_denial_open_but_not_an_explicit_deny() {
    let s = Subject {
        policies: vec![Source::Unread("arn:aws:iam::1:policy/elsewhere")],
        boundary: None,
    };
    let d = ask(&s, "s3:GetObject", BUCKET);
    assert_eq!(d.access, Access::Maybe);
    assert_eq!(
        d.reasons,
        [Reason::UnreadPolicy(
            "arn:aws:iam::1:policy/elsewhere".into()
        )]
    );
    let deny = doc(r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#);
    let s = Subject {
        policies: vec![Source::Unread("x"), Source::Document(&deny)],
        boundary: None,
    };
    assert_eq!(ask(&s, "s3:GetObject", BUCKET).access, Access::Denied);
}

#[test]
fn trust_policies_have_no_resource() {
    let trust = doc(
        r#"{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}"#,
    );
    let s = subject(&[&trust], None);
    assert_eq!(
        ask(&s, "sts:AssumeRole", "arn:aws:iam::1:role/x").access,
        Access::Allowed
    );
}

#[test]
fn irrelevant_condition_keys_compare_like_iam() {
    assert!(is_irrelevant_condition("AWS:requestedregion"));
    assert!(is_irrelevant_condition("aws:RequestTag/team"));
    assert!(!is_irrelevant_condition("aws:RequestTag/"));
    assert!(!is_irrelevant_condition("aws:ResourceTag/team"));
    assert!(!is_irrelevant_condition("aws:PrincipalOrgID"));
    assert!(!is_irrelevant_condition(
        "token.actions.githubusercontent.com:sub"
    ));
}

#[test]
fn an_arn_built_like_the_policy_item_is_the_same_resource() {
    // `Resource = aws_iam_role.task.arn`, asked about that role: both have the account unknown.
    let mut doc = doc(r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"placeholder"}"#);
    let arn = Str {
        text: format!("arn:aws:iam::{}:role/task", Str::UNKNOWN_MARK),
        unknowns: vec![crate::value::Unknown::account_id()],
        ..Str::default()
    };
    doc.statements[0].resource.as_mut().unwrap().items[0].text = ItemText::Partial(arn.clone());
    let s = subject(&[&doc], None);
    let request = Request::new("iam:PassRole", &arn.text);
    assert_eq!(s.allows(request).access, Access::Allowed);
    let other = format!("arn:aws:iam::{}:role/other", Str::UNKNOWN_MARK);
    let request = Request::new("iam:PassRole", &other);
    assert_eq!(s.allows(request).access, Access::Denied);
}

#[test]
fn conditions_on_keys_the_request_carries_are_decided() {
    let ecs = [("iam:PassedToService", "ecs-tasks.amazonaws.com")];
    let lambda = [("iam:PassedToService", "lambda.amazonaws.com")];
    let role = "arn:aws:iam::1:role/task";
    let ask = |s: &Subject, context: &[(&str, &str)]| {
        s.allows(Request {
            action: "iam:PassRole",
            resource: role,
            context,
            absent: &[],
        })
        .access
    };
    let to_ecs = doc(
        r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}"#,
    );
    let s = subject(&[&to_ecs], None);
    assert_eq!(ask(&s, &ecs), Access::Allowed);
    assert_eq!(ask(&s, &lambda), Access::Denied);
    assert_eq!(
        ask(&s, &[]),
        Access::Maybe,
        "without the key the condition stays open"
    );
    let like = doc(
        r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringLike":{"iam:PassedToService":"ecs*"}}}"#,
    );
    assert_eq!(ask(&subject(&[&like], None), &ecs), Access::Allowed);
    // A Deny decided by the request applies; one the caller avoids does not.
    let admin = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let no_lambda = doc(
        r#"{"Effect":"Deny","Action":"iam:PassRole","Resource":"*","Condition":{"StringNotEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}"#,
    );
    let s = subject(&[&admin, &no_lambda], None);
    assert_eq!(ask(&s, &lambda), Access::Denied);
    assert_eq!(ask(&s, &ecs), Access::Allowed);
}

#[test]
fn an_unknown_account_is_never_aws_itself() {
    let p = doc(
        r#"{"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"arn:aws:iam::aws:policy/*"}"#,
    );
    let s = subject(&[&p], None);
    assert_eq!(
        ask(&s, "iam:CreatePolicyVersion", "arn:aws:iam::#:policy/tools").access,
        Access::Denied
    );
    let q = doc(
        r#"{"Effect":"Allow","Action":"iam:CreatePolicyVersion","Resource":"arn:aws:iam::123456789012:policy/*"}"#,
    );
    let s = subject(&[&q], None);
    assert_eq!(
        ask(&s, "iam:CreatePolicyVersion", "arn:aws:iam::#:policy/tools").access,
        Access::Maybe
    );
}

#[test]
fn conditions_on_keys_the_request_lacks_hold_only_when_negated_or_if_exists() {
    let cond = |op: &str| {
        doc(&format!(
            r#"{{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"*","Condition":{{"{op}":{{"iam:PermissionsBoundary":"arn:aws:iam::1:policy/b"}}}}}}"#
        ))
    };
    let absent = ["iam:PermissionsBoundary"];
    let ask = |d: &PolicyDocument| {
        subject(&[d], None)
            .allows(Request {
                absent: &absent,
                ..Request::new("iam:PutRolePolicy", "arn:aws:iam::1:role/r")
            })
            .access
    };
    assert_eq!(ask(&cond("StringEquals")), Access::Denied);
    assert_eq!(ask(&cond("ArnLike")), Access::Denied);
    assert_eq!(ask(&cond("StringNotEquals")), Access::Allowed);
    assert_eq!(ask(&cond("StringEqualsIfExists")), Access::Allowed);
    let null = doc(
        r#"{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"*","Condition":{"Null":{"iam:PermissionsBoundary":"true"}}}"#,
    );
    assert_eq!(ask(&null), Access::Allowed);
}

#[test]
fn time_conditions_are_judged_on_the_reference_date() {
    let today = crate::catalog::reference_date();
    assert_eq!(today.len(), 10);
    let until = |date: &str, effect: &str| {
        doc(&format!(
            r#"{{"Effect":"{effect}","Action":"s3:GetObject","Resource":"*","Condition":{{"DateLessThan":{{"aws:CurrentTime":"{date}T00:00:00Z"}}}}}}"#
        ))
    };
    let expired = until("2020-01-01", "Allow");
    assert_eq!(
        ask(&subject(&[&expired], None), "s3:GetObject", BUCKET).access,
        Access::Denied
    );
    let valid = until("2999-01-01", "Allow");
    assert_eq!(
        ask(&subject(&[&valid], None), "s3:GetObject", BUCKET).access,
        Access::Allowed
    );
    // A Deny in force until a later date cannot be stepped around by waiting.
    let admin = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let freeze = until("2999-01-01", "Deny");
    assert_eq!(
        ask(&subject(&[&admin, &freeze], None), "s3:GetObject", BUCKET).access,
        Access::Denied
    );
    let over = until("2020-01-01", "Deny");
    assert_eq!(
        ask(&subject(&[&admin, &over], None), "s3:GetObject", BUCKET).access,
        Access::Allowed
    );
}

#[test]
fn an_action_no_allow_names_is_denied_on_every_resource() {
    let scoped = doc(
        r#"{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"arn:aws:iam::1:role/app/*"},
           {"Effect":"Allow","NotAction":["iam:*","s3:*"],"NotResource":"arn:aws:s3:::x"},
           {"Effect":"Deny","Action":"iam:AttachRolePolicy","Resource":"*"}"#,
    );
    let s = subject(&[&scoped], None);
    // On a resource no one names, with a path: still possibly allowed.
    assert!(s.may_allow_action("iam:PutRolePolicy"));
    assert!(s.may_allow_action("ec2:RunInstances"));
    // Only a Deny names it, or the NotAction leaves it out.
    assert!(!s.may_allow_action("iam:AttachRolePolicy"));
    assert!(!s.may_allow_action("s3:GetObject"));
    let unread = Subject {
        policies: vec![Source::Unread("aws_iam_policy.x")],
        boundary: None,
    };
    assert!(!unread.may_allow_action("iam:PutRolePolicy"));
}
