//! Privilege escalation over the IAM graph (PRIVESC.md): from every principal that is not an
//! administrator, a breadth-first search over what it may become — roles it may assume
//! (`sts-001`), roles it may hand to a service that runs them (`ec2-001`, `lambda-001`, …),
//! users whose keys it may create (`iam-002`) — and what it may make an administrator (an inline
//! policy or an attachment, on itself or on anyone it became). Each step of a technique is
//! asked of the evaluator for the principal that takes it, Denies and boundary counted; an
//! empowered principal stays capped by its own boundary and Denies.
//!
//! The techniques are data (`rules/privesc/*.toml`, [`technique`]); this module knows only their
//! effects (become, empower) and target predicates.

pub mod catalogue;
pub mod technique;

use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;

use iamlint_model::access::{Access, Decision, Reason, Request, Source, Subject};
use iamlint_model::capability::Capabilities;
use iamlint_model::links::{Held, IamPrincipal, Links, PrincipalType};
use iamlint_model::model::Resource;
use iamlint_model::policy::{PolicyDocument, Statement};
use iamlint_model::reach::{Reach, Relation};
use iamlint_model::trust::{Admits, admits_service};
use iamlint_model::{Model, Str};

use technique::{Effect, Kind, Step, Technique, Who};

/// Hops a path may take at most, unless configured (PRIVESC.md §2: `max_hops`).
pub const MAX_HOPS: usize = 8;

/// Whether a hop surely works, or only if something unknown or a condition goes the caller's way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Proven,
    Conditional,
}

/// One step of a path: `from` uses `technique` on `to`.
#[derive(Clone, Debug)]
pub struct Hop<'a> {
    /// Indices into [`Links::principals`].
    pub from: usize,
    pub to: usize,
    pub technique: &'static Technique,
    /// The resource used to become `to`, when it runs as `to` (a Lambda function).
    pub via: Option<&'a str>,
    pub verdict: Verdict,
    /// The statements that allow each step, with the action they allow.
    pub grants: Vec<(&'a Statement, &'static str)>,
    /// Why a conditional hop is conditional, and what it assumes at run time.
    pub reasons: Vec<String>,
}

/// A principal that can make itself an administrator, and the shortest way.
#[derive(Clone, Debug)]
pub struct Escalation<'a> {
    pub source: usize,
    pub hops: Vec<Hop<'a>>,
    pub verdict: Verdict,
}

/// A technique a principal may use on every resource of its kind, targets outside the
/// configuration included, with the statements that allow each step.
#[derive(Clone, Debug)]
pub struct Latent<'a> {
    pub technique: &'static Technique,
    pub grants: Vec<(&'a Statement, &'static str)>,
}

/// Per principal that is not an administrator (in principal order): the techniques that
/// become or take over a role it may use on any resource — a role's code, a function, an
/// instance — through a grant on `"Resource": "*"` (PRIVESC.md §4, scope `config`). They reach
/// whatever runs outside the configuration too, which no search inside it can rule out.
pub fn latent<'a>(
    links: &'a Links<'a>,
    reach: &Reach,
    options: &crate::Privesc,
) -> Vec<(usize, Vec<Latent<'a>>)> {
    let mut out = Vec::new();
    let mut capabilities = Capabilities::default();
    for (i, p) in links.principals.iter().enumerate() {
        if p.ty == PrincipalType::Group || reach.admin[i] || options.is_intended_admin(p) {
            continue;
        }
        let subject = links.subject(i);
        // Only a grant on every resource makes a technique latent: most principals have none.
        let on_every_resource = subject.policies.iter().any(|source| match source {
            Source::Document(doc) => doc
                .statements
                .iter()
                .any(|s| s.is_allow() && s.on_every_resource()),
            Source::Unread(_) => false,
        });
        if !on_every_resource {
            continue;
        }
        // What it may do on every resource, as a bitset: a step outside it rules a technique
        // out without asking the evaluator about each statement.
        let everywhere_allowed = capabilities.of(&subject).allowed;
        let mut found = Vec::new();
        for t in technique::all()
            .iter()
            .filter(|t| t.effect == Effect::Become)
        {
            let Some(target) = &t.target else { continue };
            // Takeovers of roles and of what runs as them; users and trusts are all in view.
            let role_taking = target.kind == Kind::Wearer || target.trusts_service.is_some();
            if !role_taking
                || t.step
                    .iter()
                    .any(|step| step.context.is_empty() && !step.in_set(&everywhere_allowed))
            {
                continue;
            }
            let mut grants = Vec::new();
            let mut everywhere = false;
            let taken = t.step.iter().all(|step| {
                let d = ask(&subject, step, ANY_ARN[kind_index(target.kind)]);
                if d.access != Access::Allowed {
                    return false;
                }
                everywhere |= d.statements.iter().any(|s| s.on_every_resource());
                grants.extend(d.statements.iter().map(|&s| (s, step.action.as_str())));
                true
            });
            if taken && everywhere {
                found.push(Latent {
                    technique: t,
                    grants,
                });
            }
        }
        if !found.is_empty() {
            out.push((i, found));
        }
    }
    out
}

