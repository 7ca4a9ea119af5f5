//! The plan front-end: `terraform show -json` output of a plan or a state, read into the same
//! model as the HCL front-end.
//!
//! The document is read once with serde into small structs that borrow the text; only the
//! attributes of resources iamlint looks at are decoded into located values (with
//! [`crate::json::decode_file`]), so a 100 MB plan costs little more than reading it. Where a
//! value comes from:
//! - managed resources: `resource_changes[].change.after`, with `after_unknown` marking what is
//!   known only after apply (an unknown value, not a missing one); deleted and forgotten
//!   resources are skipped. A state has no changes: its `values` are used.
//! - data sources: `prior_state` (read at plan time: policy documents live here), else a
//!   deferred read in `resource_changes`.
//! - unknown attributes are named after what the configuration says they reference
//!   (`task_role_arn` → `aws_iam_role.task.arn`), so they link like the HCL front-end's.

pub mod input;
pub(crate) mod locate;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use iamlint_model::links::kept_attributes;
use iamlint_model::model::Mode;
use iamlint_model::{Data, Encoded, FileId, Key, Location, Unknown, Value};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::policies::{Collected, Collector, Instance};

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow)]
    format_version: Option<Cow<'a, str>>,
    /// With `format_version` alone, a state with nothing in it (what `terraform show -json`
    /// prints before the first apply).
    terraform_version: Option<serde::de::IgnoredAny>,
    #[serde(borrow)]
    planned_values: Option<StateValues<'a>>,
    /// A state (`terraform show -json` without a plan).
    #[serde(borrow)]
    values: Option<StateValues<'a>>,
    #[serde(borrow, default)]
    resource_changes: Vec<Change<'a>>,
    #[serde(borrow)]
    prior_state: Option<PriorState<'a>>,
    #[serde(borrow)]
    configuration: Option<Configuration<'a>>,
    /// The root module's input variables, as the plan was made with.
    #[serde(borrow, default)]
    variables: HashMap<Cow<'a, str>, Variable<'a>>,
}

#[derive(Deserialize)]
struct Variable<'a> {
    #[serde(borrow)]
    value: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct PriorState<'a> {
    #[serde(borrow)]
    values: Option<StateValues<'a>>,
}

#[derive(Deserialize)]
struct StateValues<'a> {
    #[serde(borrow)]
    root_module: Option<ModuleValues<'a>>,
}

#[derive(Deserialize)]
struct ModuleValues<'a> {
    #[serde(borrow, default)]
    resources: Vec<StateResource<'a>>,
    #[serde(borrow, default)]
    child_modules: Vec<ModuleValues<'a>>,
}

#[derive(Deserialize)]
struct StateResource<'a> {
    #[serde(borrow)]
    address: Cow<'a, str>,
    #[serde(borrow)]
    mode: Cow<'a, str>,
    #[serde(borrow, rename = "type")]
    ty: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    values: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Change<'a> {
    #[serde(borrow)]
    address: Cow<'a, str>,
    #[serde(borrow)]
    mode: Cow<'a, str>,
    #[serde(borrow, rename = "type")]
    ty: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    change: ChangeBody<'a>,
}

#[derive(Deserialize)]
struct ChangeBody<'a> {
    #[serde(borrow, default)]
    actions: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    after: Option<&'a RawValue>,
    #[serde(borrow)]
    after_unknown: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Configuration<'a> {
    #[serde(borrow)]
    root_module: Option<ConfigModule<'a>>,
}

#[derive(Deserialize)]
struct ConfigModule<'a> {
    #[serde(borrow, default)]
    resources: Vec<ConfigResource<'a>>,
    #[serde(borrow, default)]
    module_calls: HashMap<Cow<'a, str>, ModuleCall<'a>>,
}

#[derive(Deserialize)]
struct ModuleCall<'a> {
    #[serde(borrow)]
    module: Option<ConfigModule<'a>>,
}

#[derive(Deserialize)]
struct ConfigResource<'a> {
    #[serde(borrow)]
    address: Cow<'a, str>,
    /// An attribute's expression (an object with `references`), or a nested block's (a list
    /// of objects): read when needed.
    #[serde(borrow, default)]
    expressions: HashMap<Cow<'a, str>, &'a RawValue>,
}

#[derive(Deserialize)]
struct Expression {
    #[serde(default)]
    references: Vec<String>,
}

/// Why a document could not be read, and where (1-based line and column), when known.
#[derive(Debug)]
pub struct ReadError {
    pub message: String,
    pub line: Option<(usize, usize)>,
}

