//! Principals that may launch something that runs with a role (a CI deployer creating Lambda
//! functions, CodeBuild projects, EC2 instances with a profile) but may pass no role to the
//! service that would wear it: every such launch fails with AccessDenied on `iam:PassRole`.
//!
//! The actions, the service each hands its role to and whether a role always goes along are
//! data ([`iamlint_model::role_passing`]). A principal is judged on everything it holds, Deny
//! and boundary counted, and only on a definite answer: a policy iamlint cannot read keeps it
//! silent.

use std::collections::{HashMap, HashSet};

use iamlint_model::access::{Access, Request, Source, Subject};
use iamlint_model::links::{HeldPolicy, Links, PrincipalType, Wearing, holding};
use iamlint_model::model::Resource;
use iamlint_model::policy::{ElementList, Item, ItemText, Statement};
use iamlint_model::resource_arns;
use iamlint_model::role_passing::{self, Evidence, RolePassing};
use iamlint_model::trust::{Admits, admits_service, same_service};
use iamlint_model::wildcard::{self, Token};
use iamlint_model::{Data, Location, Model, Str};

use crate::rules::correctness::missing_pass_role::names_task_definition;

/// A statement that allows `iam:PassRole` but not what a launch needs: the resource that
/// gives it, where, and why.
pub(crate) type Misfit<'l> = (&'l str, Option<Location>, String);

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
    pub misfits: Vec<Misfit<'l>>,
    /// Roles of the configuration the service may wear: what to allow passing.
    pub wearable: Vec<usize>,
}

/// A launch of a resource of the configuration (named by the statement that allows it) whose
/// role the principal may not pass, though it may pass others.
pub(crate) struct Tied<'l> {
    pub principal: usize,
    pub passing: &'static RolePassing,
    pub via: &'l str,
    /// Where the statement names the launched resource.
    pub at: Option<Location>,
    /// The launched resource and the role it wears (an index into [`Links::principals`]).
    pub wearer: &'l Resource,
    pub role: usize,
}

/// What the principals of the configuration cannot launch for want of `iam:PassRole`.
#[derive(Default)]
pub(crate) struct Gaps<'l> {
    pub stranded: Vec<Stranded<'l>>,
    pub tied: Vec<Tied<'l>>,
    /// Principals that may launch but hold a policy (or boundary) iamlint could not read,
    /// which may pass the role: not judged.
    pub unjudged: Vec<Unjudged<'l>>,
}

/// A launcher left unjudged: its first launching action, and the policy that could not be read.
pub(crate) struct Unjudged<'l> {
    pub principal: usize,
    pub action: &'static str,
    pub unread: &'l HeldPolicy<'l>,
}

