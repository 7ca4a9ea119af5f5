//! Finding, reading and parsing files: in parallel, each file on its own, so that one that
//! cannot be read or parsed becomes a load error while every other file is still linted.

use std::path::{Path, PathBuf};

use iamlint_model::{LoadError, Location, Model, SourceFile};
use rayon::prelude::*;

use crate::syntax::{ParsedFile, Syntax};

/// Loads the given paths: directories (their `.tf` and `.tf.json` files) and files.
pub fn load_paths(paths: &[PathBuf]) -> Model {
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut model = Model::default();
    for path in paths {
        if path.is_dir() {
            match std::fs::read_dir(path) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.is_file() && is_terraform_file(p))
                        .collect();
                    found.sort();
                    inputs.extend(found);
                }
                Err(e) => model.errors.push(LoadError {
                    path: display_path(path),
                    loc: None,
                    message: format!("cannot read directory: {e}"),
                }),
            }
        } else if path.exists() {
            inputs.push(path.clone());
        } else {
            model.errors.push(LoadError {
                path: display_path(path),
                loc: None,
                message: "no such file or directory".into(),
            });
        }
    }
    let read: Vec<(String, std::io::Result<Vec<u8>>)> = inputs
        .par_iter()
        .map(|p| (display_path(p), std::fs::read(p)))
        .collect();
    let mut texts = Vec::new();
    for (path, bytes) in read {
        match bytes.map(String::from_utf8) {
            Ok(Ok(text)) => texts.push((path, text)),
            Ok(Err(_)) => model.errors.push(LoadError {
                path,
                loc: None,
                message: "the file is not UTF-8 text".into(),
            }),
            Err(e) => model.errors.push(LoadError {
                path,
                loc: None,
                message: format!("cannot read file: {e}"),
            }),
        }
    }
    finish(model, texts)
}

/// Loads files given as (path, text): for tests and rule documentation examples.
pub fn load_sources(files: Vec<(String, String)>) -> Model {
    finish(Model::default(), files)
}

fn finish(mut model: Model, texts: Vec<(String, String)>) -> Model {
    let ids: Vec<_> = texts
        .into_iter()
        .map(|(path, text)| model.sources.add(SourceFile::new(path, text)))
        .collect();
    let parsed: Vec<Result<ParsedFile, LoadError>> =
        ids.par_iter().map(|&id| parse(&model, id)).collect();
    let mut files = Vec::new();
    for p in parsed {
        match p {
            Ok(f) => files.push(f),
            Err(e) => model.errors.push(e),
        }
    }
    for &id in &ids {
        let file = model.sources.get(id);
        if file.path.ends_with(".tf") {
            model
                .suppressions
                .extend(crate::suppressions::scan(id, &file.text));
        }
    }
    crate::policies::build(&mut model, &files);
    model
}

fn is_terraform_file(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

fn parse(model: &Model, id: iamlint_model::FileId) -> Result<ParsedFile, LoadError> {
    let file = model.sources.get(id);
    let base = if file.text.starts_with('\u{FEFF}') {
        3
    } else {
        0
    };
    let input = &file.text[base..];
    let error = |start: usize, end: usize, message: String| LoadError {
        path: file.path.clone(),
        loc: Some(Location::new(id, base + start, base + end)),
        message,
    };
    if file.path.ends_with(".json") {
        return match crate::json::decode_file(input, id, base) {
            Ok(v) => Ok(ParsedFile {
                file: id,
                base,
                syntax: Syntax::Json(v),
            }),
            Err(e) => Err(error(
                e.start,
                e.end,
                format!("invalid JSON: {}", e.message),
            )),
        };
    }
    match hcl_edit::parser::parse_body(input) {
        Ok(body) => Ok(ParsedFile {
            file: id,
            base,
            syntax: Syntax::Hcl(body),
        }),
        Err(e) => {
            let at = e.location().offset().min(input.len());
            let end = input[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            Err(error(at, end, format!("syntax error: {}", e.message())))
        }
    }
}

/// A path as shown to people: relative to the current directory when below it.
pub fn display_path(p: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            let abs = if p.is_absolute() {
                p.to_path_buf()
            } else {
                cwd.join(p)
            };
            abs.strip_prefix(&cwd).ok().map(Path::to_path_buf)
        })
        .unwrap_or_else(|| p.to_path_buf());
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}
