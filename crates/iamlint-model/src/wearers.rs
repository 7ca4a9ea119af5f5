//! Who wears a role: the resource types that run as a role, which attribute names it, what the
//! attribute holds, and the service principal that must be allowed to assume the role.
//!
//! This is data, in one place: a rule that needs to know who wears what asks here, and adding a
//! resource type is adding a row. Sources: the AWS provider's resource documentation and each
//! service's "service-linked / service role" documentation (the principal in the trust policy
//! of the role the service assumes).

/// What a wearer's attribute holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holds {
    RoleArn,
    /// A role's name (some attributes also accept its ARN: both are matched).
    RoleName,
    /// An instance profile's name or ARN: the role is the profile's.
    InstanceProfile,
}

/// One way a resource type wears a role.
#[derive(Clone, Copy, Debug)]
pub struct Wearer {
    pub resource: &'static str,
    /// The attribute, with nested blocks separated by `.` (`target.role_arn`).
    pub attribute: &'static str,
    pub holds: Holds,
    /// The service principal that assumes the role.
    pub service: &'static str,
}

const fn w(
    resource: &'static str,
    attribute: &'static str,
    holds: Holds,
    service: &'static str,
) -> Wearer {
    Wearer {
        resource,
        attribute,
        holds,
        service,
    }
}

use Holds::{InstanceProfile, RoleArn, RoleName};

/// Every known wearer, sorted by resource type.
pub const WEARERS: &[Wearer] = &[
    w(
        "aws_api_gateway_integration",
        "credentials",
        RoleArn,
        "apigateway.amazonaws.com",
    ),
    w(
        "aws_apprunner_service",
        "instance_configuration.instance_role_arn",
        RoleArn,
        "tasks.apprunner.amazonaws.com",
    ),
    w(
        "aws_apprunner_service",
        "source_configuration.authentication_configuration.access_role_arn",
        RoleArn,
        "build.apprunner.amazonaws.com",
    ),
    w(
        "aws_batch_compute_environment",
        "compute_resources.instance_role",
        InstanceProfile,
        "ec2.amazonaws.com",
    ),
    w(
        "aws_batch_compute_environment",
        "service_role",
        RoleArn,
        "batch.amazonaws.com",
    ),
    w(
        "aws_cloudformation_stack",
        "iam_role_arn",
        RoleArn,
        "cloudformation.amazonaws.com",
    ),
    w(
        "aws_cloudtrail",
        "cloud_watch_logs_role_arn",
        RoleArn,
        "cloudtrail.amazonaws.com",
    ),
    w(
        "aws_cloudwatch_event_target",
        "role_arn",
        RoleArn,
        "events.amazonaws.com",
    ),
    w(
        "aws_codebuild_project",
        "service_role",
        RoleArn,
        "codebuild.amazonaws.com",
    ),
    w(
        "aws_codepipeline",
        "role_arn",
        RoleArn,
        "codepipeline.amazonaws.com",
    ),
    w(
        "aws_config_configuration_recorder",
        "role_arn",
        RoleArn,
        "config.amazonaws.com",
    ),
    w(
        "aws_datasync_location_s3",
        "s3_config.bucket_access_role_arn",
        RoleArn,
        "datasync.amazonaws.com",
    ),
    w(
        "aws_dms_endpoint",
        "service_access_role",
        RoleArn,
        "dms.amazonaws.com",
    ),
    w("aws_ecs_service", "iam_role", RoleArn, "ecs.amazonaws.com"),
    w(
        "aws_ecs_task_definition",
        "execution_role_arn",
        RoleArn,
        "ecs-tasks.amazonaws.com",
    ),
    w(
        "aws_ecs_task_definition",
        "task_role_arn",
        RoleArn,
        "ecs-tasks.amazonaws.com",
    ),
    w("aws_eks_cluster", "role_arn", RoleArn, "eks.amazonaws.com"),
    w(
        "aws_eks_node_group",
        "node_role_arn",
        RoleArn,
        "ec2.amazonaws.com",
    ),
    w(
        "aws_emr_cluster",
        "ec2_attributes.instance_profile",
        InstanceProfile,
        "ec2.amazonaws.com",
    ),
    w(
        "aws_emr_cluster",
        "service_role",
        RoleName,
        "elasticmapreduce.amazonaws.com",
    ),
    w(
        "aws_flow_log",
        "iam_role_arn",
        RoleArn,
        "vpc-flow-logs.amazonaws.com",
    ),
    w("aws_glue_crawler", "role", RoleName, "glue.amazonaws.com"),
    w(
        "aws_glue_dev_endpoint",
        "role_arn",
        RoleArn,
        "glue.amazonaws.com",
    ),
    w("aws_glue_job", "role_arn", RoleArn, "glue.amazonaws.com"),
    w(
        "aws_instance",
        "iam_instance_profile",
        InstanceProfile,
        "ec2.amazonaws.com",
    ),
    w(
        "aws_kinesis_firehose_delivery_stream",
        "extended_s3_configuration.role_arn",
        RoleArn,
        "firehose.amazonaws.com",
    ),
    w(
        "aws_lambda_function",
        "role",
        RoleArn,
        "lambda.amazonaws.com",
    ),
    w(
        "aws_launch_configuration",
        "iam_instance_profile",
        InstanceProfile,
        "ec2.amazonaws.com",
    ),
    w(
        "aws_launch_template",
        "iam_instance_profile.arn",
        InstanceProfile,
        "ec2.amazonaws.com",
    ),
    w(
        "aws_launch_template",
        "iam_instance_profile.name",
        InstanceProfile,
        "ec2.amazonaws.com",
    ),
    w("aws_pipes_pipe", "role_arn", RoleArn, "pipes.amazonaws.com"),
    w(
        "aws_s3_bucket_replication_configuration",
        "role",
        RoleArn,
        "s3.amazonaws.com",
    ),
    w(
        "aws_sagemaker_domain",
        "default_user_settings.execution_role",
        RoleArn,
        "sagemaker.amazonaws.com",
    ),
    w(
        "aws_sagemaker_model",
        "execution_role_arn",
        RoleArn,
        "sagemaker.amazonaws.com",
    ),
    w(
        "aws_sagemaker_notebook_instance",
        "role_arn",
        RoleArn,
        "sagemaker.amazonaws.com",
    ),
    w(
        "aws_scheduler_schedule",
        "target.role_arn",
        RoleArn,
        "scheduler.amazonaws.com",
    ),
    w(
        "aws_sfn_state_machine",
        "role_arn",
        RoleArn,
        "states.amazonaws.com",
    ),
];

