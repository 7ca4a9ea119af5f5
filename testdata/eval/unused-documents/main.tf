# Policy documents no resource uses: one handed to a module call that is not installed, one
# to an output. Both are linted as identity policies of unknown holder; a document with
# principals (a resource policy) and one an SCP takes are not.

data "aws_iam_policy_document" "lattice" {
  statement {
    actions   = ["vpc-lattice:*", "iam:CreateServiceLinkedRole"]
    resources = ["*"]
  }
}

module "addon" {
  source = "aws-ia/eks-blueprints-addon/aws"
  policy = data.aws_iam_policy_document.lattice.json
}

data "aws_iam_policy_document" "out" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
  }
}
output "policy" {
  value = data.aws_iam_policy_document.out.json
}

data "aws_iam_policy_document" "used" {
  statement {
    actions   = ["ec2:*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "used" {
  name   = "used"
  policy = data.aws_iam_policy_document.used.json
}

data "aws_iam_policy_document" "bucket" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

data "aws_iam_policy_document" "scp" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
resource "aws_organizations_policy" "scp" {
  name    = "all"
  content = data.aws_iam_policy_document.scp.json
}
