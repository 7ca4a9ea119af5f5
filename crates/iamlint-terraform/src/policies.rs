//! From blocks to the model: resources, and the policies their attributes carry.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use iamlint_model::links::{is_json_attribute, kept_attributes};
use iamlint_model::model::{Mode, Resource};
use iamlint_model::policy::{ItemText, PolicyDocument};
use iamlint_model::size::{self, PolicySize};
use iamlint_model::{
    Coverage, Data, Encoded, Key, Location, Model, PolicyBody, PolicyKind, PolicyRecord, Str,
    Unknown, Use, Value,
};

use crate::module::ModuleEnv;

/// Resource types whose attribute holds a policy, and what kind of policy it is. Resource
/// policies: a bucket's, queue's, topic's, key's, secret's, repository's, domain's, file
/// system's, event bus's, vault's or REST API's own, on the policy resource or the resource.
const POLICY_ATTRIBUTES: [(&str, &str, PolicyKind); 24] = [
    ("aws_iam_policy", "policy", PolicyKind::Identity),
    ("aws_iam_role_policy", "policy", PolicyKind::Identity),
    ("aws_iam_user_policy", "policy", PolicyKind::Identity),
    ("aws_iam_group_policy", "policy", PolicyKind::Identity),
    ("aws_iam_role", "assume_role_policy", PolicyKind::Trust),
    ("aws_s3_bucket_policy", "policy", PolicyKind::Resource),
    ("aws_s3_bucket", "policy", PolicyKind::Resource),
    ("aws_sqs_queue_policy", "policy", PolicyKind::Resource),
    ("aws_sqs_queue", "policy", PolicyKind::Resource),
    ("aws_sns_topic_policy", "policy", PolicyKind::Resource),
    ("aws_sns_topic", "policy", PolicyKind::Resource),
    ("aws_kms_key", "policy", PolicyKind::Resource),
    ("aws_kms_key_policy", "policy", PolicyKind::Resource),
    ("aws_ecr_repository_policy", "policy", PolicyKind::Resource),
    ("aws_ecr_registry_policy", "policy", PolicyKind::Resource),
    (
        "aws_secretsmanager_secret_policy",
        "policy",
        PolicyKind::Resource,
    ),
    ("aws_secretsmanager_secret", "policy", PolicyKind::Resource),
    (
        "aws_opensearch_domain_policy",
        "access_policies",
        PolicyKind::Resource,
    ),
    (
        "aws_elasticsearch_domain_policy",
        "access_policies",
        PolicyKind::Resource,
    ),
    ("aws_efs_file_system_policy", "policy", PolicyKind::Resource),
    (
        "aws_cloudwatch_event_bus_policy",
        "policy",
        PolicyKind::Resource,
    ),
    ("aws_glacier_vault", "access_policy", PolicyKind::Resource),
    ("aws_backup_vault_policy", "policy", PolicyKind::Resource),
    (
        "aws_api_gateway_rest_api_policy",
        "policy",
        PolicyKind::Resource,
    ),
];

/// The attributes of a resource type that hold policies (`inline_policy` blocks included).
pub(crate) fn policy_attributes(ty: &str) -> impl Iterator<Item = &'static str> {
    let inline = (ty == "aws_iam_role").then_some("inline_policy");
    POLICY_ATTRIBUTES
        .iter()
        .filter(move |(t, _, _)| *t == ty)
        .map(|(_, a, _)| *a)
        .chain(inline)
}

/// One resource or data source instance as a front-end evaluated it.
pub(crate) struct Instance<'v> {
    pub address: &'v str,
    pub mode: Mode,
    pub ty: &'v str,
    pub name: &'v str,
    /// Bytes of instance key at the end of `address` (`["k"]`).
    pub key_len: usize,
    /// The whole block (or object, in a plan).
    pub loc: Option<Location>,
    /// The attributes, evaluated.
    pub value: &'v Value,
    /// Why parts stayed unknown.
    pub notes: &'v [String],
}

