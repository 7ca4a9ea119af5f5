//! Our evaluator over hcl-edit's syntax tree: it keeps the location of every value and turns
//! whatever it cannot know into an [`Unknown`] that remembers why, instead of guessing.
//!
//! Terraform errors (`try`/`can` catch them) are [`EvalError`]s; where nothing catches one, it
//! becomes an unknown value plus a note, so the caller can report what it could not see.

pub mod budget;
mod functions;
pub mod ops;
mod template;
pub mod types;
mod yaml;

use std::ops::Range;
use std::sync::Arc;

use hcl_edit::Span;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use iamlint_model::{Data, FileId, Key, Location, OffsetMap, Str, Unknown, Value};

use crate::align::{Escapes, literal_map};
use crate::syntax::ExprRef;
pub use budget::Budget;
pub use functions::jsonencode;
pub use ops::{EvalError, Result};

/// What references resolve against: a module instance (variables, locals, resources, module
/// calls, data sources) or a template's variables.
pub trait Scope {
    /// Resolves a reference by its leading attribute names (`["var", "x"]`,
    /// `["aws_iam_role", "app", "arn"]`): the value and how many names it used. `Ok(None)`:
    /// nothing of that name is declared (a Terraform error).
    fn lookup(&self, names: &[&str], notes: &mut Vec<String>) -> Result<Option<(Value, usize)>>;

    /// An attribute missing from `object`: a resource instance's computed attribute is unknown
    /// (`aws_iam_role.app.unique_id`), any other object has no such attribute.
    fn open_attr(&self, _object: &Value, _name: &str) -> Option<Value> {
        None
    }

    /// Reads a file for `file()` and `templatefile()`, confined to the tree being linted.
    fn read_file(&self, _path: &str, loc: Option<Location>) -> Result<FileText> {
        Err(EvalError::new("files cannot be read here", loc))
    }

    /// What this evaluation may still build (one per root module).
    fn budget(&self) -> &Budget;

    /// Inside a `templatefile` template, where Terraform forbids another `templatefile`.
    fn in_template(&self) -> bool {
        false
    }

    /// A template file, parsed (once, where the scope can remember it).
    fn parsed_template(
        &self,
        file: &FileText,
    ) -> std::result::Result<std::sync::Arc<hcl_edit::template::Template>, String> {
        crate::pitfalls::parse_template(&file.text)
            .map(std::sync::Arc::new)
            .map_err(|e| e.message)
    }
}

/// A file's text and where it lives in the source map.
#[derive(Clone)]
pub struct FileText {
    pub file: FileId,
    pub text: Arc<str>,
}

/// Resolves nothing: every reference is an error. For literals (module sources, variables
/// given as text, `.tfvars` files), each with a budget of its own.
#[derive(Default)]
pub struct NoScope {
    budget: Budget,
}

impl Scope for NoScope {
    fn lookup(&self, _: &[&str], _: &mut Vec<String>) -> Result<Option<(Value, usize)>> {
        Ok(None)
    }

    fn budget(&self) -> &Budget {
        &self.budget
    }
}

/// How parser spans become source locations.
#[derive(Clone)]
enum Locator {
    /// Spans index `input`, which starts `base` bytes into `file`.
    File {
        file: FileId,
        base: usize,
        input: Arc<str>,
    },
    /// A template parsed out of a decoded string: all we know is the string's location.
    Coarse(Option<Location>),
}

pub struct Evaluator<'a> {
    locator: Locator,
    scope: &'a dyn Scope,
    /// Names bound by `for` expressions, `dynamic` iterators, `each`, `count`: innermost last.
    bindings: Vec<(String, Value)>,
    /// What could not be evaluated, for coverage notes ("function foo() is not supported").
    pub notes: Vec<String>,
    depth: usize,
    /// Inside `try()`/`can()`: errors must reach them, not be turned into unknowns.
    pub(super) catching: usize,
}

/// Unknown origins are shown to people; an expression that long is cut.
const MAX_ORIGIN: usize = 80;
/// Deeper evaluation (a runaway recursion through locals) is refused, not overflowed.
const MAX_DEPTH: usize = 200;

