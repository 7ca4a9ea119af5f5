//! Modules as Terraform evaluates them: a module's definitions ([`ModuleDef`], one per
//! directory) and its instances ([`ModuleEnv`]), which resolve `var.`, `local.`, `module.`,
//! `data.` and resource references lazily, each once, with cycles reported instead of followed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::Mutex;

use iamlint_model::model::Mode;
use iamlint_model::{Coverage, Data, Key, LoadError, Location, Model, SourceFile, Value};

use crate::confine::{Boundary, Refused};
use crate::eval::ops::{self, EvalError, Result};
use crate::eval::{Evaluator, FileText, Scope, jsonencode, types};
use crate::syntax::{BlockRef, BodyRef, ExprRef, ParsedFile};
use crate::vars::Given;

/// An expression in a file.
#[derive(Clone, Copy)]
pub struct Def<'a> {
    pub file: &'a ParsedFile,
    pub expr: ExprRef<'a>,
    pub loc: Option<Location>,
}

pub struct VariableDef<'a> {
    pub name: String,
    pub file: &'a ParsedFile,
    pub default: Option<ExprRef<'a>>,
    pub ty: Option<ExprRef<'a>>,
}

/// A `resource` or `data` block.
pub struct BlockDef<'a> {
    pub file: &'a ParsedFile,
    pub mode: Mode,
    pub ty: String,
    pub name: String,
    pub body: BodyRef<'a>,
    pub loc: Option<Location>,
}

/// A `module` block.
pub struct CallDef<'a> {
    pub file: &'a ParsedFile,
    pub name: String,
    pub source: Option<String>,
    pub body: BodyRef<'a>,
    pub loc: Option<Location>,
}

/// What one directory of `.tf` files declares.
pub struct ModuleDef<'a> {
    /// The directory, canonical.
    pub dir: PathBuf,
    /// The directory as shown to people.
    pub display: String,
    pub variables: Vec<VariableDef<'a>>,
    pub locals: HashMap<String, Def<'a>>,
    pub blocks: Vec<BlockDef<'a>>,
    /// Index into `blocks` of managed resources and of data sources, by type then name
    /// (looked up by `&str`, without allocating).
    managed_index: HashMap<String, HashMap<String, usize>>,
    data_index: HashMap<String, HashMap<String, usize>>,
    pub calls: Vec<CallDef<'a>>,
    pub outputs: Vec<(String, Def<'a>)>,
}

/// Nested module calls deeper than this are refused (Terraform has no such limit, but no real
/// configuration comes near it, and a runaway one must not exhaust the stack).
const MAX_MODULE_DEPTH: usize = 64;

/// More instances of one block than this are linted as one symbolic instance, with a note.
const MAX_INSTANCES: usize = 10_000;

/// Arguments of `resource`, `data` and `module` blocks that are Terraform's, not the provider's.
pub const META_ARGUMENTS: [&str; 8] = [
    "count",
    "for_each",
    "provider",
    "providers",
    "depends_on",
    "lifecycle",
    "source",
    "version",
];

impl<'a> ModuleDef<'a> {
    pub fn new(dir: PathBuf, display: String, files: &[&'a ParsedFile]) -> Self {
        let mut def = ModuleDef {
            dir,
            display,
            variables: Vec::new(),
            locals: HashMap::new(),
            blocks: Vec::new(),
            managed_index: HashMap::new(),
            data_index: HashMap::new(),
            calls: Vec::new(),
            outputs: Vec::new(),
        };
        for &file in files {
            for block in file.blocks() {
                def.add(file, block);
            }
        }
        def
    }

    fn add(&mut self, file: &'a ParsedFile, block: BlockRef<'a>) {
        let label = |i: usize| block.labels.get(i).cloned();
        match block.ident.as_str() {
            "variable" => {
                if let Some(name) = label(0) {
                    let default = block.body.attr(file, "default").map(|a| a.expr);
                    let ty = block.body.attr(file, "type").map(|a| a.expr);
                    self.variables.push(VariableDef {
                        name,
                        file,
                        default,
                        ty,
                    });
                }
            }
            "locals" => {
                for (name, attr) in block.body.attrs(file) {
                    self.locals.insert(
                        name,
                        Def {
                            file,
                            expr: attr.expr,
                            loc: attr.key_loc,
                        },
                    );
                }
            }
            "output" => {
                if let (Some(name), Some(value)) = (label(0), block.body.attr(file, "value")) {
                    self.outputs.push((
                        name,
                        Def {
                            file,
                            expr: value.expr,
                            loc: value.key_loc,
                        },
                    ));
                }
            }
            "resource" | "data" => {
                if let (Some(ty), Some(name)) = (label(0), label(1)) {
                    let mode = if block.ident == "data" {
                        Mode::Data
                    } else {
                        Mode::Managed
                    };
                    let index = if mode == Mode::Data {
                        &mut self.data_index
                    } else {
                        &mut self.managed_index
                    };
                    index
                        .entry(ty.clone())
                        .or_default()
                        .entry(name.clone())
                        .or_insert(self.blocks.len());
                    self.blocks.push(BlockDef {
                        file,
                        mode,
                        ty,
                        name,
                        body: block.body,
                        loc: block.loc,
                    });
                }
            }
            "module" => {
                if let Some(name) = label(0) {
                    let source = block.body.attr(file, "source").and_then(|a| {
                        let scope = crate::eval::NoScope::default();
                        let mut ev =
                            Evaluator::new(file.file, file.base, file.input.clone(), &scope);
                        ev.eval(a.expr).as_known_str().map(str::to_string)
                    });
                    self.calls.push(CallDef {
                        file,
                        name,
                        source,
                        body: block.body,
                        loc: block.loc,
                    });
                }
            }
            _ => {}
        }
    }

    /// The `resource` (or `data`) block of a type and name.
    pub fn block(&self, mode: Mode, ty: &str, name: &str) -> Option<usize> {
        let index = if mode == Mode::Data {
            &self.data_index
        } else {
            &self.managed_index
        };
        index.get(ty).and_then(|names| names.get(name)).copied()
    }

    /// Local module sources (`./x`, `../x`), resolved against this module's directory.
    pub fn local_calls(&self) -> impl Iterator<Item = (&CallDef<'a>, PathBuf)> {
        self.calls.iter().filter_map(|c| {
            let source = c.source.as_deref()?;
            is_local_source(source).then(|| (c, self.dir.join(source)))
        })
    }
}

pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

/// What the roots of one run share: the model being built, and files read and parsed once.
pub struct Shared {
    pub model: Mutex<Model>,
    /// What `file()`, templates, module sources and variables files may read.
    pub confine: Boundary,
    /// Files read by `file()`/`templatefile()`, by canonical path.
    read: Mutex<HashMap<PathBuf, FileText>>,
    /// Resource instance objects by their block's location, for their computed attributes.
    instances: Mutex<HashMap<Location, String>>,
    /// Template files, parsed once however often they are used.
    templates: Mutex<HashMap<iamlint_model::FileId, Arc<hcl_edit::template::Template>>>,
    /// Local module directories that some module call resolved to.
    pub called: Mutex<std::collections::HashSet<PathBuf>>,
}

impl Shared {
    pub fn new(model: Model, confine: Boundary) -> Self {
        Shared {
            model: Mutex::new(model),
            confine,
            read: Mutex::default(),
            instances: Mutex::default(),
            templates: Mutex::default(),
            called: Mutex::default(),
        }
    }

