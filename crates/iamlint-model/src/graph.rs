//! The IAM graph for people: who wears which role, who may assume or pass it, which policies
//! each principal holds, and which principals are administrators. Built from [`Links`] and the
//! wearer table; rendered by the binary as DOT, Mermaid or JSON.

use std::collections::BTreeMap;

use crate::access::{Access, Request, Source, Subject};
use crate::catalog::Catalog;
use crate::links::{Held, Links, PrincipalType, same};
use crate::model::Model;
use crate::trust::{Admits, admits_service};
use crate::value::Data;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    User,
    Group,
    Role,
    Policy,
    ManagedPolicy,
    Wearer,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::User => "user",
            NodeKind::Group => "group",
            NodeKind::Role => "role",
            NodeKind::Policy => "policy",
            NodeKind::ManagedPolicy => "aws-managed-policy",
            NodeKind::Wearer => "wearer",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Node {
    /// The Terraform address (or the AWS-managed policy's ARN).
    pub id: String,
    pub kind: NodeKind,
    /// The module instance it is in (`module.a["x"]`), empty for the root module.
    pub module: String,
    /// Allows every action on every resource.
    pub admin: bool,
    /// What a principal's policies let it do at most: `admin`, `write` (write or permissions
    /// management actions), `read` (read or list), or empty.
    pub access: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// A principal holds a policy.
    Holds,
    MemberOf,
    /// A resource runs as a role (label: the service principal).
    Wears,
    /// A principal's policies allow `sts:AssumeRole` on a role whose trust policy names it.
    MayAssume,
    /// A principal's policies allow `iam:PassRole` on a role.
    MayPass,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Holds => "holds",
            EdgeKind::MemberOf => "member-of",
            EdgeKind::Wears => "wears",
            EdgeKind::MayAssume => "may-assume",
            EdgeKind::MayPass => "may-pass",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    pub label: String,
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

pub fn build(model: &Model) -> Graph {
    let links = Links::build(model);
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let mut edges: Vec<Edge> = Vec::new();
    fn node<'n>(nodes: &'n mut BTreeMap<String, Node>, id: &str, kind: NodeKind) -> &'n mut Node {
        nodes.entry(id.to_string()).or_insert_with(|| Node {
            id: id.to_string(),
            kind,
            module: match kind {
                NodeKind::ManagedPolicy => String::new(),
                _ => module_of(id),
            },
            admin: false,
            access: "",
        })
    }
    let kind_of = |ty: PrincipalType| match ty {
        PrincipalType::User => NodeKind::User,
        PrincipalType::Group => NodeKind::Group,
        PrincipalType::Role => NodeKind::Role,
    };
    for (i, p) in links.principals.iter().enumerate() {
        node(&mut nodes, &p.resource.address, kind_of(p.ty));
        for h in &p.policies {
            let (id, kind) = match &h.policy {
                Held::Record(r) => (r.address.clone(), NodeKind::Policy),
                Held::Managed(m) => (m.arn.to_string(), NodeKind::ManagedPolicy),
                Held::Unresolved(text) => (text.clone(), NodeKind::ManagedPolicy),
            };
            node(&mut nodes, &id, kind);
            let label = if h.inline { "inline" } else { "attached" };
            edges.push(Edge {
                from: p.resource.address.clone(),
                to: id,
                kind: EdgeKind::Holds,
                label: label.into(),
            });
        }
        for &g in &p.groups {
            edges.push(Edge {
                from: p.resource.address.clone(),
                to: links.principals[g].resource.address.clone(),
                kind: EdgeKind::MemberOf,
                label: String::new(),
            });
        }
        let subject = links.subject(i);
        let everything = subject.allows(Request::new("iam:CreateAccessKey", "*"));
        let admin = everything.access == Access::Allowed
            && everything
                .statements
                .iter()
                .any(|s| s.action.as_ref().is_some_and(|a| a.contains("*").is_some()));
        let level = if admin {
            "admin"
        } else {
            access_level(&subject)
        };
        let n = node(&mut nodes, &p.resource.address, kind_of(p.ty));
        n.admin = admin;
        n.access = level;
        // Who may assume or pass which role.
        for role in links
            .principals
            .iter()
            .filter(|r| r.ty == PrincipalType::Role)
        {
            let Some(Data::String(arn)) = role.resource.attribute("arn").map(|v| &v.data) else {
                continue;
            };
            if std::ptr::eq(role, p) {
                continue;
            }
            let ask = |action| subject.allows(Request::new(action, &arn.text)).access;
            if ask("iam:PassRole") == Access::Allowed {
                edges.push(Edge {
                    from: p.resource.address.clone(),
                    to: role.resource.address.clone(),
                    kind: EdgeKind::MayPass,
                    label: String::new(),
                });
            }
            // The trust policy names this principal (by ARN) in an Allow statement.
            let own = p.resource.attribute("arn");
            let named = role.trust.and_then(|t| t.document()).is_some_and(|doc| {
                doc.statements
                    .iter()
                    .filter(|s| s.is_allow())
                    .flat_map(|s| s.principal.iter().flat_map(|b| &b.principals))
                    .any(|q| own.is_some_and(|own| same(&q.item.to_value(), own)))
            });
            if named && ask("sts:AssumeRole") != Access::Denied {
                edges.push(Edge {
                    from: p.resource.address.clone(),
                    to: role.resource.address.clone(),
                    kind: EdgeKind::MayAssume,
                    label: String::new(),
                });
            }
        }
    }
    for w in links.wearings(model) {
        let role = &links.principals[w.role];
        node(&mut nodes, &w.resource.address, NodeKind::Wearer);
        let admitted = role
            .trust
            .and_then(|t| t.document())
            .map_or(Admits::Unknown, |d| admits_service(d, w.wearer.service));
        let mismatch = if admitted == Admits::No {
            " (not trusted)"
        } else {
            ""
        };
        edges.push(Edge {
            from: w.resource.address.clone(),
            to: role.resource.address.clone(),
            kind: EdgeKind::Wears,
            label: format!("{}{mismatch}", w.wearer.service),
        });
    }
    edges.sort();
    edges.dedup();
    Graph {
        nodes: nodes.into_values().collect(),
        edges,
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
