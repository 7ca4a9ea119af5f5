//! Which principal holds which policy: users, groups and roles with their inline, attached
//! customer-managed and AWS-managed policies, permissions boundaries and group memberships.
//!
//! Built from the kept attributes of the model's resources ([`KEPT_ATTRIBUTES`]), so both
//! front-ends give the same links. A reference links when it names the principal or policy by
//! a known name or ARN, or carries the same unknown value (`aws_iam_role.app.name` when the
//! name is only known after apply).

use std::collections::HashMap;

use crate::access::{Source, Subject};
use crate::managed::{self, ManagedPolicy};
use crate::model::{ACCOUNT_ID, Model, PolicyKind, PolicyRecord, Resource};
use crate::policy::Statement;
use crate::source::Location;
use crate::value::{Data, Str, Unknown, Value};
use crate::wearers::{Holds, Wearer};

/// Resource types whose attributes link principals, policies and memberships, and the
/// attributes the front-ends keep for them. Everything else of a resource is dropped after
/// evaluation.
pub const KEPT_ATTRIBUTES: &[(&str, &[&str])] = &[
    // What a scheduled target launches (missing-pass-role).
    ("aws_cloudwatch_event_target", &["ecs_target"]),
    // Where static credentials hide (static-aws-credentials).
    (
        "aws_ecs_task_definition",
        &["container_definitions", "family"],
    ),
    ("aws_elastic_beanstalk_environment", &["setting"]),
    ("aws_iam_access_key", &["user", "status"]),
    ("aws_iam_group", &["name", "arn", "path"]),
    ("aws_iam_group_membership", &["group", "users"]),
    ("aws_iam_group_policy", &["group"]),
    ("aws_iam_group_policy_attachment", &["group", "policy_arn"]),
    (
        "aws_iam_group_policy_attachments_exclusive",
        &["group_name", "policy_arns"],
    ),
    (
        "aws_iam_instance_profile",
        &["name", "name_prefix", "arn", "path", "role"],
    ),
    ("aws_iam_policy", &["name", "name_prefix", "arn", "path"]),
    (
        "aws_iam_policy_attachment",
        &["users", "roles", "groups", "policy_arn"],
    ),
    (
        "aws_iam_role",
        &[
            "name",
            "name_prefix",
            "arn",
            "path",
            "managed_policy_arns",
            "permissions_boundary",
        ],
    ),
    ("aws_iam_role_policy", &["role"]),
    ("aws_iam_role_policy_attachment", &["role", "policy_arn"]),
    (
        "aws_iam_role_policy_attachments_exclusive",
        &["role_name", "policy_arns"],
    ),
    (
        "aws_iam_user",
        &["name", "arn", "path", "permissions_boundary"],
    ),
    ("aws_iam_user_group_membership", &["user", "groups"]),
    ("aws_iam_user_policy", &["user"]),
    ("aws_iam_user_policy_attachment", &["user", "policy_arn"]),
    (
        "aws_iam_user_policy_attachments_exclusive",
        &["user_name", "policy_arns"],
    ),
    ("aws_instance", &["user_data", "user_data_base64"]),
    ("aws_lambda_function", &["environment"]),
    // A URL that takes requests without credentials (lambda-function-public).
    (
        "aws_lambda_function_url",
        &["function_name", "authorization_type"],
    ),
    (
        "aws_lambda_permission",
        &[
            "principal",
            "source_arn",
            "source_account",
            "principal_org_id",
            "function_name",
            "action",
        ],
    ),
    (
        "aws_launch_configuration",
        &["user_data", "user_data_base64"],
    ),
    ("aws_launch_template", &["user_data"]),
    // What a pipe launches (missing-pass-role).
    ("aws_pipes_pipe", &["target_parameters"]),
    // A bucket's policy, and the block that makes a public one ineffective
    // (resource-policy-public).
    ("aws_s3_bucket_policy", &["bucket"]),
    (
        "aws_s3_bucket_public_access_block",
        &["bucket", "restrict_public_buckets"],
    ),
    // What a state machine launches (missing-pass-role).
    ("aws_sfn_state_machine", &["definition"]),
];

