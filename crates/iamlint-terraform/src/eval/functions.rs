//! Terraform's built-in functions. A function whose arguments are unknown returns an unknown
//! value; one we do not implement returns an unknown value and a note naming it — never a
//! made-up result. Values that pass through a function (`lookup`, `concat`, `merge`, …) keep
//! their locations, so findings still point at the element as written.

use std::ops::Range;
use std::sync::Arc;

use hcl_edit::expr::{Expression, FuncCall};
use iamlint_model::base64;
use iamlint_model::value::format_number;
use iamlint_model::{Data, Encoded, Key, Location, Str, Unknown, Value};

use super::ops::{self, EvalError, Result, computed_string, to_number, to_str};
use super::{Evaluator, Scope};

impl Evaluator<'_> {
    pub(super) fn call(&mut self, f: &FuncCall, span: Option<Range<usize>>) -> Result<Value> {
        let loc = self.loc(span.clone());
        let name = f.name.name.as_str();
        let args: Vec<&Expression> = f.args.iter().collect();
        if !f.name.namespace.is_empty() {
            let note = format!(
                "provider function {}::{name}() is not evaluated",
                f.name
                    .namespace
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join("::")
            );
            self.notes.push(note);
            return Ok(Value::unknown(self.origin(span, "call"), loc));
        }
        match name {
            // These catch errors, so their arguments are evaluated one by one.
            "try" => {
                for a in &args {
                    let notes = self.notes.len();
                    self.catching += 1;
                    let r = self.expr(a);
                    self.catching -= 1;
                    match r {
                        Ok(v) => return Ok(v),
                        Err(e) if e.fatal => return Err(e),
                        Err(_) => self.notes.truncate(notes),
                    }
                }
                return Err(EvalError::new(
                    "no argument of try() evaluates without error",
                    loc,
                ));
            }
            "can" => {
                let [a] = args.as_slice() else {
                    return Err(arity("can", 1, loc));
                };
                let notes = self.notes.len();
                self.catching += 1;
                let r = self.expr(a);
                self.catching -= 1;
                return Ok(match r {
                    Ok(v) if ops::is_wholly_known(&v) => ops::boolean(true, loc),
                    Ok(_) => Value::unknown(self.origin(span, "can"), loc),
                    Err(e) if e.fatal => return Err(e),
                    Err(_) => {
                        self.notes.truncate(notes);
                        ops::boolean(false, loc)
                    }
                });
            }
            _ => {}
        }
        let mut values = args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Result<Vec<_>>>()?;
        if f.args.expand_final() {
            match values.pop().map(|v| v.data) {
                Some(Data::List(items)) => values.extend(items),
                Some(Data::Unknown(u)) => return Ok(Value::new(Data::Unknown(u), loc)),
                _ => return Err(EvalError::new("`...` expands only a list", loc)),
            }
        }
        // Unknown in, unknown out: a wholly unknown argument makes the result unknown.
        // (`format` and `jsonencode` keep unknown parts in their text instead.)
        if !matches!(name, "jsonencode" | "format")
            && values.iter().any(|v| matches!(v.data, Data::Unknown(_)))
        {
            return Ok(Value::unknown(self.origin(span, "call"), loc));
        }
        match builtin(self, name, values, loc)? {
            Outcome::Value(v) => {
                self.scope.budget().value(&v, loc)?;
                Ok(v)
            }
            Outcome::Unknown => Ok(Value::unknown(self.origin(span, "call"), loc)),
            Outcome::Unsupported => {
                self.notes
                    .push(format!("function {name}() is not evaluated"));
                Ok(Value::unknown(self.origin(span, "call"), loc))
            }
        }
    }

    /// `templatefile(path, vars)`: the template is evaluated with only `vars` in scope, and
    /// located in its own file.
    fn templatefile(&mut self, path: &str, vars: &Value, loc: Option<Location>) -> Result<Outcome> {
        let file = self.scope.read_file(path, loc)?;
        let template = self.scope.parsed_template(&file).map_err(|message| {
            EvalError::new(format!("template {path} does not parse: {message}"), loc)
        })?;
        let scope = TemplateScope { parent: self.scope };
        let mut ev = Evaluator::new(file.file, 0, file.text.clone(), &scope);
        for (k, v) in vars.as_object().unwrap_or_default() {
            ev.bind(k.name.clone(), v.clone());
        }
        let out = ev.template(template.iter(), crate::align::Escapes::None, loc);
        self.notes.append(&mut ev.notes);
        Ok(Outcome::Value(out?))
    }
}

/// Inside `templatefile`: only the template's variables, but files can still be read.
struct TemplateScope<'a> {
    parent: &'a dyn Scope,
}

impl Scope for TemplateScope<'_> {
    fn in_template(&self) -> bool {
        true
    }

    fn budget(&self) -> &super::Budget {
        self.parent.budget()
    }

    fn lookup(&self, _: &[&str], _: &mut Vec<String>) -> Result<Option<(Value, usize)>> {
        Ok(None)
    }

    fn read_file(&self, path: &str, loc: Option<Location>) -> Result<super::FileText> {
        self.parent.read_file(path, loc)
    }

    fn parsed_template(
        &self,
        file: &super::FileText,
    ) -> std::result::Result<std::sync::Arc<hcl_edit::template::Template>, String> {
        self.parent.parsed_template(file)
    }
}

/// Widths and paddings larger than this are refused rather than built.
const MAX_WIDTH: usize = 100_000;
/// Collections larger than this are refused rather than built.
const MAX_ELEMENTS: usize = 100_000;