/// Every escalation to administrator in the model, one per principal, in principal order.
pub fn search<'a>(
    model: &'a Model,
    links: &'a Links<'a>,
    reach: &Reach,
    options: &crate::Privesc,
) -> Vec<Escalation<'a>> {
    let mut engine = Engine::new(links, reach);
    engine.max_hops = options.max_hops;
    // Administrators by design count as administrators: never sources, and a goal.
    for (i, p) in links.principals.iter().enumerate() {
        engine
            .admin
            .push(reach.admin[i] || options.is_intended_admin(p));
    }
    let mut wearings: Vec<(&'a Resource, usize)> = links
        .wearings(model)
        .into_iter()
        .map(|w| (w.resource, w.role))
        .collect();
    wearings.sort_by(|a, b| (&a.0.address, a.1).cmp(&(&b.0.address, b.1)));
    wearings.dedup_by(|a, b| a.0.address == b.0.address && a.1 == b.1);
    engine.wearings = wearings;
    let sources: Vec<usize> = (0..links.principals.len())
        .filter(|&s| links.principals[s].ty != PrincipalType::Group && !engine.admin[s])
        .collect();
    sources.into_iter().filter_map(|s| engine.from(s)).collect()
}

struct Engine<'a, 'r> {
    links: &'a Links<'a>,
    reach: &'r Reach,
    /// Resources that run as a role, with the role.
    wearings: Vec<(&'a Resource, usize)>,
    /// Per principal: an administrator, or one by design (`intended_admins`).
    admin: Vec<bool>,
    max_hops: usize,
    subjects: Vec<Option<Subject<'a>>>,
    /// What each principal may become, worked out once whoever asks.
    becomes: HashMap<usize, Vec<Hop<'a>>>,
    /// Whether `from` may make `to` an administrator.
    empowers: HashMap<(usize, usize), Option<Hop<'a>>>,
    /// Per principal, once asked: whether it may empower anyone ([`Engine::may_empower_any`]).
    empowering: Vec<Option<bool>>,
    /// Whether an administrator policy put on a principal makes it one (its boundary and its
    /// Denies still count).
    admin_if_empowered: HashMap<usize, bool>,
    capabilities: Capabilities,
}

impl<'a, 'r> Engine<'a, 'r> {
    fn new(links: &'a Links<'a>, reach: &'r Reach) -> Self {
        Engine {
            links,
            reach,
            wearings: Vec::new(),
            admin: Vec::new(),
            max_hops: MAX_HOPS,
            subjects: vec![None; links.principals.len()],
            becomes: HashMap::new(),
            empowers: HashMap::new(),
            empowering: vec![None; links.principals.len()],
            admin_if_empowered: HashMap::new(),
            capabilities: Capabilities::default(),
        }
    }

    fn subject(&mut self, p: usize) -> Subject<'a> {
        self.subjects[p]
            .get_or_insert_with(|| self.links.subject(p))
            .clone()
    }

