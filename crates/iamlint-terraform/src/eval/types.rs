//! Variable type constraints (`string`, `list(string)`, `object({ a = optional(number, 1) })`)
//! and the conversions Terraform applies to a variable's value, defaults of optional
//! attributes included.

use hcl_edit::expr::{Expression, ObjectKey};
use iamlint_model::{Data, Key, Value};

use super::ops::{self, EvalError, Result, computed_string};
use super::{Evaluator, ExprRef};

#[derive(Debug, Clone)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(Vec<Attribute>),
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    /// `Some` for `optional(...)`: the default, or null.
    pub optional: Option<Value>,
}

/// Reads a type constraint; `None` for syntax we do not know (treated as `any`).
pub fn parse(e: &Expression, ev: &mut Evaluator) -> Option<Type> {
    match e {
        Expression::Variable(v) => match v.as_str() {
            "string" => Some(Type::String),
            "number" => Some(Type::Number),
            "bool" => Some(Type::Bool),
            "any" => Some(Type::Any),
            _ => None,
        },
        Expression::FuncCall(f) => {
            let args: Vec<&Expression> = f.args.iter().collect();
            let inner = |ev: &mut Evaluator| args.first().and_then(|a| parse(a, ev)).map(Box::new);
            match f.name.name.as_str() {
                "list" => inner(ev).map(Type::List),
                "set" => inner(ev).map(Type::Set),
                "map" => inner(ev).map(Type::Map),
                "tuple" => match args.first() {
                    Some(Expression::Array(a)) => a
                        .iter()
                        .map(|t| parse(t, ev))
                        .collect::<Option<_>>()
                        .map(Type::Tuple),
                    _ => None,
                },
                "object" => match args.first() {
                    Some(Expression::Object(o)) => {
                        let mut attrs = Vec::new();
                        for (k, v) in o.iter() {
                            let name = match k {
                                ObjectKey::Ident(id) => id.as_str().to_string(),
                                ObjectKey::Expression(ke) => {
                                    ev.eval(ExprRef::Hcl(ke)).as_known_str()?.to_string()
                                }
                            };
                            attrs.push(attribute(name, v.expr(), ev)?);
                        }
                        Some(Type::Object(attrs))
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

fn attribute(name: String, e: &Expression, ev: &mut Evaluator) -> Option<Attribute> {
    if let Expression::FuncCall(f) = e
        && f.name.name.as_str() == "optional"
    {
        let args: Vec<&Expression> = f.args.iter().collect();
        let ty = parse(args.first()?, ev)?;
        let default = args
            .get(1)
            .map_or(Value::new(Data::Null, None), |d| ev.eval(ExprRef::Hcl(d)));
        return Some(Attribute {
            name,
            ty,
            optional: Some(default),
        });
    }
    Some(Attribute {
        name,
        ty: parse(e, ev)?,
        optional: None,
    })
}

/// What a resource instance object computes but does not hold (its `arn`, `id`): an unknown
/// named after the attribute, or `None` for any other object.
pub type Computed<'c> = &'c dyn Fn(&Value, &str) -> Option<Value>;

/// Converts a value to a type as Terraform does for variables.
pub fn convert(v: Value, ty: &Type) -> Result<Value> {
    convert_with(v, ty, &|_, _| None)
}

/// [`convert`], where an object attribute the type requires and the object lacks may be one
/// its resource computes (`cluster = aws_ecs_cluster.main` into `object({arn = string})`).
pub fn convert_with(v: Value, ty: &Type, computed: Computed) -> Result<Value> {
    if matches!(v.data, Data::Unknown(_) | Data::Null) || matches!(ty, Type::Any) {
        return Ok(v);
    }
    let loc = v.loc;
    let mismatch = |v: &Value, want: &str| {
        EvalError::new(format!("a {} is not a {want}", v.type_name()), v.loc)
    };
    match ty {
        Type::Any => Ok(v),
        Type::String => match &v.data {
            Data::String(_) => Ok(v),
            Data::Number(_) | Data::Bool(_) => {
                Ok(computed_string(ops::to_str(&v)?.unwrap_or_default(), loc))
            }
            _ => Err(mismatch(&v, "string")),
        },
        Type::Number => match ops::to_number(&v)? {
            Some(n) => Ok(ops::number(n, loc)),
            None => Ok(v),
        },
        Type::Bool => match ops::to_bool(&v)? {
            Some(b) => Ok(ops::boolean(b, loc)),
            None => Ok(v),
        },
        Type::List(t) | Type::Set(t) => {
            let Data::List(items) = v.data else {
                return Err(mismatch(&v, "list"));
            };
            let items = items
                .into_iter()
                .map(|i| convert_with(i, t, computed))
                .collect::<Result<Vec<_>>>()?;
            if matches!(ty, Type::Set(_)) {
                let mut unique: Vec<Value> = Vec::new();
                for i in items {
                    if !unique.iter().any(|u| ops::equals(u, &i) == Some(true)) {
                        unique.push(i);
                    }
                }
                if unique.iter().all(|u| u.as_known_str().is_some()) {
                    unique.sort_by(|a, b| a.as_known_str().cmp(&b.as_known_str()));
                }
                return Ok(ops::list(unique, loc));
            }
            Ok(ops::list(items, loc))
        }
        Type::Tuple(ts) => {
            let Data::List(items) = v.data else {
                return Err(mismatch(&v, "tuple"));
            };
            if items.len() != ts.len() {
                return Err(EvalError::new(
                    format!("a tuple of {} elements is required", ts.len()),
                    loc,
                ));
            }
            Ok(ops::list(
                items
                    .into_iter()
                    .zip(ts)
                    .map(|(i, t)| convert_with(i, t, computed))
                    .collect::<Result<_>>()?,
                loc,
            ))
        }
        Type::Map(t) => {
            let Data::Object(entries) = v.data else {
                return Err(mismatch(&v, "map"));
            };
            Ok(ops::object(
                entries
                    .into_iter()
                    .map(|(k, v)| Ok((k, convert_with(v, t, computed)?)))
                    .collect::<Result<_>>()?,
                loc,
            ))
        }
        Type::Object(attrs) => {
            let Data::Object(entries) = &v.data else {
                return Err(mismatch(&v, "object"));
            };
            let mut out = Vec::new();
            for a in attrs {
                let found = entries.iter().rev().find(|(k, _)| k.name == a.name);
                let value = match (found, &a.optional) {
                    (Some((_, x)), Some(default)) if matches!(x.data, Data::Null) => {
                        convert_with(default.clone(), &a.ty, computed)?
                    }
                    (Some((k, x)), _) => {
                        out.push((k.clone(), convert_with(x.clone(), &a.ty, computed)?));
                        continue;
                    }
                    (None, Some(default)) => convert_with(default.clone(), &a.ty, computed)?,
                    (None, None) => match computed(&v, &a.name) {
                        Some(unknown) => unknown,
                        None => {
                            return Err(EvalError::new(
                                format!("attribute \"{}\" is required", a.name),
                                loc,
                            ));
                        }
                    },
                };
                out.push((
                    Key {
                        name: a.name.clone(),
                        loc: None,
                    },
                    value,
                ));
            }
            Ok(ops::object(out, loc))
        }
    }
}
