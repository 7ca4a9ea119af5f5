//! Policy documents, read leniently from a [`Value`] so that every element keeps its location
//! and every departure from the IAM grammar is recorded as an [`Issue`] instead of an error.
//!
//! The reader knows the grammar, not the context: whether a `Principal` belongs in a document
//! depends on where the document is used, which the rules decide from [`crate::PolicyKind`].

use crate::source::Location;
use crate::value::{Data, Key, Str, Unknown, Value, format_number};

/// A departure from the IAM policy grammar, at the element it concerns.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    pub loc: Option<Location>,
    pub message: String,
}

/// One string of a policy element (an action, a resource, a principal, a condition value).
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub text: ItemText,
    pub loc: Option<Location>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemText {
    Known(String),
    /// A string with unknown parts (`arn:aws:s3:::${var.bucket}/*`).
    Partial(Str),
    Unknown(Unknown),
}

impl Item {
    pub fn known(&self) -> Option<&str> {
        match &self.text {
            ItemText::Known(s) => Some(s),
            _ => None,
        }
    }

    /// The item as a value (for comparing it with attributes: a role's ARN).
    pub fn to_value(&self) -> Value {
        let data = match &self.text {
            ItemText::Known(t) => Data::String(Str::known(t.clone())),
            ItemText::Partial(s) => Data::String(s.clone()),
            ItemText::Unknown(u) => Data::Unknown(u.clone()),
        };
        Value::new(data, self.loc)
    }

