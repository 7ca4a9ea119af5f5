//! Finding, reading and parsing files, and evaluating each root module.
//!
//! Files are read in parallel. Root modules — directories no other module calls — are found
//! from a light scan of `module` sources, then evaluated in parallel, each parsing its own
//! files and dropping them when done (shared module directories are parsed once), so memory
//! holds a few roots' syntax trees at a time rather than the whole tree's. The scan is checked
//! against what evaluation finds: a directory that no evaluated module called is linted as a
//! root after all, and a guessed root that another root calls is dropped. One file that cannot
//! be read or parsed becomes a load error; every other file is still linted.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use iamlint_model::model::Resource;
use iamlint_model::{FileId, LoadError, Location, Model, SourceFile};
use rayon::prelude::*;

use crate::confine::{Boundary, Refused};
use crate::module::{Ctx, ModuleDef, ModuleEnv, Shared};
use crate::policies::Collected;
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
    /// What standard input held, for the path `-` (a plan or state).
    pub stdin: Option<Vec<u8>>,
    /// Where the `.tf` files a plan came from are, to point its findings at them [default: the
    /// working directory, when it has Terraform files].
    pub config_dir: Option<PathBuf>,
    /// Paths (relative to the directory given) not looked for root modules in: `examples/**`.
    /// A module an included root calls is still read, wherever it is.
    pub exclude: Option<globset::GlobSet>,
}

/// Loads the given paths: directories (every root module below them) and files.
pub fn load_paths(paths: &[PathBuf], options: &LoadOptions) -> Model {
    let (mut model, parts) = load_paths_with(paths, options, &|_, part| part);
    // The same resources, in the same order, with their attributes.
    model.resources.clear();
    for part in parts {
        model.policies.extend(part.policies);
        model.resources.extend(part.resources);
    }
    model
}

/// What is done with each root module as soon as it is evaluated: given the root's name as
/// shown (its directory, or the plan's name) and its policies and resources.
pub type PerRoot<'a, T> = dyn Fn(&str, Model) -> T + Sync + 'a;

