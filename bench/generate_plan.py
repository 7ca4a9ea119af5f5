#!/usr/bin/env python3
"""Generates a synthetic `terraform show -json` plan (format 1.2) for the plan benchmark.

Usage: generate_plan.py MEGABYTES OUT_FILE

Deterministic for a given size. Like real plans, most resources are not IAM (instances,
buckets, security groups with many rules, Lambda functions with environments) and the file is
one line, as Terraform writes it. IAM resources are about one in six: roles with trust
policies, policies and inline policies as JSON strings, attachments, policy-document data
sources read at plan time, in the root module and in child modules of `for_each`.
"""
import json
import random
import sys

SERVICES = ["s3", "dynamodb", "sqs", "sns", "logs", "lambda"]
ACTION = {"s3": "s3:PutObject", "dynamodb": "dynamodb:PutItem", "sqs": "sqs:SendMessage",
          "sns": "sns:Publish", "logs": "logs:PutLogEvents", "lambda": "lambda:InvokeFunction"}
ARN = {"s3": "arn:aws:s3:::{n}/*", "dynamodb": "arn:aws:dynamodb:eu-west-1:111122223333:table/{n}",
       "sqs": "arn:aws:sqs:eu-west-1:111122223333:{n}", "sns": "arn:aws:sns:eu-west-1:111122223333:{n}",
       "logs": "arn:aws:logs:eu-west-1:111122223333:log-group:{n}:*",
       "lambda": "arn:aws:lambda:eu-west-1:111122223333:function:{n}"}


def policy(rng, name):
    statements = []
    for i in range(rng.randint(1, 4)):
        svc = rng.choice(SERVICES)
        statements.append({"Sid": f"S{i}", "Effect": "Allow", "Action": [ACTION[svc]],
                           "Resource": [ARN[svc].format(n=f"{name}-{j}") for j in range(rng.randint(1, 5))]})
    if rng.random() < 0.1:
        statements.append({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"), sort_keys=True)


TRUST = json.dumps({"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                                   "Principal": {"Service": "lambda.amazonaws.com"}}],
                    "Version": "2012-10-17"}, separators=(",", ":"))


def change(address, ty, name, after, unknown, module=None):
    c = {"address": address, "mode": "managed", "type": ty, "name": name,
         "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown,
                    "before_sensitive": False, "after_sensitive": {}}}
    if module:
        c["module_address"] = module
    return c


def resources(rng, prefix, i):
    """One unit: mostly infrastructure, one IAM group."""
    n = f"app{i}"
    out = []
    for k in range(3):
        out.append((f"{prefix}aws_instance.{n}_{k}", "aws_instance", f"{n}_{k}", {
            "ami": "ami-0123456789abcdef0", "instance_type": rng.choice(["t3.micro", "m5.large"]),
            "tags": {f"tag{t}": f"value-{rng.randint(0, 10**6)}" for t in range(8)},
            "user_data": "#!/bin/bash\n" + "echo configuring the host with a long script line\n" * 12,
            "root_block_device": [{"volume_size": 20, "volume_type": "gp3", "encrypted": True}],
            "metadata_options": [{"http_tokens": "required", "http_endpoint": "enabled"}],
        }, {"arn": True, "id": True, "private_ip": True, "public_ip": True}))
    out.append((f"{prefix}aws_security_group.{n}", "aws_security_group", n, {
        "name": n, "ingress": [{"from_port": p, "to_port": p, "protocol": "tcp",
                                "cidr_blocks": [f"10.{p % 250}.0.0/16"], "description": f"port {p}"}
                               for p in range(20, 40)],
    }, {"id": True, "arn": True}))
    out.append((f"{prefix}aws_lambda_function.{n}", "aws_lambda_function", n, {
        "function_name": n, "runtime": "python3.12", "handler": "main.handler",
        "environment": [{"variables": {f"SETTING_{v}": f"value-{v}-{rng.randint(0, 10**6)}" for v in range(15)}}],
    }, {"arn": True, "role": True, "qualified_arn": True}))
    out.append((f"{prefix}aws_iam_role.{n}", "aws_iam_role", n,
                {"name": n, "path": "/", "assume_role_policy": TRUST}, {"arn": True, "id": True, "unique_id": True}))
    out.append((f"{prefix}aws_iam_role_policy.{n}", "aws_iam_role_policy", n,
                {"name": n, "role": n, "policy": policy(rng, n)}, {"id": True}))
    out.append((f"{prefix}aws_iam_policy.{n}", "aws_iam_policy", n,
                {"name": n, "path": "/", "policy": policy(rng, n + "-m")}, {"arn": True, "id": True}))
    out.append((f"{prefix}aws_iam_role_policy_attachment.{n}", "aws_iam_role_policy_attachment", n,
                {"role": n}, {"id": True, "policy_arn": True}))
    return out


def main():
    megabytes, out = float(sys.argv[1]), sys.argv[2]
    rng = random.Random(7)
    target = int(megabytes * 1_100_000)  # the estimate below counts a little short
    changes, planned, prior = [], {"resources": [], "child_modules": []}, []
    size, i = 0, 0
    while size < target:
        module = None if i % 2 == 0 else f'module.svc["s{i // 20}"]'
        prefix = "" if module is None else module + "."
        for address, ty, name, after, unknown in resources(rng, prefix, i):
            c = change(address, ty, name, after, unknown, module)
            changes.append(c)
            size += 2 * len(json.dumps(c))  # it appears in planned_values too
        doc = policy(rng, f"doc{i}")
        prior.append({"address": f"data.aws_iam_policy_document.d{i}", "mode": "data",
                      "type": "aws_iam_policy_document", "name": f"d{i}",
                      "values": {"id": str(i), "json": json.dumps(json.loads(doc), indent=2)}})
        i += 1
    planned["resources"] = [{"address": c["address"], "mode": "managed", "type": c["type"], "name": c["name"],
                             "schema_version": 0, "values": c["change"]["after"]} for c in changes]
    plan = {"format_version": "1.2", "terraform_version": "1.9.8", "planned_values": {"root_module": planned},
            "resource_changes": changes,
            "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": prior}}},
            "configuration": {"root_module": {}}}
    with open(out, "w") as f:
        json.dump(plan, f, separators=(",", ":"))
    print(f"{out}: {len(changes)} resources")


if __name__ == "__main__":
    main()
