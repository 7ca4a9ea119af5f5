//! Our evaluator over hcl-edit's syntax tree: it keeps the location of every value and turns
//! whatever it cannot know into an [`Unknown`] that remembers why, instead of guessing.
//!
//! This first cut evaluates literals, collections, strings and heredocs (with interpolation),
//! `jsonencode`, and references that a [`Scope`] resolves; every other construct evaluates to
//! an unknown value plus a note, so the caller can report what it could not see.

use std::ops::Range;
use std::sync::Arc;

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::Element;
use iamlint_model::value::format_number;
use iamlint_model::{Data, Encoded, FileId, Key, Location, OffsetMap, Str, Unknown, Value};

use crate::align::{Escapes, literal_map};
use crate::syntax::ExprRef;

/// Resolves references (`data.aws_iam_policy_document.x.json`) to values.
pub trait Scope {
    /// `path` is the reference's attribute names, e.g. `["data", "aws_iam_policy_document",
    /// "x", "json"]`.
    fn resolve(&self, path: &[&str]) -> Option<Value>;
}

/// Resolves nothing: every reference is unknown.
pub struct NoScope;

impl Scope for NoScope {
    fn resolve(&self, _: &[&str]) -> Option<Value> {
        None
    }
}

/// How parser spans become source locations.
#[derive(Clone, Copy)]
enum Locator<'a> {
    /// Spans index `input`, which starts `base` bytes into `file`.
    File {
        file: FileId,
        base: usize,
        input: &'a str,
    },
    /// A template parsed out of a decoded string: all we know is the string's location.
    Coarse(Option<Location>),
}

pub struct Evaluator<'a> {
    locator: Locator<'a>,
    scope: &'a dyn Scope,
    /// What could not be evaluated, for coverage notes ("function lookup() is not evaluated").
    pub notes: Vec<String>,
}

/// Unknown origins are shown to people; an expression that long is cut.
const MAX_ORIGIN: usize = 80;

impl<'a> Evaluator<'a> {
    pub fn new(file: FileId, base: usize, input: &'a str, scope: &'a dyn Scope) -> Self {
        Evaluator {
            locator: Locator::File { file, base, input },
            scope,
            notes: Vec::new(),
        }
    }

    pub fn eval(&mut self, e: ExprRef) -> Value {
        match e {
            ExprRef::Hcl(e) => self.hcl(e),
            ExprRef::Json(v) => self.json(v),
        }
    }

    fn loc(&self, span: Option<Range<usize>>) -> Option<Location> {
        match self.locator {
            Locator::File { file, base, .. } => {
                span.map(|s| Location::new(file, base + s.start, base + s.end))
            }
            Locator::Coarse(loc) => loc,
        }
    }

    /// The text of a span as written, for unknown origins.
    fn origin(&self, span: Option<Range<usize>>, fallback: &str) -> String {
        let text = match (self.locator, span) {
            (Locator::File { input, .. }, Some(s)) => input.get(s).unwrap_or(fallback),
            _ => fallback,
        };
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() > MAX_ORIGIN {
            format!("{}…", text.chars().take(MAX_ORIGIN).collect::<String>())
        } else {
            text
        }
    }

    fn literal(&self, value: &str, span: Option<Range<usize>>, escapes: Escapes) -> Arc<OffsetMap> {
        let map = match (self.locator, span.clone()) {
            (Locator::File { file, base, input }, Some(s)) => match input.get(s.clone()) {
                Some(raw) => literal_map(value, raw, file, base + s.start, escapes),
                None => OffsetMap::coarse(
                    value.len(),
                    Location::new(file, base + s.start, base + s.end),
                ),
            },
            _ => {
                let mut m = OffsetMap::default();
                m.push_coarse(value.len(), self.loc(span));
                m
            }
        };
        Arc::new(map)
    }

    fn unknown(&mut self, span: Option<Range<usize>>, what: &str, note: Option<String>) -> Value {
        if let Some(note) = note {
            self.notes.push(note);
        }
        Value::unknown(self.origin(span.clone(), what), self.loc(span))
    }