enum Outcome {
    Value(Value),
    /// Depends on something unknown.
    Unknown,
    /// A function we do not evaluate.
    Unsupported,
}

fn arity(name: &str, n: usize, loc: Option<Location>) -> EvalError {
    EvalError::new(
        format!(
            "{name}() takes {n} argument{}",
            if n == 1 { "" } else { "s" }
        ),
        loc,
    )
}

fn ok(v: Value) -> Result<Outcome> {
    Ok(Outcome::Value(v))
}

/// The text of a known string argument; `None` when some part is unknown.
fn text(v: &Value) -> Result<Option<String>> {
    to_str(v)
}

fn items(v: &Value, what: &str) -> Result<Vec<Value>> {
    match &v.data {
        Data::List(items) => Ok(items.clone()),
        _ => Err(EvalError::new(
            format!("{what} needs a list, not a {}", v.type_name()),
            v.loc,
        )),
    }
}

fn entries(v: &Value, what: &str) -> Result<Vec<(Key, Value)>> {
    match &v.data {
        Data::Object(e) => Ok(e.clone()),
        _ => Err(EvalError::new(
            format!("{what} needs a map or object, not a {}", v.type_name()),
            v.loc,
        )),
    }
}

/// Sorted and without duplicates, as Terraform's sets of primitives are.
fn set_of(mut items: Vec<Value>, loc: Option<Location>) -> Result<Value> {
    if items.iter().any(|v| !ops::is_wholly_known(v)) {
        return Ok(Value::unknown("set with unknown elements", loc));
    }
    let all_strings = items.iter().all(|v| matches!(v.data, Data::String(_)));
    let all_numbers = items.iter().all(|v| matches!(v.data, Data::Number(_)));
    if !all_numbers && !all_strings && items.iter().all(is_primitive) {
        // Mixed primitives unify to strings.
        items = items
            .into_iter()
            .map(|v| Ok(computed_string(to_str(&v)?.unwrap_or_default(), v.loc)))
            .collect::<Result<_>>()?;
    }
    if items.iter().all(|v| matches!(v.data, Data::Number(_))) {
        items.sort_by(|a, b| number_of(a).total_cmp(&number_of(b)));
    } else if items.iter().all(|v| matches!(v.data, Data::String(_))) {
        items.sort_by(|a, b| a.as_known_str().cmp(&b.as_known_str()));
    }
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for v in items {
        if !out.iter().any(|o| ops::equals(o, &v) == Some(true)) {
            out.push(v);
        }
    }
    Ok(ops::list(out, loc))
}

fn is_primitive(v: &Value) -> bool {
    matches!(v.data, Data::String(_) | Data::Number(_) | Data::Bool(_))
}

fn number_of(v: &Value) -> f64 {
    match v.data {
        Data::Number(n) => n,
        _ => f64::NAN,
    }
}

fn int(v: &Value, what: &str) -> Result<Option<i64>> {
    match to_number(v)? {
        None => Ok(None),
        Some(n) if n.fract() == 0.0 => Ok(Some(n as i64)),
        Some(n) => Err(EvalError::new(
            format!("{what} must be a whole number, not {n}"),
            v.loc,
        )),
    }
}

macro_rules! known {
    ($e:expr) => {
        match $e {
            Some(v) => v,
            None => return Ok(Outcome::Unknown),
        }
    };
}

