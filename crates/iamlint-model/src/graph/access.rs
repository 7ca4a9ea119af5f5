//! Who a resource policy lets in: a `may-access` edge from each principal a statement allows
//! (a principal of the configuration, another account, a service, or anyone) to the resource
//! the policy guards, labelled with the actions and placed at the principal. One edge per
//! principal written, so the graph grows with the policies, never with principals × resources.

use super::{Builder, EdgeKind, NodeKind};
use crate::PolicyKind;
use crate::links::Links;
use crate::model::{Model, PolicyRecord};
use crate::policy::{Item, ItemText, PrincipalKind, Statement};
use crate::reach::{allowed_principals, principal_place};

/// The node an allowed principal stands for: a principal of the configuration (its ARN as the
/// model builds it), else the principal as written.
fn from_node(links: &Links, kind: &PrincipalKind, item: &Item) -> Option<(String, NodeKind)> {
    let written = match &item.text {
        ItemText::Known(t) => t.as_str(),
        ItemText::Partial(p) => p.text.as_str(),
        ItemText::Unknown(_) => return None,
    };
    if *kind == PrincipalKind::Aws
        && let Some(p) = links.principals.iter().find(|p| {
            p.resource
                .attribute("arn")
                .and_then(|v| v.as_str())
                .is_some_and(|arn| arn.text == written)
        })
    {
        return Some((p.resource.address.clone(), super::kind_of(p.ty)));
    }
    let node = match kind {
        PrincipalKind::Service => NodeKind::Service,
        _ => NodeKind::Outside,
    };
    Some((item.display(), node))
}

/// The statement's actions, as the edge's label.
fn actions(s: &Statement) -> String {
    let Some(list) = &s.action else {
        return String::new();
    };
    let names: Vec<&str> = list.known_items().map(|(a, _)| a).collect();
    let shown = if names.len() > 3 {
        format!("{}, …", names[..3].join(", "))
    } else {
        names.join(", ")
    };
    if list.negated {
        format!("all but {shown}")
    } else {
        shown
    }
}

/// Policy resources that guard another resource, by the attribute that names it: the node is
/// the bucket, queue or key itself when that attribute refers to one of the configuration.
pub(crate) const GUARDING: [(&str, &str, &str); 8] = [
    (
        "aws_cloudwatch_event_bus_policy",
        "event_bus_name",
        "aws_cloudwatch_event_bus",
    ),
    (
        "aws_ecr_repository_policy",
        "repository",
        "aws_ecr_repository",
    ),
    ("aws_kms_key_policy", "key_id", "aws_kms_key"),
    ("aws_s3_bucket_policy", "bucket", "aws_s3_bucket"),
    (
        "aws_secretsmanager_secret_policy",
        "secret_arn",
        "aws_secretsmanager_secret",
    ),
    ("aws_sns_topic_policy", "arn", "aws_sns_topic"),
    ("aws_sqs_queue_policy", "queue_url", "aws_sqs_queue"),
    (
        "aws_efs_file_system_policy",
        "file_system_id",
        "aws_efs_file_system",
    ),
];

/// The resource a policy resource guards, when its attribute refers to one of the
/// configuration (`bucket = aws_s3_bucket.data.id`, in the same module instance).
fn guarded_by<'m>(model: &'m Model, holder: &str) -> Option<&'m str> {
    let r = model.resources.iter().find(|r| r.address == holder)?;
    let (_, attribute, ty) = GUARDING.iter().find(|(t, _, _)| *t == r.kind())?;
    let origin = &r.attribute(attribute)?.whole_unknown()?.origin;
    let (address, _) = origin.rsplit_once('.')?;
    let module = super::module_of(holder);
    let qualified = if module.is_empty() {
        address.to_string()
    } else {
        format!("{module}.{address}")
    };
    model
        .resources
        .iter()
        .find(|g| g.kind() == *ty && (g.address == qualified || g.address == address))
        .map(|g| g.address.as_str())
}

/// The resources a resource policy guards: the resource that holds it (or the one its policy
/// resource names), or those that use its document (a policy-document data source).
fn guarded<'m>(model: &'m Model, record: &'m PolicyRecord) -> Vec<&'m str> {
    let holders: Vec<&str> = if record.address.starts_with("data.") {
        record.uses.iter().map(|u| u.address.as_str()).collect()
    } else {
        vec![record.address.as_str()]
    };
    holders
        .into_iter()
        .map(|h| guarded_by(model, h).unwrap_or(h))
        .collect()
}

pub(super) fn draw(g: &mut Builder, model: &Model, links: &Links) {
    for record in model
        .policies
        .iter()
        .filter(|r| r.kind == PolicyKind::Resource)
    {
        let Some(doc) = record.document() else {
            continue;
        };
        let targets = guarded(model, record);
        for target in &targets {
            g.node(target, NodeKind::Guarded);
        }
        for (s, block, q) in allowed_principals(doc) {
            let Some((from, kind)) = from_node(links, &q.kind, &q.item) else {
                continue;
            };
            g.node(&from, kind);
            let at: Vec<_> = principal_place(q, block, s).into_iter().collect();
            for target in &targets {
                g.edge(&from, target, EdgeKind::MayAccess, actions(s), at.clone());
            }
        }
    }
}
