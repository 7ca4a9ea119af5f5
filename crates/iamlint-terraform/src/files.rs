//! Finding, reading and parsing files, and evaluating each root module. Files are read and
//! parsed in parallel, each on its own, so that one that cannot be read or parsed becomes a
//! load error while every other file is still linted.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use iamlint_model::{FileId, LoadError, Location, Model, SourceFile};
use rayon::prelude::*;

use crate::module::{Ctx, ModuleDef, ModuleEnv};
use crate::syntax::{ParsedFile, Syntax};
use crate::vars::{Given, VarSources};

/// What the command line adds to the files.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `--var-file`, in order.
    pub var_files: Vec<PathBuf>,
    /// `--var name=value`, in order.
    pub vars: Vec<(String, String)>,
    /// `TF_VAR_name` environment variables.
    pub env_vars: Vec<(String, String)>,
    /// Find every root module below a directory (the default), or lint just the directory.
    pub recurse: bool,
}

/// Loads the given paths: directories (every root module below them) and files.
pub fn load_paths(paths: &[PathBuf], options: &LoadOptions) -> Model {
    let mut model = Model::default();
    for path in paths {
        model = load_tree(model, path, options);
    }
    model
}

/// Loads files given as (path, text) as one root module: for tests and rule examples.
pub fn load_sources(files: Vec<(String, String)>) -> Model {
    let mut model = Model::default();
    let ids: Vec<FileId> = files
        .into_iter()
        .map(|(path, text)| model.sources.add(SourceFile::new(path, text)))
        .collect();
    let parsed = parse_all(&mut model, &ids);
    let files: Vec<&ParsedFile> = parsed.iter().collect();
    let dir = PathBuf::from("/nonexistent/iamlint-in-memory");
    let mut defs = HashMap::new();
    defs.insert(dir.clone(), ModuleDef::new(dir.clone(), ".".into(), &files));
    let ctx = Ctx::new(model, defs, dir.clone());
    let collected = evaluate_root(&ctx, &dir, ".", &HashMap::new(), &VarSources::default());
    let mut model = ctx.model.into_inner().unwrap_or_else(|e| e.into_inner());
    collected.into_model(&mut model);
    sort_diagnostics(&mut model);
    model
}

/// Evaluates every `local` of a module given as (path, text), in name order: for checking the
/// evaluator against Terraform itself.
pub fn eval_locals(files: Vec<(String, String)>) -> Vec<(String, iamlint_model::Value)> {
    let mut model = Model::default();
    let ids: Vec<FileId> = files
        .into_iter()
        .map(|(path, text)| model.sources.add(SourceFile::new(path, text)))
        .collect();
    let parsed = parse_all(&mut model, &ids);
    let files: Vec<&ParsedFile> = parsed.iter().collect();
    let dir = PathBuf::from("/nonexistent/iamlint-in-memory");
    let mut defs = HashMap::new();
    defs.insert(dir.clone(), ModuleDef::new(dir.clone(), ".".into(), &files));
    let ctx = Ctx::new(model, defs, dir.clone());
    let def = &ctx.defs[&dir];
    let installed = HashMap::new();
    let env = ModuleEnv::root(&ctx, def, ".", &installed, HashMap::new());
    let mut names: Vec<&String> = def.locals.keys().collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let v = crate::eval::Scope::lookup(&env, &["local", n], &mut Vec::new())
                .ok()
                .flatten()
                .map(|(v, _)| v);
            (
                n.clone(),
                v.unwrap_or_else(|| iamlint_model::Value::unknown("missing", None)),
            )
        })
        .collect()
}

