import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { ActionError } from "@solana/actions-spec";
import express from "express";
import helmet from "helmet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { claimsPlugin } from "../claims/claims-plugin.ts";
import { openDatabase } from "../db/open-database.ts";
import { errorHandler, HttpError, notFoundHandler } from "./errors.ts";
import { createLogger, redactUrl, requestLogger } from "./logging.ts";
import { securityPolicy } from "./security.ts";
import { startTestBackend, type TestBackend } from "./testing/test-backend.ts";
import { validated } from "./validation.ts";

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { logger: createLogger("info", stream), lines };
}

async function serve(app: express.Express) {
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe("error handling and logging", () => {
  const { logger, lines } = captureLogs();
  let url = "";
  let close = () => {};

  beforeAll(async () => {
    const app = express();
    app.use(requestLogger(logger));
    app.use(express.json({ limit: "1kb" }));
    app.post(
      "/things/:id",
      validated(
        { params: z.object({ id: z.string().regex(/^\d+$/, "must be digits") }), body: z.object({ n: z.number().int() }) },
        (input, request, response) => {
          request.log.info(
            { accessToken: "secret-access", code: "secret-code", nested: { signature: "secret-signature" } },
            "handled",
          );
          response.json({ id: input.params.id, n: input.body.n });
        },
      ),
    );
    app.get("/teapot", () => {
      throw new HttpError(418, "conflict", "short and stout", { spout: true }, { "Retry-After": "3" });
    });
    app.get("/crash", () => {
      throw new Error("database password is hunter2");
    });
    app.get("/stored-row", () => {
      z.object({ requirements: z.array(z.string()) }).parse({ requirements: "not a list" });
    });
    app.get("/api/actions/crash", () => {
      throw new Error("database password is hunter2");
    });
    app.use(notFoundHandler);
    app.use(errorHandler(logger));
    ({ url, close } = await serve(app));
  });
  afterAll(() => close());

  it("answers HttpError with its status, code, details and headers", async () => {
    const response = await fetch(`${url}/teapot`);
    expect(response.status).toBe(418);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(await response.json()).toEqual({ error: { code: "conflict", message: "short and stout", details: { spout: true } } });
  });

  it("turns zod failures into 400 validation_failed with one entry per field", async () => {
    const response = await fetch(`${url}/things/abc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"n":1.5}',
    });
    expect(response.status).toBe(400);
    const { error } = errorBodySchema.parse(await response.json());
    expect(error).toEqual({
      code: "validation_failed",
      message: "invalid request: params.id: must be digits",
      details: { issues: [{ path: "params.id", message: "must be digits" }] },
    });
  });

  it("hides the cause of a genuine fault behind a generic 500 and logs it", async () => {
    const response = await fetch(`${url}/crash`);
    expect(response.status).toBe(500);
    const body = JSON.stringify(await response.json());
    expect(body).not.toContain("hunter2");
    expect(body).toContain("internal_error");
    expect(lines.some((line) => line.includes("unhandled error"))).toBe(true);
  });

  it("answers a schema failure of our own data (not the request's) as our 500, without its schema paths", async () => {
    const response = await fetch(`${url}/stored-row`);
    expect(response.status).toBe(500);
    const body = JSON.stringify(await response.json());
    expect(body).toContain("internal_error");
    expect(body).not.toContain("requirements");
  });

  it("answers action paths, in any case, with the Solana Actions spec's top-level message as well", async () => {
    for (const path of ["/api/actions/crash", "/API/Actions/crash"]) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(500);
      const message = "something went wrong on our side; try again shortly";
      expect(await response.json()).toEqual({ message, error: { code: "internal_error", message } });
    }
    const unknown = await fetch(`${url}/Api/Actions/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ActionError).message).toBe("no route for GET /Api/Actions/nothing-here");
    expect(((await (await fetch(`${url}/teapot`)).json()) as { message?: string }).message).toBeUndefined();
  });

  it("logs a request id and no tokens, codes, signatures or Authorization headers", async () => {
    lines.length = 0;
    const response = await fetch(`${url}/things/7?code=query-secret&page=2`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer header-secret", "x-request-id": "req-123" },
      body: '{"n":2}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("req-123");
    const text = lines.join("");
    expect(text).toContain('"req-123"');
    expect(text).toContain("handled");
    for (const secret of ["header-secret", "query-secret", "secret-access", "secret-code", "secret-signature"]) {
      expect(text).not.toContain(secret);
    }
    expect(redactUrl("/a?state=s1&x=1")).toBe("/a?state=%5Bredacted%5D&x=1");
    const entries = lines.map((line) => JSON.parse(line));
    const handled = entries.find((entry) => entry.msg === "handled");
    expect(handled).toMatchObject({ reqId: "req-123", accessToken: "[redacted]", nested: { signature: "[redacted]" } });
    const completed = entries.find((entry) => entry.msg === "request completed");
    expect(completed).toMatchObject({
      level: 30,
      req: { id: "req-123", method: "POST", url: "/things/7?code=%5Bredacted%5D&page=2" },
      res: { statusCode: 200 },
    });
    expect(completed.responseTime).toBeGreaterThanOrEqual(0);
  });

  it("gives each request's own log lines its own request id", async () => {
    lines.length = 0;
    const ids = ["req-a", "req-b", "req-c"];
    await Promise.all(
      ids.map((id) =>
        fetch(`${url}/things/1`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-request-id": id },
          body: '{"n":3}',
        }),
      ),
    );
    const handled = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === "handled");
    expect(handled.map((entry) => entry.reqId).sort()).toEqual(ids);
  });
});

