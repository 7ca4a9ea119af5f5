//! Everything a rule may look at: sources, resources, the policies they carry, and what the
//! front-end could not see or read.

use crate::policy::PolicyDocument;
use crate::size::PolicySize;
use crate::source::{FileId, Location, SourceMap};
use crate::value::{Data, Key, Unknown, Value};

/// The origin of the account id in ARNs the front-ends build: known only at apply, and no
/// blind spot.
pub const ACCOUNT_ID: &str = "the AWS account id";

/// What a policy governs, which decides which grammar rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyKind {
    /// What a user, group or role may do (`aws_iam_policy`, `aws_iam_role_policy`, …).
    Identity,
    /// Who may assume a role (`aws_iam_role.assume_role_policy`).
    Trust,
    /// Who else may reach a resource: a bucket, queue, topic, key, secret… policy
    /// (`aws_s3_bucket_policy.policy`, `aws_kms_key.policy`, …).
    Resource,
}

impl PolicyKind {
    pub fn noun(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity policy",
            PolicyKind::Trust => "trust policy",
            PolicyKind::Resource => "resource policy",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum PolicyBody {
    Document(PolicyDocument),
    /// A string that is not JSON: AWS rejects it with MalformedPolicyDocument at apply.
    InvalidJson {
        message: String,
        loc: Option<Location>,
    },
    /// Could not be evaluated; a coverage note says why.
    Unknown(Unknown),
}

/// Where a policy is used: the resource attribute that takes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    pub address: String,
    pub attribute: String,
    pub loc: Option<Location>,
}

/// One policy as AWS will see it.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyRecord {
    /// The Terraform address that holds the policy text: the resource, or the
    /// `data.aws_iam_policy_document` that renders it.
    pub address: String,
    pub kind: PolicyKind,
    pub body: PolicyBody,
    /// The policy expression (or the data source block).
    pub loc: Option<Location>,
    /// Where it is used, when the holder is not the user itself (a policy-document data source
    /// used by a role's `assume_role_policy`).
    pub uses: Vec<Use>,
    /// Its length as AWS counts it against the quotas, when it is a string or a rendered value.
    pub size: Option<PolicySize>,
    /// The AWS-managed policy (`AmazonS3FullAccess`) this record stands for at the resource that
    /// attaches it (`address`); `None` for a policy written in the tree. The front-ends never
    /// set it: rules build such records to judge an attachment like the document it brings.
    pub managed: Option<&'static str>,
}

impl PolicyRecord {
    /// The policy for people: `` `aws_iam_policy.app` ``, `` AWS-managed `AmazonS3FullAccess`
    /// (attached by `aws_iam_role_policy_attachment.app`) ``, or for a policy document no
    /// resource uses `` `data.aws_iam_policy_document.app` (used by no resource in the tree) ``.
    pub fn holder(&self) -> String {
        match self.managed {
            Some(name) => format!("AWS-managed `{name}` (attached by `{}`)", self.address),
            None if self.is_unused_document() => {
                format!("`{}` (used by no resource in the tree)", self.address)
            }
            None => format!("`{}`", self.address),
        }
    }

    /// Whether it is a policy-document data source that no resource of the tree uses.
    pub fn is_unused_document(&self) -> bool {
        self.uses.is_empty() && self.address.contains("data.aws_iam_policy_document.")
    }

    pub fn document(&self) -> Option<&PolicyDocument> {
        match &self.body {
            PolicyBody::Document(d) => Some(d),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Managed,
    Data,
}

/// A resource or data source instance. Its type and name are parts of its address, kept as
/// ranges rather than strings of their own: a large tree has tens of thousands of these.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    pub address: String,
    pub mode: Mode,
    kind: (u32, u32),
    name: (u32, u32),
    /// The whole block.
    pub loc: Option<Location>,
    /// The evaluated attributes that link IAM principals, policies and their users, for the
    /// types in [`crate::links::KEPT_ATTRIBUTES`]; empty for every other type.
    pub attributes: Vec<(Key, Value)>,
}

impl Resource {
    /// `address` is `…kind.name` followed by `suffix_len` bytes of instance key (`["k"]`).
    pub fn new(
        address: String,
        mode: Mode,
        kind: &str,
        name: &str,
        suffix_len: usize,
        loc: Option<Location>,
    ) -> Self {
        let base = address.len().saturating_sub(suffix_len);
        let name_start = base.saturating_sub(name.len());
        let kind_start = name_start.saturating_sub(kind.len() + 1);
        let fits = address.get(kind_start..base) == Some(&format!("{kind}.{name}")[..]);
        let (kind, name) = if fits {
            (
                (kind_start as u32, (kind_start + kind.len()) as u32),
                (name_start as u32, base as u32),
            )
        } else {
            ((0, 0), (0, 0))
        };
        Resource {
            address,
            mode,
            kind,
            name,
            loc,
            attributes: Vec::new(),
        }
    }

    /// A copy without the attributes: what a whole run keeps once the rules that link
    /// resources have seen them.
    pub fn without_attributes(&self) -> Resource {
        Resource {
            address: self.address.clone(),
            mode: self.mode,
            kind: self.kind,
            name: self.name,
            loc: self.loc,
            attributes: Vec::new(),
        }
    }