    /// The model being built. A poisoned lock means another root's thread panicked; its
    /// data is still sound for ours.
    pub fn model(&self) -> std::sync::MutexGuard<'_, Model> {
        self.model.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn into_model(self) -> Model {
        self.model.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One root module's evaluation: the definitions it can reach, and what the run shares.
pub struct Ctx<'a> {
    pub shared: &'a Shared,
    pub defs: HashMap<PathBuf, ModuleDef<'a>>,
    /// How many locals, blocks and module calls are being evaluated inside each other: a
    /// chain of references deeper than [`MAX_REFERENCE_DEPTH`] is refused, not followed until
    /// the stack runs out.
    depth: std::cell::Cell<usize>,
    /// What this root module's evaluation may still build.
    pub budget: crate::eval::Budget,
}

/// References nested deeper than this (`local.a` → `local.b` → …) are refused.
const MAX_REFERENCE_DEPTH: usize = 200;

impl<'a> Ctx<'a> {
    pub fn new(shared: &'a Shared, defs: HashMap<PathBuf, ModuleDef<'a>>) -> Self {
        Ctx {
            shared,
            defs,
            depth: std::cell::Cell::new(0),
            budget: crate::eval::Budget::default(),
        }
    }

    pub fn model(&self) -> std::sync::MutexGuard<'_, Model> {
        self.shared.model()
    }

    /// An attribute a resource instance object lacks is one its provider computes
    /// (`aws_iam_role.app.unique_id`): unknown, named after it. Any other object has none.
    pub fn computed_attribute(&self, object: &Value, name: &str) -> Option<Value> {
        let loc = object.loc?;
        let address = locked(&self.shared.instances).get(&loc).cloned()?;
        Some(Value::unknown(format!("{address}.{name}"), Some(loc)))
    }

    /// Runs `f` one reference deeper, or fails when references nest too deeply.
    fn deeper<T>(&self, loc: Option<Location>, f: impl FnOnce() -> T) -> Result<T> {
        let depth = self.depth.get();
        if depth >= MAX_REFERENCE_DEPTH {
            return Err(EvalError::new(
                format!("references nest more than {MAX_REFERENCE_DEPTH} deep"),
                loc,
            ));
        }
        self.depth.set(depth + 1);
        let out = f();
        self.depth.set(depth);
        Ok(out)
    }

    pub fn error(&self, path: &str, loc: Option<Location>, message: String) {
        self.model().errors.push(LoadError {
            path: path.to_string(),
            loc,
            message,
        });
    }

    pub fn coverage(&self, address: &str, loc: Option<Location>, message: String) {
        self.model().coverage.push(Coverage {
            address: address.to_string(),
            message,
            loc,
        });
    }

    /// Canonicalizes `path` and checks it stays inside the linted tree. `written` is the path
    /// as the configuration wrote it, for messages.
    pub fn confined(&self, path: &Path, written: &str, loc: Option<Location>) -> Result<PathBuf> {
        self.shared
            .confine
            .resolve(path, written)
            .map_err(|Refused(why)| EvalError::new(why, loc))
    }