impl<'a> Evaluator<'a> {
    pub fn new(file: FileId, base: usize, input: Arc<str>, scope: &'a dyn Scope) -> Self {
        Evaluator {
            locator: Locator::File { file, base, input },
            scope,
            bindings: Vec::new(),
            notes: Vec::new(),
            depth: 0,
            catching: 0,
        }
    }

    /// Locates everything this evaluator reads at `loc`: for templates parsed out of a string
    /// value, whose own offsets mean nothing in any file.
    pub(super) fn locator_coarse(&mut self, loc: Option<Location>) {
        self.locator = Locator::Coarse(loc);
    }

    /// Binds a name (`each`, `count`, an iterator) for what is evaluated next.
    pub fn bind(&mut self, name: impl Into<String>, value: Value) {
        self.bindings.push((name.into(), value));
    }

    pub fn unbind(&mut self) {
        self.bindings.pop();
    }

    /// Evaluates; a Terraform error becomes an unknown value and a note.
    pub fn eval(&mut self, e: ExprRef) -> Value {
        match self.try_eval(e) {
            Ok(v) => v,
            Err(err) => {
                let origin = match e {
                    ExprRef::Hcl(h) => self.origin(h.span(), "expression"),
                    ExprRef::Json(_) => "expression".to_string(),
                };
                self.notes
                    .push(format!("`{origin}` fails to evaluate: {}", err.message));
                Value::unknown(origin, err.loc.or_else(|| self.expr_loc(e)))
            }
        }
    }

    pub fn try_eval(&mut self, e: ExprRef) -> Result<Value> {
        let budget = self.scope.budget();
        budget.enter();
        let out = match e {
            ExprRef::Hcl(e) => self.expr(e),
            ExprRef::Json(v) => self.json(v),
        };
        budget.leave();
        out
    }

    fn expr_loc(&self, e: ExprRef) -> Option<Location> {
        match e {
            ExprRef::Hcl(h) => self.loc(h.span()),
            ExprRef::Json(v) => v.loc,
        }
    }

    pub(crate) fn loc(&self, span: Option<Range<usize>>) -> Option<Location> {
        match &self.locator {
            Locator::File { file, base, .. } => {
                span.map(|s| Location::new(*file, base + s.start, base + s.end))
            }
            Locator::Coarse(loc) => *loc,
        }
    }