fn load_tree(mut model: Model, path: &Path, options: &LoadOptions) -> Model {
    let Ok(canonical) = path.canonicalize() else {
        model.errors.push(LoadError {
            path: display_path(path),
            loc: None,
            message: "no such file or directory".into(),
        });
        return model;
    };
    // A single file is a module of its own.
    let (confine, dirs) = if canonical.is_file() {
        let dir = canonical
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        (
            dir.clone(),
            BTreeMap::from([(dir, vec![canonical.clone()])]),
        )
    } else {
        (
            canonical.clone(),
            module_dirs(&canonical, options.recurse, &mut model),
        )
    };
    let installed = installed_modules(&dirs, &confine, &mut model);
    let mut all_dirs = dirs.clone();
    for (dir, files) in &installed.dirs {
        all_dirs.entry(dir.clone()).or_insert_with(|| files.clone());
    }
    // Read and parse every file, in parallel, in a deterministic order.
    let list: Vec<(PathBuf, PathBuf)> = all_dirs
        .iter()
        .flat_map(|(d, fs)| fs.iter().map(move |f| (d.clone(), f.clone())))
        .collect();
    let texts: Vec<(PathBuf, String, std::io::Result<Vec<u8>>)> = list
        .par_iter()
        .map(|(d, f)| (d.clone(), display_path(f), std::fs::read(f)))
        .collect();
    let mut ids: Vec<(PathBuf, FileId)> = Vec::new();
    for (dir, shown, bytes) in texts {
        match bytes.map(String::from_utf8) {
            Ok(Ok(text)) => ids.push((dir, model.sources.add(SourceFile::new(shown, text)))),
            Ok(Err(_)) => model.errors.push(LoadError {
                path: shown,
                loc: None,
                message: "the file is not UTF-8 text".into(),
            }),
            Err(e) => model.errors.push(LoadError {
                path: shown,
                loc: None,
                message: format!("cannot read file: {e}"),
            }),
        }
    }
    let file_ids: Vec<FileId> = ids.iter().map(|(_, id)| *id).collect();
    let parsed = parse_all(&mut model, &file_ids);
    let dir_of: HashMap<FileId, &PathBuf> = ids.iter().map(|(d, id)| (*id, d)).collect();
    let mut by_dir: BTreeMap<PathBuf, Vec<&ParsedFile>> = BTreeMap::new();
    for p in &parsed {
        if let Some(dir) = dir_of.get(&p.file) {
            by_dir.entry((*dir).clone()).or_default().push(p);
        }
    }
    let mut defs = HashMap::new();
    for dir in all_dirs.keys() {
        let files = by_dir.remove(dir).unwrap_or_default();
        defs.insert(
            dir.clone(),
            ModuleDef::new(dir.clone(), display_path(dir), &files),
        );
    }
    let roots = roots(&dirs, &defs, &confine, options.recurse, &canonical);
    let vars = VarSources::from_options(options, &mut model);
    let ctx = Ctx::new(model, defs, confine);
    // Roots are independent: each is evaluated on its own thread, and what they add is merged in
    // root order, so the output is the same whatever the thread count.
    let results: Vec<crate::policies::Collected> = roots
        .par_iter()
        .map(|root| {
            let display = display_path(root);
            let installed_here = installed.by_root.get(root).cloned().unwrap_or_default();
            evaluate_root(&ctx, root, &display, &installed_here, &vars)
        })
        .collect();
    let mut model = ctx.model.into_inner().unwrap_or_else(|e| e.into_inner());
    for r in results {
        r.into_model(&mut model);
    }
    sort_diagnostics(&mut model);
    model
}

/// Coverage notes and errors arrive in thread order; sorted, they read the same every run.
fn sort_diagnostics(model: &mut Model) {
    model
        .coverage
        .sort_by(|a, b| (&a.address, a.loc, &a.message).cmp(&(&b.address, b.loc, &b.message)));
    model.coverage.dedup();
    model
        .errors
        .sort_by(|a, b| (&a.path, a.loc, &a.message).cmp(&(&b.path, b.loc, &b.message)));
    model.errors.dedup();
}

fn evaluate_root(
    ctx: &Ctx,
    root: &Path,
    display: &str,
    installed: &HashMap<String, PathBuf>,
    vars: &VarSources,
) -> crate::policies::Collected {
    let Some(def) = ctx.defs.get(root) else {
        return Default::default();
    };
    let given: HashMap<String, Given> = vars.for_root(root, ctx);
    let values = ModuleEnv::root_vars(ctx, def, &given);
    let env = ModuleEnv::root(ctx, def, display, installed, values);
    crate::policies::collect(&env)
}

/// Directories with `.tf` or `.tf.json` files below `root` (or `root` alone), hidden ones
/// (`.git`, `.terraform`) left out.
fn module_dirs(root: &Path, recurse: bool, model: &mut Model) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                model.errors.push(LoadError {
                    path: display_path(&dir),
                    loc: None,
                    message: format!("cannot read directory: {e}"),
                });
                continue;
            }
        };
        let mut files = Vec::new();
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if recurse && !name.starts_with('.') {
                    pending.push(path);
                }
            } else if (name.ends_with(".tf") || name.ends_with(".tf.json")) && path.is_file() {
                files.push(path);
            }
        }
        if !files.is_empty() {
            files.sort();
            out.insert(dir, files);
        }
    }
    out
}

/// Modules `terraform init` installed, from each root's `.terraform/modules/modules.json`.
#[derive(Default)]
struct Installed {
    dirs: BTreeMap<PathBuf, Vec<PathBuf>>,
    /// Per root: call path (`a.b`) → directory.
    by_root: HashMap<PathBuf, HashMap<String, PathBuf>>,
}

