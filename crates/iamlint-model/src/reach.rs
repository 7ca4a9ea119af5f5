//! Who may become whom: which principals may assume or pass which roles, each relation with
//! the places that prove it, and which principals are administrators. The typed model that
//! rules ask ([`crate::capability`] for what one principal may do, this for what it may reach)
//! and that [`crate::graph`] draws.
//!
//! Relations are never all pairs: a principal is asked only about the roles whose trust could
//! admit it, roles that fit its statements alike are asked once ([`crate::role_sets`]), and
//! many roles reached alike are one [`RoleSet`], listed once however many principals reach it.

use std::collections::BTreeMap;
use std::collections::HashMap;

use crate::access::{Access, Decision, Request, Source, Subject};
use crate::capability::{Capabilities, can_be_admin};
use crate::links::{HeldPolicy, IamPrincipal, Links, PrincipalType, holding, same};
use crate::policy::{PolicyDocument, Principal, PrincipalBlock, PrincipalKind, Statement};
use crate::role_sets::{AGGREGATE, Groupings, RoleRef, SetNames, TrustIndex, name_key};
use crate::source::Location;
use crate::trust::services;
use crate::value::{Data, Value};

/// What a relation says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// The role's trust admits the principal (label: how) and, unless it names the principal
    /// itself, the principal's policies allow `sts:AssumeRole` on it.
    MayAssume,
    /// The principal's policies allow `iam:PassRole` on the role (label: the services it may
    /// be passed to, when `iam:PassedToService` limits them).
    MayPass,
}

/// What a relation reaches: one principal, or a set of roles reached alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// An index into [`Links::principals`].
    Principal(usize),
    /// An index into [`Reach::sets`].
    Set(usize),
}

/// One relation of a principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The principal (an index into [`Links::principals`]).
    pub from: usize,
    pub to: Target,
    pub relation: Relation,
    /// How: `account root`, `named in trust`, `anyone` for may-assume; `to <service>` for a
    /// pass limited by `iam:PassedToService`; empty otherwise.
    pub label: String,
    /// The statements that allow it and the trust principal that admits it.
    pub at: Vec<Location>,
}

/// Roles that many principals reach alike ("every role", "roles matching …", "roles trusting
/// account root").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleSet {
    /// Its name, numbered when two sets would share one.
    pub id: String,
    /// The roles (indices into [`Links::principals`]), each with the trust principal that
    /// makes it a member, if any.
    pub members: Vec<(usize, Option<Location>)>,
}

/// The relations of every principal of a model, and who is an administrator.
#[derive(Clone, Debug, Default)]
pub struct Reach {
    /// In principal order.
    pub edges: Vec<Edge>,
    pub sets: Vec<RoleSet>,
    /// Per principal: allowed every action on every resource ([`crate::capability`]).
    pub admin: Vec<bool>,
}

impl Reach {
    pub fn build(links: &Links) -> Reach {
        let mut out = Reach::default();
        let mut principal_of = Vec::new();
        let roles: Vec<RoleRef> = links
            .principals
            .iter()
            .enumerate()
            .filter(|(_, p)| p.ty == PrincipalType::Role)
            .map(|(i, p)| {
                principal_of.push(i);
                RoleRef {
                    role: p,
                    arn: match p.resource.attribute("arn").map(|v| &v.data) {
                        Some(Data::String(s)) => Some(s),
                        _ => None,
                    },
                }
            })
            .collect();
        // Each role's trust, read once, and indexed by how it admits principals.
        let trusts: Vec<Trust> = roles.iter().map(|r| Trust::of(r.role)).collect();
        let mut asking = Asking {
            roles: &roles,
            principal_of,
            index: trust_index(&trusts),
            trusts,
            groupings: Groupings::new(&roles),
            sets: SetNames::default(),
            with_arn: roles.iter().filter(|r| r.arn.is_some()).count(),
        };
        let mut capabilities = Capabilities::default();
        for (i, p) in links.principals.iter().enumerate() {
            let subject = links.subject(i);
            // Every action on every resource, all policies, Denies and the boundary counted.
            out.admin
                .push(can_be_admin(&subject) && capabilities.of(&subject).is_admin());
            // A group makes no calls: its members do, with its policies among theirs.
            if p.ty == PrincipalType::Group {
                continue;
            }
            let held: Vec<&HeldPolicy> = links.effective(i).collect();
            // Most principals grant neither action: they need not be asked about any role.
            if may_grant(&subject, "iam:PassRole") {
                asking.may_pass(&mut out, i, p, (&subject, &held));
            }
            let caller = Caller {
                assumes: may_grant(&subject, "sts:AssumeRole"),
                account: p.resource.attribute("arn").and_then(account_of),
            };
            asking.may_assume(&mut out, i, p, (&subject, &held), &caller);
        }
        out
    }