    /// The shortest path from `source` to administrator, if any.
    fn from(&mut self, source: usize) -> Option<Escalation<'a>> {
        // Most principals can become no one: only what they may do to themselves counts.
        if self.becomes_of(source).is_empty() {
            let hop = self.empower(source, source)?;
            return Some(Escalation {
                source,
                verdict: hop.verdict,
                hops: vec![hop],
            });
        }
        // Breadth-first over `become`: each principal held once, by its shortest hops.
        let mut pred: HashMap<usize, Hop<'a>> = HashMap::new();
        let mut held = vec![source];
        let mut depth = HashMap::from([(source, 0usize)]);
        let mut queue = VecDeque::from([source]);
        let mut best: Option<Vec<Hop<'a>>> = None;
        while let Some(h) = queue.pop_front() {
            let d = depth[&h];
            if d >= self.max_hops || best.as_ref().is_some_and(|b| b.len() <= d + 1) {
                continue;
            }
            for hop in self.becomes_of(h) {
                let to = hop.to;
                if depth.contains_key(&to) {
                    continue;
                }
                depth.insert(to, d + 1);
                pred.insert(to, hop);
                held.push(to);
                if self.admin[to] {
                    let path = path_to(&pred, to);
                    if best.as_ref().is_none_or(|b| shorter(&path, b)) {
                        best = Some(path);
                    }
                    continue;
                }
                queue.push_back(to);
            }
        }
        // Then `empower`: any principal held may make any principal held an administrator.
        // Only those that may take some empowering technique's steps on some target are asked
        // about each target: a deployer that may assume every role holds them all, and asking
        // every pair would be quadratic in the roles.
        let empowering: Vec<usize> = held
            .iter()
            .copied()
            .filter(|&h| self.may_empower_any(h))
            .collect();
        for &x in &held {
            if self.admin[x] {
                continue;
            }
            for &h in &empowering {
                let Some(hop) = self.empower(h, x) else {
                    continue;
                };
                let mut path = path_to(&pred, h);
                path.push(hop);
                // Using `x`, when it is not the source, takes its own hops.
                for extra in path_to(&pred, x) {
                    if !path.iter().any(|p| p.to == extra.to) {
                        path.push(extra);
                    }
                }
                if path.len() <= self.max_hops && best.as_ref().is_none_or(|b| shorter(&path, b)) {
                    best = Some(path);
                }
            }
        }
        let hops = best?;
        let verdict = hops
            .iter()
            .map(|h| h.verdict)
            .max()
            .unwrap_or(Verdict::Proven);
        Some(Escalation {
            source,
            hops,
            verdict,
        })
    }

    /// What `h` may become, by every `become` technique.
    fn becomes_of(&mut self, h: usize) -> Vec<Hop<'a>> {
        if let Some(found) = self.becomes.get(&h) {
            return found.clone();
        }
        let mut out = Vec::new();
        let subject = self.subject(h);
        for t in technique::all()
            .iter()
            .filter(|t| t.effect == Effect::Become)
        {
            let Some(target) = &t.target else { continue };
            // An action no statement may allow rules the technique out at once.
            if !t.step.iter().all(|s| subject.may_allow_action(&s.action)) {
                continue;
            }
            // Steps that do not name the target are asked once: most principals may take
            // none of them, and then no target need be looked at.
            let mut untargeted = t
                .step
                .iter()
                .filter(|s| !s.resource.contains("{target.arn}"));
            if untargeted.any(|s| !may_take(&ask(&subject, s, ""))) {
                continue;
            }
            if target.kind == Kind::Wearer {
                self.worn(h, t, &subject, &mut out);
            } else if target.trusts_caller {
                self.assumed(h, t, &subject, &mut out);
            } else if let Some(service) = &target.trusts_service {
                self.handed(h, t, service, &subject, &mut out);
            } else {
                self.taken_over(h, t, &subject, &mut out);
            }
        }
        // One hop per principal reached: the proven one when there is one, else the first.
        out.sort_by_key(|hop| (hop.to, hop.verdict));
        out.dedup_by_key(|hop| hop.to);
        self.becomes.insert(h, out.clone());
        out
    }

    /// Roles `h` may run as through a resource that already runs as them (`lambda-004`).
    fn worn(&self, h: usize, t: &'static Technique, subject: &Subject<'a>, out: &mut Vec<Hop<'a>>) {
        let Some(target) = &t.target else { return };
        for &(resource, role) in &self.wearings {
            if role == h
                || !target.resource_types.iter().any(|ty| ty == resource.kind())
                || !self.usable_target(role)
            {
                continue;
            }
            let arn = iamlint_model::resource_arns::arn(resource);
            if let Some(mut hop) = self.steps_on(h, role, &arn, t, subject) {
                hop.via = Some(&resource.address);
                out.push(hop);
            }
        }
    }

    /// Roles `h` may assume: the graph's may-assume relation, but for roles whose trust asks
    /// for MFA, which the keys a caller steals or makes do not carry (a break-glass role that
    /// only an MFA'd user may assume is the design, not a path).
    fn assumed(
        &self,
        h: usize,
        t: &'static Technique,
        subject: &Subject<'a>,
        out: &mut Vec<Hop<'a>>,
    ) {
        for e in self
            .reach
            .from(h)
            .filter(|e| e.relation == Relation::MayAssume)
        {
            for (to, _) in self.reach.targets(e) {
                if to == h || !self.usable_target(to) || self.trust_needs_mfa(to) {
                    continue;
                }
                // A trust policy that names the caller needs no permission of its own.
                if e.label == "named in trust" {
                    out.push(Hop {
                        from: h,
                        to,
                        technique: t,
                        via: None,
                        verdict: Verdict::Proven,
                        grants: Vec::new(),
                        reasons: Vec::new(),
                    });
                } else if let Some(hop) = self.steps(h, to, t, subject) {
                    out.push(hop);
                }
            }
        }
    }

    /// Whether every statement of a role's trust that admits principals asks for MFA.
    fn trust_needs_mfa(&self, role: usize) -> bool {
        let Some(doc) = self.links.principals[role].trust.and_then(|t| t.document()) else {
            return false;
        };
        let mut admitting = doc
            .statements
            .iter()
            .filter(|s| s.is_allow() && s.principal.as_ref().is_some_and(|p| !p.negated))
            .peekable();
        admitting.peek().is_some()
            && admitting.all(|s| {
                s.conditions.iter().any(|c| {
                    (c.key_is("aws:MultiFactorAuthPresent")
                        && c.base_operator() == "Bool"
                        && c.values
                            .iter()
                            .all(|v| v.known().is_some_and(|t| t.eq_ignore_ascii_case("true"))))
                        || (c.key_is("aws:MultiFactorAuthAge")
                            && c.base_operator().starts_with("Numeric"))
                })
            })
    }

    /// Roles `h` may hand to `service`, whose trust admits it.
    fn handed(
        &self,
        h: usize,
        t: &'static Technique,
        service: &str,
        subject: &Subject<'a>,
        out: &mut Vec<Hop<'a>>,
    ) {
        let mut seen = Vec::new();
        for e in self
            .reach
            .from(h)
            .filter(|e| e.relation == Relation::MayPass)
        {
            // A pass limited by `iam:PassedToService` names its services.
            if let Some(services) = e.label.strip_prefix("to ")
                && !services.split(", ").any(|s| s == service)
            {
                continue;
            }
            for (to, _) in self.reach.targets(e) {
                if to == h || seen.contains(&to) || !self.usable_target(to) {
                    continue;
                }
                seen.push(to);
                let admitted = match self.links.principals[to].trust.and_then(|r| r.document()) {
                    Some(doc) => admits_service(doc, service),
                    None => Admits::Unknown,
                };
                if admitted == Admits::No {
                    continue;
                }
                if let Some(mut hop) = self.steps(h, to, t, subject) {
                    if admitted == Admits::Unknown {
                        hop.verdict = Verdict::Conditional;
                        hop.reasons
                            .push(format!("the trust policy may admit `{service}`"));
                    }
                    out.push(hop);
                }
            }
        }
    }

    /// Principals `h` may take over by their credentials or trust (`iam-002`, `iam-012`).
    fn taken_over(
        &self,
        h: usize,
        t: &'static Technique,
        subject: &Subject<'a>,
        out: &mut Vec<Hop<'a>>,
    ) {
        let Some(target) = &t.target else { return };
        // A caller that may not take the steps on any such principal is not asked about each.
        if t.step
            .iter()
            .any(|s| !may_take(&ask(subject, s, ANY_ARN[kind_index(target.kind)])))
        {
            return;
        }
        for (to, p) in self.links.principals.iter().enumerate() {
            if !is_kind(p, target.kind) || to == h || !self.usable_target(to) {
                continue;
            }
            if let Some(hop) = self.steps(h, to, t, subject) {
                out.push(hop);
            }
        }
    }

    /// Whether some statement of `h` may allow every action of some `empower` or `join`
    /// technique: when none does, `h` may empower no principal, itself included. (A policy
    /// iamlint could not read grants nothing here, as in [`may_take`].)
    fn may_empower_any(&mut self, h: usize) -> bool {
        if let Some(known) = self.empowering[h] {
            return known;
        }
        let subject = self.subject(h);
        let known = technique::all().iter().any(|t| {
            matches!(t.effect, Effect::Empower | Effect::Join)
                && t.step.iter().all(|s| subject.may_allow_action(&s.action))
        });
        self.empowering[h] = Some(known);
        known
    }

    /// Whether `h` may make `x` an administrator, by the first `empower` technique that works.
    fn empower(&mut self, h: usize, x: usize) -> Option<Hop<'a>> {
        if !self.may_empower_any(h) {
            return None;
        }
        if let Some(found) = self.empowers.get(&(h, x)) {
            return found.clone();
        }
        let found = self.first_empowering(h, x);
        self.empowers.insert((h, x), found.clone());
        found
    }

    /// The first technique by which `h` makes `x` an administrator: a policy on `x` itself, on
    /// a group of `x` or in a managed policy `x` holds, or `x` joining an administrator group.
    fn first_empowering(&mut self, h: usize, x: usize) -> Option<Hop<'a>> {
        if !self.usable_target(x) {
            return None;
        }
        let subject = self.subject(h);
        let links = self.links;
        let p = &links.principals[x];
        for t in technique::all() {
            let Some(target) = &t.target else { continue };
            let who = match target.is {
                Who::Itself => h == x,
                Who::Other => h != x,
                Who::Any => true,
            };
            if !who || !matches!(t.effect, Effect::Empower | Effect::Join) {
                continue;
            }
            // (the resource acted on, its ARN) for each way the technique reaches `x`
            let on: Vec<(Option<&'a str>, String)> = match target.kind {
                Kind::Role | Kind::User if is_kind(p, target.kind) => {
                    vec![(None, principal_arn(p))]
                }
                Kind::Group if p.ty == PrincipalType::User && t.effect == Effect::Empower => p
                    .groups
                    .iter()
                    .map(|m| {
                        let g = &links.principals[m.group];
                        (Some(g.resource.address.as_str()), principal_arn(g))
                    })
                    .collect(),
                Kind::Group if p.ty == PrincipalType::User => links
                    .principals
                    .iter()
                    .enumerate()
                    .filter(|(g, q)| {
                        q.ty == PrincipalType::Group && !p.groups.iter().any(|m| m.group == *g)
                    })
                    .map(|(_, g)| (Some(g.resource.address.as_str()), principal_arn(g)))
                    .collect(),
                Kind::Policy => links
                    .effective(x)
                    .filter(|held| !held.inline && matches!(held.policy, Held::Record(_)))
                    .filter_map(|held| {
                        let Held::Record(r) = held.policy else {
                            return None;
                        };
                        Some((Some(r.address.as_str()), held.arn?.as_str()?.text.clone()))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for (via, arn) in on {
                let Some(mut hop) = self.steps_on(h, x, &arn, t, &subject) else {
                    continue;
                };
                let admin = match (t.effect, via) {
                    (Effect::Join, Some(group)) => self.admin_if_joined(x, group),
                    _ => self.admin_if_empowered(x),
                };
                if admin {
                    hop.via = via;
                    return Some(hop);
                }
            }
        }
        None
    }

    /// Whether user `x`, in the group at `group` too, is an administrator.
    fn admin_if_joined(&mut self, x: usize, group: &str) -> bool {
        let Some(g) = self.links.find(group) else {
            return false;
        };
        let mut subject = self.subject(x);
        subject
            .policies
            .extend(self.links.principals[g].policies.iter().map(|h| h.source()));
        self.capabilities.of(&subject).is_admin()
    }

    /// Whether an administrator policy given to `x` makes it one: its boundary and the Denies
    /// of its other policies still apply.
    fn admin_if_empowered(&mut self, x: usize) -> bool {
        if let Some(&known) = self.admin_if_empowered.get(&x) {
            return known;
        }
        let mut subject = self.subject(x);
        subject.policies.push(Source::Document(admin_document()));
        let admin = self.capabilities.of(&subject).is_admin();
        self.admin_if_empowered.insert(x, admin);
        admin
    }

    /// A target a technique may act on: not a service-linked role, which AWS lets no one
    /// change or pass.
    fn usable_target(&self, p: usize) -> bool {
        let r = self.links.principals[p].resource;
        let path = r
            .attribute("path")
            .and_then(|v| v.as_str())
            .map(|s| s.text.as_str());
        !path.is_some_and(|p| p.starts_with("/aws-service-role/"))
    }

    /// Every step of `t`, taken by `h` on `to`: the hop when none is denied.
    fn steps(
        &self,
        h: usize,
        to: usize,
        t: &'static Technique,
        subject: &Subject<'a>,
    ) -> Option<Hop<'a>> {
        let arn = principal_arn(&self.links.principals[to]);
        self.steps_on(h, to, &arn, t, subject)
    }

    /// Every step of `t`, taken by `h` on the resource `arn`, to become or empower `to`.
    fn steps_on(
        &self,
        h: usize,
        to: usize,
        arn: &str,
        t: &'static Technique,
        subject: &Subject<'a>,
    ) -> Option<Hop<'a>> {
        let mut hop = Hop {
            from: h,
            to,
            technique: t,
            via: None,
            verdict: Verdict::Proven,
            grants: Vec::new(),
            reasons: t.assumes.runtime.clone(),
        };
        if !hop.reasons.is_empty() {
            hop.verdict = Verdict::Conditional;
        }
        // Steps on a role or user carry its boundary, which delegation conditions name.
        let principal = t
            .target
            .as_ref()
            .is_some_and(|target| matches!(target.kind, Kind::Role | Kind::User));
        let boundary_value = self.links.principals[to]
            .resource
            .attribute("permissions_boundary")
            .and_then(|v| v.as_str());
        let boundary = match boundary_value {
            _ if !principal => None,
            None => Some(None),
            Some(s) if s.is_known() => Some(Some(s.text.as_str())),
            Some(_) => None,
        };
        for step in t.step.iter() {
            let d = ask_with(subject, step, arn, boundary);
            // Only something unread may allow it: a coverage note says so already, and no
            // statement can be shown to allow it (never a finding on a guess).
            if !may_take(&d) {
                return None;
            }
            match d.access {
                Access::Denied | Access::Allowed => {}
                Access::Maybe => {
                    // A name the caller chooses fits an Allow if some name does.
                    let chosen = step.resource.contains("{new}")
                        && d.reasons
                            .iter()
                            .all(|r| matches!(r, Reason::Unknown(u) if u == "the resource's ARN"));
                    if !chosen {
                        hop.verdict = Verdict::Conditional;
                        hop.reasons.extend(d.reasons.iter().map(reason_text));
                    }
                }
            }
            hop.grants
                .extend(d.statements.iter().map(|&s| (s, step.action.as_str())));
        }
        hop.reasons.sort();
        hop.reasons.dedup();
        Some(hop)
    }
}