    fn read_file(&self, path: &Path, written: &str, loc: Option<Location>) -> Result<FileText> {
        let canonical = self.confined(path, written, loc)?;
        if let Some(f) = locked(&self.shared.read).get(&canonical) {
            return Ok(f.clone());
        }
        let bytes = crate::confine::read_regular(&canonical, written)
            .map_err(|Refused(why)| EvalError::new(why, loc))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| EvalError::new(format!("\"{written}\" is not UTF-8 text"), loc))?;
        let text: Arc<str> = text.into();
        let mut read = locked(&self.shared.read);
        // Another root's thread may have read it meanwhile: one file, one id.
        if let Some(f) = read.get(&canonical) {
            return Ok(f.clone());
        }
        let file = self.model().sources.add(SourceFile::new(
            crate::display_path(&canonical),
            text.clone(),
        ));
        let out = FileText { file, text };
        read.insert(canonical, out.clone());
        Ok(out)
    }
}

/// A resource, data source or module instance key.
#[derive(Clone, Debug, PartialEq)]
pub enum InstanceKey {
    None,
    Index(usize),
    Name(String),
    /// `count`/`for_each` not known: one instance stands for all.
    Unknown,
}

impl InstanceKey {
    pub fn suffix(&self) -> String {
        match self {
            InstanceKey::None => String::new(),
            InstanceKey::Index(i) => format!("[{i}]"),
            InstanceKey::Name(n) => {
                format!("[\"{}\"]", n.replace('\\', "\\\\").replace('"', "\\\""))
            }
            InstanceKey::Unknown => "[*]".to_string(),
        }
    }
}

#[derive(Clone)]
pub struct Instance {
    pub address: String,
    pub key: InstanceKey,
    pub value: Value,
}

/// Lazily computed, once.
enum Slot<T> {
    InProgress,
    Done(T, Vec<String>),
}

/// How a block repeats (`count`, `for_each`), with the bindings of each instance.
struct Repetition {
    keys: Vec<(InstanceKey, Vec<(String, Value)>)>,
    /// `count` (a list of instances) or `for_each` (a map): how references see them.
    kind: RepeatKind,
}

#[derive(Clone, Copy, PartialEq)]
enum RepeatKind {
    Single,
    Count,
    ForEach,
    Unknown,
}

/// A block's instances, and how references see them.
type Instances = (RepeatKind, Vec<Instance>);
/// A module call's instances: child module environments.
type Children<'a> = (RepeatKind, Vec<(InstanceKey, Rc<ModuleEnv<'a>>)>);

pub struct ModuleEnv<'a> {
    ctx: &'a Ctx<'a>,
    pub def: &'a ModuleDef<'a>,
    /// `""` for the root, `module.a["k"].` for a child.
    pub prefix: String,
    /// The call path for `modules.json` keys: `a.b`.
    key_path: String,
    /// The module directories from the root down to this module's caller: a call back into
    /// one of them is a cycle.
    ancestors: Vec<PathBuf>,
    root_dir: &'a Path,
    root_display: &'a str,
    installed: &'a HashMap<String, PathBuf>,
    vars: HashMap<String, Value>,
    locals: RefCell<HashMap<String, Slot<Value>>>,
    blocks: RefCell<HashMap<usize, Slot<Instances>>>,
    calls: RefCell<HashMap<usize, Slot<Children<'a>>>>,
    /// `module.x` as references see it (its outputs), by call.
    call_values: RefCell<HashMap<usize, (Value, Vec<String>)>>,
}

impl<'a> ModuleEnv<'a> {
    pub fn root(
        ctx: &'a Ctx<'a>,
        def: &'a ModuleDef<'a>,
        root_display: &'a str,
        installed: &'a HashMap<String, PathBuf>,
        vars: HashMap<String, Value>,
    ) -> Self {
        ModuleEnv {
            ctx,
            def,
            prefix: String::new(),
            key_path: String::new(),
            ancestors: Vec::new(),
            root_dir: &def.dir,
            root_display,
            installed,
            vars,
            locals: RefCell::default(),
            blocks: RefCell::default(),
            calls: RefCell::default(),
            call_values: RefCell::default(),
        }
    }

    pub fn evaluator(&self, file: &'a ParsedFile) -> Evaluator<'_> {
        Evaluator::new(file.file, file.base, file.input.clone(), self)
    }

    /// The root module's variables from their values (tfvars, `--var`, …) and defaults.
    pub fn root_vars(
        ctx: &Ctx,
        def: &'a ModuleDef<'a>,
        given: &HashMap<String, Given>,
    ) -> HashMap<String, Value> {
        let scope = crate::eval::NoScope::default();
        let mut out = HashMap::new();
        for v in &def.variables {
            let mut ev = Evaluator::new(v.file.file, v.file.base, v.file.input.clone(), &scope);
            let value = match (given.get(&v.name), v.default) {
                (Some(Given::Value(value)), _) => value.clone(),
                (Some(Given::Raw(text)), _) => raw_value(text, v, &mut ev),
                (None, Some(d)) => ev.eval(d),
                (None, None) => Value::unknown(format!("var.{}", v.name), None),
            };
            out.insert(v.name.clone(), typed(ctx, v, value, &mut ev));
        }
        out
    }

    /// Every resource instance of this module, and of its child modules, in order, with what
    /// could not be evaluated in its block.
    pub fn walk(&self, visit: &mut dyn FnMut(&BlockDef<'a>, &Instance, &[String])) {
        for (i, block) in self.def.blocks.iter().enumerate() {
            self.compute_block(i);
            if let Some(Slot::Done((_, instances), notes)) = self.blocks.borrow().get(&i) {
                for inst in instances {
                    visit(block, inst, notes);
                }
            }
        }
        for i in 0..self.def.calls.len() {
            let (_, children) = self.call_instances(i);
            for (_, child) in children {
                child.walk(visit);
            }
        }
    }

    fn local(&self, name: &str, notes: &mut Vec<String>) -> Result<Option<Value>> {
        let Some(def) = self.def.locals.get(name) else {
            return Ok(None);
        };
        match self.locals.borrow().get(name) {
            Some(Slot::Done(v, n)) => {
                notes.extend(n.iter().cloned());
                return Ok(Some(v.clone()));
            }
            Some(Slot::InProgress) => {
                let message = format!("local.{name} refers to itself");
                let path = self.ctx.model().sources.get(def.file.file).path.clone();
                self.ctx.error(&path, def.loc, message.clone());
                return Err(EvalError::new(message, def.loc));
            }
            None => {}
        }
        self.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::InProgress);
        let mut ev = self.evaluator(def.file);
        let v = match self.ctx.deeper(def.loc, || ev.eval(def.expr)) {
            Ok(v) => v,
            Err(e) => {
                self.locals.borrow_mut().remove(name);
                return Err(e);
            }
        };
        notes.extend(ev.notes.iter().cloned());
        self.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(v.clone(), ev.notes));
        Ok(Some(v))
    }