/// The ways a resource type wears roles (none for most).
pub fn of(kind: &str) -> &'static [Wearer] {
    let start = WEARERS.partition_point(|w| w.resource < kind);
    let end = WEARERS.partition_point(|w| w.resource <= kind);
    &WEARERS[start..end]
}

/// The top-level attributes the front-ends keep for a wearer type.
pub fn kept_attributes(kind: &str) -> impl Iterator<Item = &'static str> {
    let top = |w: &Wearer| w.attribute.split('.').next().unwrap_or(w.attribute);
    let rows = of(kind);
    // Rows of one type are adjacent: a block two rows reach into (`iam_instance_profile.arn`,
    // `.name`) is kept once.
    rows.iter()
        .enumerate()
        .filter(move |(i, w)| *i == 0 || top(&rows[i - 1]) != top(w))
        .map(move |(_, w)| top(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_covers_the_common_wearers() {
        assert!(WEARERS.windows(2).all(|p| p[0].resource <= p[1].resource));
        let types: std::collections::BTreeSet<&str> = WEARERS.iter().map(|w| w.resource).collect();
        assert!(types.len() >= 25, "{} types", types.len());
        let task: Vec<&str> = of("aws_ecs_task_definition")
            .iter()
            .map(|w| w.attribute)
            .collect();
        assert_eq!(task, ["execution_role_arn", "task_role_arn"]);
        assert!(of("aws_s3_bucket").is_empty());
        assert!(
            WEARERS
                .iter()
                .all(|w| w.service.ends_with(".amazonaws.com"))
        );
    }
}
