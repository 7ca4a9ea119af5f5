//! Values of root module variables, lowest precedence first: `TF_VAR_*` environment variables,
//! `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in lexical order, then
//! `--var-file` and `--var` as given. Files' values keep their locations.

use std::collections::HashMap;
use std::path::Path;

use iamlint_model::{LoadError, Model, SourceFile, Value};

use crate::confine::{Boundary, Refused};
use crate::eval::{Evaluator, NoScope};
use crate::files::LoadOptions;
use crate::module::Ctx;
use crate::syntax::{BodyRef, Syntax};

/// A variable's value as given: from a file (already a value), or from the command line or
/// environment (text, read as the variable's type asks).
#[derive(Clone, Debug)]
pub enum Given {
    Value(Value),
    Raw(String),
}

#[derive(Default)]
pub struct VarSources {
    env: Vec<(String, Given)>,
    command_line: Vec<(String, Given)>,
}

impl VarSources {
    pub fn from_options(options: &LoadOptions, model: &mut Model) -> Self {
        let env = options
            .env_vars
            .iter()
            .map(|(k, v)| (k.clone(), Given::Raw(v.clone())))
            .collect();
        let mut command_line = Vec::new();
        for file in &options.var_files {
            // Named on the command line (or by the Action's inputs, from a pull request): the
            // file may still be a link, confined to the directory that holds it.
            command_line.extend(read_var_file(file, &Boundary::around_file(file), model));
        }
        command_line.extend(
            options
                .vars
                .iter()
                .map(|(k, v)| (k.clone(), Given::Raw(v.clone()))),
        );
        VarSources { env, command_line }
    }

    pub fn for_root(&self, root: &Path, ctx: &Ctx) -> HashMap<String, Given> {
        let mut out: HashMap<String, Given> = HashMap::new();
        out.extend(self.env.iter().cloned());
        let mut auto: Vec<_> = std::fs::read_dir(root)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.file_name().is_some_and(|n| {
                            let n = n.to_string_lossy();
                            n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        auto.sort();
        let mut files = vec![
            root.join("terraform.tfvars"),
            root.join("terraform.tfvars.json"),
        ];
        files.extend(auto);
        for file in files.iter().filter(|f| f.exists()) {
            let values = read_var_file(file, &ctx.shared.confine, &mut ctx.model());
            out.extend(values);
        }
        out.extend(self.command_line.iter().cloned());
        out
    }
}

/// A `.tfvars` (HCL) or `.tfvars.json` file's assignments.
fn read_var_file(path: &Path, confine: &Boundary, model: &mut Model) -> Vec<(String, Given)> {
    let shown = crate::display_path(path);
    let text = match confine.read_text(path, &shown) {
        Ok(t) => t,
        Err(Refused(why)) => {
            model.errors.push(LoadError {
                path: shown,
                loc: None,
                message: format!("variables file: {why}"),
            });
            return Vec::new();
        }
    };
    var_file_values(shown, text, model)
}

/// The assignments of a variables file's text, parsed as every other file is (a byte order
/// mark, CRLF, `.json` by name): what a broken file gives is a located load error.
pub fn var_file_values(shown: String, text: String, model: &mut Model) -> Vec<(String, Given)> {
    let id = model.sources.add(SourceFile::new(shown.clone(), text));
    let input: std::sync::Arc<str> = model.sources.get(id).text.clone();
    let file = match crate::files::parse(id, &shown, input) {
        Ok(file) => file,
        Err(e) => {
            model.errors.push(e);
            return Vec::new();
        }
    };
    let body = match &file.syntax {
        Syntax::Hcl(b) => BodyRef::Hcl(b),
        Syntax::Json(v) => BodyRef::Json(v.as_object().unwrap_or_default()),
    };
    let scope = NoScope::default();
    let mut ev = Evaluator::new(id, file.base, file.input.clone(), &scope);
    body.attrs(&file)
        .into_iter()
        .map(|(name, a)| (name, Given::Value(ev.eval(a.expr))))
        .collect()
}
