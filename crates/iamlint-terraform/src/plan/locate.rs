//! A plan's findings on the `.tf` lines: when the configuration the plan came from is at hand,
//! its evaluated model gives each resource its block and each policy element its place in the
//! source; a policy the plan knows only after apply is read from its `.tf` expression instead.

use std::collections::HashMap;
use std::sync::Arc;

use iamlint_model::links::is_json_attribute;
use iamlint_model::model::{Resource, base_address as base};
use iamlint_model::relocate::relocate;
use iamlint_model::{
    Coverage, Data, Encoded, Location, Model, PolicyBody, PolicyKind, PolicyRecord, Value,
};

use crate::policies::Collected;

/// Moves the locations of `plan` (read from the plan file) onto the `.tf` sources of `source`
/// (the configuration's model, evaluated with the plan's variables).
pub(crate) fn onto_sources(plan: &mut Collected, source: &[Model]) {
    // A role with several `inline_policy` blocks has several records of one address and kind.
    let mut records: HashMap<(&str, PolicyKind), Vec<(&PolicyRecord, bool)>> = HashMap::new();
    for r in source.iter().flat_map(|m| &m.policies) {
        records
            .entry((r.address.as_str(), r.kind))
            .or_default()
            .push((r, false));
    }
    let blocks: HashMap<&str, Option<Location>> = source
        .iter()
        .flat_map(|m| &m.resources)
        .flat_map(|r| [(r.address.as_str(), r.loc), (base(&r.address), r.loc)])
        .collect();
    // What the plan knows only after apply and the source knows: (address, where, what).
    let mut read_from_source: Vec<(String, Option<Location>, String)> = Vec::new();
    let resources: HashMap<&str, &Resource> = source
        .iter()
        .flat_map(|m| &m.resources)
        .flat_map(|r| [(r.address.as_str(), r), (base(&r.address), r)])
        .collect();
    for r in &mut plan.resources {
        if let Some(loc) = blocks
            .get(r.address.as_str())
            .or(blocks.get(base(&r.address)))
        {
            r.loc = *loc;
        }
        // Attributes a rule may point at (`user`, `task_role_arn`) take their `.tf` places.
        let twin = resources
            .get(r.address.as_str())
            .or(resources.get(base(&r.address)));
        for (key, value) in &mut r.attributes {
            let written = twin.and_then(|t| t.attributes.iter().find(|(k, _)| k.name == key.name));
            key.loc = written.and_then(|(k, _)| k.loc).or(r.loc);
            // A document known only after apply (a state machine's definition naming a new
            // role's ARN) is read from its `.tf` expression, as a policy is. The twin is the same
            // resource, so its type is this one's.
            if let (Data::Unknown(_), Some((_, source))) = (&value.data, written)
                && twin.is_some_and(|t| is_json_attribute(t.kind(), &key.name))
                && source.as_str().is_some_and(|s| s.encoded.is_some())
            {
                *value = source.clone();
                read_from_source.push((r.address.clone(), key.loc, key.name.clone()));
                continue;
            }
            relocate_value(value, written.map(|(_, v)| v), key.loc);
        }
    }
    for record in &mut plan.policies {
        let Some(twin) = records
            .get_mut(&(record.address.as_str(), record.kind))
            .and_then(|candidates| twin_of(record, candidates))
        else {
            continue;
        };
        match (&mut record.body, &twin.body) {
            (PolicyBody::Document(doc), PolicyBody::Document(src)) => relocate(doc, src),
            (PolicyBody::Unknown(_), PolicyBody::Document(_)) => {
                record.body = twin.body.clone();
                record.size = twin.size;
                read_from_source.push((record.address.clone(), twin.loc, "policy".into()));
            }
            _ => {}
        }
        record.loc = twin.loc.or(record.loc);
        for u in &mut record.uses {
            if let Some(t) = twin.uses.iter().find(|t| t.address == u.address) {
                u.loc = t.loc.or(u.loc);
            }
        }
    }
    // What the plan could not know and the source could: a note, instead of the plan's.
    plan.coverage
        .retain(|c| !read_from_source.iter().any(|(a, _, _)| *a == c.address));
    for (address, loc, what) in read_from_source {
        plan.coverage.push(Coverage {
            message: format!(
                "{what} is known only after apply in the plan; read from its .tf expression instead"
            ),
            address,
            loc,
        });
    }
    for c in &mut plan.coverage {
        if let Some(loc) = blocks
            .get(c.address.as_str())
            .or(blocks.get(base(&c.address)))
        {
            c.loc = loc.or(c.loc);
        }
    }
}

