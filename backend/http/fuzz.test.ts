import { Keypair } from "@solana/web3.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { claimsPlugin } from "../claims/claims-plugin.ts";
import { openDatabase } from "../db/open-database.ts";
import { startTestBackend, type TestBackend } from "./testing/test-backend.ts";

/** Total generated requests, spread over every route in /openapi.json plus the raw ones. */
const REQUESTS = 10_000;
const SEED_OF_RUN = 20_261_121;
const CONCURRENCY = 16;

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
};

const validAddress = fc.constantFrom(...Array.from({ length: 5 }, () => Keypair.generate().publicKey.toBase58()));
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.constantFrom(
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "null",
    "__proto__",
    "constructor",
    "%",
    "%E0%A4%A",
    "<script>",
    "'; DROP TABLE claims;--",
    "\u0000",
  ),
  validAddress,
  fc.stringMatching(/^\d{1,22}$/),
);

/**
 * An arbitrary derived from a route's JSON Schema (itself generated from the zod schema): mostly
 * well-formed values near the schema, with a steady share of wrong types, missing and extra fields.
 */
function fromSchema(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const anything = fc.jsonValue({ maxDepth: 2 });
  if (!schema || depth > 4) return anything;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((variant) => fromSchema(variant, depth + 1)), anything);
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), nastyString);
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), nastyString);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const wrong = fc.oneof(anything, nastyString);
  switch (type) {
    case "object": {
      const properties = Object.entries(schema.properties ?? {});
      const record = fc.record(Object.fromEntries(properties.map(([key, value]) => [key, fromSchema(value, depth + 1)])), {
        requiredKeys: [],
      });
      return fc.oneof(
        { weight: 6, arbitrary: record },
        {
          weight: 1,
          arbitrary: fc
            .tuple(record, fc.dictionary(fc.string({ maxLength: 8 }), anything, { maxKeys: 3 }))
            .map(([a, b]) => ({ ...b, ...a })),
        },
        { weight: 1, arbitrary: wrong },
      );
    }
    case "array":
      return fc.oneof(
        { weight: 5, arbitrary: fc.array(fromSchema(schema.items, depth + 1), { maxLength: 10 }) },
        { weight: 1, arbitrary: wrong },
      );
    case "string":
      return fc.oneof(
        { weight: 2, arbitrary: schema.pattern ? fc.stringMatching(new RegExp(schema.pattern)) : nastyString },
        { weight: 2, arbitrary: nastyString },
        { weight: 1, arbitrary: wrong },
      );
    case "integer":
    case "number":
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -1e6, max: Math.min(schema.maximum ?? 1e12, 1e15) }),
        fc.double(),
        fc.integer(),
        wrong,
      );
    case "boolean":
      return fc.oneof(fc.boolean(), wrong);
    default:
      return anything;
  }
}

interface Route {
  method: string;
  path: string;
  body?: JsonSchema;
  query?: Record<string, JsonSchema>;
}

function routesOf(document: { paths: Record<string, Record<string, Record<string, unknown>>> }): Route[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => {
      const body = (operation.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content?.[
        "application/json"
      ]?.schema;
      const parameters = (operation.parameters as { name: string; in: string; schema: JsonSchema }[] | undefined) ?? [];
      return {
        method: method.toUpperCase(),
        path,
        ...(body ? { body } : {}),
        query: Object.fromEntries(
          parameters.filter((parameter) => parameter.in === "query").map((parameter) => [parameter.name, parameter.schema]),
        ),
      };
    }),
  );
}

describe("fuzz", () => {
  let backend: TestBackend;
  let sessionToken = "";

  beforeAll(async () => {
    backend = await startTestBackend(await openDatabase({}), { DEV_CHAIN_RPC: "1" }, { plugins: [claimsPlugin] });
    sessionToken = (await backend.signIn("superfan")).sessionToken;
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await backend?.database.close();
  });

  it(`answers ${REQUESTS} generated requests to every route without a 5xx or a crash`, async () => {
    const document = await (await backend.request("GET", "/openapi.json")).json();
    const routes = routesOf(document);
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining(["POST /rpc", "GET /healthz", "POST /claims", "GET /d/{address}", "POST /auth/wallet/verify"]),
    );

    const requestArbitrary = fc.constantFrom(...routes).chain((route) =>
      fc.record({
        route: fc.constant(route),
        pathValue: fc.oneof(validAddress, nastyString),
        query: fc.oneof(
          fc.record(Object.fromEntries(Object.entries(route.query ?? {}).map(([name, schema]) => [name, fromSchema(schema)])), {
            requiredKeys: [],
          }),
          fc.dictionary(fc.string({ maxLength: 6 }), nastyString, { maxKeys: 3 }),
        ),
        body: fc.oneof(
          { weight: 6, arbitrary: fromSchema(route.body).map((value) => ({ kind: "json" as const, value })) },
          { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((value) => ({ kind: "raw" as const, value })) },
          { weight: 1, arbitrary: fc.constant({ kind: "none" as const, value: undefined }) },
        ),
        contentType: fc.constantFrom(
          "application/json",
          "application/json",
          "application/json",
          "text/plain",
          "application/x-www-form-urlencoded",
          "application/json; charset=latin1",
        ),
        authorized: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      }),
    );
    // Each request is generated as it is sent (its own seed, so the run is the same every time): made all
    // at once, they held the event loop for seconds, and the idle keep-alive connections met resets.
    const sampleAt = (index: number) => fc.sample(requestArbitrary, { numRuns: 1, seed: SEED_OF_RUN + index })[0];

    const serverErrors: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const sample = sampleAt(next++);
        if (!sample) break;
        const path = sample.route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(String(sample.pathValue)));
        const query = new URLSearchParams(
          Object.entries(sample.query as Record<string, unknown>).map(([key, value]) => [
            key,
            typeof value === "string" ? value : (JSON.stringify(value) ?? ""),
          ]),
        ).toString();
        const hasBody = sample.route.method !== "GET" && sample.body.kind !== "none";
        const response = await fetch(`${backend.url}${path}${query ? `?${query}` : ""}`, {
          method: sample.route.method,
          headers: {
            ...(hasBody ? { "content-type": sample.contentType } : {}),
            ...(sample.authorized ? { authorization: `Bearer ${sessionToken}` } : {}),
            "idempotency-key": `fuzz-${next}`,
          },
          ...(hasBody ? { body: sample.body.kind === "raw" ? sample.body.value : JSON.stringify(sample.body.value) } : {}),
        });
        // A live stream never ends: its answer is its status and headers.
        const streaming = response.ok && response.headers.get("content-type")?.includes("text/event-stream");
        if (streaming) await response.body?.cancel();
        const text = streaming ? "" : await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500)
          serverErrors.push(`${sample.route.method} ${path}?${query} → ${response.status} ${text.slice(0, 200)}`);
        else if (
          response.status >= 400 &&
          response.headers.get("content-type")?.includes("json") &&
          sample.route.path !== "/rpc" &&
          // Solana Actions answer errors in their spec's shape, { message }, which blink clients show.
          !sample.route.path.startsWith("/api/actions/")
        ) {
          expect(errorBodySchema.safeParse(JSON.parse(text)).success, `${path}: ${text.slice(0, 200)}`).toBe(true);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(serverErrors.slice(0, 10)).toEqual([]);
    expect([...statuses.values()].reduce((sum, count) => sum + count, 0)).toBe(REQUESTS);
    // Some generated requests must get through validation, or the fuzzer only ever tested the validators.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    expect((await backend.request("GET", "/healthz")).status).toBe(200);
  }, 120_000);
});
