//! `yamldecode`, as Terraform does it (go-cty-yaml): YAML 1.1 resolution of plain scalars —
//! `y`, `yes`, `on` are true, `n`, `no`, `off` false, `~` null — while quoted scalars stay
//! strings. Built from parser events, so each value also gets its position in the text.

use iamlint_model::{Data, Key, Location, Str, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::ops::{self, EvalError, Result};

enum Frame {
    Seq(Vec<Value>, Option<Location>),
    Map(Vec<(Key, Value)>, Option<Key>, Option<Location>),
}

struct Builder<'a> {
    locate: &'a dyn Fn(usize, usize) -> Option<Location>,
    /// Byte offset of each char: the parser counts chars.
    chars: Vec<usize>,
    stack: Vec<Frame>,
    root: Option<Value>,
    error: Option<String>,
}

impl Builder<'_> {
    fn loc(&self, mark: Marker, len: usize) -> Option<Location> {
        let start = *self.chars.get(mark.index()).unwrap_or(&0);
        (self.locate)(start, start + len.max(1))
    }

    fn push(&mut self, v: Value) {
        match self.stack.last_mut() {
            None => self.root = Some(v),
            Some(Frame::Seq(items, _)) => items.push(v),
            Some(Frame::Map(entries, pending, _)) => match pending.take() {
                Some(k) => entries.push((k, v)),
                None => match ops::to_str(&v) {
                    Ok(Some(name)) => *pending = Some(Key { name, loc: v.loc }),
                    _ => self.error = Some("YAML mapping keys must be strings".into()),
                },
            },
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(text, style, _, tag) => {
                let quoted = !matches!(style, TScalarStyle::Plain);
                let loc = self.loc(mark, text.len() + 2 * usize::from(quoted));
                let as_string = quoted || tag.is_some_and(|t| t.suffix == "str");
                let data = if as_string {
                    Data::String(Str::known(text))
                } else {
                    resolve(text)
                };
                self.push(Value::new(data, loc));
            }
            Event::SequenceStart(..) => {
                let loc = self.loc(mark, 1);
                self.stack.push(Frame::Seq(Vec::new(), loc));
            }
            Event::MappingStart(..) => {
                let loc = self.loc(mark, 1);
                self.stack.push(Frame::Map(Vec::new(), None, loc));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let v = match self.stack.pop() {
                    Some(Frame::Seq(items, loc)) => ops::list(items, loc),
                    Some(Frame::Map(entries, _, loc)) => ops::object(entries, loc),
                    None => return,
                };
                self.push(v);
            }
            Event::Alias(_) => self.error = Some("YAML aliases are not supported".into()),
            _ => {}
        }
    }
}

/// YAML 1.1 resolution of a plain scalar.
fn resolve(text: String) -> Data {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Data::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Data::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Data::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" => return Data::Number(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Data::Number(f64::NEG_INFINITY),
        _ => {}
    }
    let t = text.replace('_', "");
    let number = if let Some(hex) = t.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok().map(|n| n as f64)
    } else if let Some(bin) = t.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok().map(|n| n as f64)
    } else if t.len() > 1 && t.starts_with('0') && t.chars().all(|c| c.is_ascii_digit()) {
        i64::from_str_radix(&t[1..], 8).ok().map(|n| n as f64)
    } else if t
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+' || c == '.')
    {
        t.parse::<f64>().ok().filter(|n| n.is_finite())
    } else {
        None
    };
    match number {
        Some(n) => Data::Number(n),
        None => Data::String(Str::known(text)),
    }
}

/// Decodes the first YAML document of `text`; `locate` maps byte ranges of it to the source.
pub fn decode(
    text: &str,
    locate: &dyn Fn(usize, usize) -> Option<Location>,
    at: Option<Location>,
) -> Result<Value> {
    let mut b = Builder {
        locate,
        chars: text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect(),
        stack: Vec::new(),
        root: None,
        error: None,
    };
    Parser::new_from_str(text)
        .load(&mut b, false)
        .map_err(|e| EvalError::new(format!("invalid YAML: {e}"), at))?;
    if let Some(e) = b.error {
        return Err(EvalError::new(e, at));
    }
    Ok(b.root.unwrap_or(Value::new(Data::Null, at)))
}
