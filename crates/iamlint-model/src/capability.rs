//! What a principal may do on every resource, all of its policies counted (PRIVESC.md §1): the
//! catalogue actions the evaluator ([`crate::access`]) would answer `Allowed` — or `Maybe` —
//! for `"Resource": "*"`, as two [`ActionSet`]s, computed per statement and combined per policy
//! with word operations instead of one question per action.
//!
//! It follows [`Subject::allows`] exactly, with one difference that is the point of asking
//! about every resource: a Deny limited to some resources (`arn:aws:s3:::audit/*`) does not
//! take an action away, since the principal may still do it everywhere else. A Deny on every
//! resource does, and so does one with `NotResource`, a `NotAction` Deny, or a Deny in a boundary
//! that allows little. An **admin-equivalent** principal is one allowed every action: a split
//! admin (`iam:*` in one statement, `NotAction: iam:*` in another) is one; an admin policy next
//! to a deny-all, or capped by a boundary that allows only EC2, is not.

use std::collections::HashMap;

use crate::access::{self, Fit, Request, Source, Subject};
use crate::action_set::ActionSet;
use crate::policy::{Effect, ElementList, ItemText, PolicyDocument, Statement};
use crate::value::Str;

/// What a principal may do on every resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capability {
    /// Allowed without conditions, whatever unknown values turn out to be.
    pub allowed: ActionSet,
    /// Allowed only under conditions, or depending on something unknown (not in `allowed`).
    pub maybe: ActionSet,
}

impl Capability {
    /// Every action, on every resource, unconditionally.
    pub fn is_admin(&self) -> bool {
        self.allowed.is_full()
    }

    /// Every action, if some condition or unknown value goes the caller's way.
    pub fn may_be_admin(&self) -> bool {
        let mut all = self.allowed.clone();
        all.union_with(&self.maybe);
        all.is_full()
    }
}

/// Computes capabilities, remembering the large policy documents (AWS-managed ones such as
/// ReadOnlyAccess list thousands of actions, and many principals hold them). Small documents
/// are cheaper to read again than to keep: a set is 2.7 KB.
#[derive(Default)]
pub struct Capabilities {
    documents: HashMap<*const PolicyDocument, DocumentBits>,
}

/// Documents with at least this many `Action` items are remembered, this many at most.
const REMEMBERED_ITEMS: usize = 32;
const REMEMBERED_DOCUMENTS: usize = 1024;

/// What the statements of one document, or of several, do to each action asked about every
/// resource.
#[derive(Clone)]
struct DocumentBits {
    allow_yes: ActionSet,
    allow_maybe: ActionSet,
    deny_yes: ActionSet,
    /// Actions a Deny may cover: allowed ones become Maybe.
    deny_maybe: ActionSet,
    /// Something unread (a policy, a statement list, an `Effect`) could allow or deny anything.
    unread: bool,
}

impl DocumentBits {
    fn new() -> DocumentBits {
        DocumentBits {
            allow_yes: ActionSet::empty(),
            allow_maybe: ActionSet::empty(),
            deny_yes: ActionSet::empty(),
            deny_maybe: ActionSet::empty(),
            unread: false,
        }
    }

    fn of(doc: &PolicyDocument) -> DocumentBits {
        let mut bits = DocumentBits::new();
        bits.unread = doc.statements_unknown.is_some();
        for s in &doc.statements {
            bits.add(s);
        }
        bits
    }

    fn add(&mut self, s: &Statement) {
        let Some((effect, yes, maybe)) = statement_bits(s) else {
            return;
        };
        match effect {
            Some(Effect::Allow) => {
                self.allow_yes.union_with(&yes);
                self.allow_maybe.union_with(&maybe);
            }
            Some(Effect::Deny) => {
                self.deny_yes.union_with(&yes);
                self.deny_maybe.union_with(&maybe);
            }
            None => self.unread = true,
        }
    }

    fn union_with(&mut self, other: &DocumentBits) {
        self.allow_yes.union_with(&other.allow_yes);
        self.allow_maybe.union_with(&other.allow_maybe);
        self.deny_yes.union_with(&other.deny_yes);
        self.deny_maybe.union_with(&other.deny_maybe);
        self.unread |= other.unread;
    }

    /// The evaluator's answers: a Deny wins, then an Allow; anything open makes Maybe.
    fn verdict(self) -> Verdict {
        let DocumentBits {
            allow_yes,
            allow_maybe,
            deny_yes,
            deny_maybe,
            unread,
        } = self;
        let (mut allowed, mut maybe) = if unread {
            (ActionSet::empty(), ActionSet::full())
        } else {
            let mut allowed = allow_yes.clone();
            allowed.remove_all(&deny_maybe);
            let mut maybe = allow_yes;
            maybe.union_with(&allow_maybe);
            (allowed, maybe)
        };
        allowed.remove_all(&deny_yes);
        maybe.remove_all(&deny_yes);
        maybe.remove_all(&allowed);
        Verdict { allowed, maybe }
    }
}

/// What one set of policies (identity, or a boundary) does to each action.
struct Verdict {
    allowed: ActionSet,
    maybe: ActionSet,
}

