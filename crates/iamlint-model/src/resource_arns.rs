//! The ARN of a resource that runs as a role, as far as the configuration knows it: its `arn`
//! when known, else built from its name the way AWS builds it, with the parts only known at
//! apply (region, account, generated ids) unknown. A policy that names the resource by
//! pattern (`function:deploy-*`) can then be told apart from one that names another.

use crate::model::Resource;
use crate::value::{Data, Str};

/// (resource type, its name attribute, ARN with `{name}` and `{?}` for unknown parts)
const SHAPES: &[(&str, &str, &str)] = &[
    (
        "aws_apprunner_service",
        "service_name",
        "arn:aws:apprunner:{?}:{?}:service/{name}/{?}",
    ),
    (
        "aws_cloudformation_stack",
        "name",
        "arn:aws:cloudformation:{?}:{?}:stack/{name}/{?}",
    ),
    (
        "aws_codebuild_project",
        "name",
        "arn:aws:codebuild:{?}:{?}:project/{name}",
    ),
    (
        "aws_glue_dev_endpoint",
        "name",
        "arn:aws:glue:{?}:{?}:devEndpoint/{name}",
    ),
    ("aws_instance", "", "arn:aws:ec2:{?}:{?}:instance/{?}"),
    (
        "aws_lambda_function",
        "function_name",
        "arn:aws:lambda:{?}:{?}:function:{name}",
    ),
    (
        "aws_launch_template",
        "",
        "arn:aws:ec2:{?}:{?}:launch-template/{?}",
    ),
    (
        "aws_sagemaker_notebook_instance",
        "name",
        "arn:aws:sagemaker:{?}:{?}:notebook-instance/{name}",
    ),
];

/// The attributes kept for a resource type so that its ARN can be built.
pub fn kept_attributes(kind: &str) -> impl Iterator<Item = &'static str> {
    SHAPES
        .iter()
        .filter(move |(k, _, _)| *k == kind)
        .flat_map(|(_, name, _)| ["arn", name].into_iter().filter(|a| !a.is_empty()))
}

/// The resource's ARN, with [`Str::UNKNOWN_MARK`] for each part only known at apply; wholly
/// unknown for a type this table lacks.
pub fn arn(r: &Resource) -> String {
    if let Some(Data::String(s)) = r.attribute("arn").map(|v| &v.data)
        && s.is_known()
    {
        return s.text.clone();
    }
    let unknown = Str::UNKNOWN_MARK.to_string();
    let Some((_, name_attribute, shape)) = SHAPES.iter().find(|(k, _, _)| *k == r.kind()) else {
        return unknown;
    };
    let name = match r.attribute(name_attribute).map(|v| &v.data) {
        Some(Data::String(s)) => s.text.clone(),
        _ => unknown.clone(),
    };
    shape.replace("{name}", &name).replace("{?}", &unknown)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_shape_is_a_wearer_and_sorted() {
        for w in super::SHAPES.windows(2) {
            assert!(w[0].0 < w[1].0);
        }
        for (kind, _, _) in super::SHAPES {
            assert!(!crate::wearers::of(kind).is_empty(), "{kind}");
        }
    }
}