impl From<String> for ReadError {
    fn from(message: String) -> Self {
        ReadError {
            message,
            line: None,
        }
    }
}

/// Whether the text is a plan or state document: the error says why not, for people.
fn parse(text: &str) -> Result<Document<'_>, ReadError> {
    let doc: Document = serde_json::from_str(text).map_err(|e| {
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or_default();
        let message = match e.classify() {
            serde_json::error::Category::Data => format!(
                "not a Terraform plan or state: {what} (expected the output of `terraform show -json`)"
            ),
            _ => format!("invalid JSON: {what}"),
        };
        ReadError {
            message,
            line: Some((e.line(), e.column())),
        }
    })?;
    let has_content = doc.planned_values.is_some()
        || doc.values.is_some()
        || !doc.resource_changes.is_empty()
        || doc.prior_state.is_some()
        || doc.configuration.is_some()
        || doc.terraform_version.is_some();
    if doc.format_version.is_none() || !has_content {
        return Err(String::from("not a Terraform plan or state: no `format_version` and resources (expected the output of `terraform show -json`)").into());
    }
    if let Some(v) = &doc.format_version
        && !v.starts_with("0.")
        && !v.starts_with("1.")
    {
        return Err(format!(
            "plan format_version {v} is not supported (0.x and 1.x are); read it with a newer iamlint"
        )
        .into());
    }
    Ok(doc)
}

/// One instance to add, with where its attributes' text is.
struct Found<'a> {
    address: &'a str,
    mode: Mode,
    ty: &'a str,
    name: &'a str,
    values: Option<&'a RawValue>,
    unknown: Option<&'a RawValue>,
}

/// A plan or state document, read.
pub(crate) struct Plan<'a> {
    doc: Document<'a>,
}

impl<'a> Plan<'a> {
    /// `Err` when the text is not a plan or state.
    pub fn parse(text: &'a str) -> Result<Self, ReadError> {
        Ok(Plan { doc: parse(text)? })
    }

    /// The root variables the plan was made with, as `--var` values (JSON is an HCL
    /// expression), sorted by name.
    pub fn variables(&self) -> Vec<(String, String)> {
        let mut vars: Vec<(String, String)> = self
            .doc
            .variables
            .iter()
            .filter_map(|(k, v)| Some((k.to_string(), v.value?.get().to_string())))
            .collect();
        vars.sort();
        vars
    }

    /// What the document adds to the model (`text` is file `file`).
    pub fn collect(&'a self, file: FileId, text: &'a str) -> Collected {
        collect(file, text, &self.doc)
    }
}

fn collect<'a>(file: FileId, text: &'a str, doc: &'a Document<'a>) -> Collected {
    let mut found: Vec<Found> = Vec::new();
    let mut seen: HashMap<&str, ()> = HashMap::new();
    // Managed resources as they will be after apply, and data sources read at apply.
    for c in &doc.resource_changes {
        let actions: Vec<&str> = c.change.actions.iter().map(|a| a.as_ref()).collect();
        let gone = matches!(actions.as_slice(), ["delete"] | ["forget"]);
        let stale_read = c.mode == "data" && !actions.contains(&"read");
        if gone || stale_read || c.change.after.is_none() {
            continue;
        }
        seen.insert(&c.address, ());
        found.push(Found {
            address: &c.address,
            mode: mode(&c.mode),
            ty: &c.ty,
            name: &c.name,
            values: c.change.after,
            unknown: c.change.after_unknown,
        });
    }
    // Data sources read at plan time (a prior state's managed resources are the "before" of
    // the changes), a state's resources, and a plan's planned values when it lists no changes.
    let root = |v: Option<&'a StateValues<'a>>| v.and_then(|v| v.root_module.as_ref());
    let prior = root(doc.prior_state.as_ref().and_then(|p| p.values.as_ref()));
    let planned = root(doc.planned_values.as_ref()).filter(|_| doc.resource_changes.is_empty());
    let sources = [
        (prior, false),
        (root(doc.values.as_ref()), true),
        (planned, true),
    ];
    for (module, managed_too) in sources {
        for r in all_resources(module) {
            let mode = mode(&r.mode);
            if (mode == Mode::Managed && !managed_too) || seen.contains_key(r.address.as_ref()) {
                continue;
            }
            seen.insert(&r.address, ());
            found.push(Found {
                address: &r.address,
                mode,
                ty: &r.ty,
                name: &r.name,
                values: r.values,
                unknown: None,
            });
        }
    }
    let references = doc
        .configuration
        .as_ref()
        .and_then(|c| c.root_module.as_ref())
        .map(config_references)
        .unwrap_or_default();
    build(file, text, &found, &references)
}