/// Kept attributes that hold a JSON document a rule reads as a structure. The front-ends
/// decode their text, with locations, into [`Str::encoded`], as `jsonencode` leaves it.
pub const JSON_ATTRIBUTES: &[(&str, &str)] = &[
    ("aws_ecs_task_definition", "container_definitions"),
    ("aws_sfn_state_machine", "definition"),
];

/// Whether `kind.attribute` holds a JSON document ([`JSON_ATTRIBUTES`]).
pub fn is_json_attribute(kind: &str, attribute: &str) -> bool {
    JSON_ATTRIBUTES.contains(&(kind, attribute))
}

/// Where a resource names policies to attach by ARN: resource type and attribute (a string or a
/// list of them). Permissions boundaries are not here: they cap, they do not grant.
pub const ATTACHING_ATTRIBUTES: &[(&str, &str)] = &[
    ("aws_iam_group_policy_attachment", "policy_arn"),
    ("aws_iam_group_policy_attachments_exclusive", "policy_arns"),
    ("aws_iam_policy_attachment", "policy_arn"),
    ("aws_iam_role", "managed_policy_arns"),
    ("aws_iam_role_policy_attachment", "policy_arn"),
    ("aws_iam_role_policy_attachments_exclusive", "policy_arns"),
    ("aws_iam_user_policy_attachment", "policy_arn"),
    ("aws_iam_user_policy_attachments_exclusive", "policy_arns"),
];

/// The policy ARNs a resource attaches (see [`ATTACHING_ATTRIBUTES`]).
pub fn attached_arns(r: &Resource) -> impl Iterator<Item = &Value> {
    ATTACHING_ATTRIBUTES
        .iter()
        .filter(|(kind, _)| *kind == r.kind())
        .flat_map(|(_, attribute)| list(r.attribute(attribute)))
}

/// The attributes kept for a resource type (none for most): those that link IAM resources,
/// those that wear roles ([`crate::wearers`]), and what a wearer's ARN is built from
/// ([`crate::resource_arns`]).
pub fn kept_attributes(kind: &str) -> impl Iterator<Item = &'static str> {
    let linking = KEPT_ATTRIBUTES
        .binary_search_by(|(k, _)| k.cmp(&kind))
        .map(|i| KEPT_ATTRIBUTES[i].1)
        .unwrap_or(&[]);
    linking
        .iter()
        .copied()
        .chain(crate::wearers::kept_attributes(kind))
        .chain(crate::resource_arns::kept_attributes(kind))
        .chain(crate::graph::guarding_attribute(kind))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalType {
    User,
    Group,
    Role,
}

impl PrincipalType {
    fn of(kind: &str) -> Option<PrincipalType> {
        match kind {
            "aws_iam_user" => Some(PrincipalType::User),
            "aws_iam_group" => Some(PrincipalType::Group),
            "aws_iam_role" => Some(PrincipalType::Role),
            _ => None,
        }
    }
}

/// What a principal holds.
#[derive(Clone, Debug)]
pub enum Held<'m> {
    /// A policy in the tree: inline, or a customer-managed `aws_iam_policy`.
    Record(&'m PolicyRecord),
    Managed(&'static ManagedPolicy),
    /// A policy ARN that names nothing we know: a customer-managed policy outside the tree, or
    /// an ARN only known at apply. Its text for messages.
    Unresolved(String),
}

#[derive(Clone, Debug)]
pub struct HeldPolicy<'m> {
    pub policy: Held<'m>,
    /// An inline policy (counts toward the principal's inline quota).
    pub inline: bool,
    /// The resource that gives it: the attachment, the inline policy resource, or the
    /// principal itself (`managed_policy_arns`, `inline_policy`).
    pub via: &'m str,
    /// Where `via` names the policy (the `policy_arn` value), or the policy itself.
    pub loc: Option<Location>,
    /// The ARN it is attached by (none for an inline policy).
    pub arn: Option<&'m Value>,
}

/// The held policy whose document holds statement `s`, if one does: where a statement of a
/// policy written outside the tree (AWS-managed) is given to the principal.
pub fn holding<'h, 'm: 'h>(
    held: impl IntoIterator<Item = &'h HeldPolicy<'m>>,
    s: &Statement,
) -> Option<&'h HeldPolicy<'m>> {
    held.into_iter().find(|h| match h.source() {
        Source::Document(doc) => doc.statements.iter().any(|t| std::ptr::eq(t, s)),
        Source::Unread(_) => false,
    })
}

