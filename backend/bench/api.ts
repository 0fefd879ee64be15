import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { SEED } from "../x-emulator/seed.ts";
import type { BenchCommand, BenchReply, BenchUser } from "./protocol.ts";

/**
 * `npm run bench:api`: the backend on embedded defaults in its own process, autocannon on loopback.
 * Prints a table, then one JSON line.
 */
// As many as are measured: V8 is still compiling the hot path through the first thousands of requests.
const WARMUP_CLAIMS = 10_000;
const MEASURED_CLAIMS = Number(process.env.BENCH_CLAIMS ?? 10_000);
const CONNECTIONS = 64;
/** Enough clients to keep the backend busy throughout: its throughput when saturated. */
const SATURATING_CONNECTIONS = 256;
const LOOKUP_SECONDS = 5;

const dataDirectory = mkdtempSync(join(tmpdir(), "memefans-bench-"));
const server: ChildProcess = fork(fileURLToPath(new URL("./bench-server.ts", import.meta.url)), [dataDirectory], {
  // The backend runs with the V8 flags of `npm start` (package.json). BENCH_CPU_PROFILE=<directory>
  // writes a V8 CPU profile of the backend under test there.
  execArgv: [
    "--max-semi-space-size=64",
    "--import",
    "tsx",
    ...(process.env.BENCH_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []),
  ],
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});

async function ask<Type extends BenchReply["type"]>(
  command: BenchCommand | undefined,
  type: Type,
): Promise<Extract<BenchReply, { type: Type }>> {
  const answer = new Promise<Extract<BenchReply, { type: Type }>>((resolve, reject) => {
    const onMessage = (message: BenchReply) => {
      if (message.type !== type) return;
      server.off("message", onMessage);
      resolve(message as Extract<BenchReply, { type: Type }>);
    };
    server.on("message", onMessage);
    server.once("exit", (code) => reject(new Error(`the backend under test exited (${code})`)));
  });
  if (command) server.send(command);
  return answer;
}

/**
 * Sends one claim per fan. The rate is taken from the first request to the last response: autocannon
 * only notices that a fixed amount is done at its next one-second tick, so its own duration rounds up.
 */
async function intake(
  url: string,
  distribution: string,
  fans: BenchUser[],
  connections = CONNECTIONS,
): Promise<{ result: autocannon.Result; perSecond: number }> {
  let next = 0;
  let lastResponseAt = 0;
  const startedAt = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        amount: fans.length,
        requests: [
          {
            method: "POST",
            path: "/claims",
            setupRequest: (request) => {
              const fan = fans[next++ % fans.length] as BenchUser;
              return {
                ...request,
                headers: {
                  "content-type": "application/json",
                  authorization: `Bearer ${fan.token}`,
                  "idempotency-key": `bench-${fan.wallet}`,
                },
                body: JSON.stringify({ distribution, wallet: fan.wallet }),
              };
            },
          },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on("response", () => {
      lastResponseAt = performance.now();
    });
  });
  return { result, perSecond: Math.round(result["2xx"] / ((lastResponseAt - startedAt) / 1000)) };
}

function requestsPerSecond(result: autocannon.Result): number {
  return Math.round(result.requests.total / result.duration);
}

try {
  await ask(undefined, "started");
  const warmup = await ask({ type: "prepare", fans: WARMUP_CLAIMS, firstFan: 0 }, "prepared");
  const warmupIntake = await intake(warmup.url, warmup.distribution, warmup.fans);
  await ask({ type: "settle", distribution: warmup.distribution, expected: warmupIntake.result["2xx"] }, "settled");

  const measured = await ask({ type: "prepare", fans: MEASURED_CLAIMS, firstFan: WARMUP_CLAIMS }, "prepared");
  const { result: claims, perSecond: claimsPerSecond } = await intake(measured.url, measured.distribution, measured.fans);
  const lookup = await autocannon({
    url: `${measured.url}/distributions?postIds=${SEED.posts.giveaway},${SEED.posts.oldPost}`,
    connections: CONNECTIONS,
    duration: LOOKUP_SECONDS,
  });
  const settled = await ask({ type: "settle", distribution: measured.distribution, expected: claims["2xx"] }, "settled");
  const busiest = await ask({ type: "prepare", fans: MEASURED_CLAIMS, firstFan: WARMUP_CLAIMS + MEASURED_CLAIMS }, "prepared");
  const saturated = await intake(busiest.url, busiest.distribution, busiest.fans, SATURATING_CONNECTIONS);
  const xCalls = await ask({ type: "x-calls" }, "x-calls");

  const figures = {
    claims_intake_per_s: claimsPerSecond,
    claims_intake_p50_ms: claims.latency.p50,
    claims_intake_p99_ms: claims.latency.p99,
    claims_accepted: claims["2xx"],
    claims_refused: claims.non2xx,
    claims_intake_256_clients_per_s: saturated.perSecond,
    claims_intake_256_clients_p99_ms: saturated.result.latency.p99,
    lookup_per_s: requestsPerSecond(lookup),
    lookup_p99_ms: lookup.latency.p99,
    settle_10k_claims_s: Number(settled.seconds.toFixed(2)),
    x_api_calls_per_claim: xCalls.claims ? Number((xCalls.calls / xCalls.claims).toFixed(2)) : null,
  };
  console.log("");
  console.log("| figure | value |");
  console.log("| --- | --- |");
  for (const [name, value] of Object.entries(figures)) console.log(`| ${name} | ${value} |`);
  console.log(JSON.stringify(figures));
  await ask({ type: "close" }, "closed");
} finally {
  if (server.exitCode === null) {
    // Give a closing server time to write its CPU profile before it is killed.
    const kill = setTimeout(() => server.kill("SIGKILL"), 10_000);
    await once(server, "exit");
    clearTimeout(kill);
  }
  rmSync(dataDirectory, { recursive: true, force: true });
}