fn builtin(
    ev: &mut Evaluator,
    name: &str,
    args: Vec<Value>,
    loc: Option<Location>,
) -> Result<Outcome> {
    let n = args.len();
    let need = |k: usize| {
        if n == k {
            Ok(())
        } else {
            Err(arity(name, k, loc))
        }
    };
    let string = |s: String| ok(computed_string(s, loc));
    match name {
        // Encoding
        "jsonencode" => {
            need(1)?;
            ok(jsonencode(
                args.into_iter()
                    .next()
                    .unwrap_or_else(|| Value::new(Data::Null, None)),
                None,
                loc,
            ))
        }
        "jsondecode" => {
            need(1)?;
            let Data::String(s) = &args[0].data else {
                return Err(EvalError::new("jsondecode() needs a string", loc));
            };
            if !s.is_known() {
                return Ok(Outcome::Unknown);
            }
            let at = args[0].loc.or(loc);
            let locate = |a: usize, b: usize| s.locate(a, b).or(at);
            match crate::json::decode(&s.text, &locate, &[]) {
                Ok(v) => ok(normalize_decoded(v)),
                Err(e) => Err(EvalError::new(
                    format!("invalid JSON: {}", e.message),
                    locate(e.start, e.end.max(e.start + 1)),
                )),
            }
        }
        "yamldecode" => {
            need(1)?;
            let Data::String(s) = &args[0].data else {
                return Err(EvalError::new("yamldecode() needs a string", loc));
            };
            if !s.is_known() {
                return Ok(Outcome::Unknown);
            }
            let at = args[0].loc.or(loc);
            let locate = |a: usize, b: usize| s.locate(a, b).or(at);
            ok(super::yaml::decode(&s.text, &locate, at)?)
        }
        "base64encode" => {
            need(1)?;
            string(base64::encode(known!(text(&args[0])?).as_bytes()))
        }
        "base64decode" => {
            need(1)?;
            let s = known!(text(&args[0])?);
            let bytes = base64::decode(&s).ok_or_else(|| EvalError::new("invalid base64", loc))?;
            string(
                String::from_utf8(bytes)
                    .map_err(|_| EvalError::new("base64decode() result is not UTF-8", loc))?,
            )
        }
        "urlencode" => {
            need(1)?;
            let s = known!(text(&args[0])?);
            // Go's url.QueryEscape: a space is `+`.
            let encoded = s
                .bytes()
                .map(|b| match b {
                    b' ' => "+".to_string(),
                    b if b.is_ascii_alphanumeric() || b"-._~".contains(&b) => {
                        (b as char).to_string()
                    }
                    b => format!("%{b:02X}"),
                })
                .collect();
            string(encoded)
        }
        // Strings
        "format" => {
            let Some((fmt, rest)) = args.split_first() else {
                return Err(arity(name, 1, loc));
            };
            let fmt = known!(text(fmt)?);
            // A `%s` of an unknown value leaves a partial string, as a template does.
            let mut unknowns = Vec::new();
            let args: Vec<Value> = rest
                .iter()
                .map(|a| match &a.data {
                    Data::Unknown(u) => {
                        unknowns.push(u.clone());
                        computed_string(Str::UNKNOWN_MARK.to_string(), a.loc)
                    }
                    _ => a.clone(),
                })
                .collect();
            match format(&fmt, &args, loc) {
                Ok(Some(text)) if text.matches(Str::UNKNOWN_MARK).count() == unknowns.len() => {
                    ok(Value::new(
                        Data::String(Str {
                            unknowns,
                            ..Str::known(text)
                        }),
                        loc,
                    ))
                }
                Ok(_) => Ok(Outcome::Unknown),
                // A number verb given an unknown: the whole result is unknown.
                Err(_) if !unknowns.is_empty() => Ok(Outcome::Unknown),
                Err(e) => Err(e),
            }
        }
        "formatlist" => {
            let Some((fmt, rest)) = args.split_first() else {
                return Err(arity(name, 1, loc));
            };
            let fmt = known!(text(fmt)?);
            let len = rest
                .iter()
                .filter_map(|a| {
                    if let Data::List(l) = &a.data {
                        Some(l.len())
                    } else {
                        None
                    }
                })
                .max();
            let Some(len) = len else {
                return match format(&fmt, rest, loc)? {
                    Some(s) => ok(ops::list(vec![computed_string(s, loc)], loc)),
                    None => Ok(Outcome::Unknown),
                };
            };
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Value> = rest
                    .iter()
                    .map(|a| match &a.data {
                        Data::List(l) if l.len() == len => Ok(l[i].clone()),
                        Data::List(_) => Err(EvalError::new(
                            "formatlist() lists must have the same length",
                            loc,
                        )),
                        _ => Ok(a.clone()),
                    })
                    .collect::<Result<_>>()?;
                out.push(computed_string(known!(format(&fmt, &row, loc)?), loc));
            }
            ok(ops::list(out, loc))
        }
        "join" => {
            if n < 2 {
                return Err(arity(name, 2, loc));
            }
            let sep = known!(text(&args[0])?);
            let mut parts = Vec::new();
            for list in &args[1..] {
                for item in items(list, "join()")? {
                    parts.push(known!(text(&item)?));
                }
            }
            string(parts.join(&sep))
        }
        "split" => {
            need(2)?;
            let (sep, s) = (known!(text(&args[0])?), known!(text(&args[1])?));
            let parts: Vec<Value> = if sep.is_empty() {
                s.chars()
                    .map(|c| computed_string(c.to_string(), loc))
                    .collect()
            } else {
                s.split(sep.as_str())
                    .map(|p| computed_string(p.to_string(), loc))
                    .collect()
            };
            ok(ops::list(parts, loc))
        }
        "lower" => string(known!(text(one(&args, name, loc)?)?).to_lowercase()),
        "upper" => string(known!(text(one(&args, name, loc)?)?).to_uppercase()),
        "title" => string(title(&known!(text(one(&args, name, loc)?)?))),
        "strrev" => string(
            known!(text(one(&args, name, loc)?)?)
                .chars()
                .rev()
                .collect(),
        ),
        "trimspace" => string(known!(text(one(&args, name, loc)?)?).trim().to_string()),
        "chomp" => string(
            known!(text(one(&args, name, loc)?)?)
                .trim_end_matches(['\n', '\r'])
                .to_string(),
        ),
        "trim" => {
            need(2)?;
            let (s, cut) = (known!(text(&args[0])?), known!(text(&args[1])?));
            string(s.trim_matches(|c| cut.contains(c)).to_string())
        }
        "trimprefix" => {
            need(2)?;
            let (s, p) = (known!(text(&args[0])?), known!(text(&args[1])?));
            string(s.strip_prefix(p.as_str()).unwrap_or(&s).to_string())
        }
        "trimsuffix" => {
            need(2)?;
            let (s, p) = (known!(text(&args[0])?), known!(text(&args[1])?));
            string(s.strip_suffix(p.as_str()).unwrap_or(&s).to_string())
        }
        "startswith" | "endswith" | "strcontains" => {
            need(2)?;
            let (s, p) = (known!(text(&args[0])?), known!(text(&args[1])?));
            let r = match name {
                "startswith" => s.starts_with(&p),
                "endswith" => s.ends_with(&p),
                _ => s.contains(&p),
            };
            ok(ops::boolean(r, loc))
        }
        "substr" => {
            need(3)?;
            let s = known!(text(&args[0])?);
            let (offset, length) = (
                known!(int(&args[1], "offset")?),
                known!(int(&args[2], "length")?),
            );
            let chars: Vec<char> = s.chars().collect();
            let len = chars.len() as i64;
            let start = if offset < 0 {
                (len + offset).max(0)
            } else {
                offset.min(len)
            };
            let end = if length < 0 {
                len
            } else {
                (start + length).min(len)
            };
            string(
                chars[start as usize..end.max(start) as usize]
                    .iter()
                    .collect(),
            )
        }
        "indent" => {
            need(2)?;
            let (k, s) = (known!(int(&args[0], "spaces")?), known!(text(&args[1])?));
            if k > MAX_WIDTH as i64 {
                return Err(EvalError::new(
                    format!("indent() of {k} spaces is more than iamlint builds ({MAX_WIDTH})"),
                    loc,
                ));
            }
            let pad = " ".repeat(k.max(0) as usize);
            string(
                s.split('\n')
                    .enumerate()
                    .map(|(i, l)| {
                        if i == 0 {
                            l.to_string()
                        } else {
                            format!("{pad}{l}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        }
        "replace" => {
            need(3)?;
            let (s, find, with) = (
                known!(text(&args[0])?),
                known!(text(&args[1])?),
                known!(text(&args[2])?),
            );
            if find.len() > 1 && find.starts_with('/') && find.ends_with('/') {
                let re = regex(&find[1..find.len() - 1], loc)?;
                string(re.replace_all(&s, with.as_str()).into_owned())
            } else {
                string(s.replace(&find, &with))
            }
        }
        "regex" | "regexall" => {
            need(2)?;
            let (pattern, s) = (known!(text(&args[0])?), known!(text(&args[1])?));
            let re = regex(&pattern, loc)?;
            let matches: Vec<Value> = re
                .captures_iter(&s)
                .map(|c| capture_value(&re, &c, loc))
                .collect();
            if name == "regexall" {
                return ok(ops::list(matches, loc));
            }
            matches
                .into_iter()
                .next()
                .map(Outcome::Value)
                .ok_or_else(|| EvalError::new("regex() found no match", loc))
        }
        "length" => {
            let v = one(&args, name, loc)?;
            let len = match &v.data {
                Data::String(s) => known!(s.as_known()).chars().count(),
                Data::List(l) => l.len(),
                Data::Object(e) => e.len(),
                _ => {
                    return Err(EvalError::new(
                        format!("length() of a {}", v.type_name()),
                        loc,
                    ));
                }
            };
            ok(ops::number(len as f64, loc))
        }
        // Numbers
        "max" | "min" => {
            let mut nums = Vec::new();
            for a in &args {
                nums.push(known!(to_number(a)?));
            }
            let r = if name == "max" {
                nums.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            } else {
                nums.iter().copied().fold(f64::INFINITY, f64::min)
            };
            ok(ops::number(r, loc))
        }
        "abs" | "ceil" | "floor" | "signum" => {
            let x = known!(to_number(one(&args, name, loc)?)?);
            let r = match name {
                "abs" => x.abs(),
                "ceil" => x.ceil(),
                "floor" => x.floor(),
                _ => x.signum() * f64::from(u8::from(x != 0.0)),
            };
            ok(ops::number(r, loc))
        }
        "sum" => {
            let mut total = 0.0;
            for v in items(one(&args, name, loc)?, "sum()")? {
                total += known!(to_number(&v)?);
            }
            ok(ops::number(total, loc))
        }
        "parseint" => {
            need(2)?;
            let (s, base) = (known!(text(&args[0])?), known!(int(&args[1], "base")?));
            let v = i64::from_str_radix(&s, base as u32)
                .map_err(|_| EvalError::new(format!("cannot parse \"{s}\" in base {base}"), loc))?;
            ok(ops::number(v as f64, loc))
        }
        // Collections
        "concat" => {
            let mut out = Vec::new();
            for a in &args {
                out.extend(items(a, "concat()")?);
            }
            ok(ops::list(out, loc))
        }
        "merge" => {
            let mut out: Vec<(Key, Value)> = Vec::new();
            for a in args.iter().filter(|a| !matches!(a.data, Data::Null)) {
                out.extend(entries(a, "merge()")?);
            }
            ok(ops::object(out, loc))
        }
        "lookup" => {
            if !(2..=3).contains(&n) {
                return Err(arity(name, 2, loc));
            }
            let key = known!(text(&args[1])?);
            match args[0].get(&key) {
                Some(v) if matches!(args[0].data, Data::Object(_)) => ok(v.clone()),
                _ if n == 3 => ok(args[2].clone()),
                _ => Err(EvalError::new(
                    format!("lookup() found no key \"{key}\" and has no default"),
                    loc,
                )),
            }
        }
        "contains" => {
            need(2)?;
            let list = items(&args[0], "contains()")?;
            let mut unknown = false;
            for item in &list {
                match ops::equals(item, &args[1]) {
                    Some(true) => return ok(ops::boolean(true, loc)),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            if unknown {
                Ok(Outcome::Unknown)
            } else {
                ok(ops::boolean(false, loc))
            }
        }
        "index" => {
            need(2)?;
            let list = items(&args[0], "index()")?;
            for (i, item) in list.iter().enumerate() {
                match ops::equals(item, &args[1]) {
                    Some(true) => return ok(ops::number(i as f64, loc)),
                    None => return Ok(Outcome::Unknown),
                    Some(false) => {}
                }
            }
            Err(EvalError::new("index() found no such element", loc))
        }
        "coalesce" => {
            for a in &args {
                match &a.data {
                    Data::Null => continue,
                    Data::String(s) if s.as_known() == Some("") => continue,
                    Data::String(s) if !s.is_known() => return Ok(Outcome::Unknown),
                    _ => return ok(a.clone()),
                }
            }
            Err(EvalError::new(
                "coalesce() has no non-null, non-empty argument",
                loc,
            ))
        }
        "coalescelist" => {
            for a in &args {
                if !items(a, "coalescelist()")?.is_empty() {
                    return ok(a.clone());
                }
            }
            Err(EvalError::new("coalescelist() has no non-empty list", loc))
        }
        "compact" => {
            let mut out = Vec::new();
            for v in items(one(&args, name, loc)?, "compact()")? {
                match &v.data {
                    Data::Null => {}
                    Data::String(s) if s.as_known() == Some("") => {}
                    Data::String(s) if !s.is_known() => return Ok(Outcome::Unknown),
                    Data::String(_) => out.push(v),
                    _ => out.push(computed_string(known!(to_str(&v)?), v.loc)),
                }
            }
            ok(ops::list(out, loc))
        }
        "distinct" => {
            let mut out: Vec<Value> = Vec::new();
            for v in items(one(&args, name, loc)?, "distinct()")? {
                let mut seen = false;
                for o in &out {
                    match ops::equals(o, &v) {
                        Some(true) => seen = true,
                        None => return Ok(Outcome::Unknown),
                        Some(false) => {}
                    }
                }
                if !seen {
                    out.push(v);
                }
            }
            ok(ops::list(out, loc))
        }
        "element" => {
            need(2)?;
            let list = items(&args[0], "element()")?;
            let i = known!(int(&args[1], "index")?);
            if list.is_empty() || i < 0 {
                return Err(EvalError::new(
                    "element() of an empty list or with a negative index",
                    loc,
                ));
            }
            ok(list[i as usize % list.len()].clone())
        }
        "flatten" => {
            fn flat(v: Value, out: &mut Vec<Value>) -> bool {
                match v.data {
                    Data::List(items) => items.into_iter().all(|i| flat(i, out)),
                    Data::Unknown(_) => false,
                    _ => {
                        out.push(v);
                        true
                    }
                }
            }
            let mut out = Vec::new();
            for v in items(one(&args, name, loc)?, "flatten()")? {
                if !flat(v, &mut out) {
                    return Ok(Outcome::Unknown);
                }
            }
            ok(ops::list(out, loc))
        }
        "keys" => ok(ops::list(
            entries(one(&args, name, loc)?, "keys()")?
                .into_iter()
                .map(|(k, _)| computed_string(k.name, k.loc))
                .collect(),
            loc,
        )),
        "values" => ok(ops::list(
            entries(one(&args, name, loc)?, "values()")?
                .into_iter()
                .map(|(_, v)| v)
                .collect(),
            loc,
        )),
        "zipmap" => {
            need(2)?;
            let (ks, vs) = (items(&args[0], "zipmap()")?, items(&args[1], "zipmap()")?);
            if ks.len() != vs.len() {
                return Err(EvalError::new(
                    "zipmap() lists must have the same length",
                    loc,
                ));
            }
            let mut out = Vec::new();
            for (k, v) in ks.into_iter().zip(vs) {
                out.push((
                    Key {
                        name: known!(to_str(&k)?),
                        loc: k.loc,
                    },
                    v,
                ));
            }
            ok(ops::object(out, loc))
        }
        "range" => {
            let mut nums = Vec::new();
            for a in &args {
                nums.push(known!(to_number(a)?));
            }
            let (start, limit, step) = match nums.as_slice() {
                [l] => (0.0, *l, 1.0),
                [s, l] => (*s, *l, if s <= l { 1.0 } else { -1.0 }),
                [s, l, st] => (*s, *l, *st),
                _ => return Err(arity(name, 1, loc)),
            };
            if step == 0.0 {
                return Err(EvalError::new("range() step must not be zero", loc));
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < limit) || (step < 0.0 && x > limit) {
                out.push(ops::number(x, loc));
                x += step;
                if out.len() > 1024 {
                    return Err(EvalError::new(
                        "range() would produce more than 1024 elements",
                        loc,
                    ));
                }
            }
            ok(ops::list(out, loc))
        }
        "slice" => {
            need(3)?;
            let list = items(&args[0], "slice()")?;
            let (a, b) = (
                known!(int(&args[1], "start")?),
                known!(int(&args[2], "end")?),
            );
            if a < 0 || b < a || b as usize > list.len() {
                return Err(EvalError::new("slice() indexes are out of range", loc));
            }
            ok(ops::list(list[a as usize..b as usize].to_vec(), loc))
        }
        "sort" => {
            let mut texts = Vec::new();
            for v in items(one(&args, name, loc)?, "sort()")? {
                texts.push((known!(to_str(&v)?), v.loc));
            }
            texts.sort_by(|a, b| a.0.cmp(&b.0));
            ok(ops::list(
                texts
                    .into_iter()
                    .map(|(t, l)| computed_string(t, l))
                    .collect(),
                loc,
            ))
        }
        "reverse" => {
            let mut list = items(one(&args, name, loc)?, "reverse()")?;
            list.reverse();
            ok(ops::list(list, loc))
        }
        "chunklist" => {
            need(2)?;
            let list = items(&args[0], "chunklist()")?;
            let size = known!(int(&args[1], "size")?);
            if size < 0 {
                return Err(EvalError::new("chunklist() size must not be negative", loc));
            }
            if size == 0 {
                return ok(ops::list(vec![ops::list(list, loc)], loc));
            }
            ok(ops::list(
                list.chunks(size as usize)
                    .map(|c| ops::list(c.to_vec(), loc))
                    .collect(),
                loc,
            ))
        }
        "one" => {
            let list = items(one(&args, name, loc)?, "one()")?;
            match list.len() {
                0 => ok(Value::new(Data::Null, loc)),
                1 => ok(list
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::new(Data::Null, loc))),
                k => Err(EvalError::new(
                    format!("one() of a list of {k} elements"),
                    loc,
                )),
            }
        }
        "alltrue" | "anytrue" => {
            let mut unknown = false;
            let all = name == "alltrue";
            for v in items(one(&args, name, loc)?, name)? {
                match ops::to_bool(&v)? {
                    Some(b) if b != all => return ok(ops::boolean(!all, loc)),
                    Some(_) => {}
                    None => unknown = true,
                }
            }
            if unknown {
                Ok(Outcome::Unknown)
            } else {
                ok(ops::boolean(all, loc))
            }
        }
        "setunion" | "setintersection" | "setsubtract" => {
            let sets: Vec<Vec<Value>> =
                args.iter().map(|a| items(a, name)).collect::<Result<_>>()?;
            let Some((first, rest)) = sets.split_first() else {
                return Err(arity(name, 1, loc));
            };
            let has =
                |set: &[Value], v: &Value| set.iter().any(|o| ops::equals(o, v) == Some(true));
            let out: Vec<Value> = match name {
                "setunion" => sets.iter().flatten().cloned().collect(),
                "setintersection" => first
                    .iter()
                    .filter(|v| rest.iter().all(|s| has(s, v)))
                    .cloned()
                    .collect(),
                _ => first
                    .iter()
                    .filter(|v| !rest.iter().any(|s| has(s, v)))
                    .cloned()
                    .collect(),
            };
            ok(set_of(out, loc)?)
        }
        "setproduct" => {
            let size = args
                .iter()
                .map(|a| items(a, "setproduct()").map(|l| l.len()))
                .try_fold(1usize, |acc, n| n.map(|n| acc.saturating_mul(n)))?;
            if size > MAX_ELEMENTS {
                return Err(EvalError::new(
                    format!(
                        "setproduct() would make {size} elements, more than iamlint builds ({MAX_ELEMENTS})"
                    ),
                    loc,
                ));
            }
            let mut rows: Vec<Vec<Value>> = vec![Vec::new()];
            for a in &args {
                let set = items(a, "setproduct()")?;
                rows = rows
                    .into_iter()
                    .flat_map(|r| {
                        set.iter()
                            .map(move |v| [r.clone(), vec![v.clone()]].concat())
                    })
                    .collect();
            }
            if args.is_empty() {
                return Err(arity(name, 2, loc));
            }
            ok(ops::list(
                rows.into_iter().map(|r| ops::list(r, loc)).collect(),
                loc,
            ))
        }
        "transpose" => {
            let mut out: Vec<(Key, Value)> = Vec::new();
            for (k, v) in entries(one(&args, name, loc)?, "transpose()")? {
                for item in items(&v, "transpose()")? {
                    let name = known!(to_str(&item)?);
                    match out.iter_mut().find(|(o, _)| o.name == name) {
                        Some((
                            _,
                            Value {
                                data: Data::List(l),
                                ..
                            },
                        )) => l.push(computed_string(k.name.clone(), k.loc)),
                        _ => out.push((
                            ops::key(name),
                            ops::list(vec![computed_string(k.name.clone(), k.loc)], loc),
                        )),
                    }
                }
            }
            for (_, v) in &mut out {
                if let Data::List(l) = &mut v.data {
                    l.sort_by(|a, b| a.as_known_str().cmp(&b.as_known_str()));
                }
            }
            ok(ops::object(out, loc))
        }
        // Conversions
        "tostring" => {
            let v = one(&args, name, loc)?;
            match &v.data {
                Data::Null | Data::String(_) => ok(v.clone()),
                _ => string(known!(to_str(v)?)),
            }
        }
        "tonumber" => {
            let v = one(&args, name, loc)?;
            if matches!(v.data, Data::Null) {
                return ok(v.clone());
            }
            ok(ops::number(known!(to_number(v)?), v.loc.or(loc)))
        }
        "tobool" => {
            let v = one(&args, name, loc)?;
            if matches!(v.data, Data::Null) {
                return ok(v.clone());
            }
            ok(ops::boolean(known!(ops::to_bool(v)?), v.loc.or(loc)))
        }
        "tolist" => ok(Value {
            loc: args.first().and_then(|a| a.loc).or(loc),
            ..Value::new(Data::List(items(one(&args, name, loc)?, "tolist()")?), loc)
        }),
        "toset" => ok(set_of(items(one(&args, name, loc)?, "toset()")?, loc)?),
        "tomap" => ok(ops::object(
            entries(one(&args, name, loc)?, "tomap()")?,
            loc,
        )),
        "sensitive" | "nonsensitive" => ok(one(&args, name, loc)?.clone()),
        // Files, confined to the tree being linted
        "file" => {
            let path = known!(text(one(&args, name, loc)?)?);
            let file = ev.scope.read_file(&path, loc)?;
            let mut map = iamlint_model::OffsetMap::default();
            map.push_exact(file.text.len(), file.file, 0);
            let s = Str {
                map: Some(Arc::new(map)),
                ..Str::known(file.text.to_string())
            };
            ok(Value::new(Data::String(s), loc))
        }
        "fileexists" => {
            let path = known!(text(one(&args, name, loc)?)?);
            ok(ops::boolean(ev.scope.read_file(&path, loc).is_ok(), loc))
        }
        "templatestring" => {
            need(2)?;
            if ev.scope.in_template() {
                return Err(EvalError::new(
                    "templatestring() cannot be called inside a template",
                    loc,
                ));
            }
            let Data::String(src) = &args[0].data else {
                return Err(EvalError::new("templatestring() needs a string", loc));
            };
            if !src.is_known() {
                return Ok(Outcome::Unknown);
            }
            let template = crate::pitfalls::parse_template(&src.text).map_err(|e| {
                EvalError::new(
                    format!("the template does not parse: {}", e.message),
                    args[0].loc.or(loc),
                )
            })?;
            let scope = TemplateScope { parent: ev.scope };
            let mut inner = Evaluator::new(
                iamlint_model::FileId(0),
                0,
                Arc::from(src.text.as_str()),
                &scope,
            );
            inner.locator_coarse(args[0].loc.or(loc));
            for (k, v) in args[1].as_object().unwrap_or_default() {
                inner.bind(k.name.clone(), v.clone());
            }
            let out = inner.template(template.iter(), crate::align::Escapes::None, loc);
            ev.notes.append(&mut inner.notes);
            Ok(Outcome::Value(out?))
        }
        "templatefile" => {
            need(2)?;
            if ev.scope.in_template() {
                return Err(EvalError::new(
                    "templatefile() cannot be called inside a template",
                    loc,
                ));
            }
            let path = known!(text(&args[0])?);
            ev.templatefile(&path, &args[1], loc)
        }
        "basename" | "dirname" | "abspath" | "pathexpand" => {
            let p = known!(text(one(&args, name, loc)?)?);
            let path = std::path::Path::new(&p);
            string(match name {
                "basename" => path
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
                "dirname" => match path.parent().map(|d| d.to_string_lossy().into_owned()) {
                    Some(d) if !d.is_empty() => d,
                    _ => ".".to_string(),
                },
                "abspath" => std::path::absolute(path)
                    .map_or(p.clone(), |a| a.to_string_lossy().into_owned()),
                _ => return Ok(Outcome::Unsupported),
            })
        }
        // Values known only when Terraform runs.
        "timestamp" | "uuid" | "bcrypt" | "plantimestamp" => Ok(Outcome::Unknown),
        _ => Ok(Outcome::Unsupported),
    }
}

fn one<'v>(args: &'v [Value], name: &str, loc: Option<Location>) -> Result<&'v Value> {
    match args {
        [v] => Ok(v),
        _ => Err(arity(name, 1, loc)),
    }
}

fn regex(pattern: &str, loc: Option<Location>) -> Result<regex::Regex> {
    regex::Regex::new(pattern)
        .map_err(|e| EvalError::new(format!("invalid regular expression: {e}"), loc))
}

/// What `regex` returns for one match: the match, a list of groups, or an object of named ones.
fn capture_value(re: &regex::Regex, c: &regex::Captures, loc: Option<Location>) -> Value {
    let s = |m: Option<regex::Match>| {
        m.map_or(Value::new(Data::Null, loc), |m| {
            computed_string(m.as_str().to_string(), loc)
        })
    };
    if re.captures_len() == 1 {
        return s(c.get(0));
    }
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.iter().all(Option::is_some) {
        let entries = names
            .iter()
            .flatten()
            .map(|n| (ops::key(*n), s(c.name(n))))
            .collect();
        return ops::object(entries, loc);
    }
    ops::list((1..re.captures_len()).map(|i| s(c.get(i))).collect(), loc)
}

/// Go's `strings.Title`: upper-case the first letter of every word.
fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_sep = true;
    for c in s.chars() {
        if prev_sep {
            out.extend(c.to_uppercase())
        } else {
            out.push(c)
        }
        prev_sep = !(c.is_alphanumeric() || c == '_');
    }
    out
}

/// Terraform's `format`: `%s %d %f %q %t %v %x %X %o %b %e %%`, with flags, width and precision.
fn format(fmt: &str, args: &[Value], loc: Option<Location>) -> Result<Option<String>> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek().filter(|f| "-+ 0#".contains(**f)) {
            flags.push(f);
            chars.next();
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse::<usize>().unwrap_or(0));
        }
        let verb = chars
            .next()
            .ok_or_else(|| EvalError::new("format string ends in %", loc))?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = args
            .get(next)
            .ok_or_else(|| EvalError::new("format() has too few arguments", loc))?;
        next += 1;
        if ops::top_unknown(arg).is_some() {
            return Ok(None);
        }
        let body = match verb {
            's' | 'v' if matches!(arg.data, Data::List(_) | Data::Object(_)) && verb == 'v' => {
                jsonencode_text(arg)
            }
            's' | 'v' => {
                let mut s = to_str(arg)?.unwrap_or_default();
                if let Some(p) = precision {
                    s = s.chars().take(p).collect();
                }
                s
            }
            'q' => {
                let s = to_str(arg)?.unwrap_or_default();
                jsonencode_text(&computed_string(s, None))
            }
            't' => ops::to_bool(arg)?
                .map(|b| b.to_string())
                .unwrap_or_default(),
            'd' | 'x' | 'X' | 'o' | 'b' => {
                let n = to_number(arg)?.unwrap_or(0.0);
                if n.fract() != 0.0 {
                    return Err(EvalError::new(
                        format!("%{verb} needs a whole number, not {n}"),
                        loc,
                    ));
                }
                let i = n as i64;
                let digits = match verb {
                    'd' => i.abs().to_string(),
                    'x' => format!("{:x}", i.abs()),
                    'X' => format!("{:X}", i.abs()),
                    'o' => format!("{:o}", i.abs()),
                    _ => format!("{:b}", i.abs()),
                };
                let sign = if i < 0 {
                    "-"
                } else if flags.contains('+') {
                    "+"
                } else if flags.contains(' ') {
                    " "
                } else {
                    ""
                };
                format!("{sign}{digits}")
            }
            'f' | 'e' | 'g' => {
                let n = to_number(arg)?.unwrap_or(0.0);
                let s = match verb {
                    'f' => format!("{:.*}", precision.unwrap_or(6), n),
                    'e' => go_exp(n, precision.unwrap_or(6)),
                    _ => format_number(n),
                };
                if flags.contains('+') && n >= 0.0 {
                    format!("+{s}")
                } else {
                    s
                }
            }
            other => {
                return Err(EvalError::new(
                    format!("format verb %{other} is not supported"),
                    loc,
                ));
            }
        };
        let width: usize = width.parse().unwrap_or(0);
        if width > MAX_WIDTH || precision.is_some_and(|p| p > MAX_WIDTH) {
            return Err(EvalError::new(
                format!("format width over {MAX_WIDTH}"),
                loc,
            ));
        }
        let len = body.chars().count();
        if len < width {
            let pad = width - len;
            if flags.contains('-') {
                out.push_str(&body);
                out.push_str(&" ".repeat(pad));
            } else if flags.contains('0') && "dfexXob".contains(verb) {
                let (sign, digits) = if body.starts_with(['-', '+', ' ']) {
                    body.split_at(1)
                } else {
                    ("", body.as_str())
                };
                out.push_str(sign);
                out.push_str(&"0".repeat(pad));
                out.push_str(digits);
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(&body);
            }
        } else {
            out.push_str(&body);
        }
    }
    if next < args.len() {
        return Err(EvalError::new("format() has too many arguments", loc));
    }
    Ok(Some(out))
}