impl<'l> Gaps<'l> {
    fn tie(
        &mut self,
        principal: usize,
        passing: &'static RolePassing,
        via: &'l str,
        found: Vec<(Option<Location>, &'l Resource, usize)>,
    ) {
        for (at, wearer, role) in found {
            self.tied.push(Tied {
                principal,
                passing,
                via,
                at,
                wearer,
                role,
            });
        }
    }
}

/// Every principal's stranded launches, each statement, action and holding resource once (a
/// group's policy counts once, not once per member), and the launches of resources the
/// configuration ties to a role the launcher may not pass.
pub(crate) fn gaps<'l>(links: &'l Links, model: &'l Model, tasks: &[&Resource]) -> Gaps<'l> {
    let wearings = links.wearings(model);
    let mut seen: HashSet<(Option<Location>, &str, &str)> = HashSet::new();
    let mut gaps = Gaps::default();
    for (principal, p) in links.principals.iter().enumerate() {
        if p.ty == PrincipalType::Group {
            continue; // judged through its members, with their own policies and boundary
        }
        let subject = links.subject(principal);
        // A policy iamlint cannot read may pass the role: no definite answer, and a coverage
        // note that says so when the principal may launch at all.
        let unread = links
            .effective(principal)
            .chain(&p.boundary)
            .find(|h| matches!(h.source(), Source::Unread(_)));
        if let Some(unread) = unread {
            // Whether the launch itself is allowed is open too (the unread policy may deny
            // it): a statement that names it is enough to say so.
            let launching = role_passing::all().iter().find(|passing| {
                allow_statements(&subject).any(|s| launching_item(s, passing.action).is_some())
            });
            if let Some(passing) = launching {
                gaps.unjudged.push(Unjudged {
                    principal,
                    action: passing.action,
                    unread,
                });
            }
            continue;
        }
        // Whether the principal may pass a role to a service, once per service: several
        // actions hand their roles to the same one (seven SageMaker actions).
        let mut to_service: HashMap<&str, Option<Vec<Misfit>>> = HashMap::new();
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
            // An action that passes the role a launched resource already has only when asked
            // to (a stack's role) is judged on the resources its statement names.
            if passing.evidence == Evidence::Tied {
                let found = tied(links, &wearings, &subject, passing);
                gaps.tie(principal, passing, via, found);
                continue;
            }
            let Some(evidence) = launches_with_roles(links, &subject, passing, tasks) else {
                continue;
            };
            let misfits = to_service
                .entry(passing.service)
                .or_insert_with(|| cannot_pass(links, principal, &subject, passing.service))
                .clone();
            let Some(misfits) = misfits else {
                let found = tied(links, &wearings, &subject, passing);
                gaps.tie(principal, passing, via, found);
                continue;
            };
            // One finding per principal, policy and service: the other actions are related.
            if let Some(first) = gaps.stranded.iter_mut().find(|s: &&mut Stranded| {
                s.principal == principal && s.via == via && s.passing.service == passing.service
            }) {
                first
                    .also
                    .push((passing.action, item.loc.or(statement.loc)));
                continue;
            }
            gaps.stranded.push(Stranded {
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
    gaps
}

/// The resources of the configuration that wear a role `passing.service` receives, which an
/// Allow statement of `passing.action` names (by reference, or by a pattern that is more than
/// a wildcard over every name), and whose role the principal may not pass: where each is
/// named, the resource and its role.
fn tied<'m>(
    links: &Links,
    wearings: &[Wearing<'m>],
    subject: &Subject,
    passing: &RolePassing,
) -> Vec<(Option<Location>, &'m Resource, usize)> {
    let mut out = Vec::new();
    for s in allow_statements(subject) {
        let grants = launching_item(s, passing.action).is_some();
        let Some(resources) = s.resource.as_ref().filter(|r| grants && !r.negated) else {
            continue;
        };
        for item in &resource_items(resources) {
            for w in wearings
                .iter()
                .filter(|w| same_service(w.wearer.service, passing.service))
                .filter(|w| names_resource(item, w.resource))
            {
                let Some(Data::String(arn)) = links.principals[w.role]
                    .resource
                    .attribute("arn")
                    .map(|v| &v.data)
                else {
                    continue;
                };
                let denied =
                    subject.allows_passing(&arn.text, passing.service).access == Access::Denied;
                let known = out.iter().any(|(_, r, role): &(_, &Resource, _)| {
                    r.address == w.resource.address && *role == w.role
                });
                if denied && !known {
                    out.push((item.loc.or(s.loc), w.resource, w.role));
                }
            }
        }
    }
    out
}

/// A statement's resource items, the whole list as one item when it is a single unknown
/// (`Resource = aws_lambda_function.api.arn`).
fn resource_items(list: &ElementList) -> Vec<Item> {
    let mut items = list.items.clone();
    if let Some(u) = &list.unknown {
        items.push(Item {
            text: ItemText::Unknown(u.clone()),
            loc: list.loc,
        });
    }
    items
}

/// Whether a statement's resource item names resource `r`: a reference to one of its
/// attributes, or a pattern over ARNs that may match its ARN and names more than "every".
fn names_resource(item: &Item, r: &Resource) -> bool {
    let refers = |origin: &str| {
        origin
            .strip_prefix(r.address.as_str())
            .is_some_and(|rest| rest.starts_with('.'))
    };
    match &item.text {
        ItemText::Unknown(u) => refers(&u.origin),
        ItemText::Partial(s) if s.unknowns.iter().any(|u| refers(&u.origin)) => true,
        _ => {
            let pattern = request_text(item);
            if names_every(&pattern) {
                return false;
            }
            // The ARN's unknown parts (region, account, a generated id) are one segment each.
            let arn: Vec<Token> = wildcard::tokens(&resource_arns::arn(r))
                .into_iter()
                .map(|t| match t {
                    Token::Char(Str::UNKNOWN_MARK) => Token::Segment,
                    t => t,
                })
                .collect();
            arn != [Token::Segment]
                && wildcard::overlap(
                    &wildcard::tokens(&pattern.replace(Str::UNKNOWN_MARK, "*")),
                    &arn,
                    false,
                )
        }
    }
}

/// Whether an ARN pattern names every resource of its type (`*`, `…:function:*`,
/// `…:stack/*`) rather than some (`…:function:app-*`, `…:stack/network/*`).
fn names_every(pattern: &str) -> bool {
    let Some(resource) = pattern.splitn(6, ':').nth(5) else {
        return true;
    };
    let name = resource
        .split_once(['/', ':'])
        .map_or(resource, |(_, name)| name);
    name.chars()
        .all(|c| c == '*' || c == '?' || c == '/' || c == ':')
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
                let item = launching_item(s, action)?;
                // On the resource it names; one known only after apply is any resource.
                let resource = match s.resource.as_ref().filter(|r| !r.negated) {
                    Some(r) if r.unknown.is_some() && r.items.is_empty() => {
                        Str::UNKNOWN_MARK.to_string()
                    }
                    r => r
                        .and_then(|r| r.items.first())
                        .map_or_else(|| "*".to_string(), request_text),
                };
                // A resource known only after apply leaves the answer open only as to which
                // resource: with no condition, the statement does grant the launch.
                let access = subject.allows(Request::new(action, &resource)).access;
                let on_unknown = s.resource.as_ref().is_some_and(|r| r.unknown.is_some())
                    && crate::context::unconditioned(s);
                let allowed = access == Access::Allowed || (access == Access::Maybe && on_unknown);
                allowed.then_some((s, item))
            })
    })
}

/// The `Action` item of an Allow statement that grants `action` by name or by a verb pattern
/// (`lambda:Create*`). `lambda:*` or `*` says nothing of launching: its holder gets the
/// broad-grant findings instead.
fn launching_item<'s>(s: &'s Statement, action: &str) -> Option<&'s Item> {
    let list = s.action.as_ref().filter(|a| !a.negated && s.is_allow())?;
    list.known_items()
        .filter(|(p, _)| !p.ends_with(":*") && *p != "*")
        .find(|(p, _)| wildcard::matches(p, action, true))
        .map(|(_, item)| item)
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
        Evidence::Unjudged | Evidence::Tied => None,
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
                resource_items(resources).iter().find_map(|item| {
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
) -> Option<Vec<Misfit<'l>>> {
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
