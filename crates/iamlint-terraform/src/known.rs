//! Attributes the provider computes but the configuration already tells: the name, ARN and id
//! of IAM resources (`arn:aws:iam::<account>:role/<path><name>`, the account unknown). Both
//! front-ends fill them, so that a role is matched and asked about by its ARN whether it came
//! from HCL or from a plan, where the ARN of a new role is known only after apply.

use iamlint_model::{Data, Key, Location, Str, Unknown, Value};

/// The ARN resource type of an IAM resource type (`aws_iam_role` → `role`).
fn arn_kind(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "aws_iam_role" => "role",
        "aws_iam_policy" => "policy",
        "aws_iam_user" => "user",
        "aws_iam_group" => "group",
        "aws_iam_instance_profile" => "instance-profile",
        _ => return None,
    })
}

/// Fills `name`, `arn` and `id` of an IAM resource (`entries`, its attributes) where they are
/// missing or unknown. A name that is itself unknown stays an unknown part named
/// `<address>.name`, after its `name_prefix` when there is one.
pub(crate) fn fill_iam_attributes(
    ty: &str,
    address: &str,
    entries: &mut Vec<(Key, Value)>,
    loc: Option<Location>,
) {
    if ty == "aws_iam_openid_connect_provider" {
        return fill_oidc_provider_arn(entries);
    }
    let Some(kind) = arn_kind(ty) else {
        return;
    };
    let get = |entries: &[(Key, Value)], k: &str| {
        entries
            .iter()
            .find(|(e, _)| e.name == k)
            .map(|(_, v)| v.clone())
    };
    let name = match (get(entries, "name"), get(entries, "name_prefix")) {
        (Some(n), _) if n.as_str().is_some() => n,
        // `name_prefix = "app-"`: the provider appends a unique suffix, so the name is known to
        // start with the prefix (`app-${…}`), which keeps it apart from other names.
        (_, Some(prefix)) if prefix.as_known_str().is_some() => {
            let prefix = prefix.as_known_str().unwrap_or_default();
            let name = Str {
                text: format!("{prefix}{}", Str::UNKNOWN_MARK),
                unknowns: vec![Unknown::new(format!("{address}.name"))],
                ..Str::default()
            };
            Value::new(Data::String(name), loc)
        }
        _ => Value::unknown(format!("{address}.name"), loc),
    };
    let path = get(entries, "path")
        .and_then(|p| p.as_known_str().map(str::to_string))
        .unwrap_or_else(|| "/".to_string());
    let mut arn = Str {
        text: format!("arn:aws:iam::{}:{kind}{path}", Str::UNKNOWN_MARK),
        ..Str::default()
    };
    arn.unknowns.push(Unknown::account_id());
    match &name.data {
        Data::String(s) => {
            arn.text.push_str(&s.text);
            arn.unknowns.extend(s.unknowns.iter().cloned());
        }
        _ => {
            arn.text.push(Str::UNKNOWN_MARK);
            arn.unknowns.push(Unknown::new(format!("{address}.name")));
        }
    }
    let arn = Value::new(Data::String(arn), loc);
    let id = if kind == "policy" {
        arn.clone()
    } else {
        name.clone()
    };
    for (k, v) in [("arn", arn), ("name", name), ("id", id)] {
        set_unless_known(entries, k, v);
    }
}

/// An OIDC provider's ARN (and id, which is the ARN) from its `url`: the provider's host and
/// path, without the scheme (`arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com`).
/// Trust policies name it so, and the host says whose tokens the role accepts.
/// No expression wrote it: a reference to it is located where it is read.
fn fill_oidc_provider_arn(entries: &mut Vec<(Key, Value)>) {
    let Some(url) = entries
        .iter()
        .find(|(e, _)| e.name == "url")
        .and_then(|(_, v)| v.as_known_str())
    else {
        return;
    };
    let host = url.trim_start_matches("https://").trim_end_matches('/');
    let mut arn = Str {
        text: format!("arn:aws:iam::{}:oidc-provider/{host}", Str::UNKNOWN_MARK),
        ..Str::default()
    };
    arn.unknowns.push(Unknown::account_id());
    let arn = Value::new(Data::String(arn), None);
    for k in ["arn", "id"] {
        set_unless_known(entries, k, arn.clone());
    }
}

/// Sets attribute `k` where it is missing or unknown; a configured value is kept.
fn set_unless_known(entries: &mut Vec<(Key, Value)>, k: &str, v: Value) {
    match entries.iter_mut().find(|(e, _)| e.name == k) {
        Some((_, old)) if matches!(old.data, Data::Unknown(_)) => *old = v,
        Some(_) => {}
        None => entries.push((
            Key {
                name: k.to_string(),
                loc: None,
            },
            v,
        )),
    }
}
