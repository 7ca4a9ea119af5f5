//! Moving a policy's locations onto another copy of the same policy: a plan's document (read
//! from the plan file, with the values only the plan knows) takes the locations of the `.tf`
//! document it came from, so that findings point at the line a person edits.
//!
//! Elements are paired by what they say, not by position: the provider renders documents
//! with sorted sets and its own key order. Statements pair by `Sid`, else by index; items by
//! their text; conditions by operator and key. An element with no partner takes the location
//! of the nearest paired enclosing element, never the plan's: once a `.tf` twin exists, every
//! location of the document is in `.tf`.

use crate::policy::{Condition, ElementList, Item, PolicyDocument, PrincipalBlock, Statement};
use crate::source::Location;

/// Gives `plan` the locations of `source` (the same policy, from `.tf`).
pub fn relocate(plan: &mut PolicyDocument, source: &PolicyDocument) {
    let outer = source.loc;
    plan.loc = outer;
    relocate_item_opt(&mut plan.version, source.version.as_ref(), outer);
    for issue in &mut plan.issues {
        issue.loc = outer;
    }
    let mut used = vec![false; source.statements.len()];
    for s in &mut plan.statements {
        let sid = s
            .sid
            .as_ref()
            .and_then(Item::known)
            .filter(|t| !t.is_empty());
        let twin = source
            .statements
            .iter()
            .enumerate()
            .find(|(i, t)| {
                !used[*i]
                    && match sid {
                        Some(sid) => t.sid.as_ref().and_then(Item::known) == Some(sid),
                        None => *i == s.index,
                    }
            })
            .map(|(i, t)| {
                used[i] = true;
                t
            });
        match twin {
            Some(t) => relocate_statement(s, t),
            None => statement_to(s, outer),
        }
    }
}

fn relocate_statement(s: &mut Statement, t: &Statement) {
    let outer = t.loc;
    s.loc = outer;
    relocate_item_opt(&mut s.sid, t.sid.as_ref(), outer);
    relocate_item_opt(&mut s.effect, t.effect.as_ref(), outer);
    relocate_list(&mut s.action, t.action.as_ref(), outer);
    relocate_list(&mut s.resource, t.resource.as_ref(), outer);
    match (&mut s.principal, &t.principal) {
        (Some(p), Some(q)) => relocate_principal(p, q),
        (Some(p), None) => principal_to(p, outer),
        _ => {}
    }
    for c in &mut s.conditions {
        let twin = t
            .conditions
            .iter()
            .find(|d| d.operator == c.operator && d.key.eq_ignore_ascii_case(&c.key));
        match twin {
            Some(d) => relocate_condition(c, d),
            None => condition_to(c, outer),
        }
    }
    for issue in &mut s.issues {
        issue.loc = outer;
    }
}

fn relocate_item_opt(item: &mut Option<Item>, twin: Option<&Item>, outer: Option<Location>) {
    if let Some(item) = item {
        item.loc = twin.and_then(|t| t.loc).or(outer);
    }
}

/// An item takes the location of the twin item with the same text, else the list's.
fn relocate_items(items: &mut [Item], twins: &[Item], outer: Option<Location>) {
    for item in items {
        let text = item.display();
        item.loc = twins
            .iter()
            .find(|t| t.display() == text)
            .and_then(|t| t.loc)
            .or(outer);
    }
}

fn relocate_list(
    list: &mut Option<ElementList>,
    twin: Option<&ElementList>,
    outer: Option<Location>,
) {
    let Some(list) = list else {
        return;
    };
    let Some(twin) = twin else {
        list_to(list, outer);
        return;
    };
    let here = twin.loc.or(outer);
    list.loc = here;
    list.key.loc = twin.key.loc.or(here);
    relocate_items(&mut list.items, &twin.items, here);
}

fn relocate_principal(p: &mut PrincipalBlock, q: &PrincipalBlock) {
    let here = q.loc;
    p.loc = here;
    p.key.loc = q.key.loc.or(here);
    for principal in &mut p.principals {
        let text = principal.item.display();
        principal.item.loc = q
            .principals
            .iter()
            .find(|t| t.kind == principal.kind && t.item.display() == text)
            .and_then(|t| t.item.loc)
            .or(here);
    }
}