    /// Where a kept attribute is written in the block (its name), else the block.
    pub fn written(&self, name: &str) -> Option<Location> {
        self.attributes
            .iter()
            .find(|(k, _)| k.name == name)
            .and_then(|(k, _)| k.loc)
            .or(self.loc)
    }

    /// The values at a dotted attribute path (`target.ecs_parameters.task_definition_arn`; a
    /// nested block is a list of objects, every instance of it counts), each with where its
    /// last key is written.
    pub fn at_path(&self, path: &str) -> Vec<(Option<Location>, &Value)> {
        let mut parts = path.split('.');
        let Some(first) = parts.next() else {
            return Vec::new();
        };
        let mut current: Vec<(Option<Location>, &Value)> = self
            .attributes
            .iter()
            .filter(|(k, _)| k.name == first)
            .map(|(k, v)| (k.loc, v))
            .collect();
        for part in parts {
            current = current
                .into_iter()
                .flat_map(|(_, v)| match &v.data {
                    Data::List(items) => items.iter().collect(),
                    _ => vec![v],
                })
                .filter_map(|v| v.as_object())
                .flat_map(|entries| entries.iter().filter(|(k, _)| k.name == part))
                .map(|(k, v)| (k.loc, v))
                .collect();
        }
        current.retain(|(_, v)| !matches!(v.data, Data::Null));
        current
    }

    /// A kept attribute (see [`Resource::attributes`]).
    pub fn attribute(&self, name: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|(k, v)| k.name == name && !matches!(v.data, Data::Null))
            .map(|(_, v)| v)
    }

    /// The resource type, `aws_iam_role`.
    pub fn kind(&self) -> &str {
        &self.address[self.kind.0 as usize..self.kind.1 as usize]
    }

    /// The name in configuration, `app`.
    pub fn name(&self) -> &str {
        &self.address[self.name.0 as usize..self.name.1 as usize]
    }
}

/// An address without its last instance key: `module.m["x"].aws_iam_role.r[0]` →
/// `module.m["x"].aws_iam_role.r`, the resource as a reference without a key names it.
pub fn base_address(address: &str) -> &str {
    if !address.ends_with(']') {
        return address;
    }
    let last_dot = address.rfind("].").map_or(0, |i| i + 2);
    match address[last_dot..].find('[') {
        Some(i) => &address[..last_dot + i],
        None => address,
    }
}

/// Something the front-end could not evaluate. A rule never guesses past it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Coverage {
    pub address: String,
    pub message: String,
    pub loc: Option<Location>,
}

/// A file that could not be read or parsed. The run goes on with every other file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LoadError {
    pub path: String,
    /// Where in the file, when its text was read.
    pub loc: Option<Location>,
    pub message: String,
}

/// `# iamlint:ignore RULE[,RULE] -- reason` (or `//`), found in a comment.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Suppression {
    pub file: FileId,
    /// 1-based line of the comment; it covers this line and the next.
    pub line: u32,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    pub loc: Location,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_addresses_drop_the_last_key() {
        assert_eq!(
            base_address("aws_iam_policy.team[\"a\"]"),
            "aws_iam_policy.team"
        );
        assert_eq!(
            base_address("module.m[\"x\"].aws_iam_role.r[0]"),
            "module.m[\"x\"].aws_iam_role.r"
        );
        assert_eq!(
            base_address("module.m[\"x\"].aws_iam_role.r"),
            "module.m[\"x\"].aws_iam_role.r"
        );
    }

    #[test]
    fn resources_know_their_type_and_name_from_the_address() {
        let r = Resource::new(
            "module.a[\"x.y\"].aws_iam_role.app[\"k.1\"]".into(),
            Mode::Managed,
            "aws_iam_role",
            "app",
            7,
            None,
        );
        assert_eq!((r.kind(), r.name()), ("aws_iam_role", "app"));
        let d = Resource::new(
            "data.aws_iam_policy_document.d".into(),
            Mode::Data,
            "aws_iam_policy_document",
            "d",
            0,
            None,
        );
        assert_eq!((d.kind(), d.name()), ("aws_iam_policy_document", "d"));
    }
}

#[derive(Debug, Default)]
pub struct Model {
    pub sources: SourceMap,
    pub resources: Vec<Resource>,
    pub policies: Vec<PolicyRecord>,
    pub coverage: Vec<Coverage>,
    pub errors: Vec<LoadError>,
    pub suppressions: Vec<Suppression>,
}

impl Model {
    /// Coverage notes in one order (by address, place and message) and once each, however and
    /// in whatever thread order they were found.
    pub fn order_coverage(&mut self) {
        self.coverage
            .sort_by(|a, b| (&a.address, a.loc, &a.message).cmp(&(&b.address, b.loc, &b.message)));
        self.coverage.dedup();
    }

    /// The managed resources (not data sources).
    pub fn managed(&self) -> impl Iterator<Item = &Resource> {
        self.resources.iter().filter(|r| r.mode == Mode::Managed)
    }

    /// The managed resources of one type (`aws_iam_access_key`).
    pub fn managed_of<'m>(&'m self, kind: &'m str) -> impl Iterator<Item = &'m Resource> {
        self.managed().filter(move |r| r.kind() == kind)
    }
}