impl HeldPolicy<'_> {
    /// The policy as the evaluator reads it.
    pub fn source(&self) -> Source<'_> {
        match &self.policy {
            Held::Record(r) => match r.document() {
                Some(doc) => Source::Document(doc),
                None => Source::Unread(&r.address),
            },
            Held::Managed(m) => Source::Document(m.document()),
            Held::Unresolved(text) => Source::Unread(text),
        }
    }
}

#[derive(Clone, Debug)]
pub struct IamPrincipal<'m> {
    pub resource: &'m Resource,
    pub ty: PrincipalType,
    pub policies: Vec<HeldPolicy<'m>>,
    pub boundary: Option<HeldPolicy<'m>>,
    /// For a user, the groups it is in.
    pub groups: Vec<Membership>,
    /// For a role, its trust policy (`assume_role_policy`, or the document that renders it).
    pub trust: Option<&'m PolicyRecord>,
}

/// A user's membership of a group.
#[derive(Clone, Copy, Debug)]
pub struct Membership {
    /// The group (an index into [`Links::principals`]).
    pub group: usize,
    /// Where the membership resource lists the users or the groups.
    pub at: Option<Location>,
}

/// A resource that runs as a role.
#[derive(Clone, Copy, Debug)]
pub struct Wearing<'m> {
    pub resource: &'m Resource,
    pub wearer: &'static Wearer,
    /// Where the resource names the role (the attribute), else the block.
    pub at: Option<Location>,
    /// The role (an index into [`Links::principals`]).
    pub role: usize,
    /// The instance profile that carries the role, when the resource names one.
    pub profile: Option<&'m Resource>,
}

#[derive(Default)]
pub struct Links<'m> {
    pub principals: Vec<IamPrincipal<'m>>,
    principal_index: NameIndex<'m>,
    /// Instance profiles, and the index of them by name.
    profiles: Vec<&'m Resource>,
    profile_index: NameIndex<'m>,
}

impl std::fmt::Debug for Links<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Links")
            .field("principals", &self.principals)
            .finish_non_exhaustive()
    }
}

impl<'m> Links<'m> {
    pub fn build(model: &'m Model) -> Links<'m> {
        Builder::new(model).build()
    }

    /// The identity policies that apply to a principal: its own and, for a user, its groups'.
    pub fn effective(&self, principal: usize) -> impl Iterator<Item = &HeldPolicy<'m>> {
        let p = &self.principals[principal];
        let groups = p.groups.iter().map(|m| &self.principals[m.group]);
        p.policies
            .iter()
            .chain(groups.flat_map(|g| g.policies.iter()))
    }

    /// What the evaluator needs of a principal: its effective identity policies and boundary.
    pub fn subject(&self, principal: usize) -> Subject<'_> {
        Subject {
            policies: self.effective(principal).map(HeldPolicy::source).collect(),
            boundary: self.principals[principal]
                .boundary
                .as_ref()
                .map(HeldPolicy::source),
        }
    }

    /// The principals of type `ty` a reference (a name or ARN, known or not) names.
    pub fn named(&self, ty: PrincipalType, reference: &Value) -> Vec<usize> {
        named_in(
            &self.principals,
            &self.principal_index,
            ty,
            std::iter::once(reference),
        )
    }

    /// The roles an instance profile reference (its name or ARN) carries.
    pub fn profile_roles(&self, reference: &Value) -> Vec<usize> {
        self.in_profiles(reference)
            .into_iter()
            .map(|(_, role)| role)
            .collect()
    }

    /// The instance profiles a reference names, each with the role it carries.
    fn in_profiles(&self, reference: &Value) -> Vec<(&'m Resource, usize)> {
        let mut out = Vec::new();
        for i in self.profile_index.candidates(reference) {
            let profile = self.profiles[i];
            if names(reference, profile) {
                out.extend(self.profile_carries(profile).map(|role| (profile, role)));
            }
        }
        out
    }

    /// The roles an instance profile carries.
    fn profile_carries(&self, profile: &Resource) -> impl Iterator<Item = usize> {
        profile
            .attribute("role")
            .map(|role| self.named(PrincipalType::Role, role))
            .unwrap_or_default()
            .into_iter()
    }

    /// Every instance profile of the model, each role it carries, and where it names it.
    pub fn profiles_and_roles(&self) -> Vec<(&'m Resource, usize, Option<Location>)> {
        self.profiles
            .iter()
            .flat_map(|&p| {
                let at = p.written("role").or(p.loc);
                self.profile_carries(p).map(move |role| (p, role, at))
            })
            .collect()
    }

    /// Who wears which role (the wearer table applied to the model's resources): each
    /// wearing attribute value, with the role it names (through an instance profile too).
    pub fn wearings(&self, model: &'m Model) -> Vec<Wearing<'m>> {
        let mut out = Vec::new();
        for r in model.managed() {
            for wearer in crate::wearers::of(r.kind()) {
                for (at, v) in r.at_path(wearer.attribute) {
                    let roles: Vec<(Option<&'m Resource>, usize)> = match wearer.holds {
                        Holds::RoleArn | Holds::RoleName => self
                            .named(PrincipalType::Role, v)
                            .into_iter()
                            .map(|role| (None, role))
                            .collect(),
                        Holds::InstanceProfile => self
                            .in_profiles(v)
                            .into_iter()
                            .map(|(profile, role)| (Some(profile), role))
                            .collect(),
                    };
                    out.extend(roles.into_iter().map(|(profile, role)| Wearing {
                        resource: r,
                        wearer,
                        at: at.or(r.loc),
                        role,
                        profile,
                    }));
                }
            }
        }
        out
    }

    /// The principal a Terraform address names, if any.
    pub fn find(&self, address: &str) -> Option<usize> {
        self.principals
            .iter()
            .position(|p| p.resource.address == address)
    }
}