fn mode(text: &str) -> Mode {
    if text == "data" {
        Mode::Data
    } else {
        Mode::Managed
    }
}

fn all_resources<'d, 'a>(root: Option<&'d ModuleValues<'a>>) -> Vec<&'d StateResource<'a>> {
    let mut out = Vec::new();
    let mut pending: Vec<&ModuleValues> = root.into_iter().collect();
    while let Some(m) = pending.pop() {
        out.extend(&m.resources);
        pending.extend(&m.child_modules);
    }
    out
}

/// `module.a.aws_iam_role_policy_attachment.x` → attribute → what its expression references,
/// for every module of the configuration (addresses without instance keys).
fn config_references(root: &ConfigModule) -> HashMap<String, HashMap<String, Vec<String>>> {
    let mut out = HashMap::new();
    let mut pending = vec![(String::new(), root)];
    while let Some((prefix, m)) = pending.pop() {
        for r in &m.resources {
            let exprs = r
                .expressions
                .iter()
                .filter_map(|(k, raw)| {
                    let e: Expression = serde_json::from_str(raw.get()).ok()?;
                    (!e.references.is_empty()).then(|| (k.to_string(), e.references))
                })
                .collect();
            out.insert(format!("{prefix}{}", r.address), exprs);
        }
        for (name, call) in &m.module_calls {
            if let Some(child) = &call.module {
                pending.push((format!("{prefix}module.{name}."), child));
            }
        }
    }
    out
}

/// The instance address without instance keys: `module.a["x"].aws_iam_role.r[0]` →
/// `module.a.aws_iam_role.r`, as the configuration names it.
fn config_address(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in address.chars() {
        match c {
            _ if in_string => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
            }
            '"' if depth > 0 => in_string = true,
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The module instance part of an address (`module.a["x"].`), to qualify references with.
fn module_prefix<'a>(address: &'a str, ty: &str, name: &str, mode: Mode) -> &'a str {
    let local = match mode {
        Mode::Data => format!("data.{ty}.{name}"),
        Mode::Managed => format!("{ty}.{name}"),
    };
    address.rfind(&local).map_or("", |at| &address[..at])
}

fn build(
    file: FileId,
    text: &str,
    found: &[Found],
    references: &HashMap<String, HashMap<String, Vec<String>>>,
) -> Collected {
    let base = text.as_ptr() as usize;
    let offset = |raw: &RawValue| raw.get().as_ptr() as usize - base;
    let mut values: Vec<Value> = Vec::with_capacity(found.len());
    // Documents of `aws_iam_policy_document` data sources, by JSON text, with their module
    // prefix and address, so that a policy rendered by one is held by it, as in HCL.
    let mut documents: Documents = HashMap::new();
    for f in found {
        let wanted = wanted_attributes(f);
        let value = match f.values.filter(|_| !wanted.is_empty()) {
            None => Value::new(Data::Object(Vec::new()), None),
            Some(raw) => {
                let mut v =
                    decode_attributes(raw, &wanted, (file, text), &offset).unwrap_or_else(|e| {
                        Value::unknown(format!("{}: {}", f.address, e.message), None)
                    });
                if let Some(unknown) = f.unknown {
                    let marks: serde_json::Value =
                        serde_json::from_str(unknown.get()).unwrap_or(serde_json::Value::Null);
                    let config = references.get(&config_address(f.address));
                    let prefix = module_prefix(f.address, f.ty, f.name, f.mode);
                    // An attribute unknown until apply is absent from `after`: it is placed at
                    // its key in `after_unknown`.
                    let marked: std::cell::OnceCell<HashMap<Cow<str>, &RawValue>> =
                        std::cell::OnceCell::new();
                    let placed = |attr: &str| {
                        let marked = marked.get_or_init(|| {
                            serde_json::from_str(unknown.get()).unwrap_or_default()
                        });
                        let at = offset(marked.get(attr)?);
                        key_before(text, at).map(|(a, b)| Location::new(file, a, b))
                    };
                    let mut referenced = |attr: &str| {
                        let refs = config.and_then(|c| c.get(attr))?;
                        // The longest reference is the most precise: `aws_iam_role.x.arn`
                        // rather than `aws_iam_role.x`.
                        let best = refs.iter().max_by_key(|r| r.len())?;
                        Some(format!("{prefix}{best}"))
                    };
                    mark_unknown(&mut v, &marks, f.address, &mut referenced, &placed);
                }
                v
            }
        };
        values.push(value);
    }
    for (f, v) in found.iter().zip(&values) {
        if f.mode == Mode::Data
            && f.ty == "aws_iam_policy_document"
            && let Some(json) = v.get("json").and_then(Value::as_known_str)
        {
            let prefix = module_prefix(f.address, f.ty, f.name, f.mode);
            let holders = documents.entry(json.to_string()).or_default();
            holders.push((prefix, f.address));
        }
    }
    let mut collector = Collector::new();
    for (f, mut v) in found.iter().zip(values) {
        let prefix = module_prefix(f.address, f.ty, f.name, f.mode);
        if f.mode == Mode::Managed {
            drop_empty_policies(&mut v);
            hold_documents(&mut v, prefix, &documents);
            if let Data::Object(entries) = &mut v.data {
                crate::known::fill_iam_attributes(f.ty, f.address, entries, v.loc);
            }
        }
        let loc = f.values.map(|raw| {
            let at = offset(raw);
            Location::new(file, at, at + raw.get().len())
        });
        let instance = Instance {
            address: f.address,
            mode: f.mode,
            ty: f.ty,
            name: f.name,
            key_len: key_len(f.address, f.ty, f.name),
            loc,
            value: &v,
            notes: &[],
        };
        collector.add(&instance, &|_| None);
    }
    collector.finish()
}

