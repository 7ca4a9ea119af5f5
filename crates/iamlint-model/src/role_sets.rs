//! Who may pass or assume which role, without asking every principal about every role.
//!
//! A CI deployer with `iam:PassRole` on `*` may pass every role; a tree with hundreds of such
//! principals and thousands of roles would otherwise cost (and draw) one evaluation and one
//! edge per pair. Two facts keep it linear:
//! - A principal's decision on a role depends on the role only through how its ARN fits the
//!   `Resource` items of the principal's statements for that action
//!   ([`ResourceItems::signature`]). Roles are grouped by that fit, and each group is asked
//!   once. Principals holding the same items (the same policy, or the same text in every
//!   environment) share the grouping, worked out once per distinct set of items.
//! - A trust policy admits a principal by name, by account root or as anyone: an index by
//!   each way finds the roles that may admit a principal without looking at the others.
//!
//! A group of more than [`AGGREGATE`] roles is drawn as one edge to a node that stands for the
//! set ("every role", "roles matching …"), whose members are listed once, however many
//! principals reach it; `expand` draws one edge per role instead.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use crate::access::{FitClass, Resource, ResourceItems, Subject};
use crate::links::IamPrincipal;
use crate::value::{Data, Str, Value};
use crate::wildcard;

/// What every role's ARN looks like (its partition and account may be unknown).
const ROLE_ARN: &str = "arn:*:iam::*:role/*";

/// Groups larger than this are drawn as a set node (unless expanded).
pub const AGGREGATE: usize = 8;

/// A role of the model, with what every question about it needs, read once.
pub struct RoleRef<'m> {
    pub role: &'m IamPrincipal<'m>,
    pub arn: Option<&'m Str>,
}

/// Roles that fit a principal's `Resource` items alike.
pub struct Group {
    pub signature: Vec<FitClass>,
    /// Indices into the role list, in order.
    pub roles: Vec<usize>,
}

/// The roles grouped for one set of items: the groups, and each role's group.
pub struct Grouping {
    pub groups: Vec<Group>,
    pub of_role: Vec<Option<usize>>,
}

/// Groupings by the items' text, shared by every principal that holds the same items.
pub struct Groupings<'r, 'm> {
    roles: &'r [RoleRef<'m>],
    resources: Vec<Option<Resource<'m>>>,
    /// Whether each role's ARN has the usual shape ([`ROLE_ARN`]).
    usual: Vec<bool>,
    cache: HashMap<(String, Vec<String>), Rc<Grouping>>,
}

impl<'r, 'm> Groupings<'r, 'm> {
    pub fn new(roles: &'r [RoleRef<'m>]) -> Self {
        Groupings {
            roles,
            resources: roles
                .iter()
                .map(|r| r.arn.map(|a| Resource::new(&a.text)))
                .collect(),
            usual: roles
                .iter()
                .map(|r| {
                    r.arn
                        .is_some_and(|a| wildcard::matches(ROLE_ARN, &a.text, false))
                })
                .collect(),
            cache: HashMap::new(),
        }
    }

    /// The roles grouped by how they fit `subject`'s items for `action`.
    pub fn of<'p>(
        &mut self,
        action: &str,
        subject: &Subject<'p>,
    ) -> (ResourceItems<'p>, Rc<Grouping>) {
        let items = subject.resource_items(action);
        let key = (action.to_string(), items.key());
        let grouping = match self.cache.get(&key) {
            Some(g) => g.clone(),
            None => {
                let g = Rc::new(self.group(&items));
                self.cache.insert(key, g.clone());
                g
            }
        };
        (items, grouping)
    }

    fn group(&self, items: &ResourceItems) -> Grouping {
        let mut groups: Vec<Group> = Vec::new();
        let mut by_signature: HashMap<Vec<FitClass>, usize> = HashMap::new();
        let mut of_role = vec![None; self.roles.len()];
        // Most items fit every role alike (`*`, an S3 ARN): worked out once, not per role.
        let constant = items.constant_for(ROLE_ARN);
        let none = vec![None; constant.len()];
        for (i, resource) in self.resources.iter().enumerate() {
            let Some(resource) = resource else { continue };
            let known = if self.usual[i] { &constant } else { &none };
            let signature = items.signature_with(resource, known);
            let g = *by_signature.entry(signature.clone()).or_insert_with(|| {
                groups.push(Group {
                    signature,
                    roles: Vec::new(),
                });
                groups.len() - 1
            });
            groups[g].roles.push(i);
            of_role[i] = Some(g);
        }
        Grouping { groups, of_role }
    }
}

/// The key a principal or trustee ARN is filed under: the part after the last `:` when it is
/// known (`role/app`, `user/alice`: an unknown account id or partition does not change it), or
/// the origin of a wholly unknown value. `None`: it could be anything (an unknown name), so it
/// is compared with every principal.
pub fn name_key(v: &Value) -> Option<String> {
    if let Some(u) = v.whole_unknown() {
        return Some(format!("?{}", u.origin));
    }
    let Data::String(s) = &v.data else {
        return None;
    };
    let tail = s.text.rsplit(':').next()?;
    (!tail.contains(Str::UNKNOWN_MARK)).then(|| tail.to_string())
}

/// Which roles' trust policies could admit a principal, by the way they admit: anyone, an
/// account's root, or a name.
#[derive(Default)]
pub struct TrustIndex {
    /// Roles (indices into the role list) with a `*` trustee.
    pub anyone: Vec<usize>,
    /// By account: roles that trust that account's root.
    pub by_root: HashMap<String, Vec<usize>>,
    /// By [`name_key`]: roles that name such a principal.
    pub by_name: HashMap<String, Vec<usize>>,
    /// Roles that name a principal whose key cannot be known.
    pub unkeyed: Vec<usize>,
}

impl TrustIndex {
    /// The roles whose trust may admit a principal with this ARN and account, in order, each
    /// once; by name only, unless `any_way`.
    pub fn candidates(
        &self,
        arn: Option<&Value>,
        account: Option<&str>,
        any_way: bool,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = self.unkeyed.clone();
        match arn.map(name_key) {
            Some(Some(key)) => out.extend(self.by_name.get(&key).into_iter().flatten()),
            // A principal whose name is unknown may be the one any trust names.
            Some(None) => out.extend(self.by_name.values().flatten()),
            None => {}
        }
        if any_way {
            out.extend(&self.anyone);
            // A root's trust admits only principals of that account.
            if let Some(a) = account {
                out.extend(self.by_root.get(a).into_iter().flatten());
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The set nodes drawn so far, by id, with their members: the same id always stands for the
/// same roles (a second set that would share a name is numbered).
#[derive(Default)]
pub struct SetNames {
    members: BTreeMap<String, Vec<usize>>,
}

impl SetNames {
    /// The id of the set with these members, named `name` (numbered when another set took
    /// the name); `true` when it is new.
    pub fn id(&mut self, name: &str, members: &[usize]) -> (String, bool) {
        for n in 1.. {
            let id = if n == 1 {
                name.to_string()
            } else {
                format!("{name} #{n}")
            };
            match self.members.get(&id) {
                Some(m) if m == members => return (id, false),
                Some(_) => continue,
                None => {
                    self.members.insert(id.clone(), members.to_vec());
                    return (id, true);
                }
            }
        }
        unreachable!("some number is free")
    }
}