    /// How a block repeats: its instance keys and what each binds.
    fn repetition(
        &self,
        file: &'a ParsedFile,
        body: BodyRef<'a>,
        address: &str,
        loc: Option<Location>,
        notes: &mut Vec<String>,
    ) -> Repetition {
        let mut ev = self.evaluator(file);
        let single = Repetition {
            keys: vec![(InstanceKey::None, Vec::new())],
            kind: RepeatKind::Single,
        };
        let unknown = |what: &str, why: &str| {
            self.ctx.coverage(
                address,
                loc,
                format!("`{what}` {why}: one instance `{address}[*]` stands for all"),
            );
            Repetition {
                keys: vec![(
                    InstanceKey::Unknown,
                    vec![(
                        what.to_string(),
                        Value::unknown(format!("{what} of {address}"), loc),
                    )],
                )],
                kind: RepeatKind::Unknown,
            }
        };
        if let Some(count) = body.attr(file, "count") {
            let v = ev.eval(count.expr);
            notes.append(&mut ev.notes);
            return match ops::to_number(&v) {
                Ok(Some(n)) if n > MAX_INSTANCES as f64 => unknown(
                    "count",
                    &format!("makes {n} instances, more than iamlint expands ({MAX_INSTANCES})"),
                ),
                Ok(Some(n)) if n >= 0.0 && n.fract() == 0.0 => Repetition {
                    keys: (0..n as usize)
                        .map(|i| {
                            (
                                InstanceKey::Index(i),
                                vec![(
                                    "count".to_string(),
                                    ops::object(
                                        vec![(ops::key("index"), ops::number(i as f64, None))],
                                        None,
                                    ),
                                )],
                            )
                        })
                        .collect(),
                    kind: RepeatKind::Count,
                },
                Ok(None) => unknown("count", &format!("depends on {}", origin_of(&v))),
                _ => {
                    self.ctx.coverage(
                        address,
                        loc,
                        format!("`count` is not a whole number: {}", v.type_name()),
                    );
                    Repetition {
                        keys: Vec::new(),
                        kind: RepeatKind::Count,
                    }
                }
            };
        }
        if let Some(for_each) = body.attr(file, "for_each") {
            let v = ev.eval(for_each.expr);
            notes.append(&mut ev.notes);
            let pairs: Vec<(String, Value)> = match &v.data {
                Data::Object(entries) => entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.clone()))
                    .collect(),
                Data::List(items) => {
                    let mut keys = Vec::new();
                    for item in items {
                        match ops::to_str(item) {
                            Ok(Some(s)) => keys.push((s.clone(), item.clone())),
                            _ => {
                                return unknown(
                                    "for_each",
                                    &format!("depends on {}", origin_of(item)),
                                );
                            }
                        }
                    }
                    keys
                }
                Data::Null => Vec::new(),
                _ => return unknown("for_each", &format!("depends on {}", origin_of(&v))),
            };
            if pairs.len() > MAX_INSTANCES {
                return unknown(
                    "for_each",
                    &format!(
                        "makes {} instances, more than iamlint expands ({MAX_INSTANCES})",
                        pairs.len()
                    ),
                );
            }
            let mut keys: Vec<(InstanceKey, Vec<(String, Value)>)> = Vec::new();
            for (k, value) in pairs {
                if keys
                    .iter()
                    .any(|(existing, _)| *existing == InstanceKey::Name(k.clone()))
                {
                    continue;
                }
                let each = ops::object(
                    vec![
                        (ops::key("key"), ops::string(k.clone(), value.loc)),
                        (ops::key("value"), value),
                    ],
                    None,
                );
                keys.push((InstanceKey::Name(k), vec![("each".to_string(), each)]));
            }
            return Repetition {
                keys,
                kind: RepeatKind::ForEach,
            };
        }
        single
    }

    /// A `resource`/`data` block's instances, evaluated once.
    /// Evaluates a block's instances once and remembers them.
    fn compute_block(&self, index: usize) {
        if self.blocks.borrow().contains_key(&index) {
            return;
        }
        self.blocks.borrow_mut().insert(index, Slot::InProgress);
        let b = &self.def.blocks[index];
        let base = match b.mode {
            Mode::Managed => format!("{}{}.{}", self.prefix, b.ty, b.name),
            Mode::Data => format!("{}data.{}.{}", self.prefix, b.ty, b.name),
        };
        let mut notes = Vec::new();
        let rep = self.repetition(b.file, b.body, &base, b.loc, &mut notes);
        let mut instances = Vec::new();
        for (key, bindings) in rep.keys {
            let address = format!("{base}{}", key.suffix());
            let mut ev = self.evaluator(b.file);
            for (name, value) in bindings {
                ev.bind(name, value);
            }
            let mut value = eval_body(&mut ev, b.file, b.body, b.loc);
            if b.mode == Mode::Data {
                unset_nulls(&mut value);
            }
            add_known_attributes(b, &address, &mut value, &mut ev);
            notes.append(&mut ev.notes);
            if let Some(loc) = b.loc {
                locked(&self.ctx.shared.instances).insert(loc, base.clone());
            }
            instances.push(Instance {
                address,
                key,
                value,
            });
        }
        self.blocks
            .borrow_mut()
            .insert(index, Slot::Done((rep.kind, instances), notes));
    }

    /// A `module` block's instances, each a child module environment.
    fn call_instances(&self, index: usize) -> Children<'a> {
        match self.calls.borrow().get(&index) {
            Some(Slot::Done(v, _)) => return v.clone(),
            Some(Slot::InProgress) => return (RepeatKind::Unknown, Vec::new()),
            None => {}
        }
        self.calls.borrow_mut().insert(index, Slot::InProgress);
        let c = &self.def.calls[index];
        let address = format!("{}module.{}", self.prefix, c.name);
        let key_path = if self.key_path.is_empty() {
            c.name.clone()
        } else {
            format!("{}.{}", self.key_path, c.name)
        };
        let mut notes = Vec::new();
        let mut children = Vec::new();
        let mut kind = RepeatKind::Single;
        if let Some(def) = self.module_dir(c, &key_path, &address) {
            let rep = self.repetition(c.file, c.body, &address, c.loc, &mut notes);
            kind = rep.kind;
            for (key, bindings) in rep.keys {
                let mut ev = self.evaluator(c.file);
                for (name, value) in bindings {
                    ev.bind(name, value);
                }
                let inputs: HashMap<String, Value> = c
                    .body
                    .attrs(c.file)
                    .into_iter()
                    .filter(|(name, _)| !META_ARGUMENTS.contains(&name.as_str()))
                    .map(|(name, a)| (name, ev.eval(a.expr)))
                    .collect();
                notes.append(&mut ev.notes);
                let child = ModuleEnv {
                    ctx: self.ctx,
                    def,
                    prefix: format!("{address}{}.", key.suffix()),
                    key_path: key_path.clone(),
                    ancestors: [self.ancestors.clone(), vec![self.def.dir.clone()]].concat(),
                    root_dir: self.root_dir,
                    root_display: self.root_display,
                    installed: self.installed,
                    vars: HashMap::new(),
                    locals: RefCell::default(),
                    blocks: RefCell::default(),
                    calls: RefCell::default(),
                    call_values: RefCell::default(),
                };
                let vars = child.child_vars(&inputs);
                children.push((key, Rc::new(ModuleEnv { vars, ..child })));
            }
        }
        let out = (kind, children);
        self.calls
            .borrow_mut()
            .insert(index, Slot::Done(out.clone(), notes));
        out
    }

    fn child_vars(&self, inputs: &HashMap<String, Value>) -> HashMap<String, Value> {
        let mut out = HashMap::new();
        for v in &self.def.variables {
            let mut ev = self.evaluator(v.file);
            let value = match (inputs.get(&v.name), v.default) {
                (Some(x), _) if !matches!(x.data, Data::Null) => x.clone(),
                (_, Some(d)) => ev.eval(d),
                (Some(x), None) => x.clone(),
                (None, None) => Value::unknown(format!("{}var.{}", self.prefix, v.name), None),
            };
            out.insert(v.name.clone(), typed(self.ctx, v, value, &mut ev));
        }
        out
    }

    /// The module a call's `source` names: a local directory, or one `terraform init`
    /// installed (`.terraform/modules/modules.json`). iamlint never downloads anything.
    fn module_dir(
        &self,
        c: &CallDef<'a>,
        key_path: &str,
        address: &str,
    ) -> Option<&'a ModuleDef<'a>> {
        let source = c.source.as_deref().unwrap_or("");
        let dir = if is_local_source(source) {
            match self.ctx.confined(&self.def.dir.join(source), source, c.loc) {
                Ok(d) => d,
                Err(e) => {
                    let path = self.ctx.model().sources.get(c.file.file).path.clone();
                    self.ctx.error(
                        &path,
                        c.loc,
                        format!("module \"{}\": {}", c.name, e.message),
                    );
                    return None;
                }
            }
        } else {
            match self.installed.get(key_path) {
                Some(d) => d.clone(),
                None => {
                    self.ctx.coverage(address, c.loc, format!("module source \"{source}\" is not installed (run `terraform init` to lint it)"));
                    return None;
                }
            }
        };
        if self.ancestors.len() >= MAX_MODULE_DEPTH
            && dir != self.def.dir
            && !self.ancestors.contains(&dir)
        {
            // Deep, not circular: a limit of ours, not an error in the configuration.
            self.ctx.coverage(
                address,
                c.loc,
                format!(
                    "modules nest more than {MAX_MODULE_DEPTH} calls deep here; iamlint does not follow them further"
                ),
            );
            return None;
        }
        if dir == self.def.dir || self.ancestors.contains(&dir) {
            let path = self.ctx.model().sources.get(c.file.file).path.clone();
            let message = format!(
                "module \"{}\" calls a module that is already calling it (source \"{source}\"): Terraform rejects module cycles",
                c.name
            );
            self.ctx.error(&path, c.loc, message);
            return None;
        }
        if is_local_source(source) {
            // A module that another calls is no root of its own (see files.rs).
            locked(&self.ctx.shared.called).insert(dir.clone());
        }
        match self.ctx.defs.get(&dir) {
            Some(def) => Some(def),
            None => {
                self.ctx.coverage(
                    address,
                    c.loc,
                    format!("module source \"{source}\" has no Terraform files"),
                );
                None
            }
        }
    }

    fn module_value(&self, index: usize, notes: &mut Vec<String>) -> Value {
        if let Some((v, n)) = self.call_values.borrow().get(&index) {
            notes.extend(n.iter().cloned());
            return v.clone();
        }
        let mut own = Vec::new();
        let c = &self.def.calls[index];
        let v = self
            .ctx
            .deeper(c.loc, || self.module_value_uncached(index, &mut own))
            .unwrap_or_else(|_| {
                Value::unknown(
                    format!("module.{} (references nest too deeply)", c.name),
                    c.loc,
                )
            });
        notes.extend(own.iter().cloned());
        self.call_values
            .borrow_mut()
            .insert(index, (v.clone(), own));
        v
    }

    fn module_value_uncached(&self, index: usize, notes: &mut Vec<String>) -> Value {
        let c = &self.def.calls[index];
        let (kind, children) = self.call_instances(index);
        if children.is_empty() && kind == RepeatKind::Single {
            return Value::unknown(format!("{}module.{}", self.prefix, c.name), c.loc);
        }
        let outputs = |child: &ModuleEnv<'a>, notes: &mut Vec<String>| {
            let entries = child
                .def
                .outputs
                .iter()
                .map(|(name, def)| {
                    let mut ev = child.evaluator(def.file);
                    let v = ev.eval(def.expr);
                    notes.append(&mut ev.notes);
                    (
                        Key {
                            name: name.clone(),
                            loc: def.loc,
                        },
                        v,
                    )
                })
                .collect();
            ops::object(entries, c.loc)
        };
        repeated_value(
            kind,
            children
                .iter()
                .map(|(k, child)| (k.clone(), outputs(child, notes)))
                .collect(),
            c.loc,
            &format!("module.{}", c.name),
        )
    }

    /// A block as references see it; when it is a single instance and `attr` names one of its
    /// attributes, just that attribute (and `1` more name used) — no copy of the whole object.
    fn block_value(
        &self,
        index: usize,
        attr: Option<&str>,
        notes: &mut Vec<String>,
    ) -> (Value, usize) {
        let b = &self.def.blocks[index];
        if self
            .ctx
            .deeper(b.loc, || self.compute_block(index))
            .is_err()
        {
            let origin = format!("{}.{} (references nest too deeply)", b.ty, b.name);
            return (Value::unknown(origin, b.loc), 0);
        }
        let memo = self.blocks.borrow();
        let Some(Slot::Done((kind, instances), n)) = memo.get(&index) else {
            // Still being evaluated: a reference to itself.
            return (Value::unknown(format!("{}.{}", b.ty, b.name), b.loc), 0);
        };
        notes.extend(n.iter().cloned());
        if let (RepeatKind::Single, Some(a), [inst]) = (kind, attr, instances.as_slice()) {
            let value = inst
                .value
                .get(a)
                .cloned()
                .unwrap_or_else(|| Value::unknown(format!("{}.{a}", inst.address), b.loc));
            return (value, 1);
        }
        let value = repeated_value(
            *kind,
            instances
                .iter()
                .map(|i| (i.key.clone(), i.value.clone()))
                .collect(),
            b.loc,
            &format!("{}.{}", b.ty, b.name),
        );
        (value, 0)
    }
}

