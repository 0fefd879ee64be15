// `npm test`: sets up what a fresh machine lacks, then runs every check and every test runner,
// and ends with one line `N passed, N failed` summed over all runners.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ensureSystemPackages } from "./system-packages.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
mkdirSync("test-results", { recursive: true });

function run(label, command, args, options = {}) {
  console.log(`\n━━ ${label}: ${command} ${args.join(" ")}`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    stdio: options.capture ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
  });
  if (options.capture) process.stdout.write(result.stdout ?? "");
  console.log(
    `━━ ${label}: ${result.status === 0 ? "ok" : `exit ${result.status ?? result.signal}`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return result;
}

const tally = [];
function record(name, passed, failed, skipped = 0) {
  tally.push({ name, passed, failed, skipped });
}

/** A check without test cases of its own (typecheck, lint, build) counts as one test. */
function check(label, command, args) {
  const ok = run(label, command, args).status === 0;
  record(label, ok ? 1 : 0, ok ? 0 : 1);
  return ok;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

ensureSystemPackages();
if (!existsSync("node_modules/.package-lock.json")) run("install", "npm", ["install", "--no-audit", "--no-fund"]);

const npx = (args) => ["--no-install", ...args];
check("typecheck", "npx", npx(["tsc", "--noEmit", "-p", "."]));
check("lint", "npx", npx(["biome", "ci", "."]));
const built = check("build", "npm", ["run", "build"]);
// `npm start` runs the shipped .so on machines without Rust: it must be what the sources build to.
if (built) check("shipped program = rebuild", "npm", ["run", "check:program"]);

if (existsSync("programs/distribution/Cargo.toml")) {
  const cargo = run("cargo test", "cargo", ["test", "--offline", "--manifest-path", "programs/distribution/Cargo.toml"], {
    capture: true,
  });
  const counts = [...(cargo.stdout ?? "").matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g)];
  const passed = counts.reduce((sum, match) => sum + Number(match[1]), 0);
  const failed = counts.reduce((sum, match) => sum + Number(match[2]), 0) + (cargo.status === 0 ? 0 : counts.length ? 0 : 1);
  record(
    "cargo test",
    passed,
    failed,
    counts.reduce((sum, match) => sum + Number(match[3]), 0),
  );
}

const vitestReport = "test-results/vitest.json";
const vitest = run(
  "vitest",
  "npx",
  npx([
    "vitest",
    "run",
    "--config",
    ".config/vitest.config.ts",
    "--reporter=default",
    "--reporter=json",
    `--outputFile=${vitestReport}`,
  ]),
);
const vitestJson = readJson(vitestReport);
record(
  "vitest",
  vitestJson?.numPassedTests ?? 0,
  (vitestJson?.numFailedTests ?? 0) +
    (vitestJson?.numFailedTestSuites ?? 0) +
    (vitest.status !== 0 && !vitestJson?.numFailedTests ? 1 : 0),
  (vitestJson?.numPendingTests ?? 0) + (vitestJson?.numTodoTests ?? 0),
);

if (built) {
  const playwright = run("playwright", "npx", npx(["playwright", "test", "-c", ".config/playwright.config.ts"]));
  const report = readJson("test-results/playwright.json");
  const stats = report?.stats;
  // Playwright's own summary above names each flaky test and prints the failed attempt.
  if (stats?.flaky) console.log(`playwright: ${stats.flaky} flaky test(s) passed only on retry`);
  record(
    "playwright",
    (stats?.expected ?? 0) + (stats?.flaky ?? 0),
    (stats?.unexpected ?? 0) + (playwright.status !== 0 && !stats?.unexpected ? 1 : 0),
    stats?.skipped ?? 0,
  );
} else {
  record("playwright (not run: the build failed)", 0, 1);
}

console.log("\nrunner                    passed  failed  skipped");
for (const row of tally) {
  console.log(
    `${row.name.padEnd(26)}${String(row.passed).padStart(6)}${String(row.failed).padStart(8)}${String(row.skipped).padStart(9)}`,
  );
}
const total = (key) => tally.reduce((sum, row) => sum + row[key], 0);
const skipped = total("skipped");
// A skipped test is not a passing one: any skip fails the run, so it cannot hide.
const failed = total("failed") + skipped;
if (skipped) console.log(`${skipped} skipped test(s) count as failures: remove the skip or fix the test.`);
console.log(`${total("passed")} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
