//! What a trust policy admits: may this service principal assume the role?
//!
//! A service that wears a role calls `sts:AssumeRole` as its service principal
//! (`ecs-tasks.amazonaws.com`). Conditions do not stop it: the service supplies what they ask
//! for (`aws:SourceArn`, `aws:SourceAccount`), so only the principal, the action and an
//! unconditional Deny decide. Anything unknown makes the answer unknown, never "no".

use crate::policy::{Effect, ElementList, PolicyDocument, PrincipalKind, Statement};
use crate::wildcard;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admits {
    Yes,
    No,
    Unknown,
}

/// Whether the trust policy lets `service` assume the role.
pub fn admits_service(doc: &PolicyDocument, service: &str) -> Admits {
    if doc.statements_unknown.is_some() {
        return Admits::Unknown;
    }
    let mut answer = Admits::No;
    for s in &doc.statements {
        let fit = statement_fits(s, service);
        match (s.effect(), fit) {
            (Some(Effect::Deny), Admits::Yes) if s.conditions.is_empty() => return Admits::No,
            (Some(Effect::Allow), Admits::Yes) => answer = Admits::Yes,
            (None, _) | (_, Admits::Unknown) if answer == Admits::No => answer = Admits::Unknown,
            _ => {}
        }
    }
    answer
}

/// Whether a statement names the service (or everyone) and `sts:AssumeRole`.
fn statement_fits(s: &Statement, service: &str) -> Admits {
    let action = match &s.action {
        None => return Admits::No,
        Some(list) if list.unknown.is_some() => Admits::Unknown,
        Some(list) => {
            let unknown = list.items.iter().any(|i| i.known().is_none());
            match (allows_assume_role(list), unknown) {
                (true, _) => Admits::Yes,
                (false, true) => Admits::Unknown,
                (false, false) => Admits::No,
            }
        }
    };
    let principal = match &s.principal {
        None => Admits::No,
        Some(block) if block.negated || block.unknown.is_some() => Admits::Unknown,
        Some(block) => {
            let mut fit = Admits::No;
            for p in &block.principals {
                match (&p.kind, p.item.known()) {
                    (_, None) => fit = Admits::Unknown,
                    (PrincipalKind::Service, Some(name)) if same_service(name, service) => {
                        return both(action, Admits::Yes);
                    }
                    (PrincipalKind::Any | PrincipalKind::Aws, Some("*")) => {
                        return both(action, Admits::Yes);
                    }
                    _ => {}
                }
            }
            fit
        }
    };
    both(action, principal)
}