/// Loads the given paths, handing each root module's policies and resources to `per_root` as
/// soon as the root is evaluated, so that they need not all be held at once. The model returned
/// has everything else (sources, resources without their attributes, coverage, errors,
/// suppressions) but no policies; the results of `per_root` come in root order.
pub fn load_paths_with<T: Send>(
    paths: &[PathBuf],
    options: &LoadOptions,
    per_root: &PerRoot<'_, T>,
) -> (Model, Vec<T>) {
    // One pool for all the work: its threads have room on their stacks for evaluation, which
    // recurses (each recursion bounded), and fewer threads keep fewer allocator heaps.
    let work = || {
        let mut model = Model::default();
        let mut out = Vec::new();
        for path in paths {
            let (m, parts) = if path.as_os_str() == "-" {
                let bytes = options.stdin.clone().unwrap_or_default();
                load_plan(model, "<stdin>".into(), bytes, options, per_root)
            } else if is_plan_path(path) {
                let shown = display_path(path);
                match Boundary::around_file(path).read(path, &shown) {
                    Ok(bytes) => load_plan(model, shown, bytes, options, per_root),
                    Err(Refused(message)) => {
                        model.errors.push(LoadError {
                            path: shown,
                            loc: None,
                            message,
                        });
                        (model, Vec::new())
                    }
                }
            } else {
                load_tree(model, path, options, per_root)
            };
            model = m;
            out.extend(parts);
        }
        (model, out)
    };
    match rayon::ThreadPoolBuilder::new()
        .stack_size(EVAL_STACK)
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

const IN_MEMORY: &str = "/nonexistent/iamlint-in-memory";

/// Stack size of the threads that evaluate root modules.
const EVAL_STACK: usize = 64 << 20;

/// Parses files given as (path, text) into one module, with its shared state.
fn in_memory(files: Vec<(String, String)>) -> (Shared, Vec<ParsedFile>) {
    let mut model = Model::default();
    let ids: Vec<FileId> = files
        .into_iter()
        .map(|(path, text)| model.sources.add(SourceFile::new(path, text)))
        .collect();
    scan_suppressions(&mut model, &ids);
    let parsed = parse_files(&mut model, &ids);
    (
        Shared::new(model, Boundary::new(Path::new(IN_MEMORY))),
        parsed,
    )
}

/// Loads files given as (path, text) as one root module: for tests and rule examples.
pub fn load_sources(files: Vec<(String, String)>) -> Model {
    let (shared, parsed) = in_memory(files);
    let dir = PathBuf::from(IN_MEMORY);
    let refs: Vec<&ParsedFile> = parsed.iter().collect();
    let defs = HashMap::from([(dir.clone(), ModuleDef::new(dir.clone(), ".".into(), &refs))]);
    let collected = {
        let ctx = Ctx::new(&shared, defs);
        evaluate(&ctx, &dir, ".", &HashMap::new(), &VarSources::default())
    };
    finish(shared, vec![collected])
}

/// Evaluates every `local` of a module given as (path, text), in name order: for checking the
/// evaluator against Terraform itself.
pub fn eval_locals(files: Vec<(String, String)>) -> Vec<(String, iamlint_model::Value)> {
    let (shared, parsed) = in_memory(files);
    let dir = PathBuf::from(IN_MEMORY);
    let refs: Vec<&ParsedFile> = parsed.iter().collect();
    let defs = HashMap::from([(dir.clone(), ModuleDef::new(dir.clone(), ".".into(), &refs))]);
    let ctx = Ctx::new(&shared, defs);
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

/// A file given by name that is not Terraform source: a plan or state (its content decides).
fn is_plan_path(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.is_file() && !name.ends_with(".tf") && !name.ends_with(".tf.json")
}

/// Loads a plan or state document as one root; with the configuration it came from, its
/// findings point at the `.tf` files.
fn load_plan<T>(
    mut model: Model,
    name: String,
    bytes: Vec<u8>,
    options: &LoadOptions,
    per_root: &PerRoot<'_, T>,
) -> (Model, Vec<T>) {
    let text = match crate::plan::input::decode(bytes) {
        Ok(text) => text,
        Err(message) => {
            model.errors.push(LoadError {
                path: name,
                loc: None,
                message,
            });
            return (model, Vec::new());
        }
    };
    let file = model.sources.add(SourceFile::new(name.clone(), text));
    let text = model.sources.get(file).text.clone();
    let plan = match crate::plan::Plan::parse(&text) {
        Ok(plan) => plan,
        Err(e) => {
            let source = model.sources.get(file);
            let loc = e.line.map(|(line, column)| {
                let start = source
                    .line_starts()
                    .get(line.saturating_sub(1))
                    .map_or(0, |&s| s as usize)
                    + column.saturating_sub(1);
                let start = start.min(text.len().saturating_sub(1));
                Location::new(file, start, (start + 1).min(text.len()))
            });
            model.errors.push(LoadError {
                path: name,
                loc,
                message: e.message,
            });
            return (model, Vec::new());
        }
    };
    let (model, sources) = match config_dir(options) {
        Some(dir) => load_configuration(model, &dir, plan.variables(), options),
        None => (model, Vec::new()),
    };
    let mut model = model;
    let mut collected = plan.collect(file, &text);
    if !sources.is_empty() {
        crate::plan::locate::onto_sources(&mut collected, &sources);
    }
    let part = split_part(&mut collected);
    collected.into_model(&mut model);
    (model, vec![per_root(&name, part)])
}

/// The directory with the `.tf` files a plan came from: the one given, or the working
/// directory when it has Terraform files.
fn config_dir(options: &LoadOptions) -> Option<PathBuf> {
    let dir = match &options.config_dir {
        Some(dir) => dir.clone(),
        None => PathBuf::from("."),
    };
    let has_terraform = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .any(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.ends_with(".tf") || name.ends_with(".tf.json")
        });
    has_terraform.then_some(dir)
}

/// Evaluates the configuration a plan came from, with the plan's variables, for its locations
/// and its `.tf` expressions. What it adds to the run is its sources and suppressions only: its
/// resources, coverage and errors are the plan's business.
fn load_configuration(
    mut model: Model,
    dir: &Path,
    variables: Vec<(String, String)>,
    options: &LoadOptions,
) -> (Model, Vec<Model>) {
    let resources = std::mem::take(&mut model.resources);
    let coverage = std::mem::take(&mut model.coverage);
    let errors = std::mem::take(&mut model.errors);
    let options = LoadOptions {
        vars: variables,
        recurse: false,
        stdin: None,
        config_dir: None,
        ..options.clone()
    };
    let (mut model, parts) = load_tree(model, dir, &options, &|_, part| part);
    model.resources = resources;
    model.coverage = coverage;
    model.errors = errors;
    (model, parts)
}

/// What the rules see of a root: its policies and its resources with their attributes. The
/// run keeps the resources without attributes.
fn split_part(collected: &mut Collected) -> Model {
    let resources = std::mem::take(&mut collected.resources);
    collected.resources = resources.iter().map(Resource::without_attributes).collect();
    Model {
        policies: std::mem::take(&mut collected.policies),
        resources,
        ..Model::default()
    }
}

/// The files of a tree, and what a light scan says about their module calls.
struct Tree {
    /// Directories with Terraform files (found by the walk, and installed modules), with the
    /// ids of their files.
    files: BTreeMap<PathBuf, Vec<FileId>>,
    /// Local module directories each directory's `module` blocks name.
    calls: HashMap<PathBuf, Vec<PathBuf>>,
    installed: Installed,
    /// Module directories parsed once for every root that calls them.
    parsed: Mutex<HashMap<PathBuf, Arc<Vec<ParsedFile>>>>,
}

fn load_tree<T: Send>(
    mut model: Model,
    path: &Path,
    options: &LoadOptions,
    per_root: &PerRoot<'_, T>,
) -> (Model, Vec<T>) {
    let Ok(canonical) = path.canonicalize() else {
        model.errors.push(LoadError {
            path: display_path(path),
            loc: None,
            message: "no such file or directory".into(),
        });
        return (model, Vec::new());
    };
    // A single file is a module of its own, confined to the directory that holds it (as
    // written: the file may be a link).
    let (confine, dirs) = if canonical.is_file() {
        let confine = Boundary::around_file(path);
        let dir = canonical
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        (confine, BTreeMap::from([(dir, vec![canonical.clone()])]))
    } else {
        (
            Boundary::for_tree(&canonical),
            // Subdirectories are read even without recursion: they may be local modules.
            module_dirs(&canonical, true, &mut model, options.exclude.as_ref()),
        )
    };
    let installed = installed_modules(&dirs, &confine, &mut model);
    let mut all_dirs = dirs.clone();
    for (dir, files) in &installed.dirs {
        all_dirs.entry(dir.clone()).or_insert_with(|| files.clone());
    }
    let mut files = read_files(&all_dirs, &confine, &mut model);
    let mut calls = scan_calls(&files, &confine, &model);
    // Local modules called from outside the directory given (an example calling `../../`),
    // inside the repository: read them too, and what they call in turn. Each directory is
    // looked at once.
    let mut looked: HashSet<PathBuf> = files.keys().cloned().collect();
    loop {
        let new: Vec<PathBuf> = calls
            .values()
            .flatten()
            .filter(|d| looked.insert((*d).clone()))
            .cloned()
            .collect();
        if new.is_empty() {
            break;
        }
        let outside: BTreeMap<PathBuf, Vec<PathBuf>> = new
            .iter()
            .flat_map(|d| module_dirs(d, false, &mut model, None))
            .collect();
        let more = read_files(&outside, &confine, &mut model);
        let more_calls = scan_calls(&more, &confine, &model);
        files.extend(more);
        calls.extend(more_calls);
    }
    let tree = Tree {
        files,
        calls,
        installed,
        parsed: Mutex::default(),
    };

    let guessed: Vec<PathBuf> = if canonical.is_file() {
        dirs.keys().cloned().collect()
    } else if !options.recurse {
        dirs.keys().filter(|d| **d == canonical).cloned().collect()
    } else {
        let called: HashSet<&PathBuf> = tree.calls.values().flatten().collect();
        dirs.keys()
            .filter(|d| !called.contains(d))
            .cloned()
            .collect()
    };
    let vars = VarSources::from_options(options, &mut model);
    let shared = Shared::new(model, confine);
    // Each root's policies go to `per_root` as soon as it is evaluated; what stays is small.
    let evaluate_all = |roots: &[PathBuf]| -> Vec<(PathBuf, Collected, T)> {
        roots
            .par_iter()
            .map(|root| {
                let mut collected = evaluate_root(&shared, &tree, root, &vars);
                let part = split_part(&mut collected);
                let name = display_path(root);
                (root.clone(), collected, per_root(&name, part))
            })
            .collect()
    };
    let mut results = evaluate_all(&guessed);
    if options.recurse && !canonical.is_file() {
        // The scan's guess, checked: directories no evaluated module called are roots too.
        let called = shared
            .called
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let missed: Vec<PathBuf> = dirs
            .keys()
            .filter(|d| !guessed.contains(d) && !called.contains(*d))
            .cloned()
            .collect();
        results.extend(evaluate_all(&missed));
        results.retain(|(root, _, _)| !called.contains(root));
    }
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let (collected, parts): (Vec<Collected>, Vec<T>) =
        results.into_iter().map(|(_, c, t)| (c, t)).unzip();
    (finish(shared, collected), parts)
}

fn finish(shared: Shared, results: Vec<Collected>) -> Model {
    let mut model = shared.into_model();
    for r in results {
        r.into_model(&mut model);
    }
    // Coverage notes and errors arrive in thread order; sorted, they read the same every run.
    model.order_coverage();
    model
        .errors
        .sort_by(|a, b| (&a.path, a.loc, &a.message).cmp(&(&b.path, b.loc, &b.message)));
    model.errors.dedup();
    model
}

type ReadResult = Result<Vec<u8>, Refused>;

/// Reads every file, in parallel, into the source map in a deterministic order. A file that
/// resolves outside the tree (a link out of it) is refused, and its content never read.
fn read_files(
    dirs: &BTreeMap<PathBuf, Vec<PathBuf>>,
    confine: &Boundary,
    model: &mut Model,
) -> BTreeMap<PathBuf, Vec<FileId>> {
    let list: Vec<(&PathBuf, &PathBuf)> = dirs
        .iter()
        .flat_map(|(d, fs)| fs.iter().map(move |f| (d, f)))
        .collect();
    let texts: Vec<(&PathBuf, String, ReadResult)> = list
        .par_iter()
        .map(|(d, f)| {
            let shown = display_path(f);
            let bytes = confine.read(f, &shown);
            (*d, shown, bytes)
        })
        .collect();
    let mut out: BTreeMap<PathBuf, Vec<FileId>> =
        dirs.keys().map(|d| (d.clone(), Vec::new())).collect();
    let mut ids = Vec::new();
    for (dir, shown, bytes) in texts {
        match bytes.map(String::from_utf8) {
            Ok(Ok(text)) => {
                let id = model.sources.add(SourceFile::new(shown, text));
                ids.push(id);
                out.entry(dir.clone()).or_default().push(id);
            }
            Ok(Err(_)) => model.errors.push(LoadError {
                path: shown,
                loc: None,
                message: "the file is not UTF-8 text".into(),
            }),
            Err(Refused(message)) => model.errors.push(LoadError {
                path: shown,
                loc: None,
                message,
            }),
        }
    }
    scan_suppressions(model, &ids);
    out
}

fn scan_suppressions(model: &mut Model, ids: &[FileId]) {
    for &id in ids {
        let file = model.sources.get(id);
        if file.path.ends_with(".tf") {
            let found = crate::suppressions::scan(id, &file.text);
            model.suppressions.extend(found);
        }
    }
}

/// The local module directories each directory calls, by a light scan of its files.
fn scan_calls(
    files: &BTreeMap<PathBuf, Vec<FileId>>,
    confine: &Boundary,
    model: &Model,
) -> HashMap<PathBuf, Vec<PathBuf>> {
    files
        .par_iter()
        .map(|(dir, ids)| {
            let mut called = Vec::new();
            for &id in ids {
                let file = model.sources.get(id);
                let sources = if file.path.ends_with(".json") {
                    crate::json::decode(&file.text, &|_, _| None, &[])
                        .map(|v| crate::calls::module_sources_json(&v))
                        .unwrap_or_default()
                } else {
                    crate::calls::module_sources(&file.text)
                };
                for source in sources.iter().filter(|s| crate::module::is_local_source(s)) {
                    if let Ok(target) = dir.join(source).canonicalize()
                        && confine.contains(&target)
                        && target != *dir
                        && !called.contains(&target)
                    {
                        called.push(target);
                    }
                }
            }
            (dir.clone(), called)
        })
        .collect()
}

/// Parses a directory's files; errors go to the model.
fn parse_dir(shared: &Shared, ids: &[FileId]) -> Vec<ParsedFile> {
    let texts: Vec<(FileId, String, Arc<str>)> = {
        let model = shared.model();
        ids.iter()
            .map(|&id| {
                (
                    id,
                    model.sources.get(id).path.clone(),
                    model.sources.get(id).text.clone(),
                )
            })
            .collect()
    };
    let mut out = Vec::new();
    for (id, path, text) in texts {
        match parse(id, &path, text) {
            Ok(f) => out.push(f),
            Err(e) => shared.model().errors.push(e),
        }
    }
    out
}

/// Parses files into the model (in-memory loading).
fn parse_files(model: &mut Model, ids: &[FileId]) -> Vec<ParsedFile> {
    let mut out = Vec::new();
    for &id in ids {
        let f = model.sources.get(id);
        match parse(id, &f.path.clone(), f.text.clone()) {
            Ok(p) => out.push(p),
            Err(e) => model.errors.push(e),
        }
    }
    out
}

/// Evaluates one root module: parses its own files (dropped when done) and the module
/// directories it may call (parsed once per run, shared).
fn evaluate_root(shared: &Shared, tree: &Tree, root: &Path, vars: &VarSources) -> Collected {
    let own = parse_dir(
        shared,
        tree.files.get(root).map(Vec::as_slice).unwrap_or_default(),
    );
    let installed_here = tree
        .installed
        .by_root
        .get(root)
        .cloned()
        .unwrap_or_default();
    // The module directories this root may reach: local calls, transitively, and what
    // `terraform init` installed for it.
    let mut pending: Vec<PathBuf> = tree.calls.get(root).cloned().unwrap_or_default();
    pending.extend(installed_here.values().cloned());
    let mut reachable: Vec<(PathBuf, Arc<Vec<ParsedFile>>)> = Vec::new();
    while let Some(dir) = pending.pop() {
        if dir == root || reachable.iter().any(|(d, _)| *d == dir) {
            continue;
        }
        let Some(ids) = tree.files.get(&dir) else {
            continue;
        };
        let parsed = {
            let cached = tree
                .parsed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&dir)
                .cloned();
            match cached {
                Some(p) => p,
                None => {
                    let p = Arc::new(parse_dir(shared, ids));
                    tree.parsed
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .entry(dir.clone())
                        .or_insert(p)
                        .clone()
                }
            }
        };
        pending.extend(tree.calls.get(&dir).cloned().unwrap_or_default());
        reachable.push((dir, parsed));
    }
    let mut defs = HashMap::new();
    let own_refs: Vec<&ParsedFile> = own.iter().collect();
    defs.insert(
        root.to_path_buf(),
        ModuleDef::new(root.to_path_buf(), display_path(root), &own_refs),
    );
    for (dir, parsed) in &reachable {
        let refs: Vec<&ParsedFile> = parsed.iter().collect();
        defs.insert(
            dir.clone(),
            ModuleDef::new(dir.clone(), display_path(dir), &refs),
        );
    }
    let ctx = Ctx::new(shared, defs);
    evaluate(&ctx, root, &display_path(root), &installed_here, vars)
}