fn relocate_condition(c: &mut Condition, d: &Condition) {
    c.loc = d.loc;
    relocate_items(&mut c.values, &d.values, d.loc);
}

/// Puts every element of `doc` at `loc`: a document that is not in the tree (an AWS-managed
/// policy) reported at the place that brings it in (the ARN that attaches it).
pub fn place_at(doc: &mut PolicyDocument, loc: Option<Location>) {
    doc.loc = loc;
    if let Some(v) = &mut doc.version {
        v.loc = loc;
    }
    for issue in &mut doc.issues {
        issue.loc = loc;
    }
    for s in &mut doc.statements {
        statement_to(s, loc);
    }
}

fn statement_to(s: &mut Statement, loc: Option<Location>) {
    s.loc = loc;
    for item in s.sid.iter_mut().chain(s.effect.iter_mut()) {
        item.loc = loc;
    }
    for list in s.action.iter_mut().chain(s.resource.iter_mut()) {
        list_to(list, loc);
    }
    if let Some(p) = &mut s.principal {
        principal_to(p, loc);
    }
    for c in &mut s.conditions {
        condition_to(c, loc);
    }
    for issue in &mut s.issues {
        issue.loc = loc;
    }
}

fn list_to(list: &mut ElementList, loc: Option<Location>) {
    list.loc = loc;
    list.key.loc = loc;
    for item in &mut list.items {
        item.loc = loc;
    }
}

fn principal_to(p: &mut PrincipalBlock, loc: Option<Location>) {
    p.loc = loc;
    p.key.loc = loc;
    for principal in &mut p.principals {
        principal.item.loc = loc;
    }
}

fn condition_to(c: &mut Condition, loc: Option<Location>) {
    c.loc = loc;
    for v in &mut c.values {
        v.loc = loc;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    /// A document whose every location is `file`, at a distinct offset per element.
    fn located(json: &str, file: u32) -> PolicyDocument {
        let mut doc = PolicyDocument::from_json(json);
        let mut next = 0usize;
        let mut at = || {
            next += 1;
            Some(Location::new(FileId(file), next, next + 1))
        };
        doc.loc = at();
        for s in &mut doc.statements {
            s.loc = at();
            for list in s.action.iter_mut().chain(s.resource.iter_mut()) {
                list.loc = at();
                list.key.loc = at();
                for item in &mut list.items {
                    item.loc = at();
                }
            }
            if let Some(e) = &mut s.effect {
                e.loc = at();
            }
        }
        doc
    }

    #[test]
    fn elements_pair_by_what_they_say() {
        // The provider sorted the actions and put the statements' keys in its own order.
        let mut plan = located(
            r#"{"Version":"2012-10-17","Statement":[{"Action":["iam:PassRole","s3:GetObject"],"Effect":"Allow","Resource":"*"}]}"#,
            0,
        );
        let source = located(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","iam:PassRole","ec2:RunInstances"],"Resource":"*"}]}"#,
            1,
        );
        relocate(&mut plan, &source);
        let (p, s) = (&plan.statements[0], &source.statements[0]);
        let action = |st: &Statement, i: usize| st.action.as_ref().unwrap().items[i].loc;
        assert_eq!(action(p, 0), action(s, 1), "iam:PassRole");
        assert_eq!(action(p, 1), action(s, 0), "s3:GetObject");
        assert_eq!(
            p.effect.as_ref().unwrap().loc,
            s.effect.as_ref().unwrap().loc
        );
        assert!(
            plan.statements
                .iter()
                .all(|st| st.loc.unwrap().file == FileId(1))
        );
    }

    #[test]
    fn what_has_no_twin_takes_the_enclosing_location() {
        let mut plan = located(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
            0,
        );
        let source = located(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
            1,
        );
        relocate(&mut plan, &source);
        let list = plan.statements[0].action.as_ref().unwrap();
        let twin = source.statements[0].action.as_ref().unwrap();
        assert_eq!(
            list.items[0].loc, twin.loc,
            "no twin item: the list's location"
        );
        assert_eq!(
            plan.statements[1].loc, source.loc,
            "no twin statement: the document's"
        );
    }
}
