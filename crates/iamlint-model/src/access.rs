//! The policy evaluator: may a principal with these identity policies and this permissions
//! boundary perform an action on a resource?
//!
//! It follows AWS's logic for one account: an explicit Deny wins, then something must Allow,
//! and a boundary caps what identity policies allow. The answer is three-valued: `Allowed`,
//! `Maybe` (allowed only under conditions, or it depends on something unknown — a symbolic
//! ARN, an unevaluated policy) and `Denied`. A rule that reports a danger acts on `Allowed`
//! only; `Maybe` carries the reasons so a message can name them.
//!
//! Conditions are classified for the question "can a caller who wants this get it": keys the
//! caller controls or that do not limit who or what (region, time, TLS, user agent, tags on
//! the request) are irrelevant; every other key restricts, so an unknown key never turns into a
//! false alarm.

use crate::policy::{Condition, Effect, ElementList, ItemText, PolicyDocument, Statement};
use crate::value::Str;
use crate::wildcard::{self, Token};

/// Condition keys a caller can satisfy at will, or that do not limit who does what to which
/// resource. Keys compare case-insensitively; a trailing `/` matches any tag key.
pub const IRRELEVANT_CONDITION_KEYS: &[&str] = &[
    "aws:RequestedRegion",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:TokenIssueTime",
    "aws:SecureTransport",
    "aws:UserAgent",
    "aws:Referer",
    "aws:RequestTag/",
    "aws:TagKeys",
    "aws:ViaAWSService",
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
];

/// Whether a condition key leaves the question open to any caller (see
/// [`IRRELEVANT_CONDITION_KEYS`]).
pub fn is_irrelevant_condition(key: &str) -> bool {
    IRRELEVANT_CONDITION_KEYS.iter().any(|k| {
        if k.ends_with('/') {
            key.len() > k.len()
                && key.is_char_boundary(k.len())
                && key[..k.len()].eq_ignore_ascii_case(k)
        } else {
            key.eq_ignore_ascii_case(k)
        }
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    Denied,
    /// Allowed only under conditions, or depending on something unknown.
    Maybe,
    Allowed,
}

/// Why an answer is [`Access::Maybe`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// A condition on this key restricts the statement.
    Condition(String),
    /// Something only known at apply (a symbolic ARN, an unevaluated element): its origin.
    Unknown(String),
    /// A policy we could not read (an ARN outside the tree, an unevaluated document).
    UnreadPolicy(String),
}

#[derive(Clone, Debug)]
pub struct Decision<'p> {
    pub access: Access,
    /// The statements that decided: the Deny that won, or the Allows that grant.
    pub statements: Vec<&'p Statement>,
    pub reasons: Vec<Reason>,
}

/// A policy as the evaluator sees it.
#[derive(Clone, Copy, Debug)]
pub enum Source<'p> {
    Document(&'p PolicyDocument),
    /// Could not be read; its description.
    Unread(&'p str),
}

/// What a principal holds: its identity policies and its permissions boundary.
#[derive(Clone, Debug, Default)]
pub struct Subject<'p> {
    pub policies: Vec<Source<'p>>,
    pub boundary: Option<Source<'p>>,
}

/// The request: an action (`s3:GetObject`) on a resource ARN, which may have unknown parts
/// ([`Str::UNKNOWN_MARK`]) that match anything.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub action: &'a str,
    pub resource: &'a str,
    /// Condition keys the request is known to carry, with their values
    /// (`iam:PassedToService` = `ecs-tasks.amazonaws.com` when a service is handed a role).
    /// Conditions on them are decided; conditions on other keys stay open.
    pub context: &'a [(&'a str, &'a str)],
    /// Condition keys the request is known not to carry (`iam:PermissionsBoundary` of a role
    /// that has none): a condition on one holds only if it is negated, `…IfExists` or `Null`.
    pub absent: &'a [&'a str],
}