/// How references see a repeated thing: one object, a list (`count`), a map (`for_each`).
fn repeated_value(
    kind: RepeatKind,
    instances: Vec<(InstanceKey, Value)>,
    loc: Option<Location>,
    origin: &str,
) -> Value {
    match kind {
        RepeatKind::Single => instances
            .into_iter()
            .next()
            .map_or(Value::new(Data::Null, loc), |(_, v)| v),
        RepeatKind::Count => ops::list(instances.into_iter().map(|(_, v)| v).collect(), loc),
        RepeatKind::ForEach => ops::object(
            instances
                .into_iter()
                .map(|(k, v)| {
                    let name = match k {
                        InstanceKey::Name(n) => n,
                        other => other.suffix(),
                    };
                    (ops::key(name), v)
                })
                .collect(),
            loc,
        ),
        RepeatKind::Unknown => Value::unknown(origin.to_string(), loc),
    }
}

fn origin_of(v: &Value) -> String {
    v.first_unknown().map_or_else(
        || "an unknown value".to_string(),
        |u| format!("`{}`", u.origin),
    )
}

/// A value from the command line or the environment: the text itself for a string (or an
/// untyped) variable, else an HCL expression, as Terraform reads it.
fn raw_value(text: &str, v: &VariableDef, ev: &mut Evaluator) -> Value {
    let ty = match v.ty {
        Some(ExprRef::Hcl(t)) => types::parse(t, ev),
        _ => None,
    };
    if matches!(ty, None | Some(types::Type::String)) {
        return ops::string(text, None);
    }
    match hcl_edit::parser::parse_expr(text) {
        Ok(expr) => {
            let scope = crate::eval::NoScope::default();
            let mut inner = Evaluator::new(v.file.file, 0, Arc::from(text), &scope);
            let mut value = inner.eval(ExprRef::Hcl(&expr));
            value.loc = None;
            value
        }
        Err(e) => Value::unknown(
            format!(
                "var.{} (the value given does not parse: {})",
                v.name,
                e.message()
            ),
            None,
        ),
    }
}

