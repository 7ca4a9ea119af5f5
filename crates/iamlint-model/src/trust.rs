//! What a trust policy admits: may this service principal assume the role?
//!
//! A service that wears a role calls `sts:AssumeRole` as its service principal
//! (`ecs-tasks.amazonaws.com`). Conditions do not stop it: the service supplies what they ask
//! for (`aws:SourceArn`, `aws:SourceAccount`), so only the principal, the action and an
//! unconditional Deny decide. Anything unknown makes the answer unknown, never "no".

use crate::policy::{Effect, PolicyDocument, PrincipalKind, Statement};
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
            let hit = list
                .known_items()
                .any(|(a, _)| wildcard::matches(a, "sts:AssumeRole", true));
            let unknown = list.items.iter().any(|i| i.known().is_none());
            match (hit != list.negated, unknown) {
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
                    (PrincipalKind::Service, Some(name)) if name.eq_ignore_ascii_case(service) => {
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

fn both(a: Admits, b: Admits) -> Admits {
    match (a, b) {
        (Admits::No, _) | (_, Admits::No) => Admits::No,
        (Admits::Yes, Admits::Yes) => Admits::Yes,
        _ => Admits::Unknown,
    }
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
