import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DISTRIBUTION_PROGRAM_ID } from "../shared/program/program-id.ts";
import { readConfig } from "./config.ts";
import { anchorProgramId } from "./production-settings.ts";

const EXTENSION_ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop";

/** Settings a production deployment behind one TLS proxy would use. */
const production = {
  NODE_ENV: "production",
  PUBLIC_URL: "https://memefans.example",
  DATABASE_URL: "postgres://memefans@db.internal/memefans",
  SOLANA_RPC_URL: "https://api.devnet.solana.com",
  SOLANA_CLUSTER: "devnet",
  X_API_BASE_URL: "https://api.x.com",
  X_CLIENT_ID: "client",
  EXTENSION_ORIGINS: EXTENSION_ORIGIN,
  TRUST_PROXY_HOPS: "1",
  METRICS_TOKEN: "0123456789abcdef0123456789abcdef",
};

describe("production settings", () => {
  it("accepts a deployment behind a TLS proxy on PostgreSQL, a real cluster and the real X API", () => {
    const config = readConfig(production);
    expect(config.PUBLIC_URL).toBe("https://memefans.example");
    expect(config.DISTRIBUTION_PROGRAM_ID).toBe(DISTRIBUTION_PROGRAM_ID);
    // Behind the proxy the per-address connection cap is off; the proxy caps each client.
    expect(config.MAX_CONNECTIONS_PER_ADDRESS).toBe(0);
    expect(readConfig({ ...production, MAX_CONNECTIONS_PER_ADDRESS: "0" }).MAX_CONNECTIONS_PER_ADDRESS).toBe(0);
  });

  it.each([
    [{ SOLANA_RPC_URL: "" }, /SOLANA_RPC_URL is required: without it the backend runs its embedded development chain/],
    [{ X_API_BASE_URL: "" }, /X_API_BASE_URL is required: without it the backend runs the X API emulator/],
    [{ PUBLIC_URL: "http://memefans.example" }, /PUBLIC_URL must be https:\/\//],
    [{ PUBLIC_URL: "" }, /PUBLIC_URL is required/],
    [{ PUBLIC_URL: "https://127.0.0.1:8443" }, /PUBLIC_URL names a loopback host/],
    [{ EXTENSION_ORIGINS: "" }, /EXTENSION_ORIGINS is required/],
    [{ EXTENSION_ORIGINS: "https://memefans.example" }, /EXTENSION_ORIGINS is required: the Chrome Web Store extension's origin/],
    [
      { EXTENSION_ORIGINS: `${EXTENSION_ORIGIN},http://localhost:3000` },
      /plain-http development origins \(http:\/\/localhost:3000\)/,
    ],
    [{ DATABASE_URL: "" }, /DATABASE_URL is required/],
    [{ SOLANA_CLUSTER: "localnet" }, /SOLANA_CLUSTER is localnet/],
    [{ TRUST_PROXY_HOPS: "0" }, /TRUST_PROXY_HOPS is 0/],
    [{ MAX_CONNECTIONS_PER_ADDRESS: "256" }, /MAX_CONNECTIONS_PER_ADDRESS is 256: behind the proxy .* cap the whole site/],
    [{ METRICS_TOKEN: "" }, /METRICS_TOKEN is required/],
    [{ METRICS_TOKEN: "short" }, /METRICS_TOKEN is required, at least 32 characters/],
  ])("refuses %o", (unsafe, message) => {
    expect(() => readConfig({ ...production, ...unsafe })).toThrow(message);
    // The same settings are a developer's defaults and start without NODE_ENV=production.
    expect(() => readConfig({ ...production, ...unsafe, NODE_ENV: "development" })).not.toThrow();
  });

  it("lists every unsafe setting at once", () => {
    expect(() => readConfig({ NODE_ENV: "production" })).toThrow(
      /refusing to start with NODE_ENV=production:\n {2}- SOLANA_RPC_URL[\s\S]*X_API_BASE_URL[\s\S]*PUBLIC_URL[\s\S]*EXTENSION_ORIGINS[\s\S]*DATABASE_URL[\s\S]*TRUST_PROXY_HOPS/,
    );
  });

  it("takes the cluster's program id from Anchor.toml and refuses a backend that names another", () => {
    const directory = mkdtempSync(join(tmpdir(), "memefans-anchor-"));
    try {
      const anchorToml = join(directory, "Anchor.toml");
      writeFileSync(
        anchorToml,
        '[programs.localnet]\nmemefans_distribution = "A"\n\n[programs.devnet]\nmemefans_distribution = "B"\n',
      );
      expect(anchorProgramId("devnet", anchorToml)).toBe("B");
      expect(anchorProgramId("mainnet", anchorToml)).toBeUndefined();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
    // The repository's Anchor.toml and the backend's default agree on localnet.
    expect(anchorProgramId("localnet")).toBe(DISTRIBUTION_PROGRAM_ID);
  });

  it("`npm start` with NODE_ENV=production and development defaults exits with the reasons", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "backend/main.ts"], {
      env: { ...process.env, NODE_ENV: "production", PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += String(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).not.toBe(0);
    expect(output).toContain("refusing to start with NODE_ENV=production");
    expect(output).toContain("SOLANA_RPC_URL is required");
    expect(output).not.toContain("listening");
  }, 60_000);
});
