//! A privilege-escalation technique as its file describes it (`rules/privesc/<id>.toml`),
//! checked when read: a technique the engine could misread is an error, never a silent skip.

use std::sync::OnceLock;

use iamlint_model::action_set::ActionSet;
use serde::Deserialize;

use super::catalogue::FILES;

/// What a technique gives its caller.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// The caller gets the target's credentials, or runs code as it.
    Become,
    /// The caller makes the target an administrator (an inline policy, an attachment).
    Empower,
    /// The caller puts a user (itself) in a group whose policies make it an administrator.
    Join,
    /// A name for a sequence of other techniques; the search finds it from its parts.
    Composite,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Role,
    User,
    /// A resource that runs as a role (a Lambda function, an instance): the caller becomes
    /// its role.
    Wearer,
    /// A group of the principal (empower: its policies reach the members), or any group
    /// (join).
    Group,
    /// A customer-managed policy the principal holds (a new default version).
    Policy,
}

/// Whether the target may be the caller itself.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Who {
    #[serde(rename = "self")]
    Itself,
    Other,
    #[default]
    Any,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub kind: Kind,
    #[serde(default)]
    pub is: Who,
    /// The role's trust policy must admit this service (the technique hands it the role).
    pub trusts_service: Option<String>,
    /// The role's trust policy must admit the caller (the graph's may-assume relation).
    #[serde(default)]
    pub trusts_caller: bool,
    /// For a wearer: its Terraform resource types (`aws_lambda_function`).
    #[serde(default)]
    pub resource_types: Vec<String>,
}

/// One call the caller makes.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub action: String,
    /// `{target.arn}`, or an ARN with `{partition}`, `{region}`, `{account}` and `{new}` (a
    /// name the caller chooses), or `*`.
    pub resource: String,
    /// Condition keys the call carries, with their values.
    #[serde(default)]
    pub context: std::collections::BTreeMap<String, String>,
    /// The action's place in an [`ActionSet`], looked up once.
    #[serde(skip)]
    bit: OnceLock<Option<usize>>,
}

impl Step {
    /// Whether `set` holds this step's action (never, for one the catalogue lacks).
    pub fn in_set(&self, set: &ActionSet) -> bool {
        self.bit
            .get_or_init(|| ActionSet::bit_of(&self.action))
            .is_some_and(|bit| set.contains_bit(bit))
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assumes {
    /// What must hold at run time, beyond what the configuration shows.
    #[serde(default)]
    pub runtime: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Technique {
    pub id: String,
    /// Completes "can …" before the target's address: "create an access key for".
    pub title: String,
    pub category: String,
    pub effect: Effect,
    #[serde(default)]
    pub references: Vec<String>,
    pub target: Option<Target>,
    #[serde(default)]
    pub step: Vec<Step>,
    #[serde(default)]
    pub assumes: Assumes,
    /// For a composite: the techniques it is made of, in order.
    #[serde(default)]
    pub hops: Vec<String>,
}

const CATEGORIES: [&str; 4] = [
    "new-passrole",
    "existing-passrole",
    "principal-access",
    "self-escalation",
];

const PLACEHOLDERS: [&str; 5] = [
    "{target.arn}",
    "{partition}",
    "{region}",
    "{account}",
    "{new}",
];

/// Reads and checks one technique file.
pub fn parse(id: &str, text: &str) -> Result<Technique, String> {
    let t: Technique = toml::from_str(text).map_err(|e| format!("{id}.toml: {e}"))?;
    let fail = |why: String| Err(format!("{id}.toml: {why}"));
    if t.id != id {
        return fail(format!("its id is `{}`, not the file's name", t.id));
    }
    if !CATEGORIES.contains(&t.category.as_str()) {
        return fail(format!("unknown category `{}`", t.category));
    }
    match t.effect {
        Effect::Composite => {
            if t.hops.len() < 2 || t.target.is_some() || !t.step.is_empty() {
                return fail("a composite names two or more hops, and no target or steps".into());
            }
        }
        _ => {
            let Some(target) = &t.target else {
                return fail("a `[target]` is needed".into());
            };
            if t.step.is_empty() {
                return fail("at least one `[[step]]` is needed".into());
            }
            if target.kind != Kind::Role
                && (target.trusts_caller || target.trusts_service.is_some())
            {
                return fail("only a role has a trust policy".into());
            }
            let on_principal_or_policy = matches!(target.kind, Kind::Group | Kind::Policy);
            if on_principal_or_policy && t.effect == Effect::Become {
                return fail("a group or a policy is empowered or joined, not become".into());
            }
            if t.effect == Effect::Join && target.kind != Kind::Group {
                return fail("only a group is joined".into());
            }
            if (target.kind == Kind::Wearer) == target.resource_types.is_empty() {
                return fail("a wearer, and only a wearer, names its `resource_types`".into());
            }
            for ty in &target.resource_types {
                if iamlint_model::wearers::of(ty).is_empty() {
                    return fail(format!("`{ty}` is not in the wearer table"));
                }
            }
        }
    }
    for s in &t.step {
        let Some((service, name)) = s.action.split_once(':') else {
            return fail(format!("`{}` is not an action", s.action));
        };
        if iamlint_model::catalog::Catalog::get()
            .action(service, name)
            .is_none()
        {
            return fail(format!("`{}` is not in the AWS catalogue", s.action));
        }
        let mut rest = s.resource.clone();
        for p in PLACEHOLDERS {
            rest = rest.replace(p, "");
        }
        if rest.contains(['{', '}']) {
            return fail(format!("unknown placeholder in `{}`", s.resource));
        }
    }
    Ok(t)
}

/// Every technique of the catalogue, read once.
pub fn all() -> &'static [Technique] {
    static ALL: OnceLock<Vec<Technique>> = OnceLock::new();
    ALL.get_or_init(|| {
        let techniques: Vec<Technique> = FILES
            .iter()
            .map(|(id, text)| parse(id, text).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        for t in &techniques {
            for hop in &t.hops {
                assert!(
                    techniques.iter().any(|u| &u.id == hop),
                    "{}.toml names an unknown hop `{hop}`",
                    t.id
                );
            }
        }
        techniques
    })
}