impl<'a> Request<'a> {
    /// A request with no known condition keys.
    pub fn new(action: &'a str, resource: &'a str) -> Self {
        Request {
            action,
            resource,
            context: &[],
            absent: &[],
        }
    }
}

/// Whether one element applies: surely, possibly (with the unknown's origin), or not.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Fit {
    No,
    Maybe(Reason),
    Yes,
}

impl<'p> Subject<'p> {
    /// `iam:PassRole` on the role `role_arn`, handed to `service` (`iam:PassedToService`).
    pub fn allows_passing(&self, role_arn: &str, service: &str) -> Decision<'p> {
        let context = [("iam:PassedToService", service)];
        self.allows(Request {
            context: &context,
            ..Request::new("iam:PassRole", role_arn)
        })
    }

    /// Whether some statement this subject holds may allow `action` on some resource: when none
    /// does, every request for it is denied, whatever its resource. A cheap first question
    /// before asking about each of many resources.
    pub fn may_allow_action(&self, action: &str) -> bool {
        self.policies.iter().any(|source| match source {
            Source::Document(doc) => doc.statements.iter().any(|s| {
                s.is_allow()
                    && s.action.as_ref().is_some_and(|list| {
                        list_fit(list, |item| action_fit(item, action)) != Fit::No
                    })
            }),
            Source::Unread(_) => false,
        })
    }

    pub fn allows(&self, request: Request) -> Decision<'p> {
        let identity = evaluate(&self.policies, request);
        let Some(boundary) = &self.boundary else {
            return identity;
        };
        let capped = evaluate(std::slice::from_ref(boundary), request);
        if capped.access >= identity.access {
            return identity;
        }
        // The boundary is the tighter limit: it decides, keeping why identity allowed.
        let mut reasons = capped.reasons;
        reasons.extend(identity.reasons);
        Decision {
            access: capped.access,
            statements: capped.statements,
            reasons,
        }
    }
}

/// One set of policies (identity policies, or a boundary on its own).
fn evaluate<'p>(policies: &[Source<'p>], request: Request) -> Decision<'p> {
    let mut allowed: Vec<&Statement> = Vec::new();
    let mut maybe: Vec<(&Statement, Reason)> = Vec::new();
    let mut open: Vec<Reason> = Vec::new();
    for source in policies {
        let doc = match source {
            Source::Document(doc) => doc,
            Source::Unread(what) => {
                open.push(Reason::UnreadPolicy(what.to_string()));
                continue;
            }
        };
        if let Some(u) = &doc.statements_unknown {
            open.push(Reason::Unknown(u.origin.to_string()));
        }
        for s in &doc.statements {
            let fit = applies(s, request);
            let fit = match (s.effect(), fit) {
                // A Deny with conditions the caller controls is one it can step around.
                (Some(Effect::Deny), Fit::Yes) if avoidable(s, request) => Fit::No,
                (_, fit) => fit,
            };
            match (s.effect(), fit) {
                (_, Fit::No) => {}
                (Some(Effect::Deny), Fit::Yes) => {
                    return Decision {
                        access: Access::Denied,
                        statements: vec![s],
                        reasons: Vec::new(),
                    };
                }
                (Some(Effect::Deny), Fit::Maybe(why)) => open.push(why),
                (Some(Effect::Allow), Fit::Yes) => allowed.push(s),
                (Some(Effect::Allow), Fit::Maybe(why)) => maybe.push((s, why)),
                (None, _) => {
                    if let Some(ItemText::Unknown(u)) = s.effect.as_ref().map(|e| &e.text) {
                        open.push(Reason::Unknown(u.origin.to_string()));
                    }
                }
            }
        }
    }
    if !allowed.is_empty() {
        let access = if open.is_empty() {
            Access::Allowed
        } else {
            Access::Maybe
        };
        return Decision {
            access,
            statements: allowed,
            reasons: sorted(open),
        };
    }
    if !maybe.is_empty() {
        let (statements, mut reasons): (Vec<&Statement>, Vec<Reason>) = maybe.into_iter().unzip();
        reasons.extend(open);
        return Decision {
            access: Access::Maybe,
            statements,
            reasons: sorted(reasons),
        };
    }
    // Nothing allows. An unread policy could, so only a complete picture denies.
    let unread = open
        .into_iter()
        .filter(|r| !matches!(r, Reason::Condition(_)))
        .collect::<Vec<_>>();
    Decision {
        access: if unread.is_empty() {
            Access::Denied
        } else {
            Access::Maybe
        },
        statements: Vec::new(),
        reasons: sorted(unread),
    }
}