/// Whether a trust policy's service principal names `service`: the same name (case aside), or
/// its regional form, which AWS's own guides write for some services
/// (`states.us-east-1.amazonaws.com`, `logs.eu-west-1.amazonaws.com` for `states.amazonaws.com`,
/// `logs.amazonaws.com`; China's `….amazonaws.com.cn` too).
pub fn same_service(written: &str, service: &str) -> bool {
    if written.eq_ignore_ascii_case(service) {
        return true;
    }
    let (written, service) = (written.to_ascii_lowercase(), service.to_ascii_lowercase());
    let Some((name, domain)) = service.split_once('.') else {
        return false;
    };
    let Some((region, rest)) = written
        .strip_prefix(name)
        .and_then(|r| r.strip_prefix('.'))
        .and_then(|r| r.split_once('.'))
    else {
        return false;
    };
    let china = format!("{domain}.cn");
    is_region(region) && (rest == domain || rest == china)
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`: letters, dash-separated words,
/// a number last.
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

fn both(a: Admits, b: Admits) -> Admits {
    match (a, b) {
        (Admits::No, _) | (_, Admits::No) => Admits::No,
        (Admits::Yes, Admits::Yes) => Admits::Yes,
        _ => Admits::Unknown,
    }
}

/// Whether a statement's `Action` (or `NotAction`) list, as far as it is known, takes in
/// `sts:AssumeRole`.
pub fn allows_assume_role(list: &ElementList) -> bool {
    let hit = list
        .known_items()
        .any(|(a, _)| wildcard::matches(a, "sts:AssumeRole", true));
    hit != list.negated
}

/// The Allow statements that name `service` as a principal (whatever their action), for
/// saying why a trust that names a service still does not let it assume the role.
pub fn naming_service<'d>(doc: &'d PolicyDocument, service: &str) -> Vec<&'d Statement> {
    doc.statements
        .iter()
        .filter(|s| s.is_allow())
        .filter(|s| {
            s.principal.as_ref().is_some_and(|b| {
                !b.negated
                    && b.principals.iter().any(|p| {
                        p.kind == PrincipalKind::Service
                            && p.item.known().is_some_and(|n| same_service(n, service))
                    })
            })
        })
        .collect()
}

/// The service principals a trust policy's Allow statements name, for messages.
pub fn services(doc: &PolicyDocument) -> Vec<&str> {
    let mut out: Vec<&str> = doc
        .statements
        .iter()
        .filter(|s| s.is_allow())
        .filter_map(|s| s.principal.as_ref())
        .flat_map(|b| &b.principals)
        .filter(|p| p.kind == PrincipalKind::Service)
        .filter_map(|p| p.item.known())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust(statements: &str) -> PolicyDocument {
        PolicyDocument::from_json(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
        ))
    }

    const ECS: &str = "ecs-tasks.amazonaws.com";

    #[test]
    fn a_service_is_admitted_by_name_by_everyone_and_despite_conditions() {
        let ec2 = trust(
            r#"{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}"#,
        );
        assert_eq!(admits_service(&ec2, ECS), Admits::No);
        assert_eq!(admits_service(&ec2, "ec2.amazonaws.com"), Admits::Yes);
        assert_eq!(services(&ec2), ["ec2.amazonaws.com"]);
        let both = trust(
            r#"{"Effect":"Allow","Action":"sts:*","Principal":{"Service":["ec2.amazonaws.com","ecs-tasks.amazonaws.com"]},"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#,
        );
        assert_eq!(admits_service(&both, ECS), Admits::Yes);
        let anyone = trust(r#"{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*"}"#);
        assert_eq!(admits_service(&anyone, ECS), Admits::Yes);
    }

    #[test]
    fn regional_service_principals_are_the_service() {
        let states = trust(
            r#"{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"states.us-east-1.amazonaws.com"}}"#,
        );
        assert_eq!(admits_service(&states, "states.amazonaws.com"), Admits::Yes);
        assert!(same_service(
            "logs.eu-west-1.amazonaws.com",
            "logs.amazonaws.com"
        ));
        assert!(same_service(
            "LOGS.us-gov-west-1.amazonaws.com.cn",
            "logs.amazonaws.com"
        ));
        // Not a region, or another service.
        assert!(!same_service(
            "logs.example.amazonaws.com",
            "logs.amazonaws.com"
        ));
        assert!(!same_service(
            "states.us-east-1.amazonaws.com",
            "ecs-tasks.amazonaws.com"
        ));
        assert!(!same_service(
            "statesx.us-east-1.amazonaws.com",
            "states.amazonaws.com"
        ));
        assert!(!same_service(
            "states.us-east-1.evil.com",
            "states.amazonaws.com"
        ));
    }

    #[test]
    fn other_actions_denies_and_unknowns() {
        let web = trust(
            r#"{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Principal":{"Service":"ecs-tasks.amazonaws.com"}}"#,
        );
        assert_eq!(admits_service(&web, ECS), Admits::No);
        let denied = trust(
            r#"{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"Service":"ecs-tasks.amazonaws.com"}}"#,
        );
        assert_eq!(admits_service(&denied, ECS), Admits::No);
        let negated = trust(
            r#"{"Effect":"Allow","Action":"sts:AssumeRole","NotPrincipal":{"Service":"ec2.amazonaws.com"}}"#,
        );
        assert_eq!(admits_service(&negated, ECS), Admits::Unknown);
    }
}