/// Go's `%e`: `1.234560e+03`.
fn go_exp(n: f64, precision: usize) -> String {
    let s = format!("{:.*e}", precision, n);
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = e.strip_prefix('-').map_or(("+", e), |d| ("-", d));
            format!("{m}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

fn jsonencode_text(v: &Value) -> String {
    let mut s = String::new();
    encode_json(v, &mut s, &mut Vec::new());
    s
}

/// JSON objects decode to Terraform objects: sorted, last duplicate winning.
fn normalize_decoded(v: Value) -> Value {
    let data = match v.data {
        Data::List(items) => Data::List(items.into_iter().map(normalize_decoded).collect()),
        Data::Object(entries) => Data::Object(ops::normalize_object(
            entries
                .into_iter()
                .map(|(k, v)| (k, normalize_decoded(v)))
                .collect(),
        )),
        other => other,
    };
    Value::new(data, v.loc)
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
            // Terraform sorts object keys when encoding; duplicates keep the last. Evaluated objects
            // are sorted already; others are ordered here without copying them.
            let sorted: Vec<&(Key, Value)> =
                if entries.windows(2).all(|w| w[0].0.name < w[1].0.name) {
                    entries.iter().collect()
                } else {
                    let mut refs: Vec<&(Key, Value)> = Vec::with_capacity(entries.len());
                    for e in entries {
                        match refs.iter().position(|r| r.0.name == e.0.name) {
                            Some(i) => refs[i] = e,
                            None => refs.push(e),
                        }
                    }
                    refs.sort_by(|a, b| a.0.name.cmp(&b.0.name));
                    refs
                };
            out.push('{');
            for (i, (k, v)) in sorted.iter().map(|e| (&e.0, &e.1)).enumerate() {
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
    // Runs of bytes that need no escape are copied whole: most strings are all one run. A
    // byte that may need one is an ASCII special, a control, or 0xE2, which starts U+2028
    // and U+2029 (and other characters, copied as they are).
    let special = |b: u8| matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&' | 0xE2) || b < 0x20;
    let mut rest = s;
    while let Some(at) = rest.bytes().position(special) {
        out.push_str(&rest[..at]);
        let Some(c) = rest[at..].chars().next() else {
            break;
        };
        encode_char(c, out);
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
    out.push('"');
}

fn encode_char(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '<' => out.push_str("\\u003c"),
        '>' => out.push_str("\\u003e"),
        '&' => out.push_str("\\u0026"),
        '\u{2028}' => out.push_str("\\u2028"),
        '\u{2029}' => out.push_str("\\u2029"),
        c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonencode_escapes_as_terraform_does_between_plain_runs() {
        let mut out = String::new();
        encode_string("a\"b\\c<d>&e\n\u{1}\u{2028}é€\u{2029}\tz", &mut out);
        assert_eq!(
            out,
            r#""a\"b\\c\u003cd\u003e\u0026e\n\u0001\u2028é€\u2029\tz""#
        );
        out.clear();
        encode_string("arn:aws:s3:::bucket/*", &mut out);
        assert_eq!(out, r#""arn:aws:s3:::bucket/*""#);
    }

    #[test]
    fn title_follows_go() {
        assert_eq!(title("hello world-foo bar_baz"), "Hello World-Foo Bar_baz");
    }
}
