use super::*;
use crate::access::Access;
use crate::catalog::Catalog;

fn doc(statements: &str) -> PolicyDocument {
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
    let doc = PolicyDocument::from_json(&text);
    assert!(doc.issues.is_empty(), "{:?}", doc.issues);
    doc
}

fn capability(policies: &[&PolicyDocument], boundary: Option<&PolicyDocument>) -> Capability {
    let subject = Subject {
        policies: policies.iter().map(|d| Source::Document(d)).collect(),
        boundary: boundary.map(Source::Document),
    };
    Capabilities::default().of(&subject)
}

const ADMIN: &str = r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#;

#[test]
fn split_admins_are_admins() {
    let split = doc(r#"{"Effect":"Allow","Action":"iam:*","Resource":"*"},
           {"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#);
    assert!(capability(&[&split], None).is_admin());

    // Over two policies, and a wildcard per service that together cover the catalogue.
    let iam = doc(r#"{"Effect":"Allow","Action":["iam:*"],"Resource":"*"}"#);
    let rest = doc(r#"{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}"#);
    assert!(capability(&[&iam, &rest], None).is_admin());
    let every_service: Vec<String> = Catalog::get()
        .services()
        .iter()
        .map(|s| format!("\"{}:*\"", s.prefix))
        .collect();
    let many = doc(&format!(
        r#"{{"Effect":"Allow","Action":[{}],"Resource":"*"}}"#,
        every_service.join(",")
    ));
    assert!(capability(&[&many], None).is_admin());
    let many_subject = Subject {
        policies: vec![Source::Document(&many)],
        boundary: None,
    };
    assert!(can_be_admin(&many_subject));
    // One service short is not.
    let fewer = doc(&format!(
        r#"{{"Effect":"Allow","Action":[{}],"Resource":"*"}}"#,
        every_service[1..].join(",")
    ));
    assert!(!capability(&[&fewer], None).is_admin());
    let fewer_subject = Subject {
        policies: vec![Source::Document(&fewer)],
        boundary: None,
    };
    assert!(!can_be_admin(&fewer_subject));
}

#[test]
fn admin_with_a_deny_all_or_a_tight_boundary_is_not() {
    let admin = doc(ADMIN);
    let deny_all = doc(r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#);
    let c = capability(&[&admin, &deny_all], None);
    assert!(c.allowed.is_empty() && c.maybe.is_empty(), "{c:?}");

    let nothing = doc(r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"*"}"#);
    assert!(capability(&[&admin], Some(&nothing)).allowed.is_empty());

    let ec2 = doc(r#"{"Effect":"Allow","Action":"ec2:*","Resource":"*"}"#);
    let c = capability(&[&admin], Some(&ec2));
    assert!(!c.is_admin());
    assert_eq!(c.allowed, *ActionSet::matching("ec2:*"));

    // A boundary that does not meet the identity policies allows nothing.
    let s3 = doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#);
    assert!(capability(&[&s3], Some(&ec2)).allowed.is_empty());
}

#[test]
fn denies_count_when_they_cover_every_resource() {
    let admin = doc(ADMIN);
    // On some resources only: still everything everywhere else.
    let audit = doc(r#"{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::audit/*"}"#);
    assert!(capability(&[&admin, &audit], None).is_admin());
    // Everywhere but one bucket, and every action but reads: not admin.
    let not_resource =
        doc(r#"{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::public/*"}"#);
    let c = capability(&[&admin, &not_resource], None);
    assert!(!c.is_admin() && !c.allowed.contains_action("s3:GetObject"));
    let not_action = doc(r#"{"Effect":"Deny","NotAction":["s3:Get*","s3:List*"],"Resource":"*"}"#);
    let c = capability(&[&admin, &not_action], None);
    assert!(c.allowed.contains_action("s3:GetObject"));
    assert!(!c.allowed.contains_action("iam:CreateUser"));
}

#[test]
fn conditions_make_maybe_unless_the_caller_controls_them() {
    let admin = doc(ADMIN);
    let mfa = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*",
            "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#);
    let c = capability(&[&mfa], None);
    assert!(!c.is_admin() && c.may_be_admin());

    let unless_mfa = doc(r#"{"Effect":"Deny","Action":"*","Resource":"*",
            "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#);
    let c = capability(&[&admin, &unless_mfa], None);
    assert!(!c.is_admin() && c.may_be_admin());

    // A Deny outside one region: the caller picks the region and keeps everything.
    let region = doc(r#"{"Effect":"Deny","Action":"*","Resource":"*",
            "Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#);
    assert!(capability(&[&admin, &region], None).is_admin());
}

#[test]
fn what_cannot_be_read_is_maybe_never_allowed() {
    let admin = doc(ADMIN);
    let subject = Subject {
        policies: vec![Source::Document(&admin), Source::Unread("var.extra_policy")],
        boundary: None,
    };
    let c = Capabilities::default().of(&subject);
    assert!(c.allowed.is_empty() && c.maybe.is_full());
}

/// The sets answer what the evaluator answers for `"Resource": "*"`, action by action.
#[test]
fn agrees_with_the_evaluator_on_every_resource() {
    let docs = [
        doc(ADMIN),
        doc(r#"{"Effect":"Allow","Action":["s3:Get*","ec2:Describe*"],"Resource":"*"}"#),
        doc(r#"{"Effect":"Allow","NotAction":["iam:*","s3:*"],"Resource":"*"}"#),
        doc(r#"{"Effect":"Deny","Action":"iam:*User*","Resource":"*"}"#),
        doc(r#"{"Effect":"Deny","NotAction":"ec2:*","Resource":"*",
                "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#),
        doc(r#"{"Effect":"Allow","Action":"lambda:*","Resource":"*",
                "Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}}"#),
        doc(r#"{"Effect":"Allow","Action":"kms:*","Resource":"arn:aws:kms:*:*:key/*"}"#),
    ];
    let actions: Vec<String> = Catalog::get()
        .services()
        .iter()
        .flat_map(|s| s.actions.iter())
        .step_by(37)
        .map(|a| a.full_name())
        .chain(
            [
                "iam:CreateUser",
                "iam:PassRole",
                "s3:GetObject",
                "ec2:RunInstances",
            ]
            .map(String::from),
        )
        .collect();
    let sets: [&[usize]; 6] = [&[1, 3], &[0, 3, 4], &[2, 5, 6], &[1, 2, 4], &[0, 4], &[2]];
    for (i, policies) in sets.iter().enumerate() {
        for boundary in [None, Some(&docs[2]), Some(&docs[1])] {
            let subject = Subject {
                policies: policies
                    .iter()
                    .map(|&p| Source::Document(&docs[p]))
                    .collect(),
                boundary: boundary.map(Source::Document),
            };
            let c = Capabilities::default().of(&subject);
            // The quick test never says "cannot" of an administrator.
            assert!(can_be_admin(&subject) || !c.is_admin(), "set {i}");
            for action in &actions {
                let expected = subject.allows(Request::new(action, "*")).access;
                let got = if c.allowed.contains_action(action) {
                    Access::Allowed
                } else if c.maybe.contains_action(action) {
                    Access::Maybe
                } else {
                    Access::Denied
                };
                assert_eq!(got, expected, "set {i}, boundary {boundary:?}: {action}");
            }
        }
    }
}