    fn hcl(&mut self, e: &Expression) -> Value {
        let span = e.span();
        let loc = self.loc(span.clone());
        let data = match e {
            Expression::Null(_) => Data::Null,
            Expression::Bool(b) => Data::Bool(*b.value()),
            Expression::Number(n) => Data::Number(n.value().as_f64().unwrap_or(f64::NAN)),
            Expression::String(s) => {
                // The span covers the quotes; the literal is inside them.
                let inner = span
                    .clone()
                    .map(|r| r.start + 1..r.end.saturating_sub(1).max(r.start + 1));
                let map = self.literal(s.value(), inner, Escapes::Hcl);
                Data::String(Str {
                    map: Some(map),
                    ..Str::known(s.value().as_str())
                })
            }
            Expression::Array(a) => Data::List(a.iter().map(|e| self.hcl(e)).collect()),
            Expression::Object(o) => {
                let mut entries = Vec::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => Key {
                            name: id.as_str().to_string(),
                            loc: self.loc(id.span()),
                        },
                        ObjectKey::Expression(ke) => {
                            let kv = self.hcl(ke);
                            match kv.as_known_str() {
                                Some(name) => Key {
                                    name: name.to_string(),
                                    loc: kv.loc,
                                },
                                None => {
                                    self.notes.push(format!(
                                        "object key {} is not known",
                                        self.origin(ke.span(), "?")
                                    ));
                                    continue;
                                }
                            }
                        }
                    };
                    entries.push((key, self.hcl(v.expr())));
                }
                Data::Object(entries)
            }
            Expression::StringTemplate(t) => return self.template(t.iter(), Escapes::Hcl, loc),
            Expression::HeredocTemplate(h) => {
                return self.template(h.template.iter(), Escapes::None, loc);
            }
            Expression::Parenthesis(p) => return self.hcl(p.inner()),
            Expression::Variable(_) => return self.unknown(span, "variable", None),
            Expression::Traversal(t) => return self.traversal(t, span),
            Expression::FuncCall(f) => return self.call(f, span),
            Expression::Conditional(_)
            | Expression::UnaryOp(_)
            | Expression::BinaryOp(_)
            | Expression::ForExpr(_) => {
                let note = format!(
                    "expression `{}` is not evaluated yet",
                    self.origin(span.clone(), "?")
                );
                return self.unknown(span, "expression", Some(note));
            }
        };
        Value::new(data, loc)
    }

    fn traversal(&mut self, t: &hcl_edit::expr::Traversal, span: Option<Range<usize>>) -> Value {
        let mut path: Vec<&str> = Vec::new();
        if let Expression::Variable(v) = &t.expr {
            path.push(v.as_str());
            for op in &t.operators {
                match op.value() {
                    TraversalOperator::GetAttr(id) => path.push(id.as_str()),
                    _ => {
                        path.clear();
                        break;
                    }
                }
            }
        }
        if !path.is_empty()
            && let Some(mut v) = self.scope.resolve(&path)
        {
            v.loc = v.loc.or(self.loc(span));
            return v;
        }
        self.unknown(span, "reference", None)
    }

    fn call(&mut self, f: &hcl_edit::expr::FuncCall, span: Option<Range<usize>>) -> Value {
        let name = f.name.name.as_str();
        let args: Vec<&Expression> = f.args.iter().collect();
        if f.name.namespace.is_empty()
            && name == "jsonencode"
            && args.len() == 1
            && !f.args.expand_final()
        {
            let v = self.hcl(args[0]);
            return jsonencode(v, None, self.loc(span));
        }
        let note = format!("function {name}() is not evaluated yet");
        self.unknown(span, "function call", Some(note))
    }

    fn template<'e>(
        &mut self,
        elements: impl Iterator<Item = &'e Element>,
        escapes: Escapes,
        loc: Option<Location>,
    ) -> Value {
        let mut out = Str::known(String::new());
        let mut map = OffsetMap::default();
        for element in elements {
            match element {
                Element::Literal(lit) => {
                    map.append(&self.literal(lit.value(), lit.span(), escapes));
                    out.text.push_str(lit.value());
                }
                Element::Interpolation(i) => {
                    let v = self.hcl(&i.expr);
                    append_interpolated(&mut out, &mut map, v, self.loc(i.span()));
                }
                Element::Directive(d) => {
                    let v = self.unknown(
                        d.span(),
                        "template directive",
                        Some("template directives (%{if}, %{for}) are not evaluated yet".into()),
                    );
                    append_interpolated(&mut out, &mut map, v, self.loc(d.span()));
                }
            }
        }
        out.map = Some(Arc::new(map));
        Value::new(Data::String(out), loc)
    }

    /// `.tf.json` values: strings are templates.
    fn json(&mut self, v: &Value) -> Value {
        let data = match &v.data {
            Data::String(s) if s.text.contains("${") || s.text.contains("%{") => {
                return match hcl_edit::parser::parse_template(&s.text) {
                    Ok(t) => {
                        let saved = std::mem::replace(&mut self.locator, Locator::Coarse(v.loc));
                        let out = self.template(t.iter(), Escapes::None, v.loc);
                        self.locator = saved;
                        out
                    }
                    Err(e) => {
                        self.notes
                            .push(format!("template does not parse: {}", e.message()));
                        Value::unknown(s.text.clone(), v.loc)
                    }
                };
            }
            Data::List(items) => Data::List(items.iter().map(|i| self.json(i)).collect()),
            Data::Object(entries) => Data::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), self.json(v)))
                    .collect(),
            ),
            other => other.clone(),
        };
        Value::new(data, v.loc)
    }
}

