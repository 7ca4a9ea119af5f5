//! What a Step Functions state machine launches: the Task states of an Amazon States Language
//! definition (Parallel branches and Map processors included), the service API each calls, and
//! the roles each hands to that service.
//!
//! The table of passes is data, in one place, like [`crate::wearers`]: a service integration,
//! the parameter that names what is launched, and the service principal the role is passed to.
//! Sources: the Step Functions service-integration pages and each API's request syntax.

use crate::source::Location;
use crate::value::{Data, Value};
use crate::wearers::Holds;
use Holds::{InstanceProfile, RoleArn, RoleName};
use Launched::{Role, TaskDefinition};

/// What a pass parameter names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Launched {
    /// A role, the way [`Holds`] says.
    Role(Holds),
    /// An ECS task definition (its ARN, family or `family:revision`): its task and execution
    /// roles are passed.
    TaskDefinition,
}

/// One way a service integration passes a role.
#[derive(Clone, Copy, Debug)]
pub struct Pass {
    /// The API, as written after `arn:aws:states:::` (case-insensitive: the SDK integrations
    /// write `aws-sdk:ecs:runTask`, the optimized ones `ecs:runTask`).
    pub api: &'static str,
    /// The parameter, nested objects separated by `.`.
    pub parameter: &'static str,
    pub launched: Launched,
    /// The service the role is passed to (`iam:PassedToService`): the one whose API is called,
    /// also when it hands the role on (EKS node roles go to `eks.amazonaws.com`).
    pub service: &'static str,
}

const fn pass(
    api: &'static str,
    parameter: &'static str,
    launched: Launched,
    service: &'static str,
) -> Pass {
    Pass {
        api,
        parameter,
        launched,
        service,
    }
}

/// The integrations that pass a role when they run. `batch:submitJob`, `glue:startJobRun` and
/// `lambda:invoke` run with roles their resources already carry: they pass none.
pub const PASSES: &[Pass] = &[
    pass(
        "bedrock:createModelCustomizationJob",
        "RoleArn",
        Role(RoleArn),
        "bedrock.amazonaws.com",
    ),
    pass(
        "codebuild:startBuild",
        "ServiceRoleOverride",
        Role(RoleArn),
        "codebuild.amazonaws.com",
    ),
    pass(
        "ecs:runTask",
        "TaskDefinition",
        TaskDefinition,
        "ecs-tasks.amazonaws.com",
    ),
    pass(
        "ecs:runTask",
        "Overrides.TaskRoleArn",
        Role(RoleArn),
        "ecs-tasks.amazonaws.com",
    ),
    pass(
        "ecs:runTask",
        "Overrides.ExecutionRoleArn",
        Role(RoleArn),
        "ecs-tasks.amazonaws.com",
    ),
    pass(
        "eks:createCluster",
        "RoleArn",
        Role(RoleArn),
        "eks.amazonaws.com",
    ),
    // The node role goes to EKS, which hands it to the instances.
    pass(
        "eks:createNodegroup",
        "NodeRole",
        Role(RoleArn),
        "eks.amazonaws.com",
    ),
    pass(
        "elasticmapreduce:createCluster",
        "ServiceRole",
        Role(RoleName),
        "elasticmapreduce.amazonaws.com",
    ),
    // The instances' profile goes to EMR, which launches them with it.
    pass(
        "elasticmapreduce:createCluster",
        "JobFlowRole",
        Role(InstanceProfile),
        "elasticmapreduce.amazonaws.com",
    ),
    pass(
        "emr-serverless:startJobRun",
        "ExecutionRoleArn",
        Role(RoleArn),
        "emr-serverless.amazonaws.com",
    ),
    pass(
        "sagemaker:createHyperParameterTuningJob",
        "TrainingJobDefinition.RoleArn",
        Role(RoleArn),
        "sagemaker.amazonaws.com",
    ),
    pass(
        "sagemaker:createLabelingJob",
        "RoleArn",
        Role(RoleArn),
        "sagemaker.amazonaws.com",
    ),
    pass(
        "sagemaker:createModel",
        "ExecutionRoleArn",
        Role(RoleArn),
        "sagemaker.amazonaws.com",
    ),
    pass(
        "sagemaker:createProcessingJob",
        "RoleArn",
        Role(RoleArn),
        "sagemaker.amazonaws.com",
    ),
    pass(
        "sagemaker:createTrainingJob",
        "RoleArn",
        Role(RoleArn),
        "sagemaker.amazonaws.com",
    ),
];