fn sorted(mut reasons: Vec<Reason>) -> Vec<Reason> {
    reasons.sort();
    reasons.dedup();
    reasons
}

/// Whether a statement covers the request: action, resource and conditions.
fn applies(s: &Statement, request: Request) -> Fit {
    let Some(actions) = &s.action else {
        return Fit::No;
    };
    let action = list_fit(actions, |item| action_fit(item, request.action));
    let resource = match &s.resource {
        // Trust policies have none: the role is the resource.
        None => Fit::Yes,
        Some(r) => list_fit(r, |item| resource_fit(item, request.resource)),
    };
    let conditions = conditions_fit(s, request);
    [action, resource, conditions]
        .into_iter()
        .try_fold(Fit::Yes, |acc, f| match (acc, f) {
            (_, Fit::No) => Err(()),
            (Fit::Maybe(r), _) | (_, Fit::Maybe(r)) => Ok(Fit::Maybe(r)),
            _ => Ok(Fit::Yes),
        })
        .unwrap_or(Fit::No)
}

/// `Action`/`Resource`: any item fits; `NotAction`/`NotResource`: no item does.
pub(crate) fn list_fit(list: &ElementList, fit: impl Fn(&ItemText) -> Fit) -> Fit {
    let mut best = Fit::No;
    if let Some(u) = &list.unknown {
        best = Fit::Maybe(Reason::Unknown(u.origin.to_string()));
    }
    for item in &list.items {
        match fit(&item.text) {
            Fit::Yes => {
                best = Fit::Yes;
                break;
            }
            Fit::Maybe(r) if best == Fit::No => best = Fit::Maybe(r),
            _ => {}
        }
    }
    if !list.negated {
        return best;
    }
    match best {
        Fit::Yes => Fit::No,
        Fit::No => Fit::Yes,
        maybe => maybe,
    }
}

fn action_fit(item: &ItemText, action: &str) -> Fit {
    match item {
        ItemText::Known(pattern) => yes_if(wildcard::matches(pattern, action, true)),
        ItemText::Partial(s) => possibly(s, action, true),
        ItemText::Unknown(u) => Fit::Maybe(Reason::Unknown(u.origin.to_string())),
    }
}

pub(crate) fn resource_fit(item: &ItemText, resource: &str) -> Fit {
    match resource_class(item, &Resource::new(resource)) {
        FitClass::No => Fit::No,
        FitClass::Yes => Fit::Yes,
        FitClass::Maybe => Fit::Maybe(match item {
            ItemText::Known(_) => Reason::Unknown("the resource's ARN".into()),
            ItemText::Partial(s) => Reason::Unknown(
                s.unknowns
                    .first()
                    .map(|u| u.origin.to_string())
                    .unwrap_or_default(),
            ),
            ItemText::Unknown(u) => Reason::Unknown(u.origin.to_string()),
        }),
    }
}

/// How a resource fits one `Resource` item, without the reason (which depends on the item
/// alone): what [`ResourceItems::signature`] compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FitClass {
    No,
    Maybe,
    Yes,
}

/// A request's resource, read once for many items: its unknown parts (an account id) as
/// segments.
pub struct Resource<'a> {
    text: &'a str,
    unknown_parts: Option<Vec<Token>>,
}

impl<'a> Resource<'a> {
    pub fn new(text: &'a str) -> Self {
        Resource {
            text,
            unknown_parts: text
                .contains(Str::UNKNOWN_MARK)
                .then(|| unknowns_as(text, Token::Segment)),
        }
    }
}

