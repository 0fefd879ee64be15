import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorBodySchema } from "../shared/api/errors.ts";
import { readConfig } from "./config.ts";
import { openDatabase } from "./db/open-database.ts";
import { startTestBackend, type TestBackend } from "./http/testing/test-backend.ts";
import { startBackend } from "./start-backend.ts";

const METRICS_TOKEN = "scraper-0123456789abcdef0123456789";

describe("backend app", () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startTestBackend(await openDatabase({}), {
      EXTENSION_ORIGINS: "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
      METRICS_TOKEN: METRICS_TOKEN,
    });
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await backend?.database.close();
  });

  it("answers GET /healthz", async () => {
    const response = await backend.request("GET", "/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("serves the privacy policy the store listing links to, naming every table that holds personal data", async () => {
    const response = await backend.request("GET", "/privacy");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await response.text();
    for (const table of ["x_accounts", "sessions", "wallets", "claims", "distributions", "rate_limit_windows"]) {
      expect(page).toContain(`<code>${table}</code>`);
    }
  });

  it("refuses to start against the real X API without an OAuth client id", async () => {
    const dataDirectory = mkdtempSync(join(tmpdir(), "memefans-app-"));
    try {
      const config = readConfig({ DATA_DIR: dataDirectory, PORT: "0", X_API_BASE_URL: "https://api.x.com" });
      await expect(startBackend(config, { database: backend.database })).rejects.toThrow(/X_CLIENT_ID is required/);
    } finally {
      rmSync(dataDirectory, { recursive: true, force: true });
    }
  });

  it("listens on 8787 unless PORT says otherwise", () => {
    expect(readConfig({}).PORT).toBe(8787);
    expect(readConfig({ PORT: "9000" }).PORT).toBe(9000);
    expect(() => readConfig({ PORT: "http" })).toThrow(/PORT/);
  });

  it("answers malformed JSON, oversized bodies and unknown routes in the one error shape, never 5xx", async () => {
    const malformed = await backend.request("POST", "/auth/x/callback", {
      headers: { "content-type": "application/json" },
      body: undefined,
    });
    expect(malformed.status).toBe(400);
    const broken = await fetch(`${backend.url}/auth/x/callback`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(broken.status).toBe(400);
    expect(errorBodySchema.parse(await broken.json()).error.code).toBe("malformed_json");
    const huge = await fetch(`${backend.url}/auth/x/callback`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: "x".repeat(100_000), state: "s" }),
    });
    expect(huge.status).toBe(413);
    expect(errorBodySchema.parse(await huge.json()).error.code).toBe("payload_too_large");
    const missing = await backend.request("GET", "/nowhere");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "not_found", message: "no route for GET /nowhere" } });
    const badPath = await fetch(`${backend.url}/distributions/%E0%A4%A`);
    expect(badPath.status).toBe(400);
  });

  it("names each invalid field in validation_failed", async () => {
    const response = await backend.request("POST", "/auth/x/callback", { body: { code: "", state: 7 } });
    expect(response.status).toBe(400);
    const { error } = errorBodySchema.parse(await response.json());
    expect(error.code).toBe("validation_failed");
    expect(error.details).toEqual({
      issues: [
        { path: "body.code", message: "code is required" },
        { path: "body.state", message: "Invalid input: expected string, received number" },
      ],
    });
  });

  it("sends security headers and allows CORS only for the configured extension", async () => {
    const allowed = await backend.request("GET", "/healthz", {
      headers: { origin: "chrome-extension://abcdefghijklmnopabcdefghijklmnop" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("chrome-extension://abcdefghijklmnopabcdefghijklmnop");
    expect(allowed.headers.get("x-content-type-options")).toBe("nosniff");
    expect(allowed.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const other = await backend.request("GET", "/healthz", { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("serves Prometheus metrics with requests by route and status, to the scraper's token only", async () => {
    await backend.request("GET", "/healthz");
    for (const authorization of [undefined, "Bearer wrong", `Bearer ${METRICS_TOKEN}x`, METRICS_TOKEN]) {
      const refused = await backend.request("GET", "/metrics", authorization ? { headers: { authorization } } : {});
      expect(refused.status, authorization).toBe(401);
      expect(errorBodySchema.parse(await refused.json()).error.code).toBe("unauthorized");
    }
    const metrics = await backend.request("GET", "/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/memefans_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toContain("memefans_x_api_calls_per_verified_claim");
    expect(text).toContain("memefans_batch_claims");
  });

  it("generates /openapi.json from the route schemas", async () => {
    const document = (await (await backend.request("GET", "/openapi.json")).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>
      >;
    };
    expect(document.openapi).toBe("3.1.0");
    for (const path of [
      "/auth/x/start",
      "/auth/x/callback",
      "/me",
      "/auth/wallet/challenge",
      "/auth/wallet/verify",
      "/distributions",
      "/distributions/{address}",
      "/distributions/{address}/eligibility",
      "/creators/me/distributions",
      "/creators/me/distributions/{address}",
      "/creators/me/distributions/{address}/claims",
      "/d/{address}",
    ]) {
      expect(document.paths, path).toHaveProperty([path]);
    }
    const register = document.paths["/distributions"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(Object.keys(register?.properties ?? {})).toEqual(expect.arrayContaining(["address", "postId", "requirements"]));
  });
});
