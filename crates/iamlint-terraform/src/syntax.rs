//! One view over the two Terraform syntaxes: native HCL (hcl-edit, with byte spans) and the
//! JSON syntax of `.tf.json` files (already decoded into located [`Value`]s).

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};
use iamlint_model::{Data, FileId, Key, Location, Value};

/// A parsed file.
pub enum Syntax {
    Hcl(Body),
    Json(Value),
}

pub struct ParsedFile {
    pub file: FileId,
    /// Bytes before the parsed text (a UTF-8 BOM): parser spans are shifted by this much.
    pub base: usize,
    /// The parsed text (the file without its BOM): what parser spans index.
    pub input: std::sync::Arc<str>,
    pub syntax: Syntax,
}

impl ParsedFile {
    pub fn loc(&self, span: Option<std::ops::Range<usize>>) -> Option<Location> {
        span.map(|s| Location::new(self.file, self.base + s.start, self.base + s.end))
    }

    /// The top-level blocks with their labels (`resource "TYPE" "NAME"`).
    pub fn blocks(&self) -> Vec<BlockRef<'_>> {
        match &self.syntax {
            Syntax::Hcl(body) => BodyRef::Hcl(body).blocks(self, None),
            Syntax::Json(root) => json_top_blocks(root),
        }
    }
}

#[derive(Clone, Copy)]
pub enum ExprRef<'a> {
    Hcl(&'a Expression),
    Json(&'a Value),
}

#[derive(Clone, Copy)]
pub enum BodyRef<'a> {
    Hcl(&'a Body),
    Json(&'a [(Key, Value)]),
}

pub struct BlockRef<'a> {
    pub ident: String,
    pub labels: Vec<String>,
    pub body: BodyRef<'a>,
    pub loc: Option<Location>,
}

/// An attribute: its expression, the location of its name and of its value expression.
pub struct AttrRef<'a> {
    pub expr: ExprRef<'a>,
    pub key_loc: Option<Location>,
    pub expr_loc: Option<Location>,
}

impl<'a> BodyRef<'a> {
    pub fn attr(&self, file: &ParsedFile, name: &str) -> Option<AttrRef<'a>> {
        match *self {
            BodyRef::Hcl(body) => body.iter().find_map(|s| match s {
                Structure::Attribute(a) if a.key.as_str() == name => Some(AttrRef {
                    expr: ExprRef::Hcl(&a.value),
                    key_loc: file.loc(a.key.span()),
                    expr_loc: file.loc(a.value.span()),
                }),
                _ => None,
            }),
            BodyRef::Json(entries) => {
                entries
                    .iter()
                    .rev()
                    .find(|(k, _)| k.name == name)
                    .map(|(k, v)| AttrRef {
                        expr: ExprRef::Json(v),
                        key_loc: k.loc,
                        expr_loc: v.loc,
                    })
            }
        }
    }

    /// Every attribute, in order.
    pub fn attrs(&self, file: &ParsedFile) -> Vec<(String, AttrRef<'a>)> {
        match *self {
            BodyRef::Hcl(body) => body
                .iter()
                .filter_map(|s| match s {
                    Structure::Attribute(a) => Some((
                        a.key.as_str().to_string(),
                        AttrRef {
                            expr: ExprRef::Hcl(&a.value),
                            key_loc: file.loc(a.key.span()),
                            expr_loc: file.loc(a.value.span()),
                        },
                    )),
                    _ => None,
                })
                .collect(),
            BodyRef::Json(entries) => entries
                .iter()
                .filter(|(k, _)| k.name != "//")
                .map(|(k, v)| {
                    (
                        k.name.clone(),
                        AttrRef {
                            expr: ExprRef::Json(v),
                            key_loc: k.loc,
                            expr_loc: v.loc,
                        },
                    )
                })
                .collect(),
        }
    }

    /// Nested blocks, all of them or those named `only`. In JSON syntax a block is an object
    /// (or a list of objects) under its name; which names are blocks the caller knows.
    pub fn blocks(&self, file: &ParsedFile, only: Option<&str>) -> Vec<BlockRef<'a>> {
        match *self {
            BodyRef::Hcl(body) => body
                .iter()
                .filter_map(|s| match s {
                    Structure::Block(b) if only.is_none_or(|n| b.ident.as_str() == n) => {
                        Some(BlockRef {
                            ident: b.ident.as_str().to_string(),
                            labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
                            body: BodyRef::Hcl(&b.body),
                            loc: file.loc(b.span()),
                        })
                    }
                    _ => None,
                })
                .collect(),
            BodyRef::Json(entries) => {
                let Some(name) = only else { return Vec::new() };
                entries
                    .iter()
                    .filter(|(k, _)| k.name == name)
                    .flat_map(|(_, v)| json_bodies(v))
                    .map(|(body, loc)| BlockRef {
                        ident: name.to_string(),
                        labels: Vec::new(),
                        body,
                        loc,
                    })
                    .collect()
            }
        }
    }
}

/// A JSON block body: an object, or a list of objects (repeated blocks).
fn json_bodies(v: &Value) -> Vec<(BodyRef<'_>, Option<Location>)> {
    match &v.data {
        Data::Object(entries) => vec![(BodyRef::Json(entries), v.loc)],
        Data::List(items) => items.iter().flat_map(json_bodies).collect(),
        _ => Vec::new(),
    }
}

/// `{"resource": {"TYPE": {"NAME": {...}}}}` and `{"data": …}`; both may also be lists of such
/// objects, as Terraform allows.
fn json_top_blocks(root: &Value) -> Vec<BlockRef<'_>> {
    let mut out = Vec::new();
    let Some(entries) = root.as_object() else {
        return out;
    };
    for (kind, v) in entries {
        if kind.name != "resource" && kind.name != "data" {
            continue;
        }
        for (types, _) in json_bodies(v) {
            let BodyRef::Json(types) = types else {
                continue;
            };
            for (ty, names) in types {
                for (names, _) in json_bodies(names) {
                    let BodyRef::Json(names) = names else {
                        continue;
                    };
                    for (name, body) in names {
                        for (body, loc) in json_bodies(body) {
                            out.push(BlockRef {
                                ident: kind.name.clone(),
                                labels: vec![ty.name.clone(), name.name.clone()],
                                body,
                                loc,
                            });
                        }
                    }
                }
            }
        }
    }
    out
}