fn resource_class(item: &ItemText, resource: &Resource) -> FitClass {
    let class = |b: bool| if b { FitClass::Yes } else { FitClass::No };
    match (item, &resource.unknown_parts) {
        (ItemText::Known(pattern), None) => class(wildcard::matches(pattern, resource.text, false)),
        (ItemText::Known(pattern), Some(request)) => {
            // A `*` that swallows the unknown parts matches whatever they are.
            if wildcard::matches(pattern, resource.text, false) {
                FitClass::Yes
            } else if names_another_account(pattern, resource.text) {
                FitClass::No
            } else if wildcard::overlap(&wildcard::tokens(pattern), request, false) {
                FitClass::Maybe
            } else {
                FitClass::No
            }
        }
        // The same ARN built the same way (a role's ARN, its account unknown).
        (ItemText::Partial(s), _) if s.text == resource.text => FitClass::Yes,
        (ItemText::Partial(s), request) => {
            let pattern = unknowns_as(&s.text, Token::Any);
            let text = match request {
                Some(tokens) => std::borrow::Cow::Borrowed(tokens),
                None => std::borrow::Cow::Owned(wildcard::tokens(resource.text)),
            };
            if wildcard::overlap(&pattern, &text, false) {
                FitClass::Maybe
            } else {
                FitClass::No
            }
        }
        (ItemText::Unknown(_), _) => FitClass::Maybe,
    }
}

/// Whether an ARN pattern names an account that an unknown account id cannot be: `aws` (AWS's
/// own, in `arn:aws:iam::aws:policy/…`) or anything else that is not twelve digits.
fn names_another_account(pattern: &str, arn: &str) -> bool {
    let account = |text: &str| text.split(':').nth(4).map(str::to_string);
    let (Some(wanted), Some(own)) = (account(pattern), account(arn)) else {
        return false;
    };
    own == Str::UNKNOWN_MARK.to_string()
        && !wanted.is_empty()
        && !wanted.contains(['*', '?', '$'])
        && !wanted.chars().all(|c| c.is_ascii_digit())
}

/// What a decision on one action depends on about the resource: the `Resource` items of every
/// statement (identity policies and boundary) whose action could be it. Two resources that fit
/// each item alike get the same decision — statements, reasons and all — so a question asked
/// of thousands of roles is answered once per distinct fit (the graph's "who may pass which
/// role").
pub struct ResourceItems<'p> {
    /// Each distinct item once (the same policy held twice, or `*` in many statements, fits
    /// alike), with its text as [`ResourceItems::key`] gives it.
    items: Vec<&'p ItemText>,
    keys: Vec<String>,
}

