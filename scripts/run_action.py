#!/usr/bin/env python3
"""Runs the steps of a composite GitHub Action (action.yml) the way the runner does, for tests.

Each step's `env` and `working-directory` are evaluated (`inputs.*` with their defaults,
`github.action_path`, `github.action_ref`, `steps.<id>.outputs.*`); any other expression, and any
expression inside a step's `run` text, is an error: inputs reach scripts only through `env:`.
Steps run with `bash --noprofile --norc -eo pipefail`, as `shell: bash` does, each with its own
GITHUB_OUTPUT and GITHUB_PATH files; what a step adds to GITHUB_PATH is on PATH for the next.
Prints the action's outputs as JSON and exits with the first failing step's code.

Usage: run_action.py ACTION_DIR [NAME=VALUE ...]   (inputs; GITHUB_* / RUNNER_* from the env)
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def main() -> int:
    action_dir = os.path.abspath(sys.argv[1])
    with open(os.path.join(action_dir, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    given = dict(arg.split("=", 1) for arg in sys.argv[2:])
    declared = action.get("inputs", {})
    unknown = set(given) - set(declared)
    if unknown:
        sys.exit(f"unknown inputs: {sorted(unknown)}")
    inputs = {k: given.get(k, str(v.get("default", ""))) for k, v in declared.items()}
    context = {
        "github.action_path": action_dir,
        "github.action_ref": os.environ.get("GITHUB_ACTION_REF", ""),
    }
    steps: dict[str, dict[str, str]] = {}

    def evaluate(text: str) -> str:
        def one(m: re.Match) -> str:
            name = m.group(1)
            if name.startswith("inputs."):
                return inputs[name[len("inputs."):]]
            if name in context:
                return context[name]
            parts = name.split(".")
            if len(parts) == 4 and parts[0] == "steps" and parts[2] == "outputs":
                return steps.get(parts[1], {}).get(parts[3], "")
            raise SystemExit(f"expression not supported by this runner: {name}")

        return EXPRESSION.sub(one, str(text))

    runs = action["runs"]
    assert runs["using"] == "composite", runs["using"]
    path = os.environ.get("PATH", "")
    failed = 0
    work = tempfile.mkdtemp(prefix="iamlint-action-")
    for i, step in enumerate(runs["steps"]):
        script = step["run"]
        if EXPRESSION.search(script):
            raise SystemExit(f"step {i}: an expression in `run` is shell text: use `env:`")
        assert step.get("shell") == "bash", f"step {i}: shell must be bash"
        output = os.path.join(work, f"output-{i}")
        more_path = os.path.join(work, f"path-{i}")
        open(output, "w").close()
        open(more_path, "w").close()
        env = dict(os.environ)
        env.update({k: evaluate(v) for k, v in step.get("env", {}).items()})
        env.update({"GITHUB_OUTPUT": output, "GITHUB_PATH": more_path, "PATH": path})
        cwd = evaluate(step.get("working-directory", "."))
        code = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=cwd,
            env=env,
        ).returncode
        if "id" in step:
            with open(output, encoding="utf-8") as f:
                steps[step["id"]] = dict(
                    line.rstrip("\n").split("=", 1) for line in f if "=" in line
                )
        with open(more_path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    path = line.strip() + os.pathsep + path
        if code != 0:
            failed = code
            break
    outputs = {k: evaluate(v["value"]) for k, v in action.get("outputs", {}).items()}
    print(json.dumps(outputs, sort_keys=True))
    return failed


if __name__ == "__main__":
    sys.exit(main())
