//! String templates and heredocs: literals (with their byte maps), interpolations, `%{if}` and
//! `%{for}` directives, and the `~` strip markers that trim whitespace next to them.

use std::sync::Arc;

use hcl_edit::Span;
use hcl_edit::template::{Directive, Element, Strip};
use iamlint_model::{Data, Location, OffsetMap, Str, Unknown, Value};

use super::{Evaluator, Result, ops};
use crate::align::Escapes;

/// A template's result as it is built.
#[derive(Default)]
struct Built {
    s: Str,
    map: OffsetMap,
}

impl Built {
    fn push_str(&mut self, text: &str, map: &OffsetMap) {
        self.s.text.push_str(text);
        self.map.append(map);
    }

    fn push_unknown(&mut self, u: Unknown, loc: Option<Location>) {
        self.s.text.push(Str::UNKNOWN_MARK);
        self.s.unknowns.push(u);
        self.map.push_coarse(Str::UNKNOWN_MARK.len_utf8(), loc);
    }

    /// Appends an interpolated value's text.
    fn push_value(&mut self, v: Value, loc: Option<Location>) -> Result<()> {
        match v.data {
            Data::String(s) => {
                self.s.text.push_str(&s.text);
                self.s.unknowns.extend(s.unknowns);
                match s.map {
                    Some(m) if m.len() == s.text.len() => self.map.append(&m),
                    _ => self.map.push_coarse(s.text.len(), v.loc.or(loc)),
                }
            }
            Data::Unknown(u) => self.push_unknown(u, loc),
            _ => {
                let text = ops::to_str(&v)?.unwrap_or_default();
                self.s.text.push_str(&text);
                self.map.push_coarse(text.len(), loc);
            }
        }
        Ok(())
    }
}

/// The strip markers of an element: does it trim the literal before it, and the one after.
fn strips(e: &Element) -> (bool, bool) {
    let pair = |s: Strip| (s.strip_start(), s.strip_end());
    match e {
        Element::Literal(_) => (false, false),
        Element::Interpolation(i) => pair(i.strip),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(d) => (
                d.if_expr.strip.strip_start(),
                d.endif_expr.strip.strip_end(),
            ),
            Directive::For(d) => (
                d.for_expr.strip.strip_start(),
                d.endfor_expr.strip.strip_end(),
            ),
        },
    }
}

impl Evaluator<'_> {
    pub(super) fn template<'e>(
        &mut self,
        elements: impl Iterator<Item = &'e Element>,
        escapes: Escapes,
        loc: Option<Location>,
    ) -> Result<Value> {
        let elements: Vec<&Element> = elements.collect();
        // `"${x}"` alone is `x` itself, not its text: a list stays a list, and a policy
        // document keeps its structure.
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.expr(&i.expr);
        }
        let mut built = Built::default();
        self.elements(&elements, escapes, (false, false), &mut built)?;
        self.scope.budget().bytes(built.s.text.len() as u64, loc)?;
        built.s.map = Some(Arc::new(built.map));
        Ok(Value::new(Data::String(built.s), loc))
    }

    /// `trim.0`: trim the start of the first literal; `trim.1`: the end of the last.
    fn elements(
        &mut self,
        elements: &[&Element],
        escapes: Escapes,
        trim: (bool, bool),
        out: &mut Built,
    ) -> Result<()> {
        for (i, element) in elements.iter().enumerate() {
            match element {
                Element::Literal(lit) => {
                    let trim_start = if i == 0 {
                        trim.0
                    } else {
                        strips(elements[i - 1]).1
                    };
                    let trim_end = match elements.get(i + 1) {
                        Some(next) => strips(next).0,
                        None => trim.1,
                    };
                    let text = lit.value().as_str();
                    let map = self.literal(text, lit.span(), escapes);
                    let start = if trim_start {
                        text.len() - text.trim_start().len()
                    } else {
                        0
                    };
                    let end = if trim_end {
                        text.trim_end().len().max(start)
                    } else {
                        text.len()
                    };
                    out.push_str(&text[start..end], &map.slice(start, end));
                }
                Element::Interpolation(interp) => {
                    let v = self.element(&interp.expr)?;
                    out.push_value(v, self.loc(interp.span()))?;
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        let cond = self.expr(&d.if_expr.cond_expr)?;
                        let else_strip = d.else_expr.as_ref().map(|e| e.strip);
                        match ops::to_bool(&cond)? {
                            Some(true) => {
                                let end = else_strip
                                    .map_or(d.endif_expr.strip.strip_start(), |s| s.strip_start());
                                let parts: Vec<&Element> = d.if_expr.template.iter().collect();
                                self.elements(
                                    &parts,
                                    escapes,
                                    (d.if_expr.strip.strip_end(), end),
                                    out,
                                )?;
                            }
                            Some(false) => {
                                if let Some(e) = &d.else_expr {
                                    let parts: Vec<&Element> = e.template.iter().collect();
                                    self.elements(
                                        &parts,
                                        escapes,
                                        (e.strip.strip_end(), d.endif_expr.strip.strip_start()),
                                        out,
                                    )?;
                                }
                            }
                            None => {
                                let origin = self.origin(d.if_expr.cond_expr.span(), "condition");
                                out.push_unknown(
                                    Unknown::new(format!("%{{if {origin}}}")),
                                    self.loc(d.span()),
                                );
                            }
                        }
                    }
                    Directive::For(d) => {
                        let f = &d.for_expr;
                        let collection = self.expr(&f.collection_expr)?;
                        let type_name = collection.type_name();
                        let collection_loc = collection.loc;
                        let pairs: Vec<(Value, Value)> = match ops::iteration_pairs(collection.data)
                        {
                            Ok(pairs) => pairs,
                            Err(Data::Unknown(u)) => {
                                out.push_unknown(u, self.loc(d.span()));
                                continue;
                            }
                            Err(_) => {
                                return Err(super::EvalError::new(
                                    format!("%{{for}} cannot iterate over a {type_name}"),
                                    collection_loc,
                                ));
                            }
                        };
                        let parts: Vec<&Element> = f.template.iter().collect();
                        for (k, v) in pairs {
                            let bound = usize::from(f.key_var.is_some()) + 1;
                            if let Some(kv) = &f.key_var {
                                self.bind(kv.as_str(), k);
                            }
                            self.bind(f.value_var.as_str(), v);
                            let r = self.elements(
                                &parts,
                                escapes,
                                (f.strip.strip_end(), d.endfor_expr.strip.strip_start()),
                                out,
                            );
                            for _ in 0..bound {
                                self.unbind();
                            }
                            r?;
                        }
                    }
                },
            }
        }
        Ok(())
    }
}