fn installed_modules(
    dirs: &BTreeMap<PathBuf, Vec<PathBuf>>,
    confine: &Path,
    model: &mut Model,
) -> Installed {
    let mut out = Installed::default();
    for dir in dirs.keys() {
        let manifest = dir.join(".terraform/modules/modules.json");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let Ok(json) = crate::json::decode(&text, &|_, _| None, &[]) else {
            model.errors.push(LoadError {
                path: display_path(&manifest),
                loc: None,
                message: "not valid JSON".into(),
            });
            continue;
        };
        let mut keys = HashMap::new();
        let modules = json
            .get("Modules")
            .and_then(|m| {
                if let iamlint_model::Data::List(l) = &m.data {
                    Some(l.clone())
                } else {
                    None
                }
            })
            .unwrap_or_default();
        for m in modules {
            let (Some(key), Some(rel)) = (
                m.get("Key").and_then(|k| k.as_known_str()),
                m.get("Dir").and_then(|d| d.as_known_str()),
            ) else {
                continue;
            };
            if key.is_empty() {
                continue;
            }
            // Confined like everything else: a manifest cannot point outside the tree.
            let Ok(path) = dir.join(rel).canonicalize() else {
                continue;
            };
            if !path.starts_with(confine) {
                continue;
            }
            let files = module_dirs(&path, false, model)
                .remove(&path)
                .unwrap_or_default();
            out.dirs.insert(path.clone(), files);
            keys.insert(key.to_string(), path);
        }
        out.by_root.insert(dir.clone(), keys);
    }
    out
}

/// The root modules: directories no other module in the tree calls. Without recursion, the
/// directory given.
fn roots(
    dirs: &BTreeMap<PathBuf, Vec<PathBuf>>,
    defs: &HashMap<PathBuf, ModuleDef>,
    confine: &Path,
    recurse: bool,
    given: &Path,
) -> Vec<PathBuf> {
    if !recurse || given.is_file() {
        return dirs
            .keys()
            .filter(|d| defs.contains_key(*d))
            .take(1)
            .cloned()
            .collect();
    }
    let mut called = BTreeSet::new();
    for def in defs.values() {
        for (_, target) in def.local_calls() {
            if let Ok(t) = target.canonicalize()
                && t.starts_with(confine)
                && t != def.dir
            {
                called.insert(t);
            }
        }
    }
    dirs.keys()
        .filter(|d| !called.contains(*d))
        .cloned()
        .collect()
}

fn parse_all(model: &mut Model, ids: &[FileId]) -> Vec<ParsedFile> {
    let parsed: Vec<Result<ParsedFile, LoadError>> =
        ids.par_iter().map(|&id| parse(model, id)).collect();
    let mut files = Vec::new();
    for p in parsed {
        match p {
            Ok(f) => files.push(f),
            Err(e) => model.errors.push(e),
        }
    }
    for &id in ids {
        let file = model.sources.get(id);
        if file.path.ends_with(".tf") {
            let found = crate::suppressions::scan(id, &file.text);
            model.suppressions.extend(found);
        }
    }
    files
}

fn parse(model: &Model, id: FileId) -> Result<ParsedFile, LoadError> {
    let file = model.sources.get(id);
    let base = if file.text.starts_with('\u{FEFF}') {
        3
    } else {
        0
    };
    let input: Arc<str> = if base == 0 {
        file.text.clone()
    } else {
        Arc::from(&file.text[base..])
    };
    let error = |start: usize, end: usize, message: String| LoadError {
        path: file.path.clone(),
        loc: Some(Location::new(id, base + start, base + end)),
        message,
    };
    if file.path.ends_with(".json") {
        return match crate::json::decode_file(&input, id, base) {
            Ok(v) => Ok(ParsedFile {
                file: id,
                base,
                input,
                syntax: Syntax::Json(v),
            }),
            Err(e) => Err(error(
                e.start,
                e.end,
                format!("invalid JSON: {}", e.message),
            )),
        };
    }
    match crate::pitfalls::parse_body(&input) {
        Ok(body) => Ok(ParsedFile {
            file: id,
            base,
            input,
            syntax: Syntax::Hcl(body),
        }),
        Err(e) => {
            let at = e.location().offset().min(input.len());
            let end = input[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            Err(error(at, end, format!("syntax error: {}", e.message())))
        }
    }
}

/// A path as shown to people: relative to the current directory (with `..` when outside it),
/// `/`-separated, so that output is the same on every machine.
pub fn display_path(p: &Path) -> String {
    // The working directory, resolved once: this runs for every file.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let Some(cwd) = CWD.get_or_init(|| {
        std::env::current_dir()
            .ok()
            .map(|c| c.canonicalize().unwrap_or(c))
    }) else {
        return p.to_string_lossy().into_owned();
    };
    let cwd = cwd.clone();
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    let abs = normalize(&abs);
    let (a, b): (Vec<_>, Vec<_>) = (abs.components().collect(), cwd.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return abs.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        a[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Removes `.` and resolves `..` lexically.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