/// Whether a decision lets a step be taken, surely or under conditions that some statement
/// states (an answer that rests only on a policy iamlint could not read is no grant).
fn may_take(d: &Decision) -> bool {
    match d.access {
        Access::Denied => false,
        Access::Maybe => !d.statements.is_empty(),
        Access::Allowed => true,
    }
}

/// A step asked of the evaluator, the target's ARN and the caller's chosen names filled in.
fn ask<'p>(subject: &Subject<'p>, step: &Step, target_arn: &str) -> Decision<'p> {
    ask_with(subject, step, target_arn, None)
}

/// [`ask`], for a target principal whose permissions boundary is known: its ARN, or none
/// (`Some(None)`). A delegated administrator may change only principals under a given boundary
/// (`iam:PermissionsBoundary`), which this decides.
fn ask_with<'p>(
    subject: &Subject<'p>,
    step: &Step,
    target_arn: &str,
    boundary: Option<Option<&str>>,
) -> Decision<'p> {
    let resource = fill(&step.resource, target_arn);
    let mut context: Vec<(&str, &str)> = step
        .context
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut absent: Vec<&str> = Vec::new();
    match boundary {
        Some(Some(arn)) => context.push((PERMISSIONS_BOUNDARY, arn)),
        Some(None) => absent.push(PERMISSIONS_BOUNDARY),
        None => {}
    }
    subject.allows(Request {
        action: &step.action,
        resource: &resource,
        context: &context,
        absent: &absent,
    })
}

