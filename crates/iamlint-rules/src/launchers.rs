//! Principals that may launch something that runs with a role (a CI deployer creating Lambda
//! functions, CodeBuild projects, EC2 instances with a profile) but may pass no role to the
//! service that would wear it: every such launch fails with AccessDenied on `iam:PassRole`.
//!
//! The actions, the service each hands its role to and whether a role always goes along are
//! data ([`iamlint_model::role_passing`]). A principal is judged on everything it holds, Deny
//! and boundary counted, and only on a definite answer: a policy iamlint cannot read keeps it
//! silent.

use std::collections::HashSet;

use iamlint_model::access::{Access, Request, Source, Subject};
use iamlint_model::links::{Links, PrincipalType, holding};
use iamlint_model::model::Resource;
use iamlint_model::policy::{Item, ItemText, Statement};
use iamlint_model::role_passing::{self, Evidence, RolePassing};
use iamlint_model::trust::{Admits, admits_service};
use iamlint_model::{Location, Str, wildcard};

use crate::rules::correctness::missing_pass_role::names_task_definition;

/// A launch a principal may make but cannot hand its role over for.
pub(crate) struct Stranded<'l> {
    /// The principal (an index into [`Links::principals`]).
    pub principal: usize,
    pub passing: &'static RolePassing,
    /// The resource that gives the statement allowing the launch, and where the statement
    /// names the action.
    pub via: &'l str,
    pub at: Option<Location>,
    /// For an action that passes a role only sometimes, what shows this principal's do.
    pub evidence: String,
    /// Other actions of the same policy that hand a role to the same service, and where.
    pub also: Vec<(&'static str, Option<Location>)>,
    /// Statements that allow `iam:PassRole`, but not to this service or not on a role it can
    /// wear: where, and why they do not fit.
    pub misfits: Vec<(&'l str, Option<Location>, String)>,
    /// Roles of the configuration the service may wear: what to allow passing.
    pub wearable: Vec<usize>,
}

/// Every principal's stranded launches, each statement, action and holding resource once (a
/// group's policy counts once, not once per member).
pub(crate) fn stranded<'l>(links: &'l Links, tasks: &[&Resource]) -> Vec<Stranded<'l>> {
    let mut seen: HashSet<(Option<Location>, &str, &str)> = HashSet::new();
    let mut out = Vec::new();
    for (principal, p) in links.principals.iter().enumerate() {
        if p.ty == PrincipalType::Group {
            continue; // judged through its members, with their own policies and boundary
        }
        let subject = links.subject(principal);
        // A policy iamlint cannot read may pass the role: no definite answer.
        let unread = |s: &Source| matches!(s, Source::Unread(_));
        if subject.policies.iter().any(unread) || subject.boundary.as_ref().is_some_and(unread) {
            continue;
        }
        for passing in role_passing::all() {
            let Some((statement, item)) = launching_grant(&subject, passing.action) else {
                continue;
            };
            let via = holding(links.effective(principal), statement)
                .map_or(p.resource.address.as_str(), |h| h.via);
            // A group's policy is judged once for its members; each `for_each` instance of a
            // policy on its own.
            if !seen.insert((item.loc.or(statement.loc), passing.action, via)) {
                continue;
            }
            let Some(evidence) = launches_with_roles(links, &subject, passing, tasks) else {
                continue;
            };
            let Some(misfits) = cannot_pass(links, principal, &subject, passing.service) else {
                continue;
            };
            // One finding per principal, policy and service: the other actions are related.
            if let Some(first) = out.iter_mut().find(|s: &&mut Stranded| {
                s.principal == principal && s.via == via && s.passing.service == passing.service
            }) {
                first
                    .also
                    .push((passing.action, item.loc.or(statement.loc)));
                continue;
            }
            out.push(Stranded {
                principal,
                passing,
                via,
                at: item.loc.or(statement.loc),
                evidence,
                also: Vec::new(),
                misfits,
                wearable: wearable_roles(links, passing.service),
            });
        }
    }
    out
}

