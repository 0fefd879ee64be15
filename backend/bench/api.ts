import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { SEED } from "../x-emulator/seed.ts";
import { type BenchCommand, type BenchReply, type BenchUser, SHARED_PATH } from "./protocol.ts";

/**
 * `npm run bench:api`: the backend on embedded defaults in its own process, autocannon on loopback.
 * Claim intake is measured with 64, 128, 192 and 256 concurrent clients, 10,000 new claims each;
 * claims_intake_per_s is the highest rate of those whose p99 is under the goal of 100 ms, and
 * claims_intake_ratio divides it by what a bare node:http server (hello-server.ts) answers under the
 * same load, so runs on busy or different machines compare. The backend's shared path (every middleware
 * a claim passes, then the yardstick's answer: shared_path_ratio) is measured the same way, so the ratio
 * splits into what serving any signed-in POST costs and what the claim's own work costs. The write floor
 * (write-floor-server.ts: node:http, then the claim's durable write alone, on the backend's engine) is
 * measured as the yardstick is: write_floor_ratio is the most any path that writes each claim before
 * answering could reach, and write_floor_best_ratio the highest over the client counts. Every run also
 * counts CPU time per request, autocannon's and the server's (all its threads): *_cpu_bound_ratio is
 * what the ratio would be if the cores ran only autocannon and that server, every core busy. Settling is
 * measured three ways, with the batcher as the backend runs it: 10,000 claims already queued
 * (settle_claims_per_s, with the time of each batcher phase), claims arriving at a steady 100/s, each
 * followed from the fan's side (POST answered → first GET /claims/:id saying confirmed:
 * claim_to_paid_p50_ms/p99_ms), and 10,000 claims as fast as intake takes them until the last is
 * confirmed (burst_10k_all_paid_s). The X API cost per verified claim is what the emulator bills (X's
 * pay-per-use table) for fans with realistic activity claiming a typical giveaway and one with all
 * eight requirements. The creator's dashboard is read, as it polls, on the giveaway of 10,000 paid
 * claims. Prints tables, then one JSON line.
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
/** The steady arrival rate and how many claims it runs for. */
const STEADY_CLAIMS_PER_S = 100;
const STEADY_CLAIMS = 1_000;
/** How often a fan's page asks for its claim's status (the claim page polls at this pace). */
const STATUS_POLL_MS = 100;
/** A few creators' dashboards open at once, each polling its giveaway and its newest claimants. */
const DASHBOARD_CONNECTIONS = 4;
const DASHBOARD_SECONDS = 5;

/** `npm start`'s Node flags (package.json), which the backend and the write floor run with. */
const BACKEND_NODE_FLAGS = ["--max-semi-space-size=64", "--import", "tsx"];

const dataDirectory = mkdtempSync(join(tmpdir(), "memefans-bench-"));
const server: ChildProcess = fork(fileURLToPath(new URL("./bench-server.ts", import.meta.url)), [dataDirectory], {
  // The backend runs with the V8 flags of `npm start` (package.json). BENCH_CPU_PROFILE=<directory>
  // writes a V8 CPU profile of the backend under test there.
  execArgv: [
    ...BACKEND_NODE_FLAGS,
    ...(process.env.BENCH_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []),
  ],
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});

