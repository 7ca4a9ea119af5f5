//! What a rule sees: the model, helpers over it, and (for after-findings rules) the findings.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use iamlint_model::access::{Access, Request, Source, Subject};
use iamlint_model::catalog::{Action, Catalog};
use iamlint_model::links::Links;
use iamlint_model::model::Resource;
use iamlint_model::policy::{Effect, PolicyDocument, Statement};
use iamlint_model::reach::Reach;
use iamlint_model::wildcard;
use iamlint_model::{Location, Model, PolicyKind, PolicyRecord};

use crate::finding::Finding;
use crate::run::{Accounts, Privesc, Selection};

pub struct Context<'a> {
    pub model: &'a Model,
    /// The findings of the model rules, for [`crate::Phase::AfterFindings`] rules.
    pub findings: &'a [Finding],
    /// The names of the rules that run.
    pub selected: &'a [&'static str],
    /// The user's own and trusted accounts.
    pub accounts: &'a Accounts,
    /// How privilege escalation is searched.
    pub privesc: &'a Privesc,
    links: OnceLock<Links<'a>>,
    reach: OnceLock<Reach>,
    attached: OnceLock<Vec<PolicyRecord>>,
    /// The principals `privilege-escalation` reports, once it has searched.
    escalating: OnceLock<Vec<usize>>,
    /// Action patterns expanded over the catalog, by lowercase pattern: several rules expand
    /// the same patterns, and a tree repeats them across policies.
    expanded: RefCell<HashMap<String, Rc<[&'static Action]>>>,
}

impl<'a> Context<'a> {
    pub fn new(
        model: &'a Model,
        findings: &'a [Finding],
        selected: &'a [&'static str],
        selection: &'a Selection,
    ) -> Self {
        Context {
            model,
            findings,
            selected,
            accounts: &selection.accounts,
            privesc: &selection.privesc,
            links: OnceLock::new(),
            reach: OnceLock::new(),
            attached: OnceLock::new(),
            escalating: OnceLock::new(),
            expanded: RefCell::default(),
        }
    }

    /// Whether the rule named `name` runs: a rule that owns a concern (`allow-not-action`
    /// owns `NotAction` with Allow, `pass-role-unrestricted` owns `iam:PassRole` on `*`) keeps
    /// the others silent on the same element, one finding per concern.
    pub fn runs(&self, name: &str) -> bool {
        self.selected.contains(&name)
    }

    /// Whether an Allow statement's grant comes through `NotAction` and `allow-not-action`,
    /// which owns that concern, reports it.
    pub fn not_action_reported(&self, s: &Statement) -> bool {
        s.action.as_ref().is_some_and(|a| a.negated) && self.runs("allow-not-action")
    }

    /// The catalog's actions an action pattern grants (see [`Catalog::expand`]), once per run.
    pub fn expand(&self, pattern: &str) -> Rc<[&'static Action]> {
        let key = pattern.to_ascii_lowercase();
        if let Some(found) = self.expanded.borrow().get(&key) {
            return found.clone();
        }
        let found: Rc<[&'static Action]> = Catalog::get().expand(pattern).into();
        self.expanded.borrow_mut().insert(key, found.clone());
        found
    }

    /// Who holds which policy, built at the first rule that asks.
    pub fn links(&self) -> &Links<'a> {
        self.links.get_or_init(|| Links::build(self.model))
    }

    /// Whether the policy that holds `s` also Denies what `s` allows through `pattern`: every
    /// action the pattern stands for, on every resource `s` names, without a condition. Such an
    /// Allow grants nothing a statement rule should call broad; what a principal may do once
    /// all of its policies are counted is [`iamlint_model::capability`]'s question.
    pub fn denied_in_same_policy(
        &self,
        record: &PolicyRecord,
        s: &Statement,
        pattern: &str,
    ) -> bool {
        let Some(doc) = record.document() else {
            return false;
        };
        if !doc
            .statements
            .iter()
            .any(|t| t.effect() == Some(Effect::Deny))
        {
            return false;
        }
        let actions = self.expand(pattern);
        if actions.is_empty() {
            return false;
        }
        let resources: Vec<&str> = match &s.resource {
            Some(r)
                if !r.negated
                    && r.unknown.is_none()
                    && r.known_items().count() == r.items.len() =>
            {
                r.known_items().map(|(text, _)| text).collect()
            }
            _ => vec!["*"],
        };
        let subject = Subject {
            policies: vec![Source::Document(doc)],
            boundary: None,
        };
        actions.iter().all(|a| {
            let name = a.full_name();
            resources.iter().all(|r| {
                let d = subject.allows(Request::new(&name, r));
                d.access == Access::Denied && !d.statements.is_empty()
            })
        })
    }

    /// Who may assume or pass which role, and who is an administrator, keyed by principal
    /// (indices into [`Context::links`]), built at the first rule that asks.
    pub fn reach(&self) -> &Reach {
        self.reach.get_or_init(|| Reach::build(self.links()))
    }

    /// The principals that can make themselves administrators (indices into
    /// [`Context::links`]): what `privilege-escalation` found, searched here if it did not run.
    pub fn escalating(&self) -> &[usize] {
        self.escalating.get_or_init(|| {
            crate::privesc::search(self.model, self.links(), self.reach(), self.privesc)
                .iter()
                .map(|e| e.source)
                .collect()
        })
    }

    /// Keeps what `privilege-escalation` found, for the rules that run after it.
    pub(crate) fn remember_escalating(&self, sources: Vec<usize>) {
        let _ = self.escalating.set(sources);
    }

    /// Every readable policy document with its record.
    pub fn documents(&self) -> impl Iterator<Item = (&'a PolicyRecord, &'a PolicyDocument)> {
        self.model
            .policies
            .iter()
            .filter_map(|r| r.document().map(|d| (r, d)))
    }

    /// The resource whose block contains `loc`, or starts on the line after it (a comment
    /// above a block).
    pub fn resource_at(&self, loc: Location) -> Option<&'a Resource> {
        let file = self.model.sources.get(loc.file);
        let next_line = file.line_col(loc.start).line + 1;
        self.model.resources.iter().find(|r| {
            r.loc.is_some_and(|b| {
                b.file == loc.file
                    && ((b.start <= loc.start && loc.end <= b.end)
                        || file.line_col(b.start).line == next_line)
            })
        })
    }

    /// Every statement of every readable policy document.
    pub fn all_statements(&self) -> impl Iterator<Item = (&'a PolicyRecord, &'a Statement)> {
        self.documents()
            .flat_map(|(r, d)| d.statements.iter().map(move |s| (r, s)))
    }

    /// The AWS-managed policies attached in the tree, each a record held by the attaching
    /// resource and located at its ARN (see [`crate::attached`]), built at the first rule that
    /// asks.
    pub fn attached_managed(&self) -> &[PolicyRecord] {
        self.attached
            .get_or_init(|| crate::attached::attached_managed(self.model))
    }

    /// The statements of [`Context::statements`] of `kind` (every kind for `None`), and for
    /// identity policies those of the AWS-managed policies attached in the tree: for the rules
    /// that judge how broad a grant is, which an attachment is as much as a document written
    /// out. AWS's documents are not the user's to correct, so the rules about writing policies
    /// (unknown actions, sizes, grammar) do not ask for them.
    pub fn statements_with_attached<'s>(
        &'s self,
        kind: Option<PolicyKind>,
    ) -> impl Iterator<Item = (&'s PolicyRecord, &'s Statement)> + 's {
        let attached = match kind {
            None | Some(PolicyKind::Identity) => self.attached_managed(),
            Some(PolicyKind::Trust | PolicyKind::Resource) => &[],
        };
        self.documents()
            .filter(move |(r, _)| kind.is_none_or(|k| r.kind == k))
            .map(|(r, d)| -> (&'s PolicyRecord, &'s PolicyDocument) { (r, d) })
            .chain(attached.iter().filter_map(|r| r.document().map(|d| (r, d))))
            .flat_map(|(r, d)| d.statements.iter().map(move |s| (r, s)))
    }

    /// Every statement of every readable policy document of `kind`.
    pub fn statements(
        &self,
        kind: PolicyKind,
    ) -> impl Iterator<Item = (&'a PolicyRecord, &'a Statement)> {
        self.documents()
            .filter(move |(r, _)| r.kind == kind)
            .flat_map(|(r, d)| d.statements.iter().map(move |s| (r, s)))
    }
}