/// The first Allow statement (and its `Action` item) of the principal that grants `action`
/// on some resource, when the principal is surely allowed it there once every Deny and the
/// boundary are counted.
fn launching_grant<'s>(subject: &Subject<'s>, action: &str) -> Option<(&'s Statement, &'s Item)> {
    subject.policies.iter().find_map(|source| {
        let Source::Document(doc) = source else {
            return None;
        };
        doc.statements
            .iter()
            .filter(|s| s.is_allow())
            .find_map(|s| {
                let list = s.action.as_ref().filter(|a| !a.negated)?;
                // `lambda:*` or `*` says nothing of launching: the holder gets the broad-grant
                // findings instead. A name or a verb pattern (`lambda:Create*`) does.
                let (_, item) = list
                    .known_items()
                    .filter(|(p, _)| !p.ends_with(":*") && *p != "*")
                    .find(|(p, _)| wildcard::matches(p, action, true))?;
                let resource = s
                    .resource
                    .as_ref()
                    .filter(|r| !r.negated)
                    .and_then(|r| r.items.first())
                    .map_or_else(|| "*".to_string(), request_text);
                let allowed =
                    subject.allows(Request::new(action, &resource)).access == Access::Allowed;
                allowed.then_some((s, item))
            })
    })
}

/// What shows that the principal's launches by this action carry a role (its own policies,
/// see [`Evidence`]), for the message: `None` when nothing does. Empty for an action that
/// always passes one.
fn launches_with_roles(
    links: &Links,
    subject: &Subject,
    passing: &RolePassing,
    tasks: &[&Resource],
) -> Option<String> {
    match &passing.evidence {
        Evidence::None => Some(String::new()),
        Evidence::Unjudged => None,
        Evidence::Actions(actions) => allow_statements(subject).find_map(|s| {
            let list = s.action.as_ref().filter(|l| !l.negated)?;
            list.known_items()
                .find(|(a, _)| actions.iter().any(|e| e.eq_ignore_ascii_case(a)))
                .map(|(a, _)| format!("its policies name `{a}`"))
        }),
        Evidence::TaskRoles => {
            let role_bearing: Vec<&&Resource> = tasks
                .iter()
                .filter(|t| {
                    ["task_role_arn", "execution_role_arn"].iter().any(|a| {
                        t.attribute(a)
                            .is_some_and(|v| !links.named(PrincipalType::Role, v).is_empty())
                    })
                })
                .collect();
            allow_statements(subject).find_map(|s| {
                let runs = s.action.as_ref().is_some_and(|list| {
                    !list.negated
                        && list.known_items().any(|(a, _)| {
                            ["ecs:RunTask", "ecs:StartTask"]
                                .iter()
                                .any(|run| wildcard::matches(a, run, true))
                        })
                });
                let resources = s.resource.as_ref().filter(|r| runs && !r.negated)?;
                resources.items.iter().find_map(|item| {
                    role_bearing
                        .iter()
                        .find(|t| runs_task_definition(item, t))
                        .map(|t| format!("it may run `{}`, which has roles", t.address))
                })
            })
        }
    }
}

/// Whether a resource item names task definition `task`: by reference, family or ARN, or by
/// an ARN pattern over task definitions (`…:task-definition/job:*`). A bare `*` names no
/// task definition in particular.
fn runs_task_definition(item: &Item, task: &Resource) -> bool {
    if names_task_definition(&item.to_value(), task) {
        return true;
    }
    let (Some(text), Some(family)) = (
        item.known(),
        task.attribute("family").and_then(|f| f.as_known_str()),
    ) else {
        return false;
    };
    let Some((_, named)) = text.split_once(":task-definition/") else {
        return false;
    };
    let unrevised = match named.rsplit_once(':') {
        Some((name, revision))
            if revision == "*" || revision.bytes().all(|b| b.is_ascii_digit()) =>
        {
            name
        }
        _ => named,
    };
    wildcard::matches(unrevised, family, false)
}