/** Asks `child` (the backend under test, or a yardstick server) and waits for its reply of `type`. */
async function askChild<Type extends BenchReply["type"]>(
  child: ChildProcess,
  command: BenchCommand | undefined,
  type: Type,
): Promise<Extract<BenchReply, { type: Type }>> {
  const answer = new Promise<Extract<BenchReply, { type: Type }>>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the server under test exited (${code})`));
    const onMessage = (message: BenchReply) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as Extract<BenchReply, { type: Type }>);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
  if (command) child.send(command);
  return answer;
}

const ask = <Type extends BenchReply["type"]>(command: BenchCommand | undefined, type: Type) => askChild(server, command, type);

/** A server under load: where autocannon sends, and the process whose CPU time is counted. */
interface LoadTarget {
  url: string;
  process: ChildProcess;
}

/** CPU time per request, in µs: autocannon's (this process), and the server's, every thread of it. */
interface CpuPerRequest {
  loadGenerator: number;
  server: number;
}

async function cpuMicroseconds(target: LoadTarget): Promise<number> {
  return (await askChild(target.process, { type: "cpu" }, "cpu")).microseconds;
}

/**
 * Sends one claim per fan (to `path`: POST /claims unless told). The rate is taken from the first
 * request to the last response: autocannon only notices that a fixed amount is done at its next
 * one-second tick, so its own duration rounds up.
 */
async function intake(
  target: LoadTarget,
  distribution: string,
  fans: BenchUser[],
  connections = CONNECTIONS,
  path = "/claims",
): Promise<{ result: autocannon.Result; perSecond: number; cpu: CpuPerRequest }> {
  let next = 0;
  let lastResponseAt = 0;
  const serverCpuBefore = await cpuMicroseconds(target);
  const loadGeneratorCpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        connections,
        amount: fans.length,
        requests: [
          {
            method: "POST",
            path,
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
  const loadGeneratorCpu = process.cpuUsage(loadGeneratorCpuBefore);
  const cpu = {
    loadGenerator: (loadGeneratorCpu.user + loadGeneratorCpu.system) / fans.length,
    server: ((await cpuMicroseconds(target)) - serverCpuBefore) / fans.length,
  };
  return { result, perSecond: Math.round(result["2xx"] / ((lastResponseAt - startedAt) / 1000)), cpu };
}

/** Runs of the yardstick per connection count; the median is kept. */
const YARDSTICK_RUNS = 3;

/**
 * A yardstick server (hello-server.ts, write-floor-server.ts) in its own process, at the same settings
 * as each intake run. A run lasts well under a second, so one run moved between 13,000 and 35,000/s
 * on an idle machine: the server and autocannon are warmed up by a run that is not counted, and each
 * figure is the median of YARDSTICK_RUNS, with that run's CPU time per request. Each run claims a
 * giveaway of its own (`hello-0`, …).
 */
async function yardstickPerSecond(
  script: string,
  options: { execArgv: string[]; args?: string[] },
  fans: BenchUser[],
  connectionCounts: number[],
): Promise<Map<number, { perSecond: number; cpu: CpuPerRequest }>> {
  const yardstick = fork(fileURLToPath(new URL(script, import.meta.url)), options.args ?? [], {
    execArgv: options.execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const [message] = (await once(yardstick, "message")) as [{ port: number }];
    const target = { url: `http://127.0.0.1:${message.port}`, process: yardstick };
    let run = 0;
    const measure = async (connections: number) => {
      const measured = await intake(target, `${script}-${run++}`, fans, connections);
      if (measured.result.non2xx > 0) throw new Error(`${script} answered ${measured.result.non2xx} requests with an error`);
      return { perSecond: measured.perSecond, cpu: measured.cpu };
    };
    await measure(Math.max(...connectionCounts));
    const rates = new Map<number, { perSecond: number; cpu: CpuPerRequest }>();
    for (const connections of connectionCounts) {
      const runs: { perSecond: number; cpu: CpuPerRequest }[] = [];
      for (let index = 0; index < YARDSTICK_RUNS; index++) runs.push(await measure(connections));
      const median = percentile(
        runs.map((measured) => measured.perSecond),
        0.5,
      );
      rates.set(connections, runs.find((measured) => measured.perSecond === median) as (typeof runs)[number]);
    }
    return rates;
  } finally {
    yardstick.disconnect();
    await once(yardstick, "exit");
  }
}

/** The nearest-rank percentile of `values`. */
function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] as number;
}

/**
 * Fans claim at a steady rate, each then asking for its claim every STATUS_POLL_MS as the claim page
 * does; returns each claim's time from the POST's answer to the first GET that says confirmed.
 */
