//! The IAM graph for people: who wears which role, who may assume or pass it, which policies
//! each principal holds, and which principals are administrators. Built from [`Links`] and the
//! wearer table; rendered by the binary as DOT, Mermaid or JSON.

use std::collections::{BTreeMap, HashMap};

use crate::access::{Access, Decision, Request, Source, Subject};
use crate::capability::Capabilities;
use crate::catalog::Catalog;
use crate::links::{Held, HeldPolicy, IamPrincipal, Links, PrincipalType, same};
use crate::model::Model;
use crate::policy::{PolicyDocument, Principal, PrincipalBlock, PrincipalKind, Statement};
use crate::role_sets::{AGGREGATE, Groupings, RoleRef, SetNames, TrustIndex, name_key};
use crate::source::Location;
use crate::trust::{Admits, admits_service, services};
use crate::value::{Data, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    User,
    Group,
    Role,
    Policy,
    ManagedPolicy,
    InstanceProfile,
    Wearer,
    /// A service principal a trust policy admits (`ecs-tasks.amazonaws.com`).
    Service,
    /// Roles that many principals reach alike ("every role", "roles matching …"), drawn once
    /// with their members (see [`crate::role_sets`]).
    RoleSet,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::User => "user",
            NodeKind::Group => "group",
            NodeKind::Role => "role",
            NodeKind::Policy => "policy",
            NodeKind::ManagedPolicy => "aws-managed-policy",
            NodeKind::InstanceProfile => "instance-profile",
            NodeKind::Wearer => "wearer",
            NodeKind::Service => "service",
            NodeKind::RoleSet => "role-set",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Node {
    /// The Terraform address (or the AWS-managed policy's ARN, or the service principal).
    pub id: String,
    pub kind: NodeKind,
    /// The module instance it is in (`module.a["x"]`), empty for the root module.
    pub module: String,
    /// Allowed every action on every resource, all of its policies, Denies and boundary
    /// counted ([`crate::capability`]).
    pub admin: bool,
    /// What a principal's policies let it do at most: `admin`, `write` (write or permissions
    /// management actions), `read` (read or list), or empty.
    pub access: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// A policy is attached to a principal (label: `inline` or `attached`).
    AttachedTo,
    /// A policy caps a principal as its permissions boundary.
    BoundedBy,
    MemberOf,
    /// A role is in an instance profile.
    InProfile,
    /// A resource runs as a role, or as an instance profile's (label: the service principal).
    Wears,
    /// A principal may assume a role: the trust policy admits it (label: how) and, unless it
    /// names the principal itself, its policies allow `sts:AssumeRole`; a service needs only
    /// the trust.
    MayAssume,
    /// A principal's policies allow `iam:PassRole` on a role (label: the services it may be
    /// passed to, when `iam:PassedToService` limits them).
    MayPass,
    /// A set of roles holds a role.
    Includes,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::AttachedTo => "attached-to",
            EdgeKind::BoundedBy => "bounded-by",
            EdgeKind::MemberOf => "member-of",
            EdgeKind::InProfile => "in-profile",
            EdgeKind::Wears => "wears",
            EdgeKind::MayAssume => "may-assume",
            EdgeKind::MayPass => "may-pass",
            EdgeKind::Includes => "includes",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    pub label: String,
    /// The places that prove it: the attachment, the membership, the wearing attribute, the
    /// trust principal and the allowing statements.
    pub at: Vec<Location>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// The module instance part of an address: everything before the last `type.name`.
fn module_of(address: &str) -> String {
    let mut module = String::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let name_end = after.find(['.', '[']).unwrap_or(after.len());
        let mut end = name_end;
        if after[name_end..].starts_with('[') {
            end += after[name_end..].find("].").map_or(0, |i| i + 1);
        }
        if !module.is_empty() {
            module.push('.');
        }
        module.push_str("module.");
        module.push_str(&after[..end]);
        rest = after[end..].strip_prefix('.').unwrap_or("");
    }
    module
}

/// What a principal's readable Allow statements grant, for people: `write` when at least one
/// in twenty of the actions is a write or permissions-management action (AWS files a few
/// actions of read-only policies under Write: ReadOnlyAccess is still `read`), `read` when it
/// grants anything else, or nothing.
fn access_level(subject: &Subject) -> &'static str {
    let catalog = Catalog::get();
    // Each action once, by identity, with whether it writes.
    let mut granted: Vec<(*const crate::catalog::Action, bool)> = Vec::new();
    for source in &subject.policies {
        let Source::Document(doc) = source else {
            continue;
        };
        let patterns = doc
            .statements
            .iter()
            .filter(|s| s.is_allow())
            .filter_map(|s| s.action.as_ref().filter(|a| !a.negated))
            .flat_map(|a| a.known_items());
        for (pattern, _) in patterns {
            for action in catalog.expand(pattern) {
                granted.push((action, action.access.is_write()));
            }
        }
    }
    granted.sort_unstable();
    granted.dedup();
    let writes = granted.iter().filter(|(_, w)| *w).count();
    match granted.len() {
        0 => "",
        n if writes > 0 && writes * 20 >= n => "write",
        _ => "read",
    }
}