/// Adds the places that use a policy held elsewhere (a policy-document data source used by a
/// role) as related locations.
pub fn with_uses(mut finding: Finding, record: &PolicyRecord) -> Finding {
    for u in &record.uses {
        let what = match record.kind {
            PolicyKind::Trust => "used as the trust policy of",
            PolicyKind::Identity => "used as a policy by",
            PolicyKind::Resource => "used as the resource policy of",
        };
        finding = finding.with_related(format!("{what} {}", u.address), Some(&u.address), u.loc);
    }
    finding
}

/// Where an Allow statement grants `action` (`iam:PassRole`) — the `Action` item that matches
/// it (`iam:*`, `iam:Pass*`), or the `NotAction` key when the list leaves it out — with the text
/// to name. `*` and `*:*` are left to full-admin-access.
pub fn granting_item<'s>(s: &'s Statement, action: &str) -> Option<(Option<Location>, &'s str)> {
    let list = s.action.as_ref().filter(|_| s.is_allow())?;
    if list.negated {
        let excluded = list
            .items
            .iter()
            .any(|i| i.known().is_none_or(|p| wildcard::matches(p, action, true)));
        return (!excluded && list.unknown.is_none())
            .then(|| (first_loc(&[list.key.loc, list.loc]), "NotAction"));
    }
    list.known_items()
        .find(|(p, _)| *p != "*" && *p != "*:*" && wildcard::matches(p, action, true))
        .map(|(p, item)| (item.loc, p))
}

/// Allow statements of identity policies (attached AWS-managed ones included) that grant
/// `action` on every resource (`*`) with no condition that could limit it: the record, the
/// statement, where it grants the action, and how (` (through `iam:*`)`, ` (through
/// NotAction)`, or nothing when written out).
pub fn granted_everywhere<'s>(
    cx: &'s Context<'_>,
    action: &str,
) -> Vec<(&'s PolicyRecord, &'s Statement, Option<Location>, String)> {
    let mut out = Vec::new();
    for (record, s) in cx.statements_with_attached(Some(PolicyKind::Identity)) {
        if !s.on_every_resource() || !unconditioned(s) || cx.not_action_reported(s) {
            continue;
        }
        let Some((loc, through)) = granting_item(s, action) else {
            continue;
        };
        if cx.denied_in_same_policy(record, s, action) {
            continue;
        }
        let how = match through {
            t if t == action => String::new(),
            "NotAction" => " (through NotAction)".to_string(),
            other => format!(" (through `{other}`)"),
        };
        out.push((record, s, loc, how));
    }
    out
}

/// Whether a statement has no condition that could limit it (none, or only keys any caller
/// satisfies).
pub fn unconditioned(s: &Statement) -> bool {
    s.conditions_unknown.is_none()
        && s.conditions
            .iter()
            .all(|c| iamlint_model::access::is_irrelevant_condition(&c.key))
}

/// The first present location.
pub fn first_loc(locs: &[Option<Location>]) -> Option<Location> {
    locs.iter().find_map(|l| *l)
}
