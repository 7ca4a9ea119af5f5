//! The graph's `may-access` edges: who a resource policy lets in, from the principal written
//! (a role of the configuration by reference, another account, a service, anyone) to the
//! resource the policy guards (the bucket a bucket policy names by reference, else the resource
//! that holds the policy), labelled with the actions and placed at the principal (#16).

use iamlint_model::graph::{NodeKind, build};
use iamlint_terraform::load_sources;

#[test]
fn resource_policies_draw_who_may_access_what() {
    let src = r#"
resource "aws_iam_role" "reader" {
  name               = "reader"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "data" {
  statement {
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.reader.arn, "arn:aws:iam::999988887777:root"]
    }
  }
  statement {
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::data/logs/*"]
    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
  }
}

resource "aws_s3_bucket_policy" "data" {
  bucket = "data"
  policy = data.aws_iam_policy_document.data.json
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}

# By reference, the policy's edges go to the bucket itself.
resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::999988887777:root" }, Action = "s3:GetObject", Resource = "arn:aws:s3:::logs/*" }] })
}

resource "aws_sqs_queue" "jobs" {
  for_each = toset(["a", "b"])
  name     = "jobs-${each.key}"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Principal = "*", Action = ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], Resource = "*" },
    { Effect = "Deny", Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }, Action = "sqs:DeleteQueue", Resource = "*" },
  ] })
}
"#;
    let model = load_sources(vec![("main.tf".into(), src.to_string())]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let g = build(&model);
    let line = |e: &iamlint_model::graph::Edge| {
        let l = e.at[0];
        model.sources.get(l.file).line_col(l.start).line
    };
    let access: Vec<(&str, &str, &str, u32)> = g
        .edges
        .iter()
        .filter(|e| e.kind.as_str() == "may-access")
        .map(|e| (e.from.as_str(), e.to.as_str(), e.label.as_str(), line(e)))
        .collect();
    assert_eq!(
        access,
        [
            (
                "*",
                "aws_sqs_queue.jobs[\"a\"]",
                "sqs:SendMessage, sqs:GetQueueUrl, sqs:GetQueueAttributes, …",
                47
            ),
            (
                "*",
                "aws_sqs_queue.jobs[\"b\"]",
                "sqs:SendMessage, sqs:GetQueueUrl, sqs:GetQueueAttributes, …",
                47
            ),
            (
                "arn:aws:iam::999988887777:root",
                "aws_s3_bucket.logs",
                "s3:GetObject",
                40
            ),
            // A bucket named by a literal stays the policy resource's node.
            (
                "arn:aws:iam::999988887777:root",
                "aws_s3_bucket_policy.data",
                "s3:GetObject, s3:ListBucket",
                15
            ),
            // A reference's ARN is computed: placed at its `principals` block.
            (
                "aws_iam_role.reader",
                "aws_s3_bucket_policy.data",
                "s3:GetObject, s3:ListBucket",
                13
            ),
            (
                "logging.s3.amazonaws.com",
                "aws_s3_bucket_policy.data",
                "s3:PutObject",
                23
            ),
        ]
    );
    let kind = |id: &str| g.nodes.iter().find(|n| n.id == id).map(|n| n.kind);
    assert_eq!(kind("aws_s3_bucket_policy.data"), Some(NodeKind::Guarded));
    assert_eq!(kind("aws_s3_bucket.logs"), Some(NodeKind::Guarded));
    assert_eq!(kind("aws_s3_bucket_policy.logs"), None);
    assert_eq!(kind("*"), Some(NodeKind::Outside));
    assert_eq!(kind("aws_iam_role.reader"), Some(NodeKind::Role));
    // A Deny lets no one in.
    assert!(!g.edges.iter().any(|e| e.from.contains("caller_identity")));
}