    /// The text of a span as written, for unknown origins.
    fn origin(&self, span: Option<Range<usize>>, fallback: &str) -> String {
        let text = match (&self.locator, span) {
            (Locator::File { input, .. }, Some(s)) => input.get(s).unwrap_or(fallback),
            _ => fallback,
        };
        // Most origins are short references written on one line: no need to rebuild them.
        let plain = !text.contains(['\n', '\r', '\t']) && !text.contains("  ");
        let text = if plain {
            text.to_string()
        } else {
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        if text.chars().count() > MAX_ORIGIN {
            format!("{}…", text.chars().take(MAX_ORIGIN).collect::<String>())
        } else {
            text
        }
    }

    fn literal(&self, value: &str, span: Option<Range<usize>>, escapes: Escapes) -> Arc<OffsetMap> {
        let map = match (&self.locator, span.clone()) {
            (Locator::File { file, base, input }, Some(s)) => match input.get(s.clone()) {
                Some(raw) => literal_map(value, raw, *file, base + s.start, escapes),
                None => OffsetMap::coarse(
                    value.len(),
                    Location::new(*file, base + s.start, base + s.end),
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

    fn binding(&self, name: &str) -> Option<&Value> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// An element of a collection or template: outside `try`, an error stays local — the
    /// element becomes unknown, with a note — so one bad reference does not hide the rest of a
    /// policy.
    pub(super) fn element(&mut self, e: &Expression) -> Result<Value> {
        match self.expr(e) {
            Err(err) if self.catching == 0 && !err.fatal => {
                let origin = self.origin(e.span(), "expression");
                self.notes
                    .push(format!("`{origin}` fails to evaluate: {}", err.message));
                Ok(Value::unknown(origin, self.loc(e.span())))
            }
            other => other,
        }
    }

    fn expr(&mut self, e: &Expression) -> Result<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(EvalError::new(
                "expression nested too deeply",
                self.loc(e.span()),
            ));
        }
        let out = self.expr_inner(e);
        self.depth -= 1;
        out
    }

    fn expr_inner(&mut self, e: &Expression) -> Result<Value> {
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
            Expression::Array(a) => {
                Data::List(a.iter().map(|e| self.element(e)).collect::<Result<_>>()?)
            }
            Expression::Object(o) => {
                let mut entries = Vec::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => Key {
                            name: id.as_str().to_string(),
                            loc: self.loc(id.span()),
                        },
                        ObjectKey::Expression(ke) => {
                            // `(var.x) = …` and `"${x}" = …`: the key is evaluated.
                            let kv = self.expr(ke)?;
                            match ops::to_str(&kv)? {
                                Some(name) => Key { name, loc: kv.loc },
                                None => {
                                    let origin = self.origin(ke.span(), "key");
                                    return Ok(Value::unknown(
                                        format!("object with unknown key {origin}"),
                                        loc,
                                    ));
                                }
                            }
                        }
                    };
                    entries.push((key, self.element(v.expr())?));
                }
                Data::Object(ops::normalize_object(entries))
            }
            Expression::StringTemplate(t) => return self.template(t.iter(), Escapes::Hcl, loc),
            Expression::HeredocTemplate(h) => {
                return self.template(h.template.iter(), Escapes::None, loc);
            }
            Expression::Parenthesis(p) => return self.expr(p.inner()),
            Expression::Variable(v) => return self.traversal_from(v.as_str(), &[], span),
            Expression::Traversal(t) => return self.traversal(t, span),
            Expression::FuncCall(f) => return self.call(f, span),
            Expression::Conditional(c) => return self.conditional(c, span),
            Expression::UnaryOp(u) => return self.unary(u, loc),
            Expression::BinaryOp(b) => return self.binary(b, loc),
            Expression::ForExpr(f) => return self.for_expr(f, span),
        };
        Ok(Value::new(data, loc))
    }

    fn traversal(
        &mut self,
        t: &hcl_edit::expr::Traversal,
        span: Option<Range<usize>>,
    ) -> Result<Value> {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        match &t.expr {
            Expression::Variable(v) => self.traversal_from(v.as_str(), &ops, span),
            other => {
                let root = self.expr(other)?;
                self.apply_ops(root, &ops, span)
            }
        }
    }

    /// A reference: a binding (`each`, a `for` variable) or something the scope declares.
    fn traversal_from(
        &mut self,
        root: &str,
        ops: &[&TraversalOperator],
        span: Option<Range<usize>>,
    ) -> Result<Value> {
        if let Some(bound) = self.binding(root) {
            let bound = bound.clone();
            self.scope.budget().value(&bound, self.loc(span.clone()))?;
            return self.apply_ops(bound, ops, span);
        }
        let mut names = vec![root];
        for op in ops {
            match op {
                TraversalOperator::GetAttr(id) => names.push(id.as_str()),
                _ => break,
            }
        }
        let mut notes = Vec::new();
        let found = self.scope.lookup(&names, &mut notes)?;
        self.notes.extend(notes);
        match found {
            Some((value, used)) => {
                self.scope.budget().value(&value, self.loc(span.clone()))?;
                self.apply_ops(value, &ops[used - 1..], span)
            }
            None => Err(EvalError::new(
                format!(
                    "reference to undeclared `{}`",
                    names[..names.len().min(3)].join(".")
                ),
                self.loc(span),
            )),
        }
    }