/// Nodes by id, and edges, as the graph is built.
#[derive(Default)]
struct Builder {
    nodes: BTreeMap<String, Node>,
    edges: Vec<Edge>,
}

impl Builder {
    /// The node `id`, added with `kind` if new.
    fn node(&mut self, id: &str, kind: NodeKind) -> &mut Node {
        self.nodes.entry(id.to_string()).or_insert_with(|| Node {
            id: id.to_string(),
            kind,
            module: match kind {
                NodeKind::ManagedPolicy | NodeKind::Service | NodeKind::RoleSet => String::new(),
                _ => module_of(id),
            },
            admin: false,
            access: "",
        })
    }

    fn edge(&mut self, from: &str, to: &str, kind: EdgeKind, label: String, at: Vec<Location>) {
        self.edges.push(Edge {
            from: from.to_string(),
            to: to.to_string(),
            kind,
            label,
            at,
        });
    }
}

fn kind_of(ty: PrincipalType) -> NodeKind {
    match ty {
        PrincipalType::User => NodeKind::User,
        PrincipalType::Group => NodeKind::Group,
        PrincipalType::Role => NodeKind::Role,
    }
}

/// The graph node of a held policy: its id and kind.
fn policy_node(h: &HeldPolicy) -> (String, NodeKind) {
    match &h.policy {
        Held::Record(r) => (r.address.clone(), NodeKind::Policy),
        Held::Managed(m) => (m.arn.to_string(), NodeKind::ManagedPolicy),
        Held::Unresolved(text) => (text.clone(), NodeKind::ManagedPolicy),
    }
}

/// How the graph is drawn.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// One edge per role, never a set node for many (see [`crate::role_sets`]).
    pub expand: bool,
}

pub fn build(model: &Model) -> Graph {
    build_with(model, Options::default())
}