/// Gathers resources and the policies their attributes carry, from either front-end.
pub(crate) struct Collector {
    builder: Builder,
    resources: Vec<Resource>,
    /// JSON documents among kept attributes that could not be read.
    unread: Vec<Coverage>,
    /// Policy-document data sources that render an identity policy (no `Principal`), with
    /// their `json`: those no instance uses are judged on their own.
    documents: Vec<(String, Value, Option<Location>)>,
    /// The documents some other instance's attributes hold (by address).
    used: HashSet<Arc<str>>,
}

impl Collector {
    pub fn new() -> Self {
        Collector {
            builder: Builder {
                records: Vec::new(),
                notes: HashMap::new(),
            },
            resources: Vec::new(),
            unread: Vec::new(),
            documents: Vec::new(),
            used: HashSet::new(),
        }
    }

    /// Adds an instance. `written` says where an attribute's expression is written, when that
    /// is finer than the value's own location (the expression of a reused document).
    pub fn add(&mut self, inst: &Instance, written: &dyn Fn(&str) -> Option<Location>) {
        let mut resource = Resource::new(
            inst.address.to_string(),
            inst.mode,
            inst.ty,
            inst.name,
            inst.key_len,
            inst.loc,
        );
        if inst.mode == Mode::Managed {
            resource.attributes = kept_attributes(inst.ty)
                .filter_map(|a| entry(inst.value, a).cloned())
                .collect();
            decode_documents(&mut resource, inst.ty, &mut self.unread);
        }
        self.resources.push(resource);
        note_documents_used(inst.value, inst.address, &mut self.used);
        if inst.mode == Mode::Data
            && inst.ty == "aws_iam_policy_document"
            && let Some((_, json)) = entry(inst.value, "json")
                .filter(|(_, json)| renders_identity_policy(json, inst.address))
        {
            self.documents
                .push((inst.address.to_string(), json.clone(), inst.loc));
        }
        let builder = &mut self.builder;
        if inst.mode == Mode::Data {
            builder
                .notes
                .insert(inst.address.to_string(), inst.notes.to_vec());
            return;
        }
        for (_, attr, kind) in POLICY_ATTRIBUTES.iter().filter(|(t, _, _)| *t == inst.ty) {
            if let Some((key, value)) = entry(inst.value, attr) {
                builder.add(
                    inst.address,
                    attr,
                    *kind,
                    value.clone(),
                    written(attr).or(key.loc),
                    inst.notes.to_vec(),
                );
            }
        }
        if inst.ty == "aws_iam_role"
            && let Some((
                _,
                Value {
                    data: Data::List(inline),
                    ..
                },
            )) = entry(inst.value, "inline_policy")
        {
            for p in inline {
                if let Some((key, value)) = entry(p, "policy") {
                    builder.add(
                        inst.address,
                        "inline_policy.policy",
                        PolicyKind::Identity,
                        value.clone(),
                        key.loc,
                        inst.notes.to_vec(),
                    );
                }
            }
        }
    }

    pub fn finish(mut self) -> Collected {
        // A document no resource uses (handed to a module call that is not installed, to an
        // output, or to nothing) is still the user's policy: judged as an identity policy of
        // unknown holder, and said so.
        for (address, json, loc) in std::mem::take(&mut self.documents) {
            if self.used.contains(address.as_str()) {
                continue;
            }
            let notes = self
                .builder
                .notes
                .get(&address)
                .cloned()
                .unwrap_or_default();
            let record = PolicyRecord {
                address: address.clone(),
                kind: PolicyKind::Identity,
                size: size_of(&json),
                body: policy_body(json),
                loc: None,
                uses: Vec::new(),
                managed: None,
            };
            self.unread.push(Coverage {
                message: "no resource in the tree uses this policy document (it goes to a module \
                          that is not installed, an output, or nowhere): judged as an identity \
                          policy of unknown holder; `terraform init` installs modules so that \
                          iamlint sees who holds it"
                    .to_string(),
                address,
                loc,
            });
            self.builder.records.push((record, notes));
        }
        let mut collected = Collected {
            resources: self.resources,
            policies: Vec::new(),
            coverage: self.unread,
        };
        self.builder.finish(&mut collected);
        collected
    }
}