/// Applies a variable's type constraint; a value that does not convert is reported.
fn typed(ctx: &Ctx, v: &VariableDef, value: Value, ev: &mut Evaluator) -> Value {
    let Some(ExprRef::Hcl(ty)) = v.ty else {
        return value;
    };
    let Some(ty) = types::parse(ty, ev) else {
        return value;
    };
    let computed = |object: &Value, name: &str| ctx.computed_attribute(object, name);
    match types::convert_with(value, &ty, &computed) {
        Ok(converted) => converted,
        Err(e) => {
            // Where the value that does not fit is written (a caller's module block, a tfvars
            // file), else the variable's declaration: a path and a line of the same file.
            let file = e.loc.map_or(v.file.file, |l| l.file);
            let path = ctx.model().sources.get(file).path.clone();
            ctx.error(&path, e.loc, format!("var.{}: {}", v.name, e.message));
            Value::unknown(format!("var.{}", v.name), e.loc)
        }
    }
}

impl Scope for ModuleEnv<'_> {
    fn budget(&self) -> &crate::eval::Budget {
        &self.ctx.budget
    }

    fn lookup(&self, names: &[&str], notes: &mut Vec<String>) -> Result<Option<(Value, usize)>> {
        let attr = |i: usize| names.get(i).copied();
        match names[0] {
            "var" => Ok(attr(1)
                .and_then(|n| self.vars.get(n))
                .map(|v| (v.clone(), 2))),
            "local" => match attr(1) {
                Some(n) => Ok(self.local(n, notes)?.map(|v| (v, 2))),
                None => Ok(None),
            },
            "path" => {
                let path = ops::object(
                    vec![
                        (ops::key("module"), ops::string(self.module_path(), None)),
                        (ops::key("root"), ops::string(".", None)),
                        (ops::key("cwd"), ops::string(self.root_display, None)),
                    ],
                    None,
                );
                Ok(Some((path, 1)))
            }
            "terraform" => Ok(Some((
                ops::object(
                    vec![(ops::key("workspace"), ops::string("default", None))],
                    None,
                ),
                1,
            ))),
            "self" | "each" | "count" => Ok(Some((Value::unknown(names[0], None), 1))),
            "module" => {
                let Some(name) = attr(1) else { return Ok(None) };
                Ok(self
                    .def
                    .calls
                    .iter()
                    .position(|c| c.name == name)
                    .map(|i| (self.module_value(i, notes), 2)))
            }
            "data" => {
                let (Some(ty), Some(name)) = (attr(1), attr(2)) else {
                    return Ok(None);
                };
                let found = self.def.block(Mode::Data, ty, name);
                Ok(found.map(|i| {
                    let (v, more) = self.block_value(i, attr(3), notes);
                    (v, 3 + more)
                }))
            }
            ty => {
                let Some(name) = attr(1) else { return Ok(None) };
                let found = self.def.block(Mode::Managed, ty, name);
                Ok(found.map(|i| {
                    let (v, more) = self.block_value(i, attr(2), notes);
                    (v, 2 + more)
                }))
            }
        }
    }

    fn open_attr(&self, object: &Value, name: &str) -> Option<Value> {
        self.ctx.computed_attribute(object, name)
    }

    fn read_file(&self, path: &str, loc: Option<Location>) -> Result<FileText> {
        // Terraform resolves relative paths against the directory it runs in: the root module.
        self.ctx.read_file(&self.root_dir.join(path), path, loc)
    }

    fn parsed_template(
        &self,
        file: &FileText,
    ) -> std::result::Result<Arc<hcl_edit::template::Template>, String> {
        if let Some(t) = locked(&self.ctx.shared.templates).get(&file.file) {
            return Ok(t.clone());
        }
        let t = Arc::new(crate::pitfalls::parse_template(&file.text).map_err(|e| e.message)?);
        locked(&self.ctx.shared.templates).insert(file.file, t.clone());
        Ok(t)
    }
}