struct Builder<'m> {
    model: &'m Model,
    principals: Vec<IamPrincipal<'m>>,
    /// Identity policy records by the address whose attribute uses them, with that attribute.
    records: HashMap<&'m str, Vec<(&'m str, &'m PolicyRecord)>>,
    /// Customer-managed policies: the `aws_iam_policy` resource.
    policies: Vec<&'m Resource>,
    /// Principals by name, customer-managed policies by ARN: a tree has thousands of them and
    /// of references to them.
    principal_index: NameIndex<'m>,
    policy_index: NameIndex<'m>,
}

/// Things named by a name or ARN, looked up by the last segment (`role/path/name` → `name`),
/// by the origin of an unknown value, or, with unknown parts, by trying each.
#[derive(Default)]
struct NameIndex<'m> {
    by_name: HashMap<&'m str, Vec<usize>>,
    by_origin: HashMap<&'m str, Vec<usize>>,
    /// Items by address: an unknown attribute of one (`aws_iam_role.app.arn`) names it.
    by_address: HashMap<&'m str, usize>,
    /// Names with unknown parts: any reference may fill them.
    partial: Vec<usize>,
    len: usize,
}

/// The last segment of a name or ARN, when it has no unknown part.
fn last_segment(s: &Str) -> Option<&str> {
    let name = s.text.rsplit('/').next().unwrap_or(&s.text);
    (!name.contains(Str::UNKNOWN_MARK)).then_some(name)
}

impl<'m> NameIndex<'m> {
    /// `items` gives each item's name (or ARN, for policies) and its ARN: the first names it
    /// in the index; an unknown one of either is found by its origin.
    fn new(items: impl Iterator<Item = (&'m str, [Option<&'m Value>; 2])>) -> Self {
        let mut index = NameIndex::default();
        for (i, (address, [name, arn])) in items.enumerate() {
            index.len = i + 1;
            index.by_address.insert(address, i);
            match name.map(|v| &v.data) {
                Some(Data::String(s)) => match last_segment(s) {
                    Some(name) => index.by_name.entry(name).or_default().push(i),
                    None => index.partial.push(i),
                },
                Some(Data::Unknown(_)) => {}
                _ => index.partial.push(i),
            }
            for v in [name, arn].into_iter().flatten() {
                if let Data::Unknown(u) = &v.data {
                    index.by_origin.entry(&u.origin).or_default().push(i);
                }
            }
        }
        index
    }

    /// What a reference may name; the caller checks each with [`same`].
    fn candidates(&self, reference: &Value) -> Vec<usize> {
        if let Some(u) = reference.whole_unknown() {
            let mut found = self.by_origin.get(&*u.origin).cloned().unwrap_or_default();
            found.extend(attribute_of(&u.origin).and_then(|a| self.by_address.get(a)));
            return found;
        }
        let found: Vec<usize> = match &reference.data {
            Data::String(s) => match last_segment(s) {
                Some(name) => {
                    let named = self.by_name.get(name).map_or(&[][..], Vec::as_slice);
                    named.iter().chain(&self.partial).copied().collect()
                }
                // A reference with unknown parts may fill any name.
                None => (0..self.len).collect(),
            },
            _ => Vec::new(),
        };
        found
    }
}

