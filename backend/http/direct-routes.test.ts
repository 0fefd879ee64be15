import { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { claimsPlugin } from "../claims/claims-plugin.ts";
import { openDatabase } from "../db/open-database.ts";
import { startTestBackend, type TestBackend } from "./testing/test-backend.ts";

const TEST_ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop";

/**
 * POST /claims is served without Express's router (direct-routes.ts). Whatever the app does to every
 * request must still happen on that path, and answer the same as the Express spelling of the route.
 */
describe("the direct POST /claims path", () => {
  let backend: TestBackend;
  let sessionToken = "";

  beforeAll(async () => {
    backend = await startTestBackend(
      await openDatabase({}),
      { RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: "6", EXTENSION_ORIGINS: TEST_ORIGIN },
      { plugins: [claimsPlugin] },
    );
    ({ sessionToken } = await backend.signIn("superfan"));
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await backend?.database.close();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${backend.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${sessionToken}`, ...headers },
      body,
    });

  it("sets the security, CORS and request-id headers and counts the request under its route", async () => {
    const response = await post("/claims?from=timeline", "{}", { origin: TEST_ORIGIN, "x-request-id": "direct-1" });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-request-id")).toBe("direct-1");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("access-control-allow-origin")).toBe(TEST_ORIGIN);
    const metrics = await (await fetch(`${backend.url}/metrics`)).text();
    expect(metrics).toMatch(/memefans_http_requests_total\{method="POST",route="\/claims",status="400"\} 1/);
  });

  it("answers bad input in the one error shape, the same as the Express spelling of the route", async () => {
    for (const path of ["/claims", "/claims/"]) {
      const malformed = await post(path, "{not json");
      expect(malformed.status).toBe(400);
      expect(errorBodySchema.parse(await malformed.json()).error.code).toBe("malformed_json");

      const invalid = await post(
        path,
        JSON.stringify({ distribution: "nope", wallet: Keypair.generate().publicKey.toBase58() }),
        {
          "idempotency-key": "direct-key-0001",
        },
      );
      expect(invalid.status).toBe(400);
      const { error } = errorBodySchema.parse(await invalid.json());
      expect(error.code).toBe("validation_failed");
      expect(error.message).toContain("body.distribution");

      const anonymous = await fetch(`${backend.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(anonymous.status).toBe(401);
      expect(errorBodySchema.parse(await anonymous.json()).error.code).toBe("unauthorized");
    }
  });

  it("runs exactly the middleware Express runs for /claims, in the same order", () => {
    // Every layer of the app, and of the routers mounted on it, that is not a route's own and that a
    // request for /claims passes through: what the Express spelling of the route runs before it.
    interface Layer {
      handle: unknown;
      route?: unknown;
      match(path: string): boolean;
    }
    const passedBefore = (stack: Layer[]): unknown[] =>
      stack.flatMap((layer) => {
        if (layer.route || !layer.match("/claims")) return [];
        const nested = (layer.handle as { stack?: Layer[] }).stack;
        return nested ? passedBefore(nested) : [layer.handle];
      });
    const { app, middleware } = backend.http;
    const expressMiddleware = passedBefore((app as unknown as { router: { stack: Layer[] } }).router.stack);
    // After the middleware, Express's chain ends in the not-found and error handlers, which the direct path has as its own.
    expect(expressMiddleware.slice(0, middleware.length)).toEqual(middleware);
    expect(expressMiddleware.length).toBe(middleware.length + 2);
    expect(middleware.length).toBeGreaterThanOrEqual(9);
  });

  it("applies the per-account rate limit", async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 3; index++) statuses.push((await post("/claims", "{}")).status);
    expect(statuses).toEqual([400, 429, 429]);
    const limited = await post("/claims", "{}");
    // The seconds until the account's window, begun at its first request, ends.
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(errorBodySchema.parse(await limited.json()).error.code).toBe("rate_limited");
  });
});