    /// The relations of principal `from`.
    pub fn from(&self, from: usize) -> impl Iterator<Item = &Edge> {
        let start = self.edges.partition_point(|e| e.from < from);
        self.edges[start..]
            .iter()
            .take_while(move |e| e.from == from)
    }

    /// The principals an edge reaches, each with the place that proves it belongs to a set.
    pub fn targets(&self, edge: &Edge) -> Vec<(usize, Option<Location>)> {
        match edge.to {
            Target::Principal(p) => vec![(p, None)],
            Target::Set(s) => self.sets[s].members.clone(),
        }
    }
}

/// What the evaluator asks of a principal: its subject, and the policies it holds (for where
/// their statements are given).
type Asked<'a, 'm> = (&'a Subject<'a>, &'a [&'a HeldPolicy<'m>]);

/// Roles reached (indices into the role list), each with the place that proves it belongs
/// (its trust's principal), if any.
type Members = Vec<(usize, Option<Location>)>;

/// What asking principals about roles shares: the roles, their trusts and the index on them,
/// the groupings of roles by fit, and the sets named.
struct Asking<'r, 'm> {
    roles: &'r [RoleRef<'m>],
    /// Each role's index among the principals.
    principal_of: Vec<usize>,
    trusts: Vec<Trust>,
    index: TrustIndex,
    groupings: Groupings<'r, 'm>,
    sets: SetNames,
    /// How many roles have an ARN to ask about: a group of all of them is "every role".
    with_arn: usize,
}

impl Asking<'_, '_> {
    /// `p` may pass roles: to any service, or to those of each role's trusted services that
    /// `iam:PassedToService` allows. Roles that fit `p`'s statements alike are asked once.
    fn may_pass(&mut self, out: &mut Reach, from: usize, p: &IamPrincipal, asked: Asked) {
        let (subject, held) = asked;
        let (items, grouping) = self.groupings.of("iam:PassRole", subject);
        for group in &grouping.groups {
            let Some(arn) = self.roles[group.roles[0]].arn else {
                continue;
            };
            let anywhere = subject.allows(Request::new("iam:PassRole", &arn.text));
            if anywhere.access == Access::Allowed {
                let at = statement_places(&anywhere, held);
                let name = if group.roles.len() == self.with_arn {
                    "every role".to_string()
                } else {
                    format!(
                        "roles matching {}",
                        items.fitting(&group.signature).join(" or ")
                    )
                };
                // The statements prove it; a set's members are where the roles are defined.
                let members: Members = group.roles.iter().map(|&r| (r, None)).collect();
                self.reach(
                    out,
                    from,
                    p,
                    &members,
                    &name,
                    Relation::MayPass,
                    String::new(),
                    at,
                );
                continue;
            }
            // Only a condition can turn "maybe" into "yes" for a service; "no" stays "no".
            if anywhere.access != Access::Maybe {
                continue;
            }
            // The decision for a service is the group's: asked once per service.
            let mut by_service: HashMap<&str, Option<Vec<Location>>> = HashMap::new();
            for &r in &group.roles {
                let role = self.roles[r].role;
                if std::ptr::eq(role, p) {
                    continue;
                }
                let mut to = Vec::new();
                let mut at = Vec::new();
                for service in self.trusts[r].services.iter().map(String::as_str) {
                    let allowed = by_service.entry(service).or_insert_with(|| {
                        let d = subject.allows_passing(&arn.text, service);
                        (d.access == Access::Allowed).then(|| statement_places(&d, held))
                    });
                    if let Some(places) = allowed {
                        to.push(service);
                        at.extend(places.iter().copied());
                    }
                }
                if !to.is_empty() {
                    at.sort();
                    at.dedup();
                    out.edges.push(Edge {
                        from,
                        to: Target::Principal(self.principal_of[r]),
                        relation: Relation::MayPass,
                        label: format!("to {}", to.join(", ")),
                        at,
                    });
                }
            }
        }
    }