const PERMISSIONS_BOUNDARY: &str = "iam:PermissionsBoundary";

/// A step's resource with its placeholders filled: the target's ARN, and an unknown part for
/// the partition, region, account and any name the caller chooses.
fn fill<'s>(template: &'s str, target_arn: &str) -> std::borrow::Cow<'s, str> {
    if !template.contains('{') {
        return std::borrow::Cow::Borrowed(template);
    }
    let mut out = String::with_capacity(template.len() + target_arn.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        match &rest[open..open + close + 1] {
            "{target.arn}" => out.push_str(target_arn),
            _ => out.push(Str::UNKNOWN_MARK),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Any role's, user's or resource's ARN, its parts unknown: what a step on some target is asked
/// first.
const ANY_ARN: [&str; 3] = [
    "arn:aws:iam::\u{E000}:role/\u{E000}",
    "arn:aws:iam::\u{E000}:user/\u{E000}",
    "\u{E000}",
];

fn kind_index(kind: Kind) -> usize {
    match kind {
        Kind::Role => 0,
        Kind::User => 1,
        Kind::Wearer | Kind::Group | Kind::Policy => 2,
    }
}

fn is_kind(p: &IamPrincipal, kind: Kind) -> bool {
    matches!(
        (p.ty, kind),
        (PrincipalType::Role, Kind::Role) | (PrincipalType::User, Kind::User)
    )
}

/// A principal's ARN, as [`arn_of`] reads it.
fn principal_arn(p: &IamPrincipal) -> String {
    arn_of(p.resource.attribute("arn").and_then(|v| v.as_str()))
}

/// A principal's ARN as the evaluator reads it; wholly unknown when the model has none.
fn arn_of(arn: Option<&Str>) -> String {
    match arn {
        Some(s) => s.text.clone(),
        None => Str::UNKNOWN_MARK.to_string(),
    }
}

fn reason_text(r: &Reason) -> String {
    match r {
        Reason::Condition(key) => format!("a condition on `{key}` holds"),
        Reason::Unknown(origin) => format!("it depends on {origin}"),
        Reason::UnreadPolicy(what) => format!("`{what}`, which iamlint could not read, allows it"),
    }
}

/// The policy a technique that empowers puts on its target: every action on every resource.
fn admin_document() -> &'static PolicyDocument {
    static ADMIN: OnceLock<PolicyDocument> = OnceLock::new();
    ADMIN.get_or_init(|| {
        PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
    })
}

/// The hops that reached `to`, from the source.
fn path_to<'a>(pred: &HashMap<usize, Hop<'a>>, mut to: usize) -> Vec<Hop<'a>> {
    let mut path = Vec::new();
    while let Some(hop) = pred.get(&to) {
        to = hop.from;
        path.push(hop.clone());
    }
    path.reverse();
    path
}

/// Fewer hops first, then proven over conditional: the path a person should see.
fn shorter(a: &[Hop], b: &[Hop]) -> bool {
    let worst = |p: &[Hop]| p.iter().map(|h| h.verdict).max();
    (a.len(), worst(a)) < (b.len(), worst(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled() {
        let u = Str::UNKNOWN_MARK;
        assert_eq!(
            fill("{target.arn}", "arn:aws:iam::1:role/r"),
            "arn:aws:iam::1:role/r"
        );
        assert_eq!(
            fill(
                "arn:{partition}:lambda:{region}:{account}:function:{new}",
                ""
            ),
            format!("arn:{u}:lambda:{u}:{u}:function:{u}")
        );
        assert_eq!(fill("*", "x"), "*");
    }
}