describe("security headers", () => {
  it("puts helmet's headers for our policy on every response, Express-routed and direct", async () => {
    const helmetApp = express();
    helmetApp.disable("x-powered-by");
    helmetApp.use(helmet(securityPolicy));
    helmetApp.get("/healthz", (_request, response) => {
      response.json({ status: "ok" });
    });
    const reference = await serve(helmetApp);
    const database = await openDatabase({});
    const backend = await startTestBackend(database, {}, { plugins: [claimsPlugin] });
    try {
      const expected = [...(await fetch(`${reference.url}/healthz`)).headers].filter(
        ([name]) => !["content-type", "content-length", "etag", "date", "connection", "keep-alive"].includes(name),
      );
      expect(expected.map(([name]) => name)).toEqual(
        expect.arrayContaining(["content-security-policy", "strict-transport-security", "x-content-type-options"]),
      );
      const routed = await backend.request("GET", "/healthz");
      const direct = await backend.request("POST", "/claims", { body: {} });
      expect(direct.status).toBe(401);
      for (const response of [routed, direct]) {
        for (const [name, value] of expected) expect([name, response.headers.get(name)]).toEqual([name, value]);
        expect(response.headers.get("x-powered-by")).toBeNull();
      }
    } finally {
      reference.close();
      await backend.close();
      await database.close();
    }
  });
});

describe("rate limits", () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startTestBackend(await openDatabase({}), {
      RATE_LIMIT_PER_IP_PER_MINUTE: "1000",
      RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: "3",
    });
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await backend?.database.close();
  });

  it("limits each X account, and answers 429 rate_limited with Retry-After", async () => {
    const { sessionToken } = await backend.signIn("superfan");
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) statuses.push((await backend.request("GET", "/me", { token: sessionToken })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await backend.request("GET", "/me", { token: sessionToken });
    // The seconds until the account's window, begun at its first request, ends.
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(errorBodySchema.parse(await limited.json()).error.code).toBe("rate_limited");
    // The same IP without that account is still served: the account limit is separate from the IP limit.
    expect((await backend.request("GET", "/distributions?postIds=1")).status).toBe(200);
  });

  it("limits each IP", async () => {
    const limitedBackend = await startTestBackend(backend.database, {
      RATE_LIMIT_PER_IP_PER_MINUTE: "5",
      RATE_LIMIT_ACTIONS_PER_IP_PER_MINUTE: "2",
    });
    try {
      const responses: Response[] = [];
      for (let index = 0; index < 6; index++) responses.push(await limitedBackend.request("GET", "/distributions?postIds=1"));
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 429]);
      expect(responses[1]?.headers.get("ratelimit")).toMatch(/^limit=5, remaining=3, reset=\d+$/);
      expect(responses[1]?.headers.get("ratelimit-policy")).toBe("5;w=60");
      // Every route counts against the same per-IP window, /healthz included.
      expect((await limitedBackend.request("GET", "/healthz")).status).toBe(429);
      // The Actions paths have a window of their own (a blink's fans arrive through its maker's proxy).
      const askAction = () =>
        limitedBackend.request("GET", `/api/actions/d/${"1".repeat(32)}`, { headers: { origin: "https://dial.to" } });
      expect((await askAction()).status).not.toBe(429);
      expect((await askAction()).status).not.toBe(429);
      const action = await askAction();
      // A blink client shows an error's `message`, as the Solana Actions spec has it.
      expect(action.status).toBe(429);
      expect(action.headers.get("ratelimit-policy")).toBe("2;w=60");
      expect(action.headers.get("access-control-allow-origin")).toBe("*");
      expect(((await action.json()) as ActionError).message).toBe("too many requests; wait a moment and try again");
    } finally {
      await limitedBackend.close();
    }
  }, 60_000);
});
