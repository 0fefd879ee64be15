import type { NextFunction, Request, Response } from "express";
import { describe, expect, it } from "vitest";
import { HttpError } from "./errors.ts";
import { rateLimits } from "./rate-limits.ts";

/** Runs a limiter on a request from `ip` (signed in as `account`) and tells what it decided. */
function harness(perMinute: number, actionsPerMinute?: number) {
  let clock = 1_000_000;
  const limits = rateLimits({
    perIpPerMinute: perMinute,
    ...(actionsPerMinute === undefined ? {} : { actionsPerIpPerMinute: actionsPerMinute }),
    perAccountPerMinute: perMinute,
    accountOf: (response) => (response.locals as { account?: string }).account,
    now: () => clock,
  });
  const run = (limiter: keyof typeof limits, ip: string, account?: string, path = "/claims") => {
    const headers: Record<string, string> = {};
    const response = { locals: { account }, setHeader: (name: string, value: string) => (headers[name] = value) };
    let passed: unknown = "not called";
    limits[limiter](
      { ip, path } as Request,
      response as unknown as Response,
      ((error?: unknown) => {
        passed = error;
      }) as NextFunction,
    );
    const refusal = passed instanceof HttpError ? passed : undefined;
    if (passed !== undefined && !refusal) throw new Error(`unexpected outcome ${String(passed)}`);
    return { limited: refusal !== undefined, retryAfter: refusal?.headers?.["Retry-After"], headers };
  };
  return { run, advance: (ms: number) => (clock += ms) };
}

describe("rate limits", () => {
  it("gives the Solana Actions paths a per-IP limit of their own: a blink's fans come through its maker's proxy", () => {
    const { run } = harness(2, 4);
    const blink = "/api/actions/d/7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
    for (let request = 0; request < 4; request++) expect(run("perIp", "34.1.1.1", undefined, blink).limited).toBe(false);
    expect(run("perIp", "34.1.1.1", undefined, blink)).toMatchObject({ limited: true });
    expect(run("perIp", "34.1.1.1", undefined, blink).headers["RateLimit-Policy"]).toBe("4;w=60");
    // The same address's other requests count against the ordinary limit, apart from its blink traffic.
    expect(run("perIp", "34.1.1.1").limited).toBe(false);
    expect(run("perIp", "34.1.1.1").limited).toBe(false);
    expect(run("perIp", "34.1.1.1").limited).toBe(true);
    // Without a limit of their own, action paths count against the ordinary one.
    const plain = harness(1);
    expect(plain.run("perIp", "34.1.1.1", undefined, blink).limited).toBe(false);
    expect(plain.run("perIp", "34.1.1.1").limited).toBe(true);
  });

  it("counts each IP in a window begun at its first request, and says when it ends", () => {
    const { run, advance } = harness(2);
    expect(run("perIp", "10.0.0.1").headers).toEqual({
      "RateLimit-Policy": "2;w=60",
      RateLimit: "limit=2, remaining=1, reset=60",
    });
    advance(20_000);
    expect(run("perIp", "10.0.0.1").limited).toBe(false);
    expect(run("perIp", "10.0.0.2").limited).toBe(false);
    const refused = run("perIp", "10.0.0.1");
    expect(refused).toMatchObject({ limited: true, retryAfter: "40" });
    expect(refused.headers.RateLimit).toBe("limit=2, remaining=0, reset=40");
    advance(40_000);
    // 10.0.0.1's window has ended; 10.0.0.2's, begun 20 s later, has not.
    expect(run("perIp", "10.0.0.1").limited).toBe(false);
    expect(run("perIp", "10.0.0.2").limited).toBe(false);
    expect(run("perIp", "10.0.0.2")).toMatchObject({ limited: true, retryAfter: "20" });
  });

  it("keeps a window that is still running when the counters are rotated, and forgets ended ones", () => {
    const { run, advance } = harness(1);
    run("perIp", "10.0.0.1");
    advance(59_000);
    run("perIp", "10.0.0.2");
    advance(2_000); // the counter rotates on this request: 10.0.0.2's window still has 58 s to run
    expect(run("perIp", "10.0.0.3").limited).toBe(false);
    expect(run("perIp", "10.0.0.2")).toMatchObject({ limited: true, retryAfter: "58" });
    expect(run("perIp", "10.0.0.1").limited).toBe(false);
    advance(10 * 60_000);
    for (const ip of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) expect(run("perIp", ip).limited).toBe(false);
  });

  it("groups IPv6 clients by /56 and reads IPv4-mapped addresses as IPv4", () => {
    const { run } = harness(1);
    run("perIp", "2001:db8:0:1200::1");
    expect(run("perIp", "2001:db8:0:12ff:ffff::2").limited).toBe(true);
    expect(run("perIp", "2001:db8:0:1300::1").limited).toBe(false);
    run("perIp", "192.0.2.7");
    expect(run("perIp", "::ffff:192.0.2.7").limited).toBe(true);
  });

  it("limits signed-in accounts without headers, and lets requests without an account through", () => {
    const { run } = harness(1);
    expect(run("perAccount", "10.0.0.1", "42")).toEqual({ limited: false, retryAfter: undefined, headers: {} });
    expect(run("perAccount", "10.0.0.9", "42").limited).toBe(true);
    for (let index = 0; index < 3; index++) expect(run("perAccount", "10.0.0.1").limited).toBe(false);
  });
});