/// A Task state of a definition.
#[derive(Debug)]
pub struct Task<'v> {
    /// The state's name, and where it is written.
    pub name: &'v str,
    pub name_loc: Option<Location>,
    /// The API it calls (`ecs:runTask`), without the `arn:…:states:::` prefix, the `aws-sdk:`
    /// prefix, or the integration pattern (`.sync`, `.waitForTaskToken`).
    pub api: &'v str,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata).
    pub parameters: &'v Value,
}

/// What a Task state passes: the value naming what it launches, and how.
#[derive(Debug)]
pub struct Passed<'v> {
    pub pass: &'static Pass,
    pub value: &'v Value,
    /// Where the parameter's key is written.
    pub key_loc: Option<Location>,
}

/// Every Task state of a definition (a decoded ASL document), in document order; Parallel
/// branches and Map processors (`ItemProcessor`, or the older `Iterator`) are walked too.
pub fn tasks(definition: &Value) -> Vec<Task<'_>> {
    let mut out = Vec::new();
    walk(definition, &mut out, 0);
    out
}

/// Nesting beyond this is not a definition Step Functions accepts; it stops a hostile input.
const MAX_DEPTH: usize = 64;

fn walk<'v>(machine: &'v Value, out: &mut Vec<Task<'v>>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(states) = machine.get("States").and_then(Value::as_object) else {
        return;
    };
    for (key, state) in states {
        match state.get("Type").and_then(Value::as_known_str) {
            Some("Task") => {
                let api = state
                    .get("Resource")
                    .and_then(Value::as_known_str)
                    .and_then(integration);
                let parameters = state.get("Parameters").or(state.get("Arguments"));
                if let (Some(api), Some(parameters)) = (api, parameters) {
                    out.push(Task {
                        name: &key.name,
                        name_loc: key.loc,
                        api,
                        parameters,
                    });
                }
            }
            Some("Parallel") => {
                if let Some(Data::List(branches)) = state.get("Branches").map(|b| &b.data) {
                    for branch in branches {
                        walk(branch, out, depth + 1);
                    }
                }
            }
            Some("Map") => {
                if let Some(inner) = state.get("ItemProcessor").or(state.get("Iterator")) {
                    walk(inner, out, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// The API of a service-integration resource: `arn:aws:states:::ecs:runTask.sync` →
/// `ecs:runTask`; `None` for Lambda functions, activities and other ARNs.
fn integration(resource: &str) -> Option<&str> {
    let mut parts = resource.splitn(6, ':');
    let (arn, _partition, service, region, account) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if arn != "arn" || service != "states" || !region.is_empty() || !account.is_empty() {
        return None;
    }
    let api = parts.next()?;
    let api = api.strip_prefix("aws-sdk:").unwrap_or(api);
    Some(api.split('.').next().unwrap_or(api))
}

impl<'v> Task<'v> {
    /// What this state passes, by [`PASSES`]. A parameter given by a path (`"RoleArn.$"`) or a
    /// JSONata expression (`"{% $states.input.role %}"`) is only known at run time: not here.
    pub fn passes(&self) -> Vec<Passed<'v>> {
        let mut out = Vec::new();
        for pass in PASSES
            .iter()
            .filter(|p| p.api.eq_ignore_ascii_case(self.api))
        {
            let mut here = Some((None, self.parameters));
            for part in pass.parameter.split('.') {
                here = here
                    .and_then(|(_, v)| v.entry(part))
                    .map(|(k, v)| (k.loc, v));
            }
            if let Some((key_loc, value)) = here
                && !is_expression(value)
            {
                out.push(Passed {
                    pass,
                    value,
                    key_loc,
                });
            }
        }
        out
    }
}

fn is_expression(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.text.starts_with("{%") && s.text.trim_end().ends_with("%}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition(json: &str) -> Value {
        Value::from_json(json).unwrap()
    }

    #[test]
    fn integrations_lose_prefix_and_pattern() {
        assert_eq!(
            integration("arn:aws:states:::ecs:runTask.sync"),
            Some("ecs:runTask")
        );
        assert_eq!(
            integration("arn:aws-cn:states:::sagemaker:createTrainingJob.sync:2"),
            Some("sagemaker:createTrainingJob")
        );
        assert_eq!(
            integration("arn:aws:states:::aws-sdk:ecs:runTask.waitForTaskToken"),
            Some("ecs:runTask")
        );
        assert_eq!(
            integration("arn:aws:lambda:eu-west-1:111122223333:function:f"),
            None
        );
        assert_eq!(
            integration("arn:aws:states:eu-west-1:111122223333:activity:a"),
            None
        );
    }

    #[test]
    fn tasks_are_found_in_branches_and_map_processors() {
        let d = definition(
            r#"{"StartAt": "P", "States": {
                "P": {"Type": "Parallel", "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "Parameters": {"TaskDefinition": "job"}}}},
                    {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"StartAt": "B", "States": {
                        "B": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob", "Arguments": {"RoleArn": "r"}}}}}}},
                    {"StartAt": "O", "States": {"O": {"Type": "Map", "Iterator": {"StartAt": "C", "States": {
                        "C": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ecs:runTask", "Parameters": {"TaskDefinition.$": "$.td"}}}}}}}
                ]},
                "L": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:f"},
                "W": {"Type": "Wait", "Seconds": 1}
            }}"#,
        );
        let found: Vec<(&str, &str)> = tasks(&d).iter().map(|t| (t.name, t.api)).collect();
        assert_eq!(
            found,
            [
                ("A", "ecs:runTask"),
                ("B", "sagemaker:createTrainingJob"),
                ("C", "ecs:runTask")
            ]
        );
        let passes: Vec<usize> = tasks(&d).iter().map(|t| t.passes().len()).collect();
        // `TaskDefinition.$` is a path: known only at run time.
        assert_eq!(passes, [1, 1, 0]);
    }

    #[test]
    fn nested_parameters_and_expressions() {
        let d = definition(
            r#"{"States": {
                "T": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync",
                      "Parameters": {"TrainingJobDefinition": {"RoleArn": "arn:aws:iam::111122223333:role/sm"}}},
                "E": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask",
                      "Arguments": {"TaskDefinition": "{% $states.input.td %}", "Overrides": {"TaskRoleArn": "arn:aws:iam::111122223333:role/t"}}}
            }}"#,
        );
        let t = tasks(&d);
        let named = |name: &str| t.iter().find(|t| t.name == name).unwrap().passes();
        let tuning = named("T");
        assert_eq!(tuning.len(), 1);
        assert_eq!(
            tuning[0].value.as_known_str(),
            Some("arn:aws:iam::111122223333:role/sm")
        );
        let ecs = named("E");
        assert_eq!(ecs.len(), 1);
        assert_eq!(ecs[0].pass.parameter, "Overrides.TaskRoleArn");
    }

    #[test]
    fn hostile_nesting_stops() {
        let key = |name: &str| crate::value::Key {
            name: name.into(),
            loc: None,
        };
        let object = |entries: Vec<(&str, Value)>| {
            let entries = entries.into_iter().map(|(k, v)| (key(k), v)).collect();
            Value::new(Data::Object(entries), None)
        };
        let mut machine = definition(
            r#"{"States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask", "Parameters": {"TaskDefinition": "x"}}}}"#,
        );
        let nest = |inner: Value| {
            let map = object(vec![
                ("Type", Value::string("Map", None)),
                ("Iterator", inner),
            ]);
            object(vec![("States", object(vec![("M", map)]))])
        };
        for _ in 0..MAX_DEPTH {
            machine = nest(machine);
        }
        assert_eq!(tasks(&machine).len(), 1);
        assert!(tasks(&nest(machine)).is_empty());
    }
}