impl<'m> Builder<'m> {
    fn new(model: &'m Model) -> Self {
        let mut records: HashMap<&str, Vec<(&str, &PolicyRecord)>> = HashMap::new();
        for r in model
            .policies
            .iter()
            .filter(|r| r.kind == PolicyKind::Identity)
        {
            if r.uses.is_empty() {
                records.entry(&r.address).or_default().push(("", r));
            }
            for u in &r.uses {
                records
                    .entry(&u.address)
                    .or_default()
                    .push((&u.attribute, r));
            }
        }
        let mut builder = Builder {
            model,
            principals: model
                .managed()
                .filter_map(|r| {
                    Some(IamPrincipal {
                        resource: r,
                        ty: PrincipalType::of(r.kind())?,
                        policies: Vec::new(),
                        boundary: None,
                        groups: Vec::new(),
                        trust: None,
                    })
                })
                .collect(),
            records,
            policies: model.managed_of("aws_iam_policy").collect(),
            principal_index: NameIndex::default(),
            policy_index: NameIndex::default(),
        };
        builder.principal_index = NameIndex::new(
            builder
                .principals
                .iter()
                .map(|p| (p.resource.address.as_str(), names_of(p.resource))),
        );
        builder.policy_index = NameIndex::new(
            builder
                .policies
                .iter()
                .map(|p| (p.address.as_str(), [p.attribute("arn"), None])),
        );
        let trusts: HashMap<&str, &PolicyRecord> = model
            .policies
            .iter()
            .filter(|r| r.kind == PolicyKind::Trust)
            .flat_map(|r| {
                let holders = r.uses.iter().map(|u| u.address.as_str());
                let own = r.uses.is_empty().then_some(r.address.as_str());
                own.into_iter().chain(holders).map(move |a| (a, r))
            })
            .collect();
        for p in &mut builder.principals {
            p.trust = trusts.get(p.resource.address.as_str()).copied();
        }
        builder
    }

