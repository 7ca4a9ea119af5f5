//! Actions that hand a role to a service (`lambda:CreateFunction` gives the new function its
//! execution role), from the documented table `data/role-passing-actions.tsv`: which service
//! receives the role, and whether every call passes one. The caller needs `iam:PassRole` on
//! that role beside the action, or the call fails with AccessDenied.

use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/role-passing-actions.tsv");

/// What shows that a caller of an optional-role action launches with roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Every call passes a role: no evidence needed.
    None,
    /// The caller's policies name one of these actions outright.
    Actions(Vec<&'static str>),
    /// The caller may run a task definition of the configuration that has a task or
    /// execution role.
    TaskRoles,
    /// The caller's statement names a resource of the configuration that wears a role (a
    /// stack with `iam_role_arn`): that role is passed.
    Tied,
    /// Some calls pass a role and nothing in a policy tells which: not judged.
    Unjudged,
}

#[derive(Clone, Debug)]
pub struct RolePassing {
    /// `lambda:CreateFunction`.
    pub action: &'static str,
    /// The request parameter that carries the role, for messages.
    pub parameter: &'static str,
    /// The service principal the role goes to (`lambda.amazonaws.com`).
    pub service: &'static str,
    /// Whether every call passes a role.
    pub always: bool,
    pub evidence: Evidence,
}

/// Every row of the table, in its order.
pub fn all() -> &'static [RolePassing] {
    static ALL: OnceLock<Vec<RolePassing>> = OnceLock::new();
    ALL.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|line| {
                let mut f = line.split('\t');
                let (action, parameter, service, role, evidence) =
                    (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
                let always = role == "always";
                let evidence = match evidence {
                    _ if always => Evidence::None,
                    "-" => Evidence::Unjudged,
                    "task-roles" => Evidence::TaskRoles,
                    "tied" => Evidence::Tied,
                    list => Evidence::Actions(list.split(',').collect()),
                };
                Some(RolePassing {
                    action,
                    parameter,
                    service,
                    always,
                    evidence,
                })
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn every_row_is_a_catalogued_action_with_a_service_principal() {
        let catalog = Catalog::get();
        assert!(all().len() >= 25);
        for row in all() {
            let (service, name) = row.action.split_once(':').unwrap();
            assert!(catalog.action(service, name).is_some(), "{}", row.action);
            assert!(row.service.ends_with(".amazonaws.com"), "{}", row.service);
            if let Evidence::Actions(actions) = &row.evidence {
                for a in actions {
                    let (s, n) = a.split_once(':').unwrap();
                    assert!(catalog.action(s, n).is_some(), "{a}");
                }
            }
        }
    }

    #[test]
    fn lambda_always_passes_its_role_and_run_instances_only_with_a_profile() {
        let find = |a: &str| all().iter().find(|r| r.action == a).unwrap();
        let lambda = find("lambda:CreateFunction");
        assert!(lambda.always && lambda.service == "lambda.amazonaws.com");
        let ec2 = find("ec2:RunInstances");
        assert!(!ec2.always);
        assert!(
            matches!(&ec2.evidence, Evidence::Actions(a) if a.contains(&"iam:GetInstanceProfile"))
        );
    }
}
