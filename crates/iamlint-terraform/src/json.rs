//! JSON text to [`Value`], with every node located in the source through a caller's mapping.
//!
//! Used for policy strings (heredocs, quoted JSON, `file()` contents) and `.tf.json` files.
//! Policy JSON is parsed strictly, as AWS does: no comments, no trailing commas.

use std::sync::Arc;

use iamlint_model::{Data, FileId, Key, Location, Str, Unknown, Value};

use crate::align::{Escapes, literal_map};
use jsonc_parser::ast;
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};

/// A syntax error at a byte range of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

/// Deeper nesting is refused instead of risking the parser's stack. No policy nests beyond 10.
const MAX_DEPTH: usize = 256;

/// Parses `text`; `locate` maps a byte range of `text` to the source. Each
/// [`Str::UNKNOWN_MARK`] in the text stands for the next of `unknowns`.
pub fn decode(
    text: &str,
    locate: &dyn Fn(usize, usize) -> Option<Location>,
    unknowns: &[Unknown],
) -> Result<Value, JsonError> {
    decode_inner(text, locate, unknowns, None)
}

/// Parses a whole file (`text` starts `base` bytes into `file`): strings also get a byte map,
/// so that JSON nested in a string (a policy in `.tf.json`) is located exactly.
pub fn decode_file(text: &str, file: FileId, base: usize) -> Result<Value, JsonError> {
    let locate = |s: usize, e: usize| Some(Location::new(file, base + s, base + e));
    decode_inner(text, &locate, &[], Some((file, base, text)))
}

fn decode_inner(
    text: &str,
    locate: &dyn Fn(usize, usize) -> Option<Location>,
    unknowns: &[Unknown],
    file: Option<(FileId, usize, &str)>,
) -> Result<Value, JsonError> {
    if let Some(at) = too_deep(text) {
        return Err(JsonError {
            message: format!("nested deeper than {MAX_DEPTH} levels"),
            start: at,
            end: at + 1,
        });
    }
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
            let r = e.range();
            JsonError {
                message: e.kind().to_string(),
                start: r.start,
                end: r.end,
            }
        })?;
    let Some(root) = parsed.value else {
        return Err(JsonError {
            message: "empty document: expected a JSON value".into(),
            start: 0,
            end: text.len(),
        });
    };
    let marks: Vec<usize> = text
        .match_indices(Str::UNKNOWN_MARK)
        .map(|(i, _)| i)
        .collect();
    let cx = Cx {
        locate,
        unknowns,
        marks,
        file,
    };
    Ok(cx.value(&root))
}

fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

struct Cx<'a> {
    locate: &'a dyn Fn(usize, usize) -> Option<Location>,
    unknowns: &'a [Unknown],
    marks: Vec<usize>,
    file: Option<(FileId, usize, &'a str)>,
}

impl Cx<'_> {
    fn loc(&self, r: jsonc_parser::common::Range) -> Option<Location> {
        (self.locate)(r.start, r.end)
    }

    fn string(&self, s: &ast::StringLit) -> Str {
        let mut out = Str::known(s.value.as_ref());
        let r = s.range;
        if let Some((file, base, text)) = self.file
            && let Some(raw) = text.get(r.start + 1..r.end.saturating_sub(1))
        {
            out.map = Some(Arc::new(literal_map(
                &s.value,
                raw,
                file,
                base + r.start + 1,
                Escapes::Json,
            )));
        }
        let first = self.marks.partition_point(|&m| m < r.start);
        let last = self.marks.partition_point(|&m| m < r.end);
        if first < last {
            out.unknowns = (first..last)
                .map(|i| {
                    self.unknowns
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| Unknown::new("unknown"))
                })
                .collect();
        }
        out
    }

    fn value(&self, v: &ast::Value) -> Value {
        let loc = self.loc(v.range());
        let data = match v {
            ast::Value::StringLit(s) => Data::String(self.string(s)),
            ast::Value::NumberLit(n) => Data::Number(n.value.parse().unwrap_or(f64::NAN)),
            ast::Value::BooleanLit(b) => Data::Bool(b.value),
            ast::Value::NullKeyword(_) => Data::Null,
            ast::Value::Array(a) => Data::List(a.elements.iter().map(|e| self.value(e)).collect()),
            ast::Value::Object(o) => Data::Object(
                o.properties
                    .iter()
                    .map(|p| {
                        let key = Key {
                            name: p.name.as_str().to_string(),
                            loc: self.loc(p.name.range()),
                        };
                        (key, self.value(&p.value))
                    })
                    .collect(),
            ),
        };
        Value::new(data, loc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: usize, e: usize) -> Option<Location> {
        Some(Location::new(FileId(0), s, e))
    }

    #[test]
    fn nodes_keep_their_ranges() {
        let text = r#"{"Action": ["s3:GetObject"]}"#;
        let v = decode(text, &at, &[]).unwrap();
        let action = v.get("Action").unwrap();
        let Data::List(items) = &action.data else {
            panic!()
        };
        let loc = items[0].loc.unwrap();
        assert_eq!(
            &text[loc.start as usize..loc.end as usize],
            "\"s3:GetObject\""
        );
    }

    #[test]
    fn strict_json_rejects_trailing_commas_and_comments() {
        assert!(decode(r#"{"a": 1,}"#, &at, &[]).is_err());
        assert!(decode("{\"a\": 1 // c\n}", &at, &[]).is_err());
        let err = decode("{\"a\": }", &at, &[]).unwrap_err();
        assert_eq!(err.start, 6);
    }

    #[test]
    fn unknown_marks_inside_strings_become_partial_strings() {
        let text = format!(r#"{{"R": "arn:aws:s3:::{}/*"}}"#, Str::UNKNOWN_MARK);
        let v = decode(&text, &at, &[Unknown::new("var.bucket")]).unwrap();
        let s = v.get("R").unwrap().as_str().unwrap();
        assert_eq!(s.display(), "arn:aws:s3:::${var.bucket}/*");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(
            decode(&text, &at, &[])
                .unwrap_err()
                .message
                .contains("nested deeper")
        );
    }
}