    /// The text for people; unknown parts as `${origin}`.
    pub fn display(&self) -> String {
        match &self.text {
            ItemText::Known(s) => s.clone(),
            ItemText::Partial(s) => s.display(),
            ItemText::Unknown(u) => format!("${{{}}}", u.origin),
        }
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: a list of strings.
#[derive(Clone, Debug, PartialEq)]
pub struct ElementList {
    /// The key as written, with its location.
    pub key: Key,
    /// `NotAction` / `NotResource`.
    pub negated: bool,
    pub items: Vec<Item>,
    /// The whole list (or some entries) could not be evaluated.
    pub unknown: Option<Unknown>,
    pub loc: Option<Location>,
}

impl ElementList {
    pub fn known_items(&self) -> impl Iterator<Item = (&str, &Item)> {
        self.items.iter().filter_map(|i| i.known().map(|s| (s, i)))
    }

    /// Some item is exactly `s` (as IAM matches: case-sensitive for resources and the
    /// literal `*`).
    pub fn contains(&self, s: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.known() == Some(s))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalKind {
    /// `"Principal": "*"`: everyone, signed or anonymous.
    Any,
    Aws,
    Service,
    Federated,
    CanonicalUser,
    Other(String),
}

impl PrincipalKind {
    pub fn from_key(key: &str) -> Self {
        match key {
            "AWS" => PrincipalKind::Aws,
            "Service" => PrincipalKind::Service,
            "Federated" => PrincipalKind::Federated,
            "CanonicalUser" => PrincipalKind::CanonicalUser,
            other => PrincipalKind::Other(other.to_string()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub item: Item,
}

impl Principal {
    /// Admits anyone: `"*"` or `{"AWS": "*"}`.
    pub fn is_wildcard(&self) -> bool {
        matches!(self.kind, PrincipalKind::Any | PrincipalKind::Aws)
            && self.item.known() == Some("*")
    }
}

/// `Principal` / `NotPrincipal`.
#[derive(Clone, Debug, PartialEq)]
pub struct PrincipalBlock {
    pub key: Key,
    pub negated: bool,
    pub principals: Vec<Principal>,
    pub unknown: Option<Unknown>,
    pub loc: Option<Location>,
}

/// One condition: operator, key and values (`"StringEquals": {"aws:PrincipalOrgID": [...]}`).
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub operator: String,
    /// The key; a part Terraform knows only after apply is shown as `${origin}`
    /// (`${replace(var.provider_arn, "/^(.*provider/)/", "")}:sub`, see `key_partial`).
    pub key: String,
    pub values: Vec<Item>,
    pub unknown: Option<Unknown>,
    /// Whether the key has unknown parts. `unknown` then says so too, so that a condition on
    /// it is never decided; a rule may still read its known end (`:sub`) and values.
    pub key_partial: bool,
    pub loc: Option<Location>,
}

impl Condition {
    /// The operator without its set qualifier and `IfExists` suffix, e.g. `StringLike`.
    pub fn base_operator(&self) -> &str {
        let op = self.operator.rsplit(':').next().unwrap_or(&self.operator);
        op.strip_suffix("IfExists").unwrap_or(op)
    }

    pub fn is_if_exists(&self) -> bool {
        self.operator.ends_with("IfExists")
    }

    /// The key, case-insensitively as IAM compares condition keys.
    pub fn key_is(&self, key: &str) -> bool {
        self.key.eq_ignore_ascii_case(key)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub index: usize,
    pub sid: Option<Item>,
    pub effect: Option<Item>,
    pub action: Option<ElementList>,
    pub resource: Option<ElementList>,
    pub principal: Option<PrincipalBlock>,
    pub conditions: Vec<Condition>,
    /// The `Condition` block could not be (fully) evaluated.
    pub conditions_unknown: Option<Unknown>,
    pub issues: Vec<Issue>,
    pub loc: Option<Location>,
}

impl Statement {
    pub fn effect(&self) -> Option<Effect> {
        match self.effect.as_ref()?.known()? {
            "Allow" => Some(Effect::Allow),
            "Deny" => Some(Effect::Deny),
            _ => None,
        }
    }

    pub fn is_allow(&self) -> bool {
        self.effect() == Some(Effect::Allow)
    }

    /// Whether its `Action` (not `NotAction`) lists a known pattern that `fits`.
    pub fn lists_action(&self, fits: impl Fn(&str) -> bool) -> bool {
        self.action
            .as_ref()
            .is_some_and(|a| !a.negated && a.known_items().any(|(p, _)| fits(p)))
    }

    /// `"Resource"` (not `NotResource`) lists the literal `*`: the statement applies to
    /// every resource its actions can name.
    pub fn on_every_resource(&self) -> bool {
        self.resource
            .as_ref()
            .is_some_and(|r| !r.negated && r.contains("*").is_some())
    }

    /// A label for messages: `statement "Sid"` or `statement 2` (1-based).
    pub fn label(&self) -> String {
        match self
            .sid
            .as_ref()
            .and_then(Item::known)
            .filter(|s| !s.is_empty())
        {
            Some(sid) => format!("statement \"{sid}\""),
            None => format!("statement {}", self.index + 1),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDocument {
    pub version: Option<Item>,
    pub statements: Vec<Statement>,
    /// `Statement` (or some of its entries) could not be evaluated.
    pub statements_unknown: Option<Unknown>,
    pub issues: Vec<Issue>,
    pub loc: Option<Location>,
}

pub const KNOWN_VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];

impl PolicyDocument {
    /// Reads a policy document from a value (an object, typically decoded from JSON).
    pub fn from_value(value: &Value) -> PolicyDocument {
        let mut doc = PolicyDocument {
            version: None,
            statements: Vec::new(),
            statements_unknown: None,
            issues: Vec::new(),
            loc: value.loc,
        };
        let entries = match &value.data {
            Data::Object(entries) => entries,
            Data::Unknown(u) => {
                doc.statements_unknown = Some(u.clone());
                return doc;
            }
            _ => {
                doc.issue(
                    value.loc,
                    format!(
                        "a policy must be a JSON object, not a {}",
                        value.type_name()
                    ),
                );
                return doc;
            }
        };
        let mut statement = None;
        for (key, v) in entries {
            match key.name.as_str() {
                "Version" => doc.version = read_item(v, &mut doc.issues, "Version"),
                "Id" => {}
                "Statement" => statement = Some((key, v)),
                other => doc.issue(
                    key.loc,
                    unknown_element(other, &["Version", "Id", "Statement"]),
                ),
            }
        }
        if let Some(version) = &doc.version
            && let Some(text) = version.known()
            && !KNOWN_VERSIONS.contains(&text)
        {
            let loc = version.loc;
            doc.issue(
                loc,
                format!("unknown policy Version \"{text}\": use \"2012-10-17\""),
            );
        }
        match statement {
            None => doc.issue(value.loc, "the policy has no Statement".into()),
            Some((_, v)) => match &v.data {
                Data::List(items) => {
                    if items.is_empty() {
                        doc.issue(v.loc, "Statement is an empty list".into());
                    }
                    // Exactly as many as there are: a statement is large, and a growing vector
                    // would hold room for four per one-statement policy.
                    doc.statements.reserve_exact(items.len());
                    for item in items {
                        doc.push_statement(item);
                    }
                }
                _ => {
                    doc.statements.reserve_exact(1);
                    doc.push_statement(v);
                }
            },
        }
        doc
    }

    /// Reads a policy from JSON text that is not in the tree (AWS-managed policies, tests):
    /// no locations. Text that is not JSON gives a document with that issue.
    pub fn from_json(text: &str) -> PolicyDocument {
        match Value::from_json(text) {
            Ok(v) => PolicyDocument::from_value(&v),
            Err(message) => {
                let mut doc = PolicyDocument::from_value(&Value::new(Data::Null, None));
                doc.issues = vec![Issue { loc: None, message }];
                doc
            }
        }
    }

    fn push_statement(&mut self, v: &Value) {
        match &v.data {
            Data::Object(entries) => {
                let index = self.statements.len();
                self.statements.push(read_statement(index, entries, v.loc));
            }
            Data::Unknown(u) => self.statements_unknown = Some(u.clone()),
            _ => self.issue(
                v.loc,
                format!("a statement must be an object, not a {}", v.type_name()),
            ),
        }
    }

    fn issue(&mut self, loc: Option<Location>, message: String) {
        self.issues.push(Issue { loc, message });
    }

    /// Every issue of the document and of its statements.
    pub fn all_issues(&self) -> impl Iterator<Item = &Issue> {
        self.issues
            .iter()
            .chain(self.statements.iter().flat_map(|s| s.issues.iter()))
    }
}

const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
];

fn read_statement(index: usize, entries: &[(Key, Value)], loc: Option<Location>) -> Statement {
    let mut s = Statement {
        index,
        sid: None,
        effect: None,
        action: None,
        resource: None,
        principal: None,
        conditions: Vec::new(),
        conditions_unknown: None,
        issues: Vec::new(),
        loc,
    };
    let mut issues = Vec::new();
    for (key, v) in entries {
        match key.name.as_str() {
            "Sid" => s.sid = read_item(v, &mut issues, "Sid"),
            "Effect" => s.effect = read_item(v, &mut issues, "Effect"),
            "Action" | "NotAction" => set_list(&mut s.action, key, v, &mut issues),
            "Resource" | "NotResource" => set_list(&mut s.resource, key, v, &mut issues),
            "Principal" | "NotPrincipal" => {
                if let Some(prev) = &s.principal {
                    issues.push(both_present(&prev.key, key));
                }
                s.principal = Some(read_principals(key, v, &mut issues));
            }
            "Condition" => read_conditions(v, &mut s, &mut issues),
            other => issues.push(Issue {
                loc: key.loc,
                message: unknown_element(other, &STATEMENT_KEYS),
            }),
        }
    }
    match &s.effect {
        None => issues.push(Issue {
            loc,
            message: "the statement has no Effect".into(),
        }),
        Some(e) => {
            if let Some(text) = e.known()
                && s.effect().is_none()
            {
                let hint = match text.to_ascii_lowercase().as_str() {
                    "allow" => " (did you mean \"Allow\"? Effect is case-sensitive)",
                    "deny" => " (did you mean \"Deny\"? Effect is case-sensitive)",
                    _ => "",
                };
                issues.push(Issue {
                    loc: e.loc,
                    message: format!("Effect must be \"Allow\" or \"Deny\", not \"{text}\"{hint}"),
                });
            }
        }
    }
    if s.action.is_none() {
        issues.push(Issue {
            loc,
            message: "the statement has neither Action nor NotAction".into(),
        });
    }
    s.issues = issues;
    s
}

fn both_present(first: &Key, second: &Key) -> Issue {
    Issue {
        loc: second.loc,
        message: format!(
            "{} and {} in one statement: a statement takes only one of them",
            first.name, second.name
        ),
    }
}

fn unknown_element(name: &str, expected: &[&str]) -> String {
    match expected.iter().find(|e| {
        e.eq_ignore_ascii_case(name) || e.eq_ignore_ascii_case(name.trim_end_matches('s'))
    }) {
        Some(e) => format!("unknown policy element \"{name}\": did you mean \"{e}\"?"),
        None => format!(
            "unknown policy element \"{name}\": expected one of {}",
            expected.join(", ")
        ),
    }
}

fn set_list(slot: &mut Option<ElementList>, key: &Key, v: &Value, issues: &mut Vec<Issue>) {
    if let Some(prev) = slot {
        issues.push(both_present(&prev.key, key));
    }
    let mut list = ElementList {
        key: key.clone(),
        negated: key.name.starts_with("Not"),
        items: Vec::new(),
        unknown: None,
        loc: v.loc,
    };
    read_strings(v, &key.name, &mut list.items, &mut list.unknown, issues);
    if list.items.is_empty() && list.unknown.is_none() {
        issues.push(Issue {
            loc: v.loc.or(key.loc),
            message: format!("{} is an empty list", key.name),
        });
    }
    *slot = Some(list);
}

/// Reads a string or a list of strings; anything unknown is remembered, not guessed.
fn read_strings(
    v: &Value,
    what: &str,
    out: &mut Vec<Item>,
    unknown: &mut Option<Unknown>,
    issues: &mut Vec<Issue>,
) {
    match &v.data {
        Data::List(items) => {
            for item in items {
                match &item.data {
                    Data::List(_) => issues.push(Issue {
                        loc: item.loc,
                        message: format!("{what} entries must be strings, not a list"),
                    }),
                    // One unknown entry is an item of its own, located; the others stay known.
                    Data::Unknown(u) => out.push(Item {
                        text: ItemText::Unknown(u.clone()),
                        loc: item.loc,
                    }),
                    _ => read_strings(item, what, out, unknown, issues),
                }
            }
        }
        Data::Unknown(u) => *unknown = Some(u.clone()),
        _ => {
            if let Some(item) = read_item(v, issues, what) {
                out.push(item);
            }
        }
    }
}

fn read_item(v: &Value, issues: &mut Vec<Issue>, what: &str) -> Option<Item> {
    let text = match &v.data {
        Data::String(s) if s.is_known() => ItemText::Known(s.text.clone()),
        Data::String(s) => ItemText::Partial(s.clone()),
        Data::Unknown(u) => ItemText::Unknown(u.clone()),
        // IAM reads numbers and booleans in condition values as strings.
        Data::Number(n) => ItemText::Known(format_number(*n)),
        Data::Bool(b) => ItemText::Known(b.to_string()),
        _ => {
            issues.push(Issue {
                loc: v.loc,
                message: format!("{what} must be a string, not a {}", v.type_name()),
            });
            return None;
        }
    };
    Some(Item { text, loc: v.loc })
}

fn read_principals(key: &Key, v: &Value, issues: &mut Vec<Issue>) -> PrincipalBlock {
    let mut block = PrincipalBlock {
        key: key.clone(),
        negated: key.name == "NotPrincipal",
        principals: Vec::new(),
        unknown: None,
        loc: v.loc,
    };
    match &v.data {
        Data::String(_) => {
            if let Some(item) = read_item(v, issues, &key.name) {
                if item.known() != Some("*") {
                    issues.push(Issue {
                        loc: v.loc,
                        message: format!(
                            "{} as a plain string must be \"*\"; name principals as {{\"AWS\": …}}, {{\"Service\": …}} or {{\"Federated\": …}}",
                            key.name
                        ),
                    });
                }
                block.principals.push(Principal {
                    kind: PrincipalKind::Any,
                    item,
                });
            }
        }
        Data::Object(entries) => {
            for (k, pv) in entries {
                let kind = PrincipalKind::from_key(&k.name);
                if let PrincipalKind::Other(name) = &kind {
                    issues.push(Issue {
                        loc: k.loc,
                        message: format!(
                            "unknown principal type \"{name}\": expected AWS, Service, Federated or CanonicalUser"
                        ),
                    });
                }
                let mut items = Vec::new();
                read_strings(pv, &k.name, &mut items, &mut block.unknown, issues);
                block
                    .principals
                    .extend(items.into_iter().map(|item| Principal {
                        kind: kind.clone(),
                        item,
                    }));
            }
        }
        Data::Unknown(u) => block.unknown = Some(u.clone()),
        _ => issues.push(Issue {
            loc: v.loc,
            message: format!(
                "{} must be \"*\" or an object, not a {}",
                key.name,
                v.type_name()
            ),
        }),
    }
    block
}

fn read_conditions(v: &Value, s: &mut Statement, issues: &mut Vec<Issue>) {
    let entries = match &v.data {
        Data::Object(entries) => entries,
        Data::Unknown(u) => {
            s.conditions_unknown = Some(u.clone());
            return;
        }
        _ => {
            issues.push(Issue {
                loc: v.loc,
                message: format!("Condition must be an object, not a {}", v.type_name()),
            });
            return;
        }
    };
    for (op, keys) in entries {
        match &keys.data {
            Data::Object(keys) => {
                for (k, values) in keys {
                    let key_partial = k.name.contains("${");
                    let mut c = Condition {
                        operator: op.name.clone(),
                        key: k.name.clone(),
                        values: Vec::new(),
                        unknown: None,
                        key_partial,
                        loc: k.loc.map(|l| values.loc.map_or(l, |v| l.join(v))),
                    };
                    read_strings(values, &k.name, &mut c.values, &mut c.unknown, issues);
                    if key_partial && c.unknown.is_none() {
                        c.unknown = Some(Unknown::new(k.name.clone()));
                    }
                    s.conditions.push(c);
                }
            }
            Data::Unknown(u) => s.conditions_unknown = Some(u.clone()),
            _ => issues.push(Issue {
                loc: keys.loc,
                message: format!("condition operator {} must map keys to values", op.name),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(entries: Vec<(&str, Value)>) -> Value {
        Value::new(
            Data::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            Key {
                                name: k.into(),
                                loc: None,
                            },
                            v,
                        )
                    })
                    .collect(),
            ),
            None,
        )
    }
    fn s(text: &str) -> Value {
        Value::string(text, None)
    }
    fn list(items: Vec<Value>) -> Value {
        Value::new(Data::List(items), None)
    }

    #[test]
    fn reads_statement_as_object_or_list() {
        let st = obj(vec![
            ("Effect", s("Allow")),
            ("Action", s("s3:GetObject")),
            ("Resource", s("*")),
        ]);
        let one = PolicyDocument::from_value(&obj(vec![
            ("Version", s("2012-10-17")),
            ("Statement", st.clone()),
        ]));
        let many =
            PolicyDocument::from_value(&obj(vec![("Statement", list(vec![st.clone(), st]))]));
        assert_eq!(one.statements.len(), 1);
        assert_eq!(many.statements.len(), 2);
        assert!(one.all_issues().next().is_none());
        assert_eq!(one.statements[0].effect(), Some(Effect::Allow));
    }

    #[test]
    fn records_grammar_issues() {
        let st = obj(vec![
            ("Effect", s("allow")),
            ("Actions", s("s3:*")),
            ("Resource", list(vec![])),
        ]);
        let doc =
            PolicyDocument::from_value(&obj(vec![("Version", s("2012-10-18")), ("Statement", st)]));
        let messages: Vec<_> = doc.all_issues().map(|i| i.message.clone()).collect();
        for expected in [
            "unknown policy Version",
            "did you mean \"Allow\"",
            "did you mean \"Action\"",
            "Resource is an empty list",
            "neither Action nor NotAction",
        ] {
            assert!(
                messages.iter().any(|m| m.contains(expected)),
                "{expected}: {messages:?}"
            );
        }
    }

    #[test]
    fn reads_every_principal_form() {
        let bare = obj(vec![
            ("Effect", s("Allow")),
            ("Action", s("sts:AssumeRole")),
            ("Principal", s("*")),
        ]);
        let doc = PolicyDocument::from_value(&obj(vec![("Statement", bare)]));
        let p = doc.statements[0].principal.as_ref().unwrap();
        assert!(p.principals[0].is_wildcard());
        let typed = obj(vec![
            ("Effect", s("Allow")),
            ("Action", s("sts:AssumeRole")),
            (
                "Principal",
                obj(vec![
                    ("AWS", list(vec![s("*"), s("arn:aws:iam::1:root")])),
                    ("Service", s("ec2.amazonaws.com")),
                ]),
            ),
        ]);
        let doc = PolicyDocument::from_value(&obj(vec![("Statement", typed)]));
        let p = doc.statements[0].principal.as_ref().unwrap();
        assert_eq!(p.principals.len(), 3);
        assert!(p.principals[0].is_wildcard());
        assert_eq!(p.principals[2].kind, PrincipalKind::Service);
    }

    #[test]
    fn unknown_parts_are_kept_not_guessed() {
        let st = obj(vec![
            ("Effect", s("Allow")),
            ("Action", Value::unknown("var.actions", None)),
            ("Resource", s("*")),
        ]);
        let doc = PolicyDocument::from_value(&obj(vec![("Statement", st)]));
        let action = doc.statements[0].action.as_ref().unwrap();
        assert_eq!(
            action.unknown.as_ref().map(|u| &*u.origin),
            Some("var.actions")
        );
        assert!(doc.all_issues().next().is_none());
    }

    #[test]
    fn unknown_entries_are_items_each_with_its_origin() {
        let st = obj(vec![
            ("Effect", s("Allow")),
            (
                "Action",
                list(vec![
                    s("s3:GetObject"),
                    Value::unknown("var.a", None),
                    Value::unknown("var.b", None),
                ]),
            ),
            ("Resource", s("*")),
        ]);
        let doc = PolicyDocument::from_value(&obj(vec![("Statement", st)]));
        let action = doc.statements[0].action.as_ref().unwrap();
        let shown: Vec<String> = action.items.iter().map(Item::display).collect();
        assert_eq!(shown, ["s3:GetObject", "${var.a}", "${var.b}"]);
        assert!(action.unknown.is_none());
    }

    #[test]
    fn condition_operator_parts() {
        let c = Condition {
            operator: "ForAnyValue:StringLikeIfExists".into(),
            key: "aws:PrincipalOrgID".into(),
            values: vec![],
            unknown: None,
            key_partial: false,
            loc: None,
        };
        assert_eq!(c.base_operator(), "StringLike");
        assert!(c.is_if_exists());
        assert!(c.key_is("AWS:principalorgid"));
    }
}