async function steadyClaimToPaid(url: string, distribution: string, fans: BenchUser[]): Promise<number[]> {
  const follow = async (fan: BenchUser): Promise<number> => {
    const headers = { "content-type": "application/json", authorization: `Bearer ${fan.token}` };
    const posted = await fetch(`${url}/claims`, {
      method: "POST",
      headers: { ...headers, "idempotency-key": `steady-${fan.wallet}` },
      body: JSON.stringify({ distribution, wallet: fan.wallet }),
    });
    const answeredAt = performance.now();
    if (posted.status !== 202) throw new Error(`a steady claim answered ${posted.status}: ${await posted.text()}`);
    const { claim } = (await posted.json()) as { claim: { id: string } };
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
      const status = await fetch(`${url}/claims/${claim.id}`, { headers });
      const { claim: now } = (await status.json()) as { claim: { status: string } };
      if (now.status === "confirmed") return performance.now() - answeredAt;
      if (now.status === "failed") throw new Error(`a steady claim failed: ${JSON.stringify(now)}`);
    }
  };
  const startedAt = performance.now();
  const followed: Promise<number>[] = [];
  for (const [index, fan] of fans.entries()) {
    // Each claim leaves at its own time on the schedule, however late the timer fires.
    const due = startedAt + (index * 1000) / STEADY_CLAIMS_PER_S;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    followed.push(follow(fan));
  }
  return Promise.all(followed);
}

function requestsPerSecond(result: autocannon.Result): number {
  return Math.round(result.requests.total / result.duration);
}

const backendAt = (url: string): LoadTarget => ({ url, process: server });

