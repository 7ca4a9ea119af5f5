//! The IAM graph for people: who wears which role, who may assume or pass it, which policies
//! each principal holds, and which principals are administrators. Drawn from [`Links`],
//! [`Reach`] and the wearer table; rendered by the binary as DOT, Mermaid or JSON.

mod access;

/// The attribute by which a policy resource names what it guards, kept for the graph.
pub fn guarding_attribute(kind: &str) -> Option<&'static str> {
    access::GUARDING
        .iter()
        .find(|(t, _, _)| *t == kind)
        .map(|(_, a, _)| *a)
}

use std::collections::BTreeMap;

use crate::access::{Source, Subject};
use crate::catalog::Catalog;
use crate::links::{Held, HeldPolicy, IamPrincipal, Links, PrincipalType};
use crate::model::Model;
use crate::policy::PrincipalKind;
use crate::reach::{Reach, Relation, Target, allowed_principals, principal_place};
use crate::source::Location;
use crate::trust::{Admits, admits_service};

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
    /// A resource a resource policy guards (a bucket, queue, key…).
    Guarded,
    /// A principal outside the configuration a resource policy lets in: another account, a
    /// role or user in it, or anyone (`*`).
    Outside,
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
            NodeKind::Guarded => "resource",
            NodeKind::Outside => "outside",
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
    /// The root module it belongs to (its directory as shown), when a run draws several: then
    /// `id` is `root:address`, as Terraform addresses are unique only within a root. Empty
    /// for a single root, and for what no root owns (AWS-managed policies, services, outside
    /// principals), which every root shares.
    pub root: String,
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
    /// A resource policy lets a principal in (label: the actions).
    MayAccess,
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
            EdgeKind::MayAccess => "may-access",
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

impl Node {
    /// The Terraform address (or ARN, service, principal) without its root.
    pub fn address(&self) -> &str {
        self.id
            .strip_prefix(self.root.as_str())
            .and_then(|rest| rest.strip_prefix(':'))
            .unwrap_or(&self.id)
    }

    /// What every root module shares: an AWS-managed policy, a service, a principal outside
    /// the configuration.
    fn shared(&self) -> bool {
        match self.kind {
            NodeKind::ManagedPolicy => self.id.starts_with("arn:"),
            NodeKind::Service | NodeKind::Outside => true,
            _ => false,
        }
    }
}

/// One graph of several root modules, each drawn on its own (a root is its own deployment,
/// and its addresses mean nothing in another): with more than one, each root's nodes are named
/// `root:address`, and the nodes every root shares are drawn once. In root order.
pub fn of_roots(roots: Vec<(String, Graph)>) -> Graph {
    if roots.len() == 1 {
        return roots.into_iter().next().map(|(_, g)| g).unwrap_or_default();
    }
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let mut edges = Vec::new();
    for (root, graph) in roots {
        let mut renamed: BTreeMap<String, String> = BTreeMap::new();
        for mut n in graph.nodes {
            if !n.shared() {
                let id = format!("{root}:{}", n.id);
                renamed.insert(std::mem::replace(&mut n.id, id), n.id.clone());
                n.root.clone_from(&root);
            }
            // A shared node is drawn alike by every root (it is no principal of theirs).
            nodes.entry(n.id.clone()).or_insert(n);
        }
        for mut e in graph.edges {
            for end in [&mut e.from, &mut e.to] {
                if let Some(id) = renamed.get(end.as_str()) {
                    end.clone_from(id);
                }
            }
            edges.push(e);
        }
    }
    Graph {
        nodes: nodes.into_values().collect(),
        edges,
    }
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
            root: String::new(),
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
    let reach = Reach::build(&links);
    let mut g = Builder::default();
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
        let admin = reach.admin[i];
        let n = g.node(me, kind_of(p.ty));
        n.admin = admin;
        n.access = if admin {
            "admin"
        } else {
            access_level(&links.subject(i))
        };
    }
    draw_reach(&mut g, &links, &reach, options);
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
    access::draw(&mut g, model, &links);
    g.edges.sort();
    g.edges
        .dedup_by(|a, b| (&a.from, &a.to, a.kind, &a.label) == (&b.from, &b.to, b.kind, &b.label));
    Graph {
        nodes: g.nodes.into_values().collect(),
        edges: g.edges,
    }
}

/// Who may assume or pass which role: one edge per role, or one to a set node standing for
/// many roles reached alike (unless `expand`), its members drawn once.
fn draw_reach(g: &mut Builder, links: &Links, reach: &Reach, options: Options) {
    let address = |p: usize| &links.principals[p].resource.address;
    let mut drawn = vec![false; reach.sets.len()];
    for e in &reach.edges {
        let kind = match e.relation {
            Relation::MayAssume => EdgeKind::MayAssume,
            Relation::MayPass => EdgeKind::MayPass,
        };
        let from = address(e.from);
        match e.to {
            Target::Principal(to) => g.edge(from, address(to), kind, e.label.clone(), e.at.clone()),
            Target::Set(s) if options.expand => {
                for &(to, proof) in &reach.sets[s].members {
                    if to == e.from {
                        continue;
                    }
                    let mut at: Vec<Location> = proof.into_iter().collect();
                    at.extend(e.at.iter().copied());
                    g.edge(from, address(to), kind, e.label.clone(), at);
                }
            }
            Target::Set(s) => {
                let set = &reach.sets[s];
                if !drawn[s] {
                    drawn[s] = true;
                    g.node(&set.id, NodeKind::RoleSet);
                    for &(to, proof) in &set.members {
                        let role = &links.principals[to].resource;
                        g.edge(
                            &set.id,
                            &role.address,
                            EdgeKind::Includes,
                            String::new(),
                            proof.or(role.loc).into_iter().collect(),
                        );
                    }
                }
                g.edge(from, &set.id, kind, e.label.clone(), e.at.clone());
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::module_of;

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