    /// `p` may assume roles: their trust admits `p`, and unless it names `p` itself, `p`'s
    /// policies allow `sts:AssumeRole` on them. An explicit Deny stops it either way. Only the
    /// roles whose trust could admit `p` are looked at.
    fn may_assume(
        &mut self,
        out: &mut Reach,
        from: usize,
        p: &IamPrincipal,
        asked: Asked,
        caller: &Caller,
    ) {
        let (subject, held) = asked;
        let Some(own) = p.resource.attribute("arn") else {
            return;
        };
        let candidates = self
            .index
            .candidates(Some(own), caller.account, caller.assumes);
        if candidates.is_empty() {
            return;
        }
        let (_, grouping) = self.groupings.of("sts:AssumeRole", subject);
        // By how the trust admits `p` and by fit: each such group gets one decision.
        let mut reached: BTreeMap<(&'static str, Option<usize>), Members> = BTreeMap::new();
        for r in candidates {
            let Some((how, trusted_at)) = self.trusts[r].admits(p, caller.account) else {
                continue;
            };
            if how != NAMED && !caller.assumes {
                continue;
            }
            reached
                .entry((how, grouping.of_role[r]))
                .or_default()
                .push((r, Some(trusted_at)));
        }
        for ((how, _), members) in reached {
            let arn = self.roles[members[0].0]
                .arn
                .map_or("*", |a| a.text.as_str());
            let d = subject.allows(Request::new("sts:AssumeRole", arn));
            let denied_explicitly = d.access == Access::Denied && !d.statements.is_empty();
            let needs_permission = how != NAMED;
            if denied_explicitly || (needs_permission && d.access == Access::Denied) {
                continue;
            }
            let at = statement_places(&d, held);
            let name = match how {
                NAMED => format!("roles that name {}", p.resource.address),
                how => format!("roles trusting {how}"),
            };
            self.reach(
                out,
                from,
                p,
                &members,
                &name,
                Relation::MayAssume,
                how.to_string(),
                at,
            );
        }
    }

    /// Edges from `p` to `members` (roles, each with the place that proves it belongs): one
    /// to a set standing for them when there are many, else one per role but `p` itself. `at`
    /// proves the edge itself.
    #[allow(clippy::too_many_arguments)]
    fn reach(
        &mut self,
        out: &mut Reach,
        from: usize,
        p: &IamPrincipal,
        members: &[(usize, Option<Location>)],
        name: &str,
        relation: Relation,
        label: String,
        at: Vec<Location>,
    ) {
        if members.len() <= AGGREGATE {
            for &(r, proof) in members {
                if std::ptr::eq(self.roles[r].role, p) {
                    continue;
                }
                let mut places: Vec<Location> = proof.into_iter().collect();
                places.extend(at.iter().copied());
                out.edges.push(Edge {
                    from,
                    to: Target::Principal(self.principal_of[r]),
                    relation,
                    label: label.clone(),
                    at: places,
                });
            }
            return;
        }
        let ids: Vec<usize> = members.iter().map(|&(r, _)| r).collect();
        let (id, new) = self.sets.id(name, &ids);
        if new {
            out.sets.push(RoleSet {
                id: id.clone(),
                members: members
                    .iter()
                    .map(|&(r, proof)| (self.principal_of[r], proof))
                    .collect(),
            });
        }
        let set = out
            .sets
            .iter()
            .rposition(|s| s.id == id)
            .expect("the set was recorded when first named");
        // A set reached by name alone is proven by its members' trust.
        let at = if at.is_empty() {
            members
                .iter()
                .filter_map(|&(_, proof)| proof)
                .take(1)
                .collect()
        } else {
            at
        };
        out.edges.push(Edge {
            from,
            to: Target::Set(set),
            relation,
            label,
            at,
        });
    }
}

/// The roles' trusts indexed by how they admit principals.
fn trust_index(trusts: &[Trust]) -> TrustIndex {
    let mut index = TrustIndex::default();
    for (r, t) in trusts.iter().enumerate() {
        for trustee in &t.trustees {
            if trustee.wildcard {
                index.anyone.push(r);
            } else if let Some(root) = &trustee.root_of {
                index.by_root.entry(root.clone()).or_default().push(r);
            } else {
                match name_key(&trustee.value) {
                    Some(key) => index.by_name.entry(key).or_default().push(r),
                    None => index.unkeyed.push(r),
                }
            }
        }
    }
    index
}

/// Where a trust statement names a principal: the item, when it is written in the statement
/// (not a reference whose value was written elsewhere), else the `Principal` block.
pub(crate) fn principal_place(
    q: &Principal,
    block: &PrincipalBlock,
    s: &Statement,
) -> Option<Location> {
    let inside = |l: Location| {
        s.loc
            .is_some_and(|o| o.file == l.file && o.start <= l.start && l.end <= o.end)
    };
    q.item.loc.filter(|&l| inside(l)).or(block.loc).or(s.loc)
}

/// A trust policy that names the principal itself: no permission of its own is needed.
const NAMED: &str = "named in trust";

/// What a role's trust policy says, read once: the services it admits, and the other
/// principals its Allow statements name, with where.
#[derive(Default)]
struct Trust {
    services: Vec<String>,
    trustees: Vec<Trustee>,
}

struct Trustee {
    value: Value,
    wildcard: bool,
    /// The account whose root it is (`arn:aws:iam::<account>:root`, or the bare account id).
    root_of: Option<String>,
    at: Option<Location>,
}

impl Trust {
    fn of(role: &IamPrincipal) -> Trust {
        let Some(doc) = role.trust.and_then(|t| t.document()) else {
            return Trust::default();
        };
        let mut trustees = Vec::new();
        for (s, block, q) in
            allowed_principals(doc).filter(|(_, _, q)| q.kind != PrincipalKind::Service)
        {
            let value = q.item.to_value();
            let root_of = (q.kind == PrincipalKind::Aws)
                .then(|| root_account(&value))
                .flatten()
                .map(str::to_string);
            trustees.push(Trustee {
                value,
                wildcard: q.is_wildcard(),
                root_of,
                at: principal_place(q, block, s),
            });
        }
        Trust {
            services: services(doc).into_iter().map(str::to_string).collect(),
            trustees,
        }
    }

