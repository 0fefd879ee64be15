// Installs the Debian packages the test suite needs, when it can; otherwise says exactly what to install.
// Plain Node with no dependencies, because it runs before anything else is installed.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** Debian package → why the tests need it. */
export const requiredPackages = {
  chromium: "the browser tests drive Debian's Chromium through Playwright",
  "rustc-web": "the Solana program is compiled with Debian's rustc for a BPF target",
  "rust-web-src": "the BPF target's core library is built from this source",
  postgresql: "storage tests run against a real PostgreSQL server as well as PGlite",
};

function isInstalled(name) {
  // dpkg-query's own format syntax, not a JavaScript template.
  const statusFormat = "-f=$" + "{Status}";
  const result = spawnSync("dpkg-query", ["-W", statusFormat, name], { encoding: "utf8" });
  return result.status === 0 && result.stdout.includes("install ok installed");
}

function isDebian() {
  return existsSync("/etc/debian_version") && readFileSync("/etc/os-release", "utf8").includes("ID=debian");
}

export function ensureSystemPackages() {
  const missing = Object.keys(requiredPackages).filter((name) => !isDebian() || !isInstalled(name));
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(" ")}`;
  if (isDebian() && process.getuid?.() === 0) {
    console.log(`installing Debian packages: ${missing.join(", ")}`);
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    // With Recommends, as on the machines where the browser and program tests were checked.
    execFileSync("apt-get", ["install", "-y", "-qq", ...missing], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    return;
  }
  const reasons = missing.map((name) => `  ${name}: ${requiredPackages[name]}`).join("\n");
  throw new Error(
    `missing system packages:\n${reasons}\nOn Debian 12 as root: apt-get update && ${command}\nElsewhere install the equivalents (Chromium at /usr/bin/chromium or CHROMIUM_PATH; rustc 1.96+ with its library source).`,
  );
}