/// Whether `subject` can be allowed every action at all, read off its statements without
/// building a set: only a `NotAction`, an action pattern over services (`*`, `*:Get*`) or a
/// wildcard for every service of the catalogue can add up to every action, and something
/// unread is never surely allowed. Exact for [`Capability::is_admin`]: when this is false, so
/// is that.
pub fn can_be_admin(subject: &Subject) -> bool {
    let services = crate::catalog::Catalog::get().services().len();
    let mut whole_services = std::collections::HashSet::new();
    for source in &subject.policies {
        let Source::Document(doc) = source else {
            continue;
        };
        for s in doc
            .statements
            .iter()
            .filter(|s| s.effect() == Some(Effect::Allow))
        {
            let Some(actions) = &s.action else { continue };
            if actions.negated {
                return true;
            }
            for (pattern, _) in actions.known_items() {
                let Some((service, name)) = pattern.split_once(':') else {
                    if pattern == "*" {
                        return true;
                    }
                    continue;
                };
                if crate::wildcard::is_pattern(service) {
                    return true;
                }
                if name == "*" {
                    whole_services.insert(service.to_ascii_lowercase());
                }
            }
        }
    }
    whole_services.len() >= services
}

impl Capabilities {
    pub fn of(&mut self, subject: &Subject) -> Capability {
        let identity = self.verdict(&subject.policies);
        let Some(boundary) = &subject.boundary else {
            return Capability {
                allowed: identity.allowed,
                maybe: identity.maybe,
            };
        };
        let cap = self.verdict(std::slice::from_ref(boundary));
        // Each action gets the lower of the two answers.
        let mut allowed = identity.allowed.clone();
        allowed.intersect_with(&cap.allowed);
        let mut maybe = identity.allowed;
        maybe.union_with(&identity.maybe);
        let mut capped = cap.allowed;
        capped.union_with(&cap.maybe);
        maybe.intersect_with(&capped);
        maybe.remove_all(&allowed);
        Capability { allowed, maybe }
    }

    fn verdict(&mut self, policies: &[Source]) -> Verdict {
        let mut all = DocumentBits::new();
        for source in policies {
            let doc = match source {
                Source::Document(doc) => *doc,
                Source::Unread(_) => {
                    all.unread = true;
                    continue;
                }
            };
            let key = doc as *const PolicyDocument;
            if let Some(bits) = self.documents.get(&key) {
                all.union_with(bits);
                continue;
            }
            let items: usize = doc
                .statements
                .iter()
                .filter_map(|s| s.action.as_ref())
                .map(|a| a.items.len())
                .sum();
            if items >= REMEMBERED_ITEMS && self.documents.len() < REMEMBERED_DOCUMENTS {
                let bits = DocumentBits::of(doc);
                all.union_with(&bits);
                self.documents.insert(key, bits);
            } else {
                all.unread |= doc.statements_unknown.is_some();
                for s in &doc.statements {
                    all.add(s);
                }
            }
        }
        all.verdict()
    }
}

/// The request a statement is asked: some action on every resource, with no known context.
fn everywhere() -> Request<'static> {
    Request::new("", "*")
}

/// A statement asked about every resource: its effect (`None`: only known at apply, so it may
/// be a Deny of anything), the actions it surely applies to and those it may apply to. `None`
/// when it applies to nothing everywhere.
fn statement_bits(s: &Statement) -> Option<(Option<Effect>, ActionSet, ActionSet)> {
    let effect = s.effect();
    if effect.is_none() {
        let unknown = matches!(
            s.effect.as_ref().map(|e| &e.text),
            Some(ItemText::Unknown(_))
        );
        return unknown.then(|| (None, ActionSet::empty(), ActionSet::empty()));
    }
    let actions = s.action.as_ref()?;
    let request = everywhere();
    let resource = match &s.resource {
        None => Fit::Yes,
        Some(r) => access::list_fit(r, |item| access::resource_fit(item, request.resource)),
    };
    let conditions = access::conditions_fit(s, request);
    let surely = match (resource, conditions) {
        (Fit::No, _) | (_, Fit::No) => return None,
        // A Deny on some resources only: the action stays allowed on the others.
        (Fit::Maybe(_), _) if effect == Some(Effect::Deny) => return None,
        (Fit::Maybe(_), _) | (_, Fit::Maybe(_)) => false,
        (Fit::Yes, Fit::Yes) => true,
    };
    // A Deny with conditions the caller controls is one it can step around (as the evaluator
    // judges it: only when nothing else about the statement is open).
    if surely && effect == Some(Effect::Deny) && access::avoidable(s, request) {
        return None;
    }
    let (mut yes, mut maybe) = action_bits(actions);
    if !surely {
        maybe.union_with(&yes);
        yes = ActionSet::empty();
    }
    Some((effect, yes, maybe))
}

/// The actions an `Action` list surely names, and those it may name (an item with unknown
/// parts, or an unknown list); for `NotAction`, the others.
fn action_bits(list: &ElementList) -> (ActionSet, ActionSet) {
    let mut yes = ActionSet::empty();
    let mut maybe = ActionSet::empty();
    if list.unknown.is_some() {
        maybe = ActionSet::full();
    }
    for item in &list.items {
        match &item.text {
            ItemText::Known(pattern) => yes.union_with(&ActionSet::matching(pattern)),
            ItemText::Partial(s) => maybe.union_with(&ActionSet::matching(&as_pattern(s))),
            ItemText::Unknown(_) => maybe = ActionSet::full(),
        }
    }
    maybe.remove_all(&yes);
    if !list.negated {
        return (yes, maybe);
    }
    let mut others = ActionSet::full();
    others.remove_all(&yes);
    others.remove_all(&maybe);
    (others, maybe)
}

/// A string with unknown parts as the pattern of everything it could be.
fn as_pattern(s: &Str) -> String {
    s.text.replace(Str::UNKNOWN_MARK, "*")
}

#[cfg(test)]
mod tests;