    fn apply_ops(
        &mut self,
        mut v: Value,
        ops: &[&TraversalOperator],
        span: Option<Range<usize>>,
    ) -> Result<Value> {
        let loc = self.loc(span.clone());
        for (i, op) in ops.iter().enumerate() {
            if let Data::Unknown(_) = v.data {
                return Ok(Value::unknown(self.origin(span, "reference"), loc));
            }
            v = match op {
                TraversalOperator::GetAttr(id) => self.get_attr(v, id.as_str(), loc)?,
                TraversalOperator::Index(e) => {
                    let k = self.expr(e)?;
                    self.index(v, &k, loc)?
                }
                TraversalOperator::LegacyIndex(n) => {
                    self.index(v, &ops::number(*n.value() as f64, None), loc)?
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let items = match v.data {
                        Data::List(items) => items,
                        Data::Null => Vec::new(),
                        _ => vec![v],
                    };
                    let rest = &ops[i + 1..];
                    let out = items
                        .into_iter()
                        .map(|item| self.apply_ops(item, rest, span.clone()))
                        .collect::<Result<_>>()?;
                    return Ok(Value::new(Data::List(out), loc));
                }
            };
        }
        // The reference as written is a better origin than wherever the value came from,
        // except for a resource's attribute: passed through a variable, a local, a module
        // output or a template variable, it still names that attribute, which is what links it
        // (`var.task` holding `aws_ecs_task_definition.job.arn`).
        if let Data::Unknown(u) = &v.data {
            if u.is_resource_attribute() {
                return Ok(Value::new(v.data, loc));
            }
            return Ok(Value::unknown(self.origin(span, "reference"), loc));
        }
        // A value no expression wrote (an attribute the provider computes from others, such
        // as an OIDC provider's ARN) is where the reference reads it.
        if v.loc.is_none() {
            v.loc = loc;
        }
        Ok(v)
    }

    fn get_attr(&self, v: Value, name: &str, loc: Option<Location>) -> Result<Value> {
        match &v.data {
            Data::Object(_) => match v.get(name) {
                Some(found) => Ok(found.clone()),
                None => self.scope.open_attr(&v, name).ok_or_else(|| {
                    EvalError::new(format!("this object has no attribute \"{name}\""), loc)
                }),
            },
            Data::Null => Err(EvalError::new(
                format!("cannot read \"{name}\" of a null value"),
                loc,
            )),
            _ => Err(EvalError::new(
                format!("cannot read \"{name}\" of a {}", v.type_name()),
                loc,
            )),
        }
    }

    fn index(&self, v: Value, k: &Value, loc: Option<Location>) -> Result<Value> {
        if let Data::Unknown(u) = &k.data {
            return Ok(Value::new(Data::Unknown(u.clone()), loc));
        }
        match v.data {
            Data::List(mut items) => {
                let Some(n) = ops::to_number(k)? else {
                    return Ok(Value::unknown("index", loc));
                };
                if n < 0.0 || n.fract() != 0.0 || n as usize >= items.len() {
                    return Err(EvalError::new(
                        format!("index {n} is out of range for a list of {}", items.len()),
                        loc,
                    ));
                }
                Ok(items.swap_remove(n as usize))
            }
            Data::Object(_) => {
                let Some(name) = ops::to_str(k)? else {
                    return Ok(Value::unknown("key", loc));
                };
                self.get_attr(v, &name, loc)
            }
            Data::Null => Err(EvalError::new("cannot index a null value", loc)),
            _ => Err(EvalError::new(
                format!("cannot index a {}", v.type_name()),
                loc,
            )),
        }
    }

    fn conditional(
        &mut self,
        c: &hcl_edit::expr::Conditional,
        span: Option<Range<usize>>,
    ) -> Result<Value> {
        let cond = self.expr(&c.cond_expr)?;
        match ops::to_bool(&cond)? {
            Some(true) => self.expr(&c.true_expr),
            Some(false) => self.expr(&c.false_expr),
            None => {
                // Both branches stay possible: the unknown keeps them.
                let mut alternatives = Vec::new();
                for branch in [&c.true_expr, &c.false_expr] {
                    if let Ok(v) = self.expr(branch) {
                        alternatives.push(v);
                    }
                }
                let origin = self.origin(span.clone(), "conditional");
                let unknown = Unknown {
                    origin: origin.into(),
                    alternatives: Some(Arc::new(alternatives)),
                };
                Ok(Value::new(Data::Unknown(unknown), self.loc(span)))
            }
        }
    }