fn evaluate(
    ctx: &Ctx,
    root: &Path,
    display: &str,
    installed: &HashMap<String, PathBuf>,
    vars: &VarSources,
) -> Collected {
    let Some(def) = ctx.defs.get(root) else {
        return Collected::default();
    };
    let given: HashMap<String, Given> = vars.for_root(root, ctx);
    let values = ModuleEnv::root_vars(ctx, def, &given);
    let env = ModuleEnv::root(ctx, def, display, installed, values);
    let collected = crate::policies::collect(&env);
    for (loc, message) in ctx.budget.trips() {
        let path = match loc {
            Some(l) => ctx.model().sources.get(l.file).path.clone(),
            None => display.to_string(),
        };
        ctx.error(&path, loc, message);
    }
    collected
}

/// Directories never walked into: version control, and what `terraform init` or Terragrunt
/// downloaded or copied (installed modules are read through their manifest instead). Other
/// hidden directories (`.karpenter/`, `.infra/`) hold real configuration and are linted.
const SKIPPED_DIRS: [&str; 5] = [".git", ".terraform", ".terragrunt-cache", ".hg", ".svn"];

/// Directories with `.tf` or `.tf.json` files below `root` (or `root` alone), those of
/// [`SKIPPED_DIRS`] and what `exclude` matches (relative to `root`) left out.
fn module_dirs(
    root: &Path,
    recurse: bool,
    model: &mut Model,
    exclude: Option<&globset::GlobSet>,
) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    let excluded = |path: &Path| {
        exclude.is_some_and(|set| path.strip_prefix(root).is_ok_and(|rel| set.is_match(rel)))
    };
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
            if excluded(&path) {
                continue;
            }
            if kind.is_dir() {
                if recurse && !SKIPPED_DIRS.contains(&name.as_str()) {
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
    confine: &Boundary,
    model: &mut Model,
) -> Installed {
    let mut out = Installed::default();
    for dir in dirs.keys() {
        let manifest = dir.join(".terraform/modules/modules.json");
        if !manifest.exists() {
            continue;
        }
        let shown = display_path(&manifest);
        let text = match confine.read_text(&manifest, &shown) {
            Ok(text) => text,
            Err(Refused(message)) => {
                model.errors.push(LoadError {
                    path: shown,
                    loc: None,
                    message,
                });
                continue;
            }
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
            if !confine.contains(&path) {
                continue;
            }
            let files = module_dirs(&path, false, model, None)
                .remove(&path)
                .unwrap_or_default();
            out.dirs.insert(path.clone(), files);
            keys.insert(key.to_string(), path);
        }
        out.by_root.insert(dir.clone(), keys);
    }
    out
}

/// Parses any file kind — `.tf`, `.tf.json`, `.tfvars`, `.tfvars.json` — the one way: a byte
/// order mark is skipped (offsets still count it), JSON by the name's ending.
pub(crate) fn parse(id: FileId, path: &str, text: Arc<str>) -> Result<ParsedFile, LoadError> {
    let base = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let input: Arc<str> = if base == 0 {
        text.clone()
    } else {
        Arc::from(&text[base..])
    };
    let error = |start: usize, end: usize, message: String| LoadError {
        path: path.to_string(),
        loc: Some(Location::new(id, base + start, base + end)),
        message,
    };
    if path.ends_with(".json") {
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
            // The parser's offset may fall inside a multi-byte character (found by fuzzing):
            // point at the character it is in.
            let mut at = e.offset.min(input.len());
            while !input.is_char_boundary(at) {
                at -= 1;
            }
            let end = input[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            Err(error(at, end, format!("syntax error: {}", e.message)))
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
