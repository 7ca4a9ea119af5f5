//! IAM semantics for iamlint: where things are ([`source`]), what Terraform evaluated ([`value`]),
//! what a policy document says ([`policy`]) and everything a rule may look at ([`model`]).
//!
//! This crate does no I/O and knows nothing of HCL: both front-ends build a [`Model`] and rules
//! see only that.

pub mod access;
pub mod action_set;
pub mod base64;
pub mod capability;
pub mod catalog;
pub mod graph;
pub mod links;
pub mod managed;
pub mod model;
pub mod policy;
pub mod reach;
pub mod relocate;
pub mod resource_arns;
pub mod role_passing;
pub mod role_sets;
pub mod similar;
pub mod size;
pub mod source;
pub mod states;
pub mod trust;
pub mod value;
pub mod wearers;
pub mod wildcard;

pub use model::{
    Coverage, LoadError, Model, PolicyBody, PolicyKind, PolicyRecord, Suppression, Use,
};
pub use source::{FileId, Location, OffsetMap, SourceFile, SourceMap};
pub use value::{Data, Encoded, Key, Str, Unknown, Value};