    fn unary(&mut self, u: &hcl_edit::expr::UnaryOp, loc: Option<Location>) -> Result<Value> {
        let v = self.expr(&u.expr)?;
        if let Some(origin) = ops::top_unknown(&v) {
            return Ok(Value::new(Data::Unknown(origin.clone()), loc));
        }
        match u.operator.value() {
            UnaryOperator::Neg => Ok(ops::number(-ops::to_number(&v)?.unwrap_or(f64::NAN), loc)),
            UnaryOperator::Not => Ok(ops::boolean(!ops::to_bool(&v)?.unwrap_or(false), loc)),
        }
    }

    fn binary(&mut self, b: &hcl_edit::expr::BinaryOp, loc: Option<Location>) -> Result<Value> {
        let l = self.expr(&b.lhs_expr)?;
        let r = self.expr(&b.rhs_expr)?;
        let op = *b.operator.value();
        let unknown = |v: &Value| {
            Value::new(
                Data::Unknown(Unknown::new(
                    format!("{:?} of an unknown", op).to_lowercase(),
                )),
                v.loc,
            )
        };
        match op {
            BinaryOperator::Eq | BinaryOperator::NotEq => {
                let eq = ops::equals(&l, &r);
                Ok(match eq {
                    Some(eq) => ops::boolean(eq == (op == BinaryOperator::Eq), loc),
                    None => Value { loc, ..unknown(&l) },
                })
            }
            BinaryOperator::And | BinaryOperator::Or => {
                let (x, y) = (ops::to_bool(&l)?, ops::to_bool(&r)?);
                let is_and = op == BinaryOperator::And;
                Ok(match (x, y) {
                    (Some(x), Some(y)) => ops::boolean(if is_and { x && y } else { x || y }, loc),
                    // A known operand can decide: false && ? is false, true || ? is true.
                    (Some(k), None) | (None, Some(k)) if k != is_and => ops::boolean(k, loc),
                    _ => Value { loc, ..unknown(&l) },
                })
            }
            _ => {
                let (Some(x), Some(y)) = (ops::to_number(&l)?, ops::to_number(&r)?) else {
                    return Ok(Value { loc, ..unknown(&l) });
                };
                let n = match op {
                    BinaryOperator::Plus => x + y,
                    BinaryOperator::Minus => x - y,
                    BinaryOperator::Mul => x * y,
                    BinaryOperator::Div if y == 0.0 => {
                        return Err(EvalError::new("division by zero", loc));
                    }
                    BinaryOperator::Div => x / y,
                    BinaryOperator::Mod if y == 0.0 => {
                        return Err(EvalError::new("modulo by zero", loc));
                    }
                    // Terraform's % truncates toward zero, as Rust's does.
                    BinaryOperator::Mod => x % y,
                    BinaryOperator::Less => return Ok(ops::boolean(x < y, loc)),
                    BinaryOperator::LessEq => return Ok(ops::boolean(x <= y, loc)),
                    BinaryOperator::Greater => return Ok(ops::boolean(x > y, loc)),
                    BinaryOperator::GreaterEq => return Ok(ops::boolean(x >= y, loc)),
                    _ => unreachable!("handled above"),
                };
                Ok(ops::number(n, loc))
            }
        }
    }