try {
  await ask(undefined, "started");
  const warmup = await ask({ type: "prepare", fans: WARMUP_CLAIMS, firstFan: 0 }, "prepared");
  const warmupIntake = await intake(backendAt(warmup.url), warmup.distribution, warmup.fans);
  await ask({ type: "settle", distribution: warmup.distribution, expected: warmupIntake.result["2xx"] }, "settled");

  const measured = await ask({ type: "prepare", fans: MEASURED_CLAIMS, firstFan: WARMUP_CLAIMS }, "prepared");
  const {
    result: claims,
    perSecond: claimsPerSecond,
    cpu: claimsCpu,
  } = await intake(backendAt(measured.url), measured.distribution, measured.fans);
  const lookup = await autocannon({
    url: `${measured.url}/distributions?postIds=${SEED.posts.giveaway},${SEED.posts.oldPost}`,
    connections: CONNECTIONS,
    duration: LOOKUP_SECONDS,
  });
  const settled = await ask({ type: "settle", distribution: measured.distribution, expected: claims["2xx"] }, "settled");

  const steady = await ask({ type: "prepare", fans: STEADY_CLAIMS, firstFan: 1_000_000 }, "prepared");
  await ask({ type: "batcher-start" }, "batcher-started");
  const claimToPaid = await steadyClaimToPaid(steady.url, steady.distribution, steady.fans);
  const steadyProfile = (await ask({ type: "batcher-stop" }, "batcher-stopped")).profile;

  const burst = await ask({ type: "prepare", fans: MEASURED_CLAIMS, firstFan: 2_000_000 }, "prepared");
  await ask({ type: "batcher-start" }, "batcher-started");
  const burstStartedAt = performance.now();
  // The last payment is awaited beside the intake: autocannon tells that its fixed amount is done
  // only at its next one-second tick, which would round the burst up to whole seconds.
  const burstPaid = ask({ type: "wait-paid", distribution: burst.distribution, expected: burst.fans.length }, "paid").then(() =>
    performance.now(),
  );
  const burstIntake = await intake(backendAt(burst.url), burst.distribution, burst.fans);
  if (burstIntake.result["2xx"] !== burst.fans.length)
    throw new Error(`the burst's intake refused ${burst.fans.length - burstIntake.result["2xx"]} claims`);
  const burstSeconds = ((await burstPaid) - burstStartedAt) / 1000;
  const burstProfile = (await ask({ type: "batcher-stop" }, "batcher-stopped")).profile;

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
  const runs = [{ connections: CONNECTIONS, result: claims, perSecond: claimsPerSecond, cpu: claimsCpu }];
  let firstFan = WARMUP_CLAIMS + MEASURED_CLAIMS;
  const morePrepared: Extract<BenchReply, { type: "prepared" }>[] = [];
  for (const connections of MORE_CONNECTIONS) {
    const prepared = await ask({ type: "prepare", fans: MEASURED_CLAIMS, firstFan }, "prepared");
    morePrepared.push(prepared);
    firstFan += MEASURED_CLAIMS;
    runs.push({ connections, ...(await intake(backendAt(prepared.url), prepared.distribution, prepared.fans, connections)) });
  }
  const allCounts = [CONNECTIONS, ...MORE_CONNECTIONS];
  const hello = await yardstickPerSecond("./hello-server.ts", { execArgv: ["--import", "tsx"] }, measured.fans, allCounts);
  const writeFloor = await yardstickPerSecond(
    "./write-floor-server.ts",
    { execArgv: BACKEND_NODE_FLAGS, args: [join(dataDirectory, "write-floor")] },
    measured.fans,
    allCounts,
  );
  // One run per client count, each by fans whose sessions the backend resolved over 10 s ago (its
  // session cache's lifetime), so each request looks its session up in the database as a claim does.
  await intake(backendAt(measured.url), "", steady.fans, Math.max(...MORE_CONNECTIONS), SHARED_PATH);
  const idleFans = [warmup.fans, measured.fans, burst.fans, ...morePrepared.map((prepared) => prepared.fans)];
  const sharedPath = new Map<number, { perSecond: number; cpu: CpuPerRequest }>();
  for (const [index, connections] of allCounts.entries()) {
    const fans = idleFans[index] as BenchUser[];
    const run = await intake(backendAt(measured.url), "", fans, connections, SHARED_PATH);
    if (run.result.non2xx > 0) throw new Error(`the shared path answered ${run.result.non2xx} requests with an error`);
    sharedPath.set(connections, run);
  }
  const xCost = await ask({ type: "x-cost" }, "x-cost");

  console.log(
    "| clients | claims/s | node:http hello/s | ratio | shared path/s | shared path ratio | write floor/s | write floor ratio | p50 ms | p99 ms | accepted | refused |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const run of runs) {
    const { latency } = run.result;
    const helloRate = hello.get(run.connections)?.perSecond ?? 0;
    const sharedRate = sharedPath.get(run.connections)?.perSecond ?? 0;
    const floorRate = writeFloor.get(run.connections)?.perSecond ?? 0;
    console.log(
      `| ${run.connections} | ${run.perSecond} | ${helloRate} | ${(run.perSecond / helloRate).toFixed(2)} | ${sharedRate} | ${(sharedRate / helloRate).toFixed(2)} | ${floorRate} | ${(floorRate / helloRate).toFixed(2)} | ${latency.p50} | ${latency.p99} | ${run.result["2xx"]} | ${run.result.non2xx} |`,
    );
  }
  console.log("");
  console.log("CPU time per request, µs: autocannon's / the server's (every thread of its process)");
  console.log("| clients | hello | shared path | write floor | claims |");
  console.log("| --- | --- | --- | --- | --- |");
  const cpuText = (cpu: CpuPerRequest | undefined) => (cpu ? `${Math.round(cpu.loadGenerator)} / ${Math.round(cpu.server)}` : "");
  for (const run of runs) {
    console.log(
      `| ${run.connections} | ${cpuText(hello.get(run.connections)?.cpu)} | ${cpuText(sharedPath.get(run.connections)?.cpu)} | ${cpuText(writeFloor.get(run.connections)?.cpu)} | ${cpuText(run.cpu)} |`,
    );
  }
  console.log("");
  console.log("| batcher phase (ms) | 10k queued | steady 100/s | 10k burst |");
  console.log("| --- | --- | --- | --- |");
  const phases = new Set([settled.profile, steadyProfile, burstProfile].flatMap((profile) => Object.keys(profile.phasesMs)));
  for (const phase of phases) {
    console.log(
      `| ${phase} | ${settled.profile.phasesMs[phase] ?? 0} | ${steadyProfile.phasesMs[phase] ?? 0} | ${burstProfile.phasesMs[phase] ?? 0} |`,
    );
  }
  console.log(
    `| batches (claims each) | ${settled.profile.batches} (${(settled.profile.claims / settled.profile.batches).toFixed(1)}) | ${steadyProfile.batches} (${(steadyProfile.claims / steadyProfile.batches).toFixed(1)}) | ${burstProfile.batches} (${(burstProfile.claims / burstProfile.batches).toFixed(1)}) |`,
  );
  const withinGoal = runs.filter((run) => run.result.latency.p99 < P99_GOAL_MS && run.result.non2xx === 0);
  const best = withinGoal.sort((a, b) => b.perSecond - a.perSecond)[0];
  const saturated = runs.at(-1) as (typeof runs)[number];
  const bestHello = best ? (hello.get(best.connections)?.perSecond ?? null) : null;
  const bestSharedPath = best ? (sharedPath.get(best.connections)?.perSecond ?? null) : null;
  const bestWriteFloor = best ? (writeFloor.get(best.connections) ?? null) : null;
  const bestHelloCpu = best ? hello.get(best.connections)?.cpu : undefined;
  /**
   * The ratio a server would reach if this machine's cores did nothing but run autocannon and it, every
   * core busy: cores ÷ (autocannon's CPU + the server's, per request), over the yardstick's rate. No
   * scheduling does better, so a bound under the goal says the goal needs less CPU per request, not a
   * better overlap of threads.
   */
  const cpuBoundRatio = (cpu: CpuPerRequest | undefined) =>
    cpu && bestHello ? Number(((availableParallelism() * 1e6) / (cpu.loadGenerator + cpu.server) / bestHello).toFixed(2)) : null;
  const microseconds = (value: number | undefined) => (value === undefined ? null : Math.round(value));
  const figures = {
    claim_to_paid_p50_ms: Math.round(percentile(claimToPaid, 0.5)),
    claim_to_paid_p99_ms: Math.round(percentile(claimToPaid, 0.99)),
    burst_10k_all_paid_s: Number(burstSeconds.toFixed(2)),
    settle_claims_per_s: Math.round(claims["2xx"] / settled.seconds),
    node_http_hello_per_s: bestHello ?? hello.get(CONNECTIONS)?.perSecond ?? null,
    claims_intake_ratio: best && bestHello ? Number((best.perSecond / bestHello).toFixed(2)) : null,
    claims_intake_per_s: best?.perSecond ?? null,
    shared_path_per_s: bestSharedPath,
    shared_path_ratio: bestSharedPath && bestHello ? Number((bestSharedPath / bestHello).toFixed(2)) : null,
    write_floor_per_s: bestWriteFloor?.perSecond ?? null,
    write_floor_ratio: bestWriteFloor && bestHello ? Number((bestWriteFloor.perSecond / bestHello).toFixed(2)) : null,
    write_floor_best_ratio: Number(
      Math.max(...allCounts.map((count) => (writeFloor.get(count)?.perSecond ?? 0) / (hello.get(count)?.perSecond ?? 1))).toFixed(
        2,
      ),
    ),
    cores: availableParallelism(),
    load_generator_us_per_request: microseconds(bestHelloCpu?.loadGenerator),
    hello_server_us_per_request: microseconds(bestHelloCpu?.server),
    shared_path_server_us_per_request: microseconds(best && sharedPath.get(best.connections)?.cpu.server),
    write_floor_server_us_per_request: microseconds(bestWriteFloor?.cpu.server),
    claims_server_us_per_request: microseconds(best?.cpu.server),
    write_floor_cpu_bound_ratio: cpuBoundRatio(bestWriteFloor?.cpu),
    claims_cpu_bound_ratio: cpuBoundRatio(best?.cpu),
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
    x_api_calls_per_verified_claim: xCost.typicalCalls === null ? null : Number(xCost.typicalCalls.toFixed(2)),
    x_api_calls_per_verified_claim_all_8: xCost.allEightCalls === null ? null : Number(xCost.allEightCalls.toFixed(2)),
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