    /// How it admits principal `p`: by its ARN, by its account's root, or anyone; with where
    /// it says so. Naming the principal itself wins: it needs no permission of its own.
    fn admits(&self, p: &IamPrincipal, account: Option<&str>) -> Option<(&'static str, Location)> {
        if self.trustees.is_empty() {
            return None;
        }
        let own = p.resource.attribute("arn")?;
        let mut found: Option<(&'static str, Location)> = None;
        for t in &self.trustees {
            let how = if t.wildcard {
                "anyone"
            } else if let Some(root) = &t.root_of {
                // The configuration's own account, which iamlint cannot know, and the caller
                // identity's are both unknown: they count as the same.
                if account != Some(root.as_str()) {
                    continue;
                }
                "account root"
            } else if same(&t.value, own) {
                NAMED
            } else {
                continue;
            };
            if let Some(at) = t.at
                && found.is_none_or(|(h, _)| h != NAMED)
            {
                found = Some((how, at));
            }
        }
        found
    }
}

/// What is asked of a principal about every role, worked out once.
struct Caller<'a> {
    /// Whether its policies could grant `sts:AssumeRole` at all ([`may_grant`]).
    assumes: bool,
    /// Its account, from its ARN (unknown: the mark).
    account: Option<&'a str>,
}

/// The account of an ARN (`arn:aws:iam::<account>:user/x`); an unknown one is its mark.
fn account_of(arn: &Value) -> Option<&str> {
    arn.as_str()?
        .text
        .split(':')
        .nth(4)
        .filter(|a| !a.is_empty())
}

/// The account a principal is the root of: `arn:aws:iam::<account>:root`, or the bare
/// account id (or an unknown standing for one).
fn root_account(principal: &Value) -> Option<&str> {
    let text = &principal.as_str()?.text;
    let account = match text.strip_suffix(":root") {
        Some(root) => root.split(':').nth(4)?,
        None if !text.contains(':') && !text.contains('/') => text.as_str(),
        None => return None,
    };
    (!account.is_empty() && account != "*").then_some(account)
}

/// Whether any Allow statement of the subject could grant `action`: it names it (a pattern
/// counts), leaves it out of a `NotAction`, or cannot be read.
fn may_grant(subject: &Subject, action: &str) -> bool {
    subject.policies.iter().any(|source| match source {
        Source::Unread(_) => true,
        Source::Document(doc) => {
            doc.statements_unknown.is_some()
                || doc
                    .statements
                    .iter()
                    .filter(|s| s.is_allow() || s.effect().is_none())
                    .any(|s| {
                        s.action.as_ref().is_none_or(|a| {
                            a.negated
                                || a.unknown.is_some()
                                || a.items.iter().any(|i| {
                                    i.known()
                                        .is_none_or(|p| crate::wildcard::matches(p, action, true))
                                })
                        })
                    })
        }
    })
}

/// Where the statements that decided are written; for a statement of a policy outside the
/// tree (AWS-managed), where the principal is given that policy.
fn statement_places(d: &Decision, held: &[&HeldPolicy]) -> Vec<Location> {
    let mut at: Vec<Location> = d
        .statements
        .iter()
        .filter_map(|&s| {
            s.loc
                .or_else(|| holding(held.iter().copied(), s).and_then(|h| h.loc))
        })
        .collect();
    at.sort();
    at.dedup();
    at
}

/// The principals the Allow statements of a trust policy name (not through `NotPrincipal`),
/// each with its statement and block.
pub(crate) fn allowed_principals(
    doc: &PolicyDocument,
) -> impl Iterator<Item = (&Statement, &PrincipalBlock, &Principal)> {
    doc.statements
        .iter()
        .filter(|s| s.is_allow())
        .filter_map(|s| Some((s, s.principal.as_ref().filter(|b| !b.negated)?)))
        .flat_map(|(s, block)| block.principals.iter().map(move |q| (s, block, q)))
}

#[cfg(test)]
mod tests {
    use super::{account_of, root_account};
    use crate::value::Value;

    #[test]
    fn roots_and_accounts() {
        let v = |s: &str| Value::string(s, None);
        assert_eq!(
            root_account(&v("arn:aws:iam::123456789012:root")),
            Some("123456789012")
        );
        assert_eq!(root_account(&v("123456789012")), Some("123456789012"));
        assert_eq!(root_account(&v("arn:aws:iam::123456789012:user/a")), None);
        assert_eq!(root_account(&v("*")), None);
        assert_eq!(
            account_of(&v("arn:aws:iam::123456789012:user/a")),
            Some("123456789012")
        );
        assert_eq!(account_of(&v("arn:aws:s3:::bucket")), None);
    }
}
