//! AWS-managed policies attached in the tree, as policy records the statement rules judge like
//! a document written out by hand: `AmazonS3FullAccess` on a Lambda role is as broad as its
//! `s3:*` on `*` typed into the role's own policy, and is reported at the ARN that attaches it.

use iamlint_model::links::attached_arns;
use iamlint_model::relocate::place_at;
use iamlint_model::{Model, PolicyBody, PolicyKind, PolicyRecord, managed};

/// One record per attachment of a known AWS-managed policy, held by the attaching resource
/// and located at its ARN, in the model's resource order. An ARN Terraform knows only after
/// apply, or one AWS does not publish, brings nothing to judge.
pub(crate) fn attached_managed(model: &Model) -> Vec<PolicyRecord> {
    let mut records = Vec::new();
    for r in &model.resources {
        for arn in attached_arns(r) {
            let Some(policy) = arn.as_str().and_then(|s| managed::lookup(&s.text)) else {
                continue;
            };
            let loc = arn.loc.or(r.loc);
            let mut doc = policy.document().clone();
            place_at(&mut doc, loc);
            records.push(PolicyRecord {
                address: r.address.clone(),
                kind: PolicyKind::Identity,
                body: PolicyBody::Document(doc),
                loc,
                uses: Vec::new(),
                size: None,
                managed: Some(policy.name()),
            });
        }
    }
    records
}