/// The attributes of an instance iamlint looks at: those the model keeps, the policies, and a
/// policy document's JSON. Nothing for most resource types.
fn wanted_attributes(f: &Found) -> Vec<&'static str> {
    if f.mode == Mode::Data {
        return match f.ty {
            "aws_iam_policy_document" => vec!["json"],
            _ => Vec::new(),
        };
    }
    let mut out: Vec<&'static str> = kept_attributes(f.ty)
        .chain(crate::policies::policy_attributes(f.ty))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Decodes only the wanted attributes of an object (a plan's resources carry much else:
/// tags, user data, rules), each with its real position in the file.
fn decode_attributes(
    raw: &RawValue,
    wanted: &[&str],
    (file, text): (FileId, &str),
    offset: &dyn Fn(&RawValue) -> usize,
) -> Result<Value, crate::json::JsonError> {
    let object: HashMap<Cow<str>, &RawValue> =
        serde_json::from_str(raw.get()).map_err(|e| crate::json::JsonError {
            message: e.to_string(),
            start: 0,
            end: 0,
        })?;
    let mut entries = Vec::new();
    for name in wanted {
        let Some(value) = object.get(*name) else {
            continue;
        };
        let at = offset(value);
        let v = crate::json::decode_file(value.get(), file, at)?;
        let key = key_before(text, at).map(|(a, b)| Location::new(file, a, b));
        entries.push((
            Key {
                name: name.to_string(),
                loc: key.or(v.loc),
            },
            v,
        ));
    }
    let loc = Location::new(file, offset(raw), offset(raw) + raw.get().len());
    Ok(Value::new(Data::Object(entries), Some(loc)))
}

/// The quoted key written before the value at byte `at` (`"user": "ci"` → `"user"`).
fn key_before(text: &str, at: usize) -> Option<(usize, usize)> {
    let before = text.get(..at)?.trim_end();
    let before = before.strip_suffix(':')?.trim_end();
    let end = before.len();
    let inner = before.strip_suffix('"')?;
    let start = inner.rfind('"')?;
    Some((start, end))
}

/// Bytes of instance key at the end of an address (`["k"]`, `[0]`).
fn key_len(address: &str, ty: &str, name: &str) -> usize {
    let local = format!("{ty}.{name}");
    address
        .rfind(&local)
        .map_or(0, |at| address.len() - at - local.len())
}

/// Replaces what `after_unknown` marks `true` with unknown values named after what the
/// configuration references (or the attribute itself).
fn mark_unknown(
    v: &mut Value,
    marks: &serde_json::Value,
    path: &str,
    referenced: &mut dyn FnMut(&str) -> Option<String>,
    placed: &dyn Fn(&str) -> Option<Location>,
) {
    let serde_json::Value::Object(marks) = marks else {
        return;
    };
    let Data::Object(entries) = &mut v.data else {
        return;
    };
    for (key, mark) in marks {
        let here = format!("{path}.{key}");
        let at = entries.iter().position(|(k, _)| k.name == *key);
        match mark {
            serde_json::Value::Bool(true) => {
                let origin = referenced(key).unwrap_or(here);
                let loc = at.and_then(|i| entries[i].1.loc).or_else(|| placed(key));
                let unknown = Value::new(Data::Unknown(Unknown::new(origin)), loc);
                match at {
                    Some(i) => entries[i].1 = unknown,
                    None => entries.push((
                        Key {
                            name: key.clone(),
                            loc,
                        },
                        unknown,
                    )),
                }
            }
            serde_json::Value::Object(_) => {
                if let Some(i) = at {
                    mark_unknown(&mut entries[i].1, mark, &here, &mut |_| None, &|_| None);
                }
            }
            serde_json::Value::Array(items) => {
                if let Some(i) = at
                    && let Data::List(list) = &mut entries[i].1.data
                {
                    for (j, (item, mark)) in list.iter_mut().zip(items).enumerate() {
                        let here = format!("{here}[{j}]");
                        if *mark == serde_json::Value::Bool(true) {
                            *item = Value::unknown(here, item.loc);
                        } else {
                            let mut wrapped = std::mem::replace(item, Value::new(Data::Null, None));
                            mark_unknown(&mut wrapped, mark, &here, &mut |_| None, &|_| None);
                            *item = wrapped;
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The provider records an unset policy as `""` (an `inline_policy` block with no policy, a
/// policy read back empty): in a plan or state that means no policy, not invalid JSON.
fn drop_empty_policies(v: &mut Value) {
    let Data::Object(entries) = &mut v.data else {
        return;
    };
    let empty = |v: &Value| v.as_known_str() == Some("");
    entries
        .retain(|(k, v)| !(matches!(k.name.as_str(), "policy" | "assume_role_policy") && empty(v)));
    for (k, v) in entries.iter_mut() {
        if k.name == "inline_policy"
            && let Data::List(blocks) = &mut v.data
        {
            blocks.retain(|b| !b.get("policy").is_some_and(empty));
        }
    }
}

/// A policy attribute whose text is exactly what a policy-document data source of the same
/// module rendered is held by that data source, as in the HCL front-end: one record, with
/// where it is used.
/// Rendered policy documents: JSON text → (module prefix, data source address).
type Documents<'a> = HashMap<String, Vec<(&'a str, &'a str)>>;

fn hold_documents(v: &mut Value, prefix: &str, documents: &Documents) {
    let Data::Object(entries) = &mut v.data else {
        return;
    };
    for (_, value) in entries.iter_mut() {
        let Data::String(s) = &mut value.data else {
            continue;
        };
        let holder = documents
            .get(s.text.as_str())
            // The last of identical documents in a module holds it, as when they were keyed.
            .and_then(|holders| holders.iter().rev().find(|(p, _)| *p == prefix))
            .map(|(_, address)| *address);
        let Some(holder) = holder else {
            continue;
        };
        let locate = |a: usize, b: usize| s.locate(a, b);
        if let Ok(doc) = crate::json::decode(&s.text, &locate, &s.unknowns) {
            s.encoded = Some(Arc::new(Encoded {
                value: doc,
                holder: Some(Arc::from(holder)),
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_addresses_drop_instance_keys() {
        assert_eq!(
            config_address("module.a[\"x[0]\"].aws_iam_role.r[0]"),
            "module.a.aws_iam_role.r"
        );
        assert_eq!(
            config_address("data.aws_iam_policy_document.d"),
            "data.aws_iam_policy_document.d"
        );
        assert_eq!(
            key_len("module.a[\"k\"].aws_iam_role.r[\"x\"]", "aws_iam_role", "r"),
            5
        );
        assert_eq!(
            module_prefix(
                "module.a[\"k\"].data.aws_iam_policy_document.d",
                "aws_iam_policy_document",
                "d",
                Mode::Data
            ),
            "module.a[\"k\"]."
        );
    }

    #[test]
    fn keys_are_found_before_their_values() {
        let text = "{\"user\" :  \"ci\"}";
        let at = text.find("\"ci\"").unwrap();
        assert_eq!(
            key_before(text, at).map(|(a, b)| &text[a..b]),
            Some("\"user\"")
        );
        assert_eq!(key_before("[\"ci\"]", 1), None);
    }

    #[test]
    fn documents_that_are_not_plans_are_refused_with_a_reason() {
        let why = |text: &str| parse(text).err().unwrap().message;
        assert!(why("{\"resource\": {}}").contains("format_version"));
        assert!(why("[1]").contains("not a Terraform plan"));
        assert!(why("{\"format_version\": \"2.0\", \"values\": {}}").contains("2.0"));
        let broken = parse("{\n  \"format_version\": 1.2,\n}").err().unwrap();
        assert_eq!(
            broken.line,
            Some((2, 23)),
            "where serde stops: after the number"
        );
        assert!(parse("{\"format_version\": \"0.1\", \"values\": {}, \"new\": 1}").is_ok());
    }
}