fn allow_statements<'s>(subject: &'s Subject<'s>) -> impl Iterator<Item = &'s Statement> + 's {
    subject
        .policies
        .iter()
        .filter_map(|s| match s {
            Source::Document(doc) => Some(doc.statements.iter()),
            Source::Unread(_) => None,
        })
        .flatten()
        .filter(|s| s.is_allow())
}

/// `None` when the principal may (or may, for all iamlint can tell) pass some role to
/// `service`; else the statements that allow `iam:PassRole` but do not fit, and why.
fn cannot_pass<'l>(
    links: &'l Links,
    principal: usize,
    subject: &Subject,
    service: &str,
) -> Option<Vec<(&'l str, Option<Location>, String)>> {
    let mut misfits = Vec::new();
    for held in links.effective(principal) {
        let Source::Document(doc) = held.source() else {
            return None;
        };
        for s in doc.statements.iter().filter(|s| s.is_allow()) {
            let Some(actions) = &s.action else { continue };
            let passes = if actions.negated {
                !actions.items.iter().any(|i| {
                    i.known()
                        .is_none_or(|p| wildcard::matches(p, "iam:PassRole", true))
                })
            } else {
                actions.unknown.is_some()
                    || actions.items.iter().any(|i| {
                        i.known()
                            .is_none_or(|p| wildcard::matches(p, "iam:PassRole", true))
                    })
            };
            if !passes {
                continue;
            }
            let Some(resources) = s
                .resource
                .as_ref()
                .filter(|r| !r.negated && r.unknown.is_none())
            else {
                return None; // NotResource, or resources unknown: may pass anything
            };
            // Why each resource does not fit: passing to this service is denied there (another
            // `iam:PassedToService`, a Deny, the boundary), or it is a role of the configuration
            // the service may not assume. One that fits ends the question.
            let mut unwearable = Vec::new();
            for item in &resources.items {
                if subject.allows_passing(&request_text(item), service).access == Access::Denied {
                    continue;
                }
                match role_it_names(links, item) {
                    // At the statement's `Resource`: the role's ARN is located at the role.
                    Some(role) if not_wearable(links, role, service) => {
                        unwearable.push((resources.key.loc.or(s.loc), role));
                    }
                    _ => return None,
                }
            }
            if unwearable.is_empty() {
                misfits.push((
                    held.via,
                    actions.loc.or(s.loc),
                    format!("allows iam:PassRole here, but not to `{service}`"),
                ));
            }
            for (at, role) in unwearable {
                misfits.push((
                    held.via,
                    at,
                    format!(
                        "allows iam:PassRole on `{}` here, which `{service}` may not assume",
                        links.principals[role].resource.address
                    ),
                ));
            }
        }
    }
    Some(misfits)
}

/// The role of the configuration a resource item names exactly (no wildcard), if one.
fn role_it_names(links: &Links, item: &Item) -> Option<usize> {
    if item.known().is_some_and(|t| t.contains(['*', '?'])) {
        return None;
    }
    match links.named(PrincipalType::Role, &item.to_value())[..] {
        [one] => Some(one),
        _ => None,
    }
}

/// Whether the role's trust surely does not admit `service`.
fn not_wearable(links: &Links, role: usize, service: &str) -> bool {
    links.principals[role]
        .trust
        .and_then(|t| t.document())
        .is_some_and(|doc| admits_service(doc, service) == Admits::No)
}

/// The roles of the configuration whose trust admits `service`.
fn wearable_roles(links: &Links, service: &str) -> Vec<usize> {
    links
        .principals
        .iter()
        .enumerate()
        .filter(|(_, p)| p.ty == PrincipalType::Role)
        .filter(|(_, p)| {
            p.trust
                .and_then(|t| t.document())
                .is_some_and(|doc| admits_service(doc, service) == Admits::Yes)
        })
        .map(|(i, _)| i)
        .collect()
}

/// A resource item as a request names it: unknown parts match anything.
fn request_text(item: &Item) -> String {
    match &item.text {
        ItemText::Known(t) => t.clone(),
        ItemText::Partial(s) => s.text.clone(),
        ItemText::Unknown(_) => Str::UNKNOWN_MARK.to_string(),
    }
}