    fn build(mut self) -> Links<'m> {
        let model = self.model;
        // What principals carry themselves, by index (a tree has thousands of them).
        for me in 0..self.principals.len() {
            let r = self.principals[me].resource;
            self.hold_inline(me, r);
            for arn in list(r.attribute("managed_policy_arns")) {
                self.hold_arn(me, r, arn);
            }
            if let Some(arn) = r.attribute("permissions_boundary") {
                let held = self.resolve(r, arn).into_iter().next();
                self.principals[me].boundary = held;
            }
        }
        for r in model.managed() {
            self.link(r);
        }
        let profiles: Vec<&Resource> = model.managed_of("aws_iam_instance_profile").collect();
        Links {
            principals: self.principals,
            principal_index: self.principal_index,
            profile_index: NameIndex::new(
                profiles.iter().map(|p| (p.address.as_str(), names_of(p))),
            ),
            profiles,
        }
    }

    fn link(&mut self, r: &'m Resource) {
        use PrincipalType::{Group, Role, User};
        match r.kind() {
            "aws_iam_role_policy" => self.inline_of(r, Role, "role"),
            "aws_iam_user_policy" => self.inline_of(r, User, "user"),
            "aws_iam_group_policy" => self.inline_of(r, Group, "group"),
            "aws_iam_role_policy_attachment" => self.attach(r, Role, "role", "policy_arn"),
            "aws_iam_user_policy_attachment" => self.attach(r, User, "user", "policy_arn"),
            "aws_iam_group_policy_attachment" => self.attach(r, Group, "group", "policy_arn"),
            "aws_iam_role_policy_attachments_exclusive" => {
                self.attach(r, Role, "role_name", "policy_arns")
            }
            "aws_iam_user_policy_attachments_exclusive" => {
                self.attach(r, User, "user_name", "policy_arns")
            }
            "aws_iam_group_policy_attachments_exclusive" => {
                self.attach(r, Group, "group_name", "policy_arns")
            }
            "aws_iam_policy_attachment" => {
                self.attach(r, Role, "roles", "policy_arn");
                self.attach(r, User, "users", "policy_arn");
                self.attach(r, Group, "groups", "policy_arn");
            }
            "aws_iam_group_membership" => {
                for group in self.named(Group, r.attribute("group").into_iter()) {
                    for user in self.named(User, list(r.attribute("users"))) {
                        self.join(user, group, r.written("users").or(r.loc));
                    }
                }
            }
            "aws_iam_user_group_membership" => {
                for user in self.named(User, r.attribute("user").into_iter()) {
                    for group in self.named(Group, list(r.attribute("groups"))) {
                        self.join(user, group, r.written("groups").or(r.loc));
                    }
                }
            }
            _ => {}
        }
    }

    fn join(&mut self, user: usize, group: usize, at: Option<Location>) {
        let groups = &mut self.principals[user].groups;
        if !groups.iter().any(|m| m.group == group) {
            groups.push(Membership { group, at });
        }
    }

    /// The principals of type `ty` that any of `refs` names.
    fn named(&self, ty: PrincipalType, refs: impl Iterator<Item = &'m Value>) -> Vec<usize> {
        named_in(&self.principals, &self.principal_index, ty, refs)
    }

    /// The inline policies a principal carries itself (`inline_policy` blocks of a role).
    fn hold_inline(&mut self, me: usize, r: &'m Resource) {
        let held: Vec<HeldPolicy<'m>> = self
            .records
            .get(r.address.as_str())
            .into_iter()
            .flatten()
            .map(|&(_, record)| HeldPolicy {
                policy: Held::Record(record),
                inline: true,
                via: &r.address,
                loc: record.loc,
                arn: None,
            })
            .collect();
        self.principals[me].policies.extend(held);
    }

    /// `aws_iam_role_policy` and its kin: the resource's policy, inline in the named principal.
    fn inline_of(&mut self, r: &'m Resource, ty: PrincipalType, attribute: &str) {
        let records: Vec<&'m PolicyRecord> = self
            .records
            .get(r.address.as_str())
            .into_iter()
            .flatten()
            .map(|&(_, record)| record)
            .collect();
        for p in self.named(ty, r.attribute(attribute).into_iter()) {
            for &record in &records {
                self.principals[p].policies.push(HeldPolicy {
                    policy: Held::Record(record),
                    inline: true,
                    via: &r.address,
                    loc: record.loc,
                    arn: None,
                });
            }
        }
    }

    fn attach(&mut self, r: &'m Resource, ty: PrincipalType, to: &str, arns: &str) {
        let targets = self.named(ty, list(r.attribute(to)));
        for arn in list(r.attribute(arns)) {
            for &p in &targets {
                self.hold_arn(p, r, arn);
            }
        }
    }

    fn hold_arn(&mut self, me: usize, via: &'m Resource, arn: &'m Value) {
        let held = self.resolve(via, arn);
        self.principals[me].policies.extend(held);
    }

    /// The policies an ARN names: AWS-managed, customer-managed in the tree, or unresolved.
    fn resolve(&self, via: &'m Resource, arn: &'m Value) -> Vec<HeldPolicy<'m>> {
        let held = |policy| HeldPolicy {
            policy,
            inline: false,
            via: &via.address,
            loc: arn.loc.or(via.loc),
            arn: Some(arn),
        };
        if let Some(text) = arn.as_str().map(|s| &s.text)
            && managed::is_aws_managed_arn(text)
        {
            return vec![held(match managed::lookup(text) {
                Some(m) => Held::Managed(m),
                None => Held::Unresolved(display(arn)),
            })];
        }
        let found: Vec<HeldPolicy<'m>> = self
            .policy_index
            .candidates(arn)
            .into_iter()
            .map(|i| self.policies[i])
            .filter(|p| {
                p.attribute("arn").is_some_and(|own| same(arn, own)) || refers_to(arn, &p.address)
            })
            .flat_map(|p| self.records.get(p.address.as_str()).into_iter().flatten())
            .map(|&(_, record)| held(Held::Record(record)))
            .collect();
        if found.is_empty() {
            vec![held(Held::Unresolved(display(arn)))]
        } else {
            found
        }
    }
}