impl ModuleEnv<'_> {
    /// `path.module`: this module's directory relative to the root module.
    fn module_path(&self) -> String {
        match self.def.dir.strip_prefix(self.root_dir) {
            Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
            Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
            Err(_) => self.def.display.clone(),
        }
    }
}

/// A block's body as a value: attributes, and nested blocks as lists of objects under their
/// name, `dynamic` blocks expanded.
pub fn eval_body(
    ev: &mut Evaluator,
    file: &ParsedFile,
    body: BodyRef,
    loc: Option<Location>,
) -> Value {
    let mut entries: Vec<(Key, Value)> = Vec::new();
    for (name, attr) in body.attrs(file) {
        if META_ARGUMENTS.contains(&name.as_str()) {
            continue;
        }
        if name == "dynamic" {
            // `.tf.json`: {"dynamic": {"statement": {...}}}
            if let ExprRef::Json(v) = attr.expr {
                for (label, spec) in v.as_object().unwrap_or_default() {
                    if let Some(spec) = spec.as_object() {
                        dynamic(
                            ev,
                            file,
                            &label.name,
                            BodyRef::Json(spec),
                            spec_loc(v),
                            &mut entries,
                        );
                    }
                }
            }
            continue;
        }
        let v = ev.eval(attr.expr);
        entries.push((
            Key {
                name,
                loc: attr.key_loc,
            },
            v,
        ));
    }
    for block in body.blocks(file, None) {
        if block.ident == "dynamic" {
            if let Some(label) = block.labels.first() {
                dynamic(ev, file, label, block.body, block.loc, &mut entries);
            }
            continue;
        }
        if META_ARGUMENTS.contains(&block.ident.as_str())
            || matches!(block.ident.as_str(), "provisioner" | "connection")
        {
            continue;
        }
        let v = eval_body(ev, file, block.body, block.loc);
        push_block(&mut entries, &block.ident, block.loc, v);
    }
    ops::object(entries, loc)
}