/// Appends an interpolated value's text to a template being built.
fn append_interpolated(out: &mut Str, map: &mut OffsetMap, v: Value, loc: Option<Location>) {
    let before = out.text.len();
    match v.data {
        Data::String(s) => {
            out.text.push_str(&s.text);
            out.unknowns.extend(s.unknowns);
            match s.map {
                Some(m) if m.len() == s.text.len() => map.append(&m),
                _ => map.push_coarse(s.text.len(), v.loc.or(loc)),
            }
            return;
        }
        Data::Number(n) => out.text.push_str(&format_number(n)),
        Data::Bool(b) => out.text.push_str(if b { "true" } else { "false" }),
        Data::Unknown(u) => {
            out.text.push(Str::UNKNOWN_MARK);
            out.unknowns.push(u);
        }
        // Terraform rejects null and collections in a template; we do not guess a text.
        _ => {
            out.text.push(Str::UNKNOWN_MARK);
            out.unknowns
                .push(Unknown::new(format!("{} in a template", v.type_name())));
        }
    }
    map.push_coarse(out.text.len() - before, loc);
}

/// `jsonencode(v)`: the JSON text (unknown parts marked) plus the structured value itself, so
/// that a policy read from the string still points at each element in the HCL.
pub fn jsonencode(v: Value, holder: Option<Arc<str>>, loc: Option<Location>) -> Value {
    // Unknown in, unknown out: not even whether it encodes to a string or a list is known.
    if let Data::Unknown(u) = v.data {
        return Value::new(Data::Unknown(u), loc);
    }
    let mut s = Str::known(String::new());
    encode_json(&v, &mut s.text, &mut s.unknowns);
    s.encoded = Some(Arc::new(Encoded { value: v, holder }));
    Value::new(Data::String(s), loc)
}

fn encode_json(v: &Value, out: &mut String, unknowns: &mut Vec<Unknown>) {
    match &v.data {
        Data::Null => out.push_str("null"),
        Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Data::Number(n) => out.push_str(&format_number(*n)),
        Data::String(s) => {
            encode_string(&s.text, out);
            unknowns.extend(s.unknowns.iter().cloned());
        }
        Data::Unknown(u) => {
            out.push('"');
            out.push(Str::UNKNOWN_MARK);
            out.push('"');
            unknowns.push(u.clone());
        }
        Data::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_json(item, out, unknowns);
            }
            out.push(']');
        }
        Data::Object(entries) => {
            // Terraform sorts object keys when encoding; duplicates keep the last.
            let mut sorted: Vec<&(Key, Value)> = Vec::with_capacity(entries.len());
            for e in entries {
                match sorted.iter().position(|p| p.0.name == e.0.name) {
                    Some(i) => sorted[i] = e,
                    None => sorted.push(e),
                }
            }
            sorted.sort_by(|a, b| a.0.name.cmp(&b.0.name));
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().map(|e| (&e.0, &e.1)).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_string(&k.name, out);
                out.push(':');
                encode_json(v, out, unknowns);
            }
            out.push('}');
        }
    }
}

/// JSON string encoding as Terraform's `jsonencode` does it (it escapes `<`, `>` and `&`).
fn encode_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