/// Collects the resources of a root module instance and its children, and their policies.
pub(crate) fn collect(root: &ModuleEnv) -> Collected {
    let mut collector = Collector::new();
    root.walk(&mut |block, inst, notes| {
        let instance = Instance {
            address: &inst.address,
            mode: block.mode,
            ty: &block.ty,
            name: &block.name,
            key_len: inst.key.suffix().len(),
            loc: block.loc,
            value: &inst.value,
            notes,
        };
        // The expression as written in the block: where a reused document is used.
        let written = |attr: &str| block.body.attr(block.file, attr).and_then(|a| a.expr_loc);
        collector.add(&instance, &written);
    });
    collector.finish()
}

/// What one root module adds to the model.
#[derive(Default)]
pub(crate) struct Collected {
    pub resources: Vec<Resource>,
    pub policies: Vec<PolicyRecord>,
    pub coverage: Vec<Coverage>,
}

impl Collected {
    pub fn into_model(self, model: &mut Model) {
        model.resources.extend(self.resources);
        model.policies.extend(self.policies);
        model.coverage.extend(self.coverage);
    }
}

/// Decodes the JSON documents among a resource's kept attributes
/// ([`JSON_ATTRIBUTES`](iamlint_model::links::JSON_ATTRIBUTES)) into
/// located values, as `jsonencode` leaves them. A text that cannot be read is a coverage note:
/// the rules that read the document skip it.
fn decode_documents(resource: &mut Resource, ty: &str, unread: &mut Vec<Coverage>) {
    for (key, value) in &mut resource.attributes {
        if !is_json_attribute(ty, &key.name) {
            continue;
        }
        let loc = value.loc;
        let s = match &mut value.data {
            Data::String(s) if s.encoded.is_none() => s,
            Data::Unknown(u) => {
                unread.push(Coverage {
                    address: resource.address.clone(),
                    message: format!(
                        "{} is unknown (`{}`); rules that read it skip it",
                        key.name, u.origin
                    ),
                    loc: key.loc.or(loc).or(resource.loc),
                });
                continue;
            }
            _ => continue,
        };
        let (message, at) = match decode_json_string(s, loc) {
            Ok(document) => {
                s.encoded = Some(Arc::new(Encoded {
                    value: document,
                    holder: None,
                }));
                continue;
            }
            Err(Unreadable::Unknown(u, at)) => (
                format!(
                    "{} is not JSON until `{}` is known; rules that read it skip it",
                    key.name, u.origin
                ),
                at,
            ),
            Err(Unreadable::Invalid { message, loc }) => (
                format!(
                    "{} is not JSON ({message}); rules that read it skip it",
                    key.name
                ),
                loc,
            ),
        };
        unread.push(Coverage {
            address: resource.address.clone(),
            message,
            loc: at,
        });
    }
}

fn entry<'v>(object: &'v Value, name: &str) -> Option<&'v (Key, Value)> {
    object
        .as_object()?
        .iter()
        .find(|(k, v)| k.name == name && !matches!(v.data, Data::Null))
}

struct Builder {
    records: Vec<(PolicyRecord, Vec<String>)>,
    /// Notes of data sources, added to every record they hold.
    notes: HashMap<String, Vec<String>>,
}

impl Builder {
    /// Records the policy `v` of `resource.attribute`, written at `expr_loc`.
    fn add(
        &mut self,
        resource: &str,
        attribute: &str,
        kind: PolicyKind,
        v: Value,
        expr_loc: Option<Location>,
        notes: Vec<String>,
    ) {
        let loc = expr_loc.or(v.loc);
        let Some(holder) = holder_of(&v) else {
            let record = PolicyRecord {
                address: resource.to_string(),
                kind,
                size: size_of(&v),
                body: policy_body(v),
                loc,
                uses: Vec::new(),
                managed: None,
            };
            self.records.push((record, notes));
            return;
        };
        // A policy-document data source: one record per document and kind, with its uses; the
        // document is read at its first use only.
        let use_ = Use {
            address: resource.to_string(),
            attribute: attribute.to_string(),
            loc,
        };
        if let Some((r, _)) = self
            .records
            .iter_mut()
            .find(|(r, _)| *r.address == *holder && r.kind == kind)
        {
            r.uses.push(use_);
            return;
        }
        let held_notes = self.notes.get(&*holder).cloned().unwrap_or_default();
        let record = PolicyRecord {
            address: holder.to_string(),
            kind,
            size: size_of(&v),
            body: policy_body(v),
            loc: None,
            uses: vec![use_],
            managed: None,
        };
        self.records
            .push((record, held_notes.into_iter().chain(notes).collect()));
    }