fn spec_loc(v: &Value) -> Option<Location> {
    v.loc
}

fn push_block(entries: &mut Vec<(Key, Value)>, name: &str, loc: Option<Location>, v: Value) {
    match entries.iter_mut().find(|(k, _)| k.name == name) {
        Some((
            _,
            Value {
                data: Data::List(items),
                ..
            },
        )) => items.push(v),
        _ => entries.push((
            Key {
                name: name.to_string(),
                loc,
            },
            ops::list(vec![v], loc),
        )),
    }
}

/// `dynamic "label" { for_each = …, iterator = it, content { … } }`.
fn dynamic(
    ev: &mut Evaluator,
    file: &ParsedFile,
    label: &str,
    spec: BodyRef,
    loc: Option<Location>,
    entries: &mut Vec<(Key, Value)>,
) {
    let iterator = spec
        .attr(file, "iterator")
        .and_then(|a| match a.expr {
            ExprRef::Hcl(hcl_edit::expr::Expression::Variable(v)) => Some(v.as_str().to_string()),
            other => ev.eval(other).as_known_str().map(str::to_string),
        })
        .unwrap_or_else(|| label.to_string());
    let Some(content) = spec.blocks(file, Some("content")).into_iter().next() else {
        return;
    };
    let collection = spec
        .attr(file, "for_each")
        .map(|a| ev.eval(a.expr))
        .unwrap_or(Value::new(Data::Null, loc));
    let unknown_origin = collection.first_unknown().map(|u| u.origin.to_string());
    let pairs: Vec<(Value, Value)> = match ops::iteration_pairs(collection.data) {
        Ok(pairs) => pairs,
        Err(Data::Null) => Vec::new(),
        Err(_) => {
            // Unknown: one block stands for all, its iterator unknown.
            let origin = unknown_origin.unwrap_or_else(|| "for_each".into());
            ev.notes.push(format!("`dynamic \"{label}\"` iterates over `{origin}`, which is unknown: its blocks are linted as one"));
            vec![(
                Value::unknown(format!("{iterator}.key"), loc),
                Value::unknown(format!("{iterator}.value"), loc),
            )]
        }
    };
    for (k, v) in pairs {
        ev.bind(
            iterator.clone(),
            ops::object(vec![(ops::key("key"), k), (ops::key("value"), v)], None),
        );
        let block = eval_body(ev, file, content.body, content.loc);
        ev.unbind();
        push_block(entries, label, content.loc, block);
    }
}

pub use iamlint_model::model::ACCOUNT_ID;

/// Attributes Terraform computes but we can know from configuration: the name and ARN of IAM
/// resources ([`crate::known`]), and the JSON of a policy document.
/// A data source argument set to `null` is not set: the provider computes what it returns
/// (`data "aws_region" "current" { region = var.region }` with no region given still has a
/// region), so reading it gives an unknown, not the `null` that was written.
fn unset_nulls(value: &mut Value) {
    if let Data::Object(entries) = &mut value.data {
        entries.retain(|(_, v)| !matches!(v.data, Data::Null));
    }
}

fn add_known_attributes(b: &BlockDef, address: &str, value: &mut Value, ev: &mut Evaluator) {
    let Data::Object(entries) = &mut value.data else {
        return;
    };
    let add = |entries: &mut Vec<(Key, Value)>, k: &str, v: Value| {
        if !entries.iter().any(|(e, _)| e.name == k) {
            entries.push((ops::key(k), v));
        }
    };
    if b.mode == Mode::Data && b.ty == "aws_iam_policy_document" {
        let mut notes = Vec::new();
        let doc = crate::policy_document::render(value, &mut notes);
        ev.notes.extend(notes);
        let json = jsonencode(doc, Some(address.into()), b.loc);
        let Data::Object(entries) = &mut value.data else {
            return;
        };
        add(entries, "json", json.clone());
        add(entries, "minified_json", json);
        *entries = ops::normalize_object(std::mem::take(entries));
        return;
    }
    crate::known::fill_iam_attributes(&b.ty, address, entries, b.loc);
    *entries = ops::normalize_object(std::mem::take(entries));
}