impl<'p> Subject<'p> {
    pub fn resource_items(&self, action: &str) -> ResourceItems<'p> {
        let mut items = Vec::new();
        for source in self.policies.iter().chain(&self.boundary) {
            let Source::Document(doc) = source else {
                continue;
            };
            for s in &doc.statements {
                let Some(actions) = &s.action else { continue };
                if list_fit(actions, |item| action_fit(item, action)) == Fit::No {
                    continue;
                }
                if let Some(r) = &s.resource {
                    items.extend(r.items.iter().map(|i| &i.text));
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        let mut out = ResourceItems {
            items: Vec::new(),
            keys: Vec::new(),
        };
        for item in items {
            let key = match item {
                ItemText::Known(p) => format!("k{p}"),
                ItemText::Partial(s) => format!("p{}{:?}", s.text, s.unknowns),
                ItemText::Unknown(u) => format!("u{}", u.origin),
            };
            if seen.insert(key.clone()) {
                out.items.push(item);
                out.keys.push(key);
            }
        }
        out
    }
}

impl ResourceItems<'_> {
    /// How `resource` fits each item, in order.
    pub fn signature(&self, resource: &Resource) -> Vec<FitClass> {
        self.items
            .iter()
            .map(|item| resource_class(item, resource))
            .collect()
    }

    /// How every resource of a shape (`arn:*:iam::*:role/*`) fits each item, where that is
    /// the same for all of them: `*` fits all, a pattern that shares no string with the shape
    /// (an S3 ARN) fits none. `None` where it depends on the resource.
    pub fn constant_for(&self, shape: &str) -> Vec<Option<FitClass>> {
        let shape = wildcard::tokens(shape);
        self.items
            .iter()
            .map(|item| match item {
                ItemText::Known(p) if p == "*" => Some(FitClass::Yes),
                ItemText::Known(p) if !wildcard::overlap(&wildcard::tokens(p), &shape, false) => {
                    Some(FitClass::No)
                }
                ItemText::Partial(s)
                    if !wildcard::overlap(&unknowns_as(&s.text, Token::Any), &shape, false) =>
                {
                    Some(FitClass::No)
                }
                ItemText::Unknown(_) => Some(FitClass::Maybe),
                _ => None,
            })
            .collect()
    }

    /// [`Self::signature`] of a resource of the shape given to [`Self::constant_for`].
    pub fn signature_with(
        &self,
        resource: &Resource,
        constant: &[Option<FitClass>],
    ) -> Vec<FitClass> {
        self.items
            .iter()
            .zip(constant)
            .map(|(item, c)| c.unwrap_or_else(|| resource_class(item, resource)))
            .collect()
    }

    /// The items as text (unknown parts by their origin), for recognising the same items held
    /// by other principals.
    pub fn key(&self) -> Vec<String> {
        self.keys.clone()
    }

    /// The known patterns among the items that `signature` says fit (for naming a set of
    /// resources).
    pub fn fitting(&self, signature: &[FitClass]) -> Vec<String> {
        self.items
            .iter()
            .zip(signature)
            .filter(|(_, c)| **c == FitClass::Yes)
            .map(|(item, _)| match item {
                ItemText::Known(p) => p.clone(),
                ItemText::Partial(s) => s.display(),
                ItemText::Unknown(u) => format!("${{{}}}", u.origin),
            })
            .collect()
    }
}

/// A policy item with unknown parts against a request: it may fit, never surely.
fn possibly(item: &Str, text: &str, case_insensitive: bool) -> Fit {
    let pattern = unknowns_as(&item.text, Token::Any);
    if wildcard::overlap(
        &pattern,
        &unknowns_as(text, Token::Segment),
        case_insensitive,
    ) {
        let origin = item.unknowns.first().map(|u| u.origin.to_string());
        Fit::Maybe(Reason::Unknown(origin.unwrap_or_default()))
    } else {
        Fit::No
    }
}

/// A text with unknown parts as a pattern. An unknown part of an ARN is one segment (an
/// account id, a name); in a policy's own pattern it could be anything.
fn unknowns_as(text: &str, unknown: Token) -> Vec<Token> {
    wildcard::tokens(text)
        .into_iter()
        .map(|t| match t {
            Token::Char(Str::UNKNOWN_MARK) => unknown,
            t => t,
        })
        .collect()
}

fn yes_if(b: bool) -> Fit {
    if b { Fit::Yes } else { Fit::No }
}

/// A statement's conditions: those on keys the request carries are decided; irrelevant ones
/// fit; a restrictive one (or an unevaluated block) leaves the statement possible.
pub(crate) fn conditions_fit(s: &Statement, request: Request) -> Fit {
    if let Some(u) = &s.conditions_unknown {
        return Fit::Maybe(Reason::Unknown(u.origin.to_string()));
    }
    let mut fit = Fit::Yes;
    for c in &s.conditions {
        match decide(c, request) {
            Some(true) => {}
            Some(false) => return Fit::No,
            None if is_irrelevant_condition(&c.key) => {}
            None if fit == Fit::Yes => fit = Fit::Maybe(Reason::Condition(c.key.clone())),
            None => {}
        }
    }
    fit
}

/// The day of an ISO 8601 date or time (`2026-12-01T…` → `2026-12-01`).
fn day(v: &str) -> Option<&str> {
    let d = v.get(..10)?;
    let ok = d.bytes().enumerate().all(|(i, b)| {
        if i == 4 || i == 7 {
            b == b'-'
        } else {
            b.is_ascii_digit()
        }
    });
    ok.then_some(d)
}

/// A `Date…` condition on `aws:CurrentTime`, judged on the day `today` (`YYYY-MM-DD`): an
/// Allow that expired is not granted, a Deny that is in force cannot be waited out. `None` on
/// the day itself, for a time of day, or for values that are not dates.
fn decide_time(c: &Condition, today: &str) -> Option<bool> {
    if c.unknown.is_some() {
        return None;
    }
    let mut any = false;
    for v in &c.values {
        let d = day(v.known()?)?;
        if d == today {
            return None;
        }
        let holds = match c.base_operator() {
            "DateLessThan" | "DateLessThanEquals" => today < d,
            "DateGreaterThan" | "DateGreaterThanEquals" => today > d,
            "DateEquals" => false,
            "DateNotEquals" => true,
            _ => return None,
        };
        any |= holds;
    }
    Some(any)
}

/// Whether a condition holds on a key the request does not carry: AWS's rule that a negated
/// operator and an `…IfExists` one hold, `Null` holds when it asks for absence, and any other
/// operator does not. `None` for an operator it cannot judge.
fn absent_holds(c: &Condition) -> Option<bool> {
    let operator = c.base_operator();
    if operator == "Null" {
        let wanted = c.values.iter().filter_map(|v| v.known()).next()?;
        return Some(wanted.eq_ignore_ascii_case("true"));
    }
    if c.is_if_exists() || operator.contains("Not") {
        return Some(true);
    }
    let known = [
        "String",
        "Arn",
        "Numeric",
        "Date",
        "Bool",
        "IpAddress",
        "Binary",
    ];
    known
        .iter()
        .any(|k| operator.starts_with(k))
        .then_some(false)
}

/// Whether a statement has a condition the caller satisfies or avoids at will (and that the
/// request does not decide).
pub(crate) fn avoidable(s: &Statement, request: Request) -> bool {
    s.conditions
        .iter()
        .any(|c| decide(c, request).is_none() && is_irrelevant_condition(&c.key))
}

/// A condition on a key the request carries: whether it holds. `None` when the request does
/// not carry the key, a value is unknown, or the operator is not a string or ARN comparison.
fn decide(c: &Condition, request: Request) -> Option<bool> {
    if request.absent.iter().any(|k| c.key.eq_ignore_ascii_case(k)) {
        return absent_holds(c);
    }
    if c.key_is("aws:CurrentTime") {
        return decide_time(c, crate::catalog::reference_date());
    }
    let (_, value) = request
        .context
        .iter()
        .find(|(k, _)| c.key.eq_ignore_ascii_case(k))?;
    if c.unknown.is_some() || c.values.iter().any(|v| v.known().is_none()) {
        return None;
    }
    let operator = c.base_operator();
    let (negated, operator) = match operator
        .strip_prefix("StringNot")
        .or(operator.strip_prefix("ArnNot"))
    {
        Some(rest) => (true, rest),
        None => (
            false,
            operator
                .trim_start_matches("String")
                .trim_start_matches("Arn"),
        ),
    };
    let matches = |pattern: &str| match operator {
        "Equals" => pattern == *value,
        "EqualsIgnoreCase" => pattern.eq_ignore_ascii_case(value),
        "Like" => wildcard::matches(pattern, value, false),
        _ => false,
    };
    if !matches!(operator, "Equals" | "EqualsIgnoreCase" | "Like") {
        return None;
    }
    let any = c.values.iter().filter_map(|v| v.known()).any(matches);
    Some(any != negated)
}

#[cfg(test)]
mod tests;