    fn finish(self, model: &mut Collected) {
        for (mut record, notes) in self.records {
            if record.loc.is_none() {
                record.loc = record.document().and_then(|d| d.loc);
            }
            if let Some(c) = coverage(&record, notes) {
                model.coverage.push(c);
            }
            model.policies.push(record);
        }
    }
}

/// Adds to `used` the policy-document data sources whose rendering `v` holds, other than
/// `own` (a document's own `json`).
fn note_documents_used(v: &Value, own: &str, used: &mut HashSet<Arc<str>>) {
    match &v.data {
        Data::String(s) => {
            if let Some(holder) = s.encoded.as_ref().and_then(|e| e.holder.as_ref())
                && **holder != *own
            {
                used.insert(holder.clone());
            }
        }
        Data::List(items) => {
            for item in items {
                note_documents_used(item, own, used);
            }
        }
        Data::Object(entries) => {
            for (_, item) in entries {
                note_documents_used(item, own, used);
            }
        }
        _ => {}
    }
}

/// Whether a policy-document data source's `json` is its own rendering (the HCL front-end's;
/// a plan holds plain text, and its consumers no trace of it) of a document without
/// `Principal`: only an identity policy (or a boundary or SCP) has none.
fn renders_identity_policy(json: &Value, own: &str) -> bool {
    let Data::String(s) = &json.data else {
        return false;
    };
    let Some(encoded) = s
        .encoded
        .as_ref()
        .filter(|e| e.holder.as_deref() == Some(own))
    else {
        return false;
    };
    let statements = match encoded.value.get("Statement").map(|v| &v.data) {
        Some(Data::List(items)) => items.as_slice(),
        _ => return false,
    };
    statements.iter().all(|st| {
        st.as_object().is_some_and(|entries| {
            !entries
                .iter()
                .any(|(k, _)| k.name == "Principal" || k.name == "NotPrincipal")
        })
    })
}

/// The policy-document data source that rendered a policy attribute's value, if one did.
fn holder_of(v: &Value) -> Option<Arc<str>> {
    match &v.data {
        Data::String(s) => s.encoded.as_ref()?.holder.clone(),
        _ => None,
    }
}

/// How long AWS will count the policy: its text, or for a document the provider renders, the
/// most compact rendering of its value.
fn size_of(v: &Value) -> Option<PolicySize> {
    match &v.data {
        Data::String(s) => match &s.encoded {
            Some(enc) if enc.holder.is_some() => Some(size::lower_bound(&enc.value)),
            _ => Some(size::of_text(s)),
        },
        Data::Object(_) => Some(size::lower_bound(v)),
        _ => None,
    }
}

/// Reads a policy attribute's value: a JSON string (decoded with positions), or the structured
/// value a `jsonencode` or policy document rendered.
fn policy_body(v: Value) -> PolicyBody {
    match v.data {
        Data::String(s) => match &s.encoded {
            Some(enc) => PolicyBody::Document(PolicyDocument::from_value(&enc.value)),
            None => decode_policy_text(&s, v.loc),
        },
        Data::Unknown(u) => PolicyBody::Unknown(u),
        Data::Object(_) => PolicyBody::Document(PolicyDocument::from_value(&v)),
        _ => PolicyBody::InvalidJson {
            message: format!("a policy must be a JSON string, not a {}", v.type_name()),
            loc: v.loc,
        },
    }
}