/// The principals of type `ty` that any of `refs` names, by name or ARN.
fn named_in<'v>(
    principals: &[IamPrincipal],
    index: &NameIndex,
    ty: PrincipalType,
    refs: impl Iterator<Item = &'v Value>,
) -> Vec<usize> {
    let mut found = Vec::new();
    for v in refs {
        for i in index.candidates(v) {
            let p = &principals[i];
            if p.ty == ty && names(v, p.resource) {
                found.push(i);
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// A resource's name and ARN, as kept.
fn names_of(r: &Resource) -> [Option<&Value>; 2] {
    [r.attribute("name"), r.attribute("arn")]
}

/// Whether a reference names a resource: by its name or ARN ([`same`]), or as an unknown
/// attribute of it ([`refers_to`]).
fn names(reference: &Value, r: &Resource) -> bool {
    names_of(r)
        .into_iter()
        .flatten()
        .any(|own| same(reference, own))
        || refers_to(reference, &r.address)
}

/// Whether a reference is an attribute of the resource at `address` known only after apply
/// (`aws_iam_role.app.arn` in a plan): it names that resource, whatever its own attributes
/// hold.
fn refers_to(reference: &Value, address: &str) -> bool {
    reference
        .whole_unknown()
        .and_then(|u| attribute_of(&u.origin))
        .is_some_and(|a| a == address)
}

/// The resource address of an origin naming an identifying attribute (`….arn`, `.name`, `.id`,
/// `.unique_id`).
fn attribute_of(origin: &str) -> Option<&str> {
    let (address, attribute) = origin.rsplit_once('.')?;
    matches!(attribute, "arn" | "name" | "id" | "unique_id").then_some(address)
}

fn display(v: &Value) -> String {
    match &v.data {
        Data::String(s) => s.display(),
        Data::Unknown(u) => format!("${{{}}}", u.origin),
        _ => v.type_name().to_string(),
    }
}

/// The items of a list attribute (or the attribute itself when it is a single value).
fn list(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    let items: &[Value] = match v.map(|v| (&v.data, v)) {
        Some((Data::List(items), _)) => items,
        Some((Data::Null, _)) | None => &[],
        Some((_, v)) => std::slice::from_ref(v),
    };
    items.iter()
}

/// Whether a reference and a name or ARN are the same: equal text (an unknown part matching
/// the same unknown, or any one ARN segment when the other side is known), or the same
/// unknown value.
pub fn same(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (a.whole_unknown(), b.whole_unknown()) {
        return x.origin == y.origin;
    }
    match (&a.data, &b.data) {
        (Data::String(x), Data::String(y)) => same_str(x, y),
        _ => false,
    }
}

fn same_str(a: &Str, b: &Str) -> bool {
    if a.text == b.text {
        // The same unknowns in the same places; the account id is one for the whole
        // configuration, however it is written.
        let account = |u: &Unknown| &*u.origin == ACCOUNT_ID;
        return a.unknowns.len() == b.unknowns.len()
            && (a.unknowns.iter().zip(&b.unknowns))
                .all(|(x, y)| x.origin == y.origin || account(x) || account(y));
    }
    match (a.unknowns.is_empty(), b.unknowns.is_empty()) {
        (true, false) => fills(&b.text, &a.text),
        (false, true) => fills(&a.text, &b.text),
        _ => false,
    }
}

/// Whether `known` is `partial` with each unknown mark replaced by one ARN segment (no `:`
/// or `/`), as an account id or partition fills an ARN.
fn fills(partial: &str, known: &str) -> bool {
    let mut pieces = partial.split(Str::UNKNOWN_MARK);
    let Some(first) = pieces.next() else {
        return false;
    };
    let Some(mut rest) = known.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    for (i, piece) in pieces.iter().enumerate() {
        let last = i + 1 == pieces.len();
        let segment_end = rest.find([':', '/']).unwrap_or(rest.len());
        let found = if last {
            rest.len()
                .checked_sub(piece.len())
                .filter(|&at| at <= segment_end && rest[at..] == **piece && at > 0)
        } else {
            rest[..segment_end]
                .char_indices()
                .skip(1)
                .map(|(at, _)| at)
                .chain([segment_end])
                .find(|&at| rest[at..].starts_with(piece))
        };
        let Some(at) = found else {
            return false;
        };
        rest = &rest[at + piece.len()..];
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partial(text: &str, origins: &[&str]) -> Value {
        let s = Str {
            text: text.replace('#', &Str::UNKNOWN_MARK.to_string()),
            unknowns: origins.iter().map(|o| Unknown::new(*o)).collect(),
            ..Str::default()
        };
        Value::new(Data::String(s), None)
    }

    #[test]
    fn references_match_names_arns_and_unknowns() {
        let account = ACCOUNT_ID;
        let built = partial("arn:aws:iam::#:policy/team", &[account]);
        let literal = Value::string("arn:aws:iam::123456789012:policy/team", None);
        let other = Value::string("arn:aws:iam::123456789012:policy/teams", None);
        let via_var = partial("arn:aws:iam::#:policy/team", &["var.account"]);
        assert!(same(&built, &built.clone()));
        assert!(same(&built, &literal) && same(&literal, &built));
        assert!(!same(&built, &other));
        assert!(
            same(&built, &via_var),
            "an account id is one for the configuration"
        );
        let name = Value::unknown("aws_iam_role.app.name", None);
        assert!(same(&name, &Value::unknown("aws_iam_role.app.name", None)));
        assert!(!same(&name, &Value::unknown("aws_iam_role.b.name", None)));
        assert!(!same(&name, &Value::string("app", None)));
        // An unknown part fills one segment, never a path.
        let any_name = partial("arn:aws:iam::1:role/#", &["var.n"]);
        assert!(same(
            &any_name,
            &Value::string("arn:aws:iam::1:role/app", None)
        ));
        assert!(!same(
            &any_name,
            &Value::string("arn:aws:iam::1:role/a/b", None)
        ));
        assert!(!same(
            &any_name,
            &Value::string("arn:aws:iam::1:role/", None)
        ));
    }

    #[test]
    fn an_unknown_attribute_names_its_resource_and_a_string_of_one_unknown_is_that_unknown() {
        let arn = Value::unknown("module.a[\"x\"].aws_iam_role.app.arn", None);
        assert!(refers_to(&arn, "module.a[\"x\"].aws_iam_role.app"));
        assert!(!refers_to(&arn, "module.a[\"x\"].aws_iam_role.ap"));
        let id = Value::unknown("aws_iam_role.app.id", None);
        assert!(refers_to(&id, "aws_iam_role.app"));
        // Not an identifying attribute, or not an unknown: not a reference to the role.
        assert!(!refers_to(
            &Value::unknown("aws_iam_role.app.tags", None),
            "aws_iam_role.app"
        ));
        assert!(!refers_to(
            &Value::string("aws_iam_role.app.arn", None),
            "aws_iam_role.app"
        ));
        // `"${aws_iam_role.app.arn}"` in a heredoc: the string is the unknown.
        let interpolated = partial("#", &["aws_iam_role.app.arn"]);
        assert!(refers_to(&interpolated, "aws_iam_role.app"));
        assert!(same(
            &interpolated,
            &Value::unknown("aws_iam_role.app.arn", None)
        ));
        assert!(!same(
            &partial("x#", &["aws_iam_role.app.arn"]),
            &Value::unknown("aws_iam_role.app.arn", None)
        ));
    }

    #[test]
    fn kept_attributes_are_sorted_for_lookup() {
        assert!(KEPT_ATTRIBUTES.windows(2).all(|w| w[0].0 < w[1].0));
        let kept = |kind| kept_attributes(kind).collect::<Vec<_>>();
        assert!(kept("aws_iam_role").contains(&"managed_policy_arns"));
        assert!(kept("aws_s3_bucket").is_empty());
        assert!(kept("aws_ecs_task_definition").contains(&"task_role_arn"));
        assert!(kept("aws_scheduler_schedule").contains(&"target"));
        for (kind, attribute) in JSON_ATTRIBUTES {
            assert!(kept(kind).contains(attribute), "{kind}.{attribute}");
        }
        for (kind, attribute) in ATTACHING_ATTRIBUTES {
            assert!(kept(kind).contains(attribute), "{kind}.{attribute}");
        }
    }
}