    fn for_expr(
        &mut self,
        f: &hcl_edit::expr::ForExpr,
        span: Option<Range<usize>>,
    ) -> Result<Value> {
        let loc = self.loc(span.clone());
        let collection = self.expr(&f.intro.collection_expr)?;
        let type_name = collection.type_name();
        let pairs: Vec<(Value, Value)> = match ops::iteration_pairs(collection.data) {
            Ok(pairs) => pairs,
            Err(Data::Unknown(_)) => {
                return Ok(Value::unknown(self.origin(span, "for expression"), loc));
            }
            Err(Data::Null) => {
                return Err(EvalError::new(
                    "a for expression cannot iterate over null",
                    loc,
                ));
            }
            Err(_) => {
                return Err(EvalError::new(
                    format!("a for expression cannot iterate over a {}", type_name),
                    loc,
                ));
            }
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let value_var = f.intro.value_var.as_str().to_string();
        let mut items = Vec::new();
        let mut entries: Vec<(Key, Value)> = Vec::new();
        let mut unknown = None;
        for (k, v) in pairs {
            self.scope.budget().elements(1, loc)?;
            let bound = usize::from(key_var.is_some()) + 1;
            if let Some(kv) = &key_var {
                self.bind(kv.clone(), k);
            }
            self.bind(value_var.clone(), v);
            let result = self.for_item(f, &mut items, &mut entries, &mut unknown);
            for _ in 0..bound {
                self.unbind();
            }
            result?;
        }
        if let Some(u) = unknown {
            return Ok(Value::new(Data::Unknown(u), loc));
        }
        if f.key_expr.is_none() {
            return Ok(Value::new(Data::List(items), loc));
        }
        if f.grouping {
            // Groups in order of first appearance, found by name (not by a scan per entry:
            // that is quadratic on a big collection).
            let mut grouped: Vec<(Key, Vec<Value>)> = Vec::new();
            let mut by_name: std::collections::HashMap<String, usize> = Default::default();
            for (k, v) in entries {
                match by_name.get(&k.name) {
                    Some(&i) => grouped[i].1.push(v),
                    None => {
                        by_name.insert(k.name.clone(), grouped.len());
                        grouped.push((k, vec![v]));
                    }
                }
            }
            let grouped = grouped
                .into_iter()
                .map(|(k, items)| (k, ops::list(items, loc)))
                .collect();
            return Ok(ops::object(grouped, loc));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (k, _) in &entries {
            if !seen.insert(k.name.clone()) {
                return Err(EvalError::new(
                    format!(
                        "duplicate key \"{}\" in a for expression (use ... to group)",
                        k.name
                    ),
                    loc,
                ));
            }
        }
        Ok(ops::object(entries, loc))
    }

    fn for_item(
        &mut self,
        f: &hcl_edit::expr::ForExpr,
        items: &mut Vec<Value>,
        entries: &mut Vec<(Key, Value)>,
        unknown: &mut Option<Unknown>,
    ) -> Result<()> {
        if let Some(cond) = &f.cond {
            let c = self.expr(&cond.expr)?;
            match ops::to_bool(&c)? {
                Some(false) => return Ok(()),
                Some(true) => {}
                None => {
                    *unknown = Some(Unknown::new(self.origin(cond.expr.span(), "for condition")));
                    return Ok(());
                }
            }
        }
        let value = self.expr(&f.value_expr)?;
        match &f.key_expr {
            None => items.push(value),
            Some(ke) => {
                let k = self.expr(ke)?;
                match ops::to_str(&k)? {
                    Some(name) => entries.push((Key { name, loc: k.loc }, value)),
                    None => *unknown = Some(Unknown::new(self.origin(ke.span(), "for key"))),
                }
            }
        }
        Ok(())
    }

    /// `.tf.json` values: strings are templates.
    fn json(&mut self, v: &Value) -> Result<Value> {
        let data = match &v.data {
            Data::String(s) if s.text.contains("${") || s.text.contains("%{") => {
                return match crate::pitfalls::parse_template(&s.text) {
                    Ok(t) => {
                        let saved = std::mem::replace(&mut self.locator, Locator::Coarse(v.loc));
                        let out = self.template(t.iter(), Escapes::None, v.loc);
                        self.locator = saved;
                        out
                    }
                    Err(e) => Err(EvalError::new(
                        format!("template does not parse: {}", e.message),
                        v.loc,
                    )),
                };
            }
            Data::List(items) => {
                Data::List(items.iter().map(|i| self.json(i)).collect::<Result<_>>()?)
            }
            Data::Object(entries) => Data::Object(ops::normalize_object(
                entries
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.json(v)?)))
                    .collect::<Result<_>>()?,
            )),
            other => other.clone(),
        };
        Ok(Value::new(data, v.loc))
    }
}