/// The `.tf` record a plan record came from, among those of its address and kind (not yet
/// paired, while some are not): the one whose document says most of what it says. The provider orders a role's
/// `inline_policy` blocks its own way, so position cannot pair them.
fn twin_of<'s>(
    record: &PolicyRecord,
    candidates: &mut [(&'s PolicyRecord, bool)],
) -> Option<&'s PolicyRecord> {
    let texts = |r: &PolicyRecord| -> Vec<String> {
        r.document()
            .into_iter()
            .flat_map(|d| &d.statements)
            .flat_map(|s| s.action.iter().chain(&s.resource))
            .flat_map(|list| list.items.iter().map(|i| i.display()))
            .collect()
    };
    let mine = texts(record);
    let likeness = |r: &PolicyRecord| texts(r).iter().filter(|t| mine.contains(t)).count();
    // Once each is paired, a further plan record (one the source has fewer of) takes the most
    // alike again rather than none.
    let all_used = candidates.iter().all(|(_, used)| *used);
    let (best, _) = candidates
        .iter()
        .enumerate()
        .filter(|(_, (_, used))| all_used || !used)
        // The first of equally alike ones: `max_by_key` would take the last.
        .fold(None, |best: Option<(usize, usize)>, (i, (r, _))| {
            let score = likeness(r);
            match best {
                Some((_, top)) if top >= score => best,
                _ => Some((i, score)),
            }
        })?;
    candidates[best].1 = true;
    Some(candidates[best].0)
}

/// Gives a plan value the locations of its `.tf` twin, key by key and item by item where their
/// shapes agree; what has no twin takes `fallback` (the attribute's place).
fn relocate_value(plan: &mut Value, twin: Option<&Value>, fallback: Option<Location>) {
    plan.loc = twin.and_then(|t| t.loc).or(fallback);
    let here = plan.loc;
    match &mut plan.data {
        Data::Object(entries) => {
            for (key, value) in entries {
                let written = twin
                    .and_then(Value::as_object)
                    .and_then(|e| e.iter().find(|(k, _)| k.name == key.name));
                key.loc = written.and_then(|(k, _)| k.loc).or(here);
                relocate_value(value, written.map(|(_, v)| v), key.loc);
            }
        }
        Data::List(items) => {
            let twins = match twin.map(|t| &t.data) {
                Some(Data::List(t)) => t.as_slice(),
                _ => &[],
            };
            for (i, item) in items.iter_mut().enumerate() {
                relocate_value(item, twins.get(i), here);
            }
        }
        Data::String(s) => {
            // The same text written in the `.tf`: its bytes map there too (a key inside it).
            s.map = twin
                .and_then(Value::as_str)
                .filter(|t| t.text == s.text)
                .and_then(|t| t.map.clone());
            // A decoded document: its nodes take their places in the `.tf` document.
            if let Some(encoded) = &mut s.encoded {
                let written = twin
                    .and_then(Value::as_str)
                    .and_then(|t| t.encoded.as_ref())
                    .map(|t| &t.value);
                let mut value = encoded.value.clone();
                relocate_value(&mut value, written, here);
                *encoded = Arc::new(Encoded {
                    value,
                    holder: encoded.holder.clone(),
                });
            }
        }
        _ => {}
    }
}