fn decode_policy_text(s: &Str, loc: Option<Location>) -> PolicyBody {
    match decode_json_string(s, loc) {
        Ok(v) => PolicyBody::Document(PolicyDocument::from_value(&v)),
        Err(Unreadable::Unknown(u, _)) => PolicyBody::Unknown(u),
        Err(Unreadable::Invalid { message, loc }) => PolicyBody::InvalidJson { message, loc },
    }
}

/// Why a JSON string could not be read.
enum Unreadable {
    /// An unknown part may well be what breaks it (`"Action": ${var.actions}`): the first one,
    /// and where the syntax broke.
    Unknown(Unknown, Option<Location>),
    /// A syntax error, at its place.
    Invalid {
        message: String,
        loc: Option<Location>,
    },
}

/// Decodes a JSON string (a policy, a state machine definition), each node located through the
/// string's byte map, else at `loc`.
fn decode_json_string(s: &Str, loc: Option<Location>) -> Result<Value, Unreadable> {
    let locate = |a: usize, b: usize| s.locate(a, b).or(loc);
    crate::json::decode(&s.text, &locate, &s.unknowns).map_err(|e| {
        let at = locate(e.start, e.end.max(e.start + 1));
        match s.unknowns.first() {
            Some(u) => Unreadable::Unknown(u.clone(), at),
            None => Unreadable::Invalid {
                message: e.message,
                loc: at,
            },
        }
    })
}

/// What of a policy stayed unknown in a way that can hide a finding.
fn coverage(record: &PolicyRecord, notes: Vec<String>) -> Option<Coverage> {
    let mut origins: Vec<&Unknown> = Vec::new();
    match &record.body {
        PolicyBody::Unknown(u) => origins.push(u),
        PolicyBody::InvalidJson { .. } => {}
        PolicyBody::Document(doc) => {
            origins.extend(&doc.statements_unknown);
            for s in &doc.statements {
                origins.extend(list_unknowns(&s.action));
                // A partly known resource (`arn:aws:s3:::${var.bucket}/*`) is never `*`: only
                // wholly unknown resources can hide something.
                if let Some(r) = &s.resource {
                    origins.extend(r.unknown.iter().filter(|u| !u.is_resource_attribute()));
                    origins.extend(r.items.iter().filter_map(|i| match &i.text {
                        ItemText::Unknown(u) if !u.is_resource_attribute() => Some(u),
                        _ => None,
                    }));
                }
                origins.extend(s.effect.iter().flat_map(|e| item_unknowns(&e.text)));
                if let Some(p) = &s.principal {
                    origins.extend(&p.unknown);
                    origins.extend(
                        p.principals
                            .iter()
                            .flat_map(|p| item_unknowns(&p.item.text)),
                    );
                }
                origins.extend(&s.conditions_unknown);
                origins.extend(s.conditions.iter().flat_map(|c| c.unknown.iter()));
            }
        }
    }
    // Notes explain unknowns; without an unknown in the policy they concern something else.
    if origins.is_empty() {
        return None;
    }
    let mut names: Vec<String> = origins.iter().map(|u| format!("`{}`", u.origin)).collect();
    names.sort();
    names.dedup();
    let mut message = format!("{} could not be fully evaluated", record.kind.noun());
    if !names.is_empty() {
        message.push_str(&format!(": depends on {}", names.join(", ")));
    }
    let mut notes = notes;
    notes.sort();
    notes.dedup();
    if !notes.is_empty() {
        message.push_str(&format!("; {}", notes.join("; ")));
    }
    Some(Coverage {
        address: record.address.clone(),
        message,
        loc: record.loc,
    })
}

fn list_unknowns(list: &Option<iamlint_model::policy::ElementList>) -> Vec<&Unknown> {
    list.iter()
        .flat_map(|l| {
            l.unknown
                .iter()
                .chain(l.items.iter().flat_map(|i| item_unknowns(&i.text)))
        })
        .collect()
}

fn item_unknowns(text: &ItemText) -> Vec<&Unknown> {
    match text {
        ItemText::Known(_) => Vec::new(),
        ItemText::Partial(s) => s.unknowns.iter().collect(),
        ItemText::Unknown(u) => vec![u],
    }
}
