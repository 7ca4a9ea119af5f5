//! AWS-managed policies: the default version of each, from the generated table
//! `data/aws-managed-policies.tsv` (see `scripts/aws_data.py`).
//!
//! The table is embedded and indexed at first use; a policy's document is parsed only when a
//! rule asks for it, once.

use std::sync::OnceLock;

use crate::policy::PolicyDocument;

const POLICIES: &str = include_str!("../data/aws-managed-policies.tsv");

/// What every AWS-managed policy ARN has before its path and name, after the partition.
const MANAGED_INFIX: &str = ":iam::aws:policy/";

/// One AWS-managed policy, `arn:aws:iam::aws:policy/<path><name>`.
#[derive(Debug)]
pub struct ManagedPolicy {
    pub arn: &'static str,
    /// The default version, `v3`.
    pub version: &'static str,
    text: &'static str,
    document: OnceLock<PolicyDocument>,
}

impl ManagedPolicy {
    /// The policy name, `AdministratorAccess`.
    pub fn name(&self) -> &'static str {
        self.arn.rsplit('/').next().unwrap_or(self.arn)
    }

    /// The default version's document (no locations: it is not in the tree).
    pub fn document(&self) -> &PolicyDocument {
        self.document
            .get_or_init(|| PolicyDocument::from_json(self.text))
    }

    /// Characters of the document as AWS counts them (no whitespace).
    pub fn size(&self) -> usize {
        self.text.chars().filter(|c| !c.is_whitespace()).count()
    }
}

/// All AWS-managed policies, sorted by ARN.
pub fn all() -> &'static [ManagedPolicy] {
    static ALL: OnceLock<Vec<ManagedPolicy>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<ManagedPolicy> = POLICIES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|line| {
                let mut f = line.splitn(3, '\t');
                Some(ManagedPolicy {
                    arn: f.next()?,
                    version: f.next()?,
                    text: f.next()?,
                    document: OnceLock::new(),
                })
            })
            .collect();
        all.sort_by(|a, b| a.arn.cmp(b.arn));
        all
    })
}

/// The AWS-managed policy an ARN names, in any partition (`arn:aws-us-gov:…`, or a partition
/// Terraform only knows at apply: pass the text after it, from `:iam::aws:policy/` on).
pub fn lookup(arn: &str) -> Option<&'static ManagedPolicy> {
    let at = arn.find(MANAGED_INFIX)?;
    let tail = &arn[at..];
    let all = all();
    let key = |p: &ManagedPolicy| &p.arn[p.arn.find(MANAGED_INFIX).unwrap_or(0)..];
    all.binary_search_by(|p| key(p).cmp(tail))
        .ok()
        .map(|i| &all[i])
}

/// Whether an ARN is in AWS's namespace of managed policies (`arn:…:iam::aws:policy/…`),
/// known or not.
pub fn is_aws_managed_arn(arn: &str) -> bool {
    arn.starts_with("arn:") && arn.contains(MANAGED_INFIX)
}

/// Where the policies come from, for `iamlint --version --verbose`.
pub fn provenance() -> impl Iterator<Item = &'static str> {
    POLICIES
        .lines()
        .take_while(|l| l.starts_with('#'))
        .filter(|l| !l.starts_with("# ARN"))
        .map(|l| l.trim_start_matches("# "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrator_access_allows_everything_on_everything() {
        let admin = lookup("arn:aws:iam::aws:policy/AdministratorAccess").unwrap();
        assert_eq!(admin.name(), "AdministratorAccess");
        let doc = admin.document();
        assert_eq!(doc.statements.len(), 1);
        let s = &doc.statements[0];
        assert!(s.is_allow() && s.on_every_resource());
        assert!(s.action.as_ref().unwrap().contains("*").is_some());
        assert!(doc.all_issues().next().is_none());
    }

    #[test]
    fn lookup_takes_any_partition_and_paths() {
        let gov = lookup("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess").unwrap();
        assert_eq!(gov.arn, "arn:aws:iam::aws:policy/ReadOnlyAccess");
        let tail = lookup(":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").unwrap();
        assert_eq!(tail.name(), "AWSLambdaBasicExecutionRole");
        assert!(lookup("arn:aws:iam::aws:policy/AdministratorAcces").is_none());
        assert!(lookup("arn:aws:iam::123456789012:policy/AdministratorAccess").is_none());
        assert!(is_aws_managed_arn("arn:aws:iam::aws:policy/Nope"));
        assert!(!is_aws_managed_arn("arn:aws:iam::123456789012:policy/x"));
    }

    #[test]
    fn every_policy_parses_into_statements_our_reader_accepts() {
        let all = all();
        assert!(all.len() > 1000, "{} policies", all.len());
        for p in all {
            let doc = p.document();
            assert!(!doc.statements.is_empty(), "{}", p.arn);
            let issue = doc.all_issues().next();
            assert!(issue.is_none(), "{}: {issue:?}", p.arn);
        }
        let admin = lookup("arn:aws:iam::aws:policy/AdministratorAccess").unwrap();
        let minified = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        assert_eq!(admin.size(), minified.len());
    }
}