pub fn build_with(model: &Model, options: Options) -> Graph {
    let links = Links::build(model);
    let mut g = Builder::default();
    let roles: Vec<RoleRef> = links
        .principals
        .iter()
        .filter(|p| p.ty == PrincipalType::Role)
        .map(|p| RoleRef {
            role: p,
            arn: match p.resource.attribute("arn").map(|v| &v.data) {
                Some(Data::String(s)) => Some(s),
                _ => None,
            },
        })
        .collect();
    // Each role's trust, read once, and indexed by how it admits principals.
    let trusts: Vec<Trust> = roles.iter().map(|r| Trust::of(r.role)).collect();
    let mut reach = Reach {
        roles: &roles,
        index: trust_index(&trusts),
        trusts,
        groupings: Groupings::new(&roles),
        sets: SetNames::default(),
        with_arn: roles.iter().filter(|r| r.arn.is_some()).count(),
        options,
    };
    let mut capabilities = Capabilities::default();
    for (i, p) in links.principals.iter().enumerate() {
        let me = &p.resource.address;
        g.node(me, kind_of(p.ty));
        for h in &p.policies {
            let (id, kind) = policy_node(h);
            g.node(&id, kind);
            let label = if h.inline { "inline" } else { "attached" };
            g.edge(
                &id,
                me,
                EdgeKind::AttachedTo,
                label.into(),
                h.loc.into_iter().collect(),
            );
        }
        if let Some(b) = &p.boundary {
            let (id, kind) = policy_node(b);
            g.node(&id, kind);
            let at = p.resource.written("permissions_boundary").or(b.loc);
            g.edge(
                me,
                &id,
                EdgeKind::BoundedBy,
                String::new(),
                at.into_iter().collect(),
            );
        }
        for m in &p.groups {
            let group = &links.principals[m.group].resource.address;
            g.edge(
                me,
                group,
                EdgeKind::MemberOf,
                String::new(),
                m.at.into_iter().collect(),
            );
        }
        let subject = links.subject(i);
        let held: Vec<&HeldPolicy> = links.effective(i).collect();
        // Every action on every resource, all policies, Denies and the boundary counted.
        let admin = capabilities.of(&subject).is_admin();
        let n = g.node(me, kind_of(p.ty));
        n.admin = admin;
        n.access = if admin {
            "admin"
        } else {
            access_level(&subject)
        };
        // A group makes no calls: its members do, with its policies among theirs.
        if p.ty == PrincipalType::Group {
            continue;
        }
        // Most principals grant neither action: they need not be asked about any role.
        if may_grant(&subject, "iam:PassRole") {
            reach.may_pass(&mut g, p, (&subject, &held));
        }
        let caller = Caller {
            assumes: may_grant(&subject, "sts:AssumeRole"),
            account: p.resource.attribute("arn").and_then(account_of),
        };
        reach.may_assume(&mut g, p, (&subject, &held), &caller);
    }
    for role in links
        .principals
        .iter()
        .filter(|r| r.ty == PrincipalType::Role)
    {
        services_may_assume(&mut g, role);
    }
    for (profile, role, at) in links.profiles_and_roles() {
        g.node(&profile.address, NodeKind::InstanceProfile);
        let role = &links.principals[role].resource.address;
        g.edge(
            role,
            &profile.address,
            EdgeKind::InProfile,
            String::new(),
            at.into_iter().collect(),
        );
    }
    for w in links.wearings(model) {
        let role = &links.principals[w.role];
        g.node(&w.resource.address, NodeKind::Wearer);
        let admitted = role
            .trust
            .and_then(|t| t.document())
            .map_or(Admits::Unknown, |d| admits_service(d, w.wearer.service));
        let mismatch = if admitted == Admits::No {
            " (not trusted)"
        } else {
            ""
        };
        // Through an instance profile, the resource wears the profile, which carries the role.
        let worn = w.profile.map_or(&role.resource.address, |p| &p.address);
        let label = format!("{}{mismatch}", w.wearer.service);
        g.edge(
            &w.resource.address,
            worn,
            EdgeKind::Wears,
            label,
            w.at.into_iter().collect(),
        );
    }
    g.edges.sort();
    g.edges
        .dedup_by(|a, b| (&a.from, &a.to, a.kind, &a.label) == (&b.from, &b.to, b.kind, &b.label));
    Graph {
        nodes: g.nodes.into_values().collect(),
        edges: g.edges,
    }
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
            s.loc.or_else(|| {
                held.iter()
                    .find(|h| match h.source() {
                        Source::Document(doc) => doc.statements.iter().any(|t| std::ptr::eq(t, s)),
                        Source::Unread(_) => false,
                    })
                    .and_then(|h| h.loc)
            })
        })
        .collect();
    at.sort();
    at.dedup();
    at
}

/// What the evaluator asks of a principal: its subject, and the policies it holds (for where
/// their statements are given).
type Asked<'a, 'm> = (&'a Subject<'a>, &'a [&'a HeldPolicy<'m>]);

/// Roles reached (indices into the role list), each with the place that proves it belongs
/// (its trust's principal), if any.
type Members = Vec<(usize, Option<Location>)>;

/// What asking principals about roles shares: the roles, their trusts and the index on them,
/// the groupings of roles by fit, and the set nodes drawn.
struct Reach<'r, 'm> {
    roles: &'r [RoleRef<'m>],
    trusts: Vec<Trust>,
    index: TrustIndex,
    groupings: Groupings<'r, 'm>,
    sets: SetNames,
    /// How many roles have an ARN to ask about: a group of all of them is "every role".
    with_arn: usize,
    options: Options,
}

