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
 * Claim intake is measured with 64, 128, 192 and 256 concurrent clients, 10,000 new claims each;
 * claims_intake_per_s is the highest rate of those whose p99 is under the goal of 100 ms. The X API
 * cost per verified claim is what the emulator bills (X's pay-per-use table) for fans with realistic
 * activity claiming a typical giveaway and one with all eight requirements. The creator's dashboard
 * is read, as it polls, on the giveaway of 10,000 paid claims. Prints tables, then one JSON line.
 */
// As many as are measured: V8 is still compiling the hot path through the first thousands of requests.
const WARMUP_CLAIMS = 10_000;
const MEASURED_CLAIMS = Number(process.env.BENCH_CLAIMS ?? 10_000);
const CONNECTIONS = 64;
/** Intake is also measured under more concurrent clients, up to enough to keep the backend busy throughout. */
const MORE_CONNECTIONS = [128, 192, 256];
/** The latency goal: the headline intake rate is the highest one measured with p99 under it. */
const P99_GOAL_MS = 100;
const LOOKUP_SECONDS = 5;
/** A few creators' dashboards open at once, each polling its giveaway and its newest claimants. */
const DASHBOARD_CONNECTIONS = 4;
const DASHBOARD_SECONDS = 5;

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
    const onExit = (code: number | null) => reject(new Error(`the backend under test exited (${code})`));
    const onMessage = (message: BenchReply) => {
      if (message.type !== type) return;
      server.off("message", onMessage);
      server.off("exit", onExit);
      resolve(message as Extract<BenchReply, { type: Type }>);
    };
    server.on("message", onMessage);
    server.once("exit", onExit);
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
  const dashboard = (path: string) =>
    autocannon({
      url: `${measured.url}/creators/me/distributions/${measured.distribution}${path}`,
      headers: { authorization: `Bearer ${measured.creatorToken}` },
      connections: DASHBOARD_CONNECTIONS,
      duration: DASHBOARD_SECONDS,
    });
  const dashboardView = await dashboard("");
  const claimantsPage = await dashboard("/claims?status=all&limit=50");
  const failedPage = await dashboard("/claims?status=failed&limit=50");
  const lastPage = await dashboard("/claims?status=all&limit=50&before=50");
  for (const [name, result] of Object.entries({ dashboardView, claimantsPage, failedPage, lastPage })) {
    if (result.non2xx > 0 || result["2xx"] === 0) throw new Error(`the dashboard read ${name} failed: ${result.non2xx} non-2xx`);
  }
  const runs = [{ connections: CONNECTIONS, result: claims, perSecond: claimsPerSecond }];
  let firstFan = WARMUP_CLAIMS + MEASURED_CLAIMS;
  for (const connections of MORE_CONNECTIONS) {
    const prepared = await ask({ type: "prepare", fans: MEASURED_CLAIMS, firstFan }, "prepared");
    firstFan += MEASURED_CLAIMS;
    runs.push({ connections, ...(await intake(prepared.url, prepared.distribution, prepared.fans, connections)) });
  }
  const xCost = await ask({ type: "x-cost" }, "x-cost");

  console.log("| clients | claims/s | p50 ms | p99 ms | accepted | refused |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const run of runs) {
    const { latency } = run.result;
    console.log(
      `| ${run.connections} | ${run.perSecond} | ${latency.p50} | ${latency.p99} | ${run.result["2xx"]} | ${run.result.non2xx} |`,
    );
  }
  const withinGoal = runs.filter((run) => run.result.latency.p99 < P99_GOAL_MS && run.result.non2xx === 0);
  const best = withinGoal.sort((a, b) => b.perSecond - a.perSecond)[0];
  const saturated = runs.at(-1) as (typeof runs)[number];
  const figures = {
    claims_intake_per_s: best?.perSecond ?? null,
    claims_intake_p50_ms: best?.result.latency.p50 ?? null,
    claims_intake_p99_ms: best?.result.latency.p99 ?? null,
    claims_intake_clients: best?.connections ?? null,
    claims_intake_64_clients_per_s: claimsPerSecond,
    claims_intake_64_clients_p99_ms: claims.latency.p99,
    claims_accepted: runs.reduce((sum, run) => sum + run.result["2xx"], 0),
    claims_refused: runs.reduce((sum, run) => sum + run.result.non2xx, 0),
    claims_intake_256_clients_per_s: saturated.perSecond,
    claims_intake_256_clients_p99_ms: saturated.result.latency.p99,
    lookup_per_s: requestsPerSecond(lookup),
    lookup_p99_ms: lookup.latency.p99,
    settle_10k_claims_s: Number(settled.seconds.toFixed(2)),
    dashboard_view_10k_claims_per_s: requestsPerSecond(dashboardView),
    dashboard_view_10k_claims_p99_ms: dashboardView.latency.p99,
    dashboard_claimants_page_10k_claims_per_s: requestsPerSecond(claimantsPage),
    dashboard_claimants_page_10k_claims_p99_ms: claimantsPage.latency.p99,
    dashboard_failed_page_10k_claims_p99_ms: failedPage.latency.p99,
    dashboard_oldest_page_10k_claims_p99_ms: lastPage.latency.p99,
    x_api_usd_per_verified_claim: xCost.typicalUsd,
    x_api_usd_per_verified_claim_all_8: xCost.allEightUsd,
    x_api_calls_per_verified_claim: Number(xCost.typicalCalls.toFixed(2)),
    x_api_calls_per_verified_claim_all_8: Number(xCost.allEightCalls.toFixed(2)),
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