impl Reach<'_, '_> {
    /// `p` may pass roles: to any service, or to those of each role's trusted services that
    /// `iam:PassedToService` allows. Roles that fit `p`'s statements alike are asked once.
    fn may_pass(&mut self, g: &mut Builder, p: &IamPrincipal, asked: Asked) {
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
                self.reach(g, p, &members, &name, EdgeKind::MayPass, String::new(), at);
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
                    let label = format!("to {}", to.join(", "));
                    g.edge(
                        &p.resource.address,
                        &role.resource.address,
                        EdgeKind::MayPass,
                        label,
                        at,
                    );
                }
            }
        }
    }

    /// `p` may assume roles: their trust admits `p`, and unless it names `p` itself, `p`'s
    /// policies allow `sts:AssumeRole` on them. An explicit Deny stops it either way. Only the
    /// roles whose trust could admit `p` are looked at.
    fn may_assume(&mut self, g: &mut Builder, p: &IamPrincipal, asked: Asked, caller: &Caller) {
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
                g,
                p,
                &members,
                &name,
                EdgeKind::MayAssume,
                how.to_string(),
                at,
            );
        }
    }

    /// Edges from `p` to `members` (roles, each with the place that proves it belongs): one
    /// to a set node standing for them when there are many, else one per role but `p`
    /// itself. `at` proves the edge itself.
    #[allow(clippy::too_many_arguments)]
    fn reach(
        &mut self,
        g: &mut Builder,
        p: &IamPrincipal,
        members: &[(usize, Option<Location>)],
        name: &str,
        kind: EdgeKind,
        label: String,
        at: Vec<Location>,
    ) {
        let from = &p.resource.address;
        if members.len() <= AGGREGATE || self.options.expand {
            for &(r, proof) in members {
                let role = self.roles[r].role;
                if std::ptr::eq(role, p) {
                    continue;
                }
                let mut places: Vec<Location> = proof.into_iter().collect();
                places.extend(at.iter().copied());
                g.edge(from, &role.resource.address, kind, label.clone(), places);
            }
            return;
        }
        let ids: Vec<usize> = members.iter().map(|&(r, _)| r).collect();
        let (set, new) = self.sets.id(name, &ids);
        if new {
            g.node(&set, NodeKind::RoleSet);
            for &(r, proof) in members {
                let role = self.roles[r].role;
                g.edge(
                    &set,
                    &role.resource.address,
                    EdgeKind::Includes,
                    String::new(),
                    proof.or(role.resource.loc).into_iter().collect(),
                );
            }
        }
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
        g.edge(from, &set, kind, label, at);
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
fn principal_place(q: &Principal, block: &PrincipalBlock, s: &Statement) -> Option<Location> {
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

/// Each service a role's trust admits may assume it, on the trust alone.
fn services_may_assume(g: &mut Builder, role: &IamPrincipal) {
    let Some(doc) = role.trust.and_then(|t| t.document()) else {
        return;
    };
    for (s, block, q) in
        allowed_principals(doc).filter(|(_, _, q)| q.kind == PrincipalKind::Service)
    {
        let Some(service) = q.item.known() else {
            continue;
        };
        if admits_service(doc, service) != Admits::Yes {
            continue;
        }
        g.node(service, NodeKind::Service);
        let at = principal_place(q, block, s).into_iter().collect();
        g.edge(
            service,
            &role.resource.address,
            EdgeKind::MayAssume,
            String::new(),
            at,
        );
    }
}

/// The principals the Allow statements of a trust policy name (not through `NotPrincipal`),
/// each with its statement and block.
fn allowed_principals(
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
    use super::{account_of, module_of, root_account};
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

    #[test]
    fn nodes_know_their_module_instance() {
        assert_eq!(module_of("aws_iam_role.r"), "");
        assert_eq!(module_of("module.a.aws_iam_role.r"), "module.a");
        assert_eq!(
            module_of("module.a[\"x.y\"].module.b.aws_iam_role.r[0]"),
            "module.a[\"x.y\"].module.b"
        );
    }
}
