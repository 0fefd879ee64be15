import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Connection, Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { decodeDistributionAccount } from "../shared/program/index.ts";
import { requirementsHash, requirementsSchema } from "../shared/requirements.ts";
import { createTestDistribution, fund, type TestDistribution, tokenBalance } from "./claims/testing/chain-fixtures.ts";
import type { Database } from "./db/database.ts";
import { openDatabase } from "./db/open-database.ts";
import { TestPostgres } from "./db/testing/engines.ts";
import { lineOf, startScript } from "./http/testing/child-processes.ts";
import { signInThrough } from "./http/testing/test-backend.ts";
import { SessionStore } from "./identity/sessions.ts";
import { XAccounts } from "./identity/x-accounts.ts";
import { createTokenCipher, parseTokenKey } from "./x/index.ts";
import { SEED } from "./x-emulator/seed.ts";

/**
 * Two `npm start` processes behind one imagined load balancer: one PostgreSQL, one cluster (the chain
 * in a process of its own, as a real cluster outlives backends). Claims are spread across both, rate
 * limits are counted across both, and one instance is SIGKILLed while it holds claims it is batching.
 */
const ACCOUNT_LIMIT = 6;
const FANS = 40;
const CLAIM_LEASE_MS = 1_500;

const postgres = new TestPostgres();
const children: ChildProcess[] = [];
const dataDirectories: string[] = [];
let database: Database;
let connection: Connection;
let environment: Record<string, string>;
const verifier = Keypair.generate();

interface Instance {
  child: ChildProcess;
  url: string;
  instanceId: string;
}

function spawnScript(script: string, environment: Record<string, string>): ChildProcess {
  const child = startScript(script, environment);
  children.push(child);
  return child;
}

async function startInstance(): Promise<Instance> {
  const dataDirectory = mkdtempSync(join(tmpdir(), "memefans-instance-"));
  dataDirectories.push(dataDirectory);
  const child = spawnScript("backend/main.ts", { ...environment, DATA_DIR: dataDirectory });
  const started = await lineOf(child, (line) => {
    const entry = JSON.parse(line) as { msg?: string; url?: string; instanceId?: string; chain?: string };
    return entry.msg?.startsWith("memefans backend listening") ? entry : undefined;
  });
  // The log names the RPC's host only: a provider's URL carries its API key in the path or query.
  expect(started.chain).toBe(`the RPC at ${new URL(environment.SOLANA_RPC_URL ?? "").host}`);
  // Keep reading, so a chatty instance never blocks on a full pipe.
  child.stdout?.resume();
  return { child, url: started.url ?? "", instanceId: started.instanceId ?? "" };
}

beforeAll(async () => {
  const databaseUrl = await postgres.createDatabaseUrl();
  database = await openDatabase({ databaseUrl });
  const chainProcess = spawnScript("backend/chain/chain-main.ts", { CHAIN_PORT: "0", CHAIN_SLOT_MS: "100" });
  const { rpcUrl } = await lineOf(chainProcess, (line) => JSON.parse(line) as { rpcUrl: string });
  chainProcess.stdout?.resume();
  connection = new Connection(rpcUrl, "confirmed");
  await fund(connection, verifier.publicKey, 1000);
  environment = {
    PORT: "0",
    LOG_LEVEL: "info",
    DATABASE_URL: databaseUrl,
    SOLANA_RPC_URL: rpcUrl,
    VERIFIER_KEYPAIR: JSON.stringify([...verifier.secretKey]),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    RATE_LIMIT_PER_IP_PER_MINUTE: "100000",
    RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: String(ACCOUNT_LIMIT),
    CLAIM_LEASE_MS: String(CLAIM_LEASE_MS),
  };
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await database?.close();
  postgres.stop();
  for (const directory of dataDirectories) rmSync(directory, { recursive: true, force: true });
});

function requirementFreeDistribution(maxClaims: number): Promise<TestDistribution> {
  return createTestDistribution(connection, {
    verifier: verifier.publicKey,
    maxClaims,
    nowSeconds: Math.floor(Date.now() / 1000),
    requirementsHash: requirementsHash(requirementsSchema.parse([])) as Uint8Array<ArrayBuffer>,
    postId: BigInt(SEED.posts.giveaway),
  });
}

async function register(instance: Instance, distribution: TestDistribution, creatorToken?: string): Promise<TestDistribution> {
  const token = creatorToken ?? (await signInThrough(instance.url, SEED.users.creator.username)).sessionToken;
  const registered = await fetch(`${instance.url}/distributions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ address: distribution.address.toBase58(), postId: SEED.posts.giveaway, requirements: [] }),
  });
  expect(registered.status, await registered.clone().text()).toBe(201);
  return distribution;
}

interface Fan {
  id: string;
  token: string;
  wallet: Keypair;
}

/** Fans signed in with a bound wallet, made through the services as bench:api does (an OAuth round each would dominate). */
async function makeFans(count: number, first: number): Promise<Fan[]> {
  const accounts = new XAccounts(
    database,
    createTokenCipher({ id: "k1", key: parseTokenKey(environment.TOKEN_ENCRYPTION_KEY ?? "") }),
    { clientId: "test", authorizeUrl: "https://x.invalid/authorize", apiBaseUrl: "https://x.invalid" },
  );
  const sessions = new SessionStore(database, 1);
  const fans: Fan[] = [];
  for (let index = first; index < first + count; index++) {
    const id = String(8_000_000_000 + index);
    await accounts.saveLogin(
      { id, username: `fan${index}`, name: `Fan ${index}` },
      { accessToken: `fan-${index}`, expiresAt: new Date(Date.now() + 86_400_000), scopes: ["tweet.read"] },
    );
    fans.push({ id, token: await sessions.create(id), wallet: Keypair.generate() });
  }
  await database.query("INSERT INTO wallets (address, x_user_id) SELECT * FROM unnest($1::text[], $2::text[])", [
    fans.map((fan) => fan.wallet.publicKey.toBase58()),
    fans.map((fan) => fan.id),
  ]);
  return fans;
}

function claim(instance: Instance, fan: Fan, distribution: TestDistribution, key: string): Promise<Response> {
  return fetch(`${instance.url}/claims`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${fan.token}`, "idempotency-key": key },
    body: JSON.stringify({ distribution: distribution.address.toBase58(), wallet: fan.wallet.publicKey.toBase58() }),
  });
}

async function untilAllConfirmed(distribution: TestDistribution, expected: number): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    const { rows } = await database.query<{ confirmed: string }>(
      "SELECT count(*) AS confirmed FROM claims WHERE distribution = $1 AND status = 'confirmed'",
      [distribution.address.toBase58()],
    );
    if (Number(rows[0]?.confirmed) === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not every claim of ${distribution.address.toBase58()} was confirmed within 60 s`);
}

/** The chain's word: each fan's wallet holds exactly one claim's amount, and the distribution counts each once. */
async function expectPaidOnce(distribution: TestDistribution, fans: Fan[]): Promise<void> {
  const balances = await Promise.all(fans.map((fan) => tokenBalance(connection, distribution.mint, fan.wallet.publicKey)));
  expect(balances.filter((balance) => balance !== distribution.amountPerClaim)).toEqual([]);
  const state = decodeDistributionAccount((await connection.getAccountInfo(distribution.address))?.data as Uint8Array);
  expect(state.claimedCount).toBe(fans.length);
}

it("two instances on one PostgreSQL: claims spread across both are paid once, limits hold across both, a killed instance's batch is finished by the other", async () => {
  const [first, second] = [await startInstance(), await startInstance()];
  if (!first || !second) throw new Error("both instances start");
  const instances = [first, second];

  // Each fan claims through one instance and, with another key, through the other at the same moment.
  const distribution = await register(first, await requirementFreeDistribution(FANS * 2));
  const fans = await makeFans(FANS, 0);
  const answers = await Promise.all(
    fans.flatMap((fan, index) => [
      claim(instances[index % 2] as Instance, fan, distribution, `a-${fan.id}`),
      claim(instances[(index + 1) % 2] as Instance, fan, distribution, `b-${fan.id}`),
    ]),
  );
  const statuses = answers.map((answer) => answer.status);
  // Any other answer is shown whole, so a failure says what the instances answered.
  const others = await Promise.all(answers.filter((answer) => answer.status !== 202).map((answer) => answer.text()));
  expect(statuses.filter((status) => status === 202)).toHaveLength(FANS);
  expect(
    statuses.filter((status) => status === 409),
    others.join("\n"),
  ).toHaveLength(FANS);
  await untilAllConfirmed(distribution, FANS);
  await expectPaidOnce(distribution, fans);

  // One account's requests alternate between the instances: the limit counts them together.
  const [limited] = await makeFans(1, FANS);
  if (!limited) throw new Error("one fan");
  const limitedAnswers: number[] = [];
  for (let request = 0; request < ACCOUNT_LIMIT * 2; request++) {
    const instance = instances[request % 2] as Instance;
    const answer = await fetch(`${instance.url}/me/claims`, { headers: { authorization: `Bearer ${limited.token}` } });
    limitedAnswers.push(answer.status);
  }
  expect(limitedAnswers).toEqual([...Array(ACCOUNT_LIMIT).fill(200), ...Array(ACCOUNT_LIMIT).fill(429)]);

  // A post's lookup is cached on the first instance; a registration on the second reaches it at once.
  const lookup = async (instance: Instance) => {
    const answer = await fetch(`${instance.url}/distributions?postIds=${SEED.posts.giveaway}`);
    return ((await answer.json()) as { distributions: { address: string }[] }).distributions.map((entry) => entry.address);
  };
  const secondRound = await requirementFreeDistribution(FANS);
  const creator = await signInThrough(second.url, SEED.users.creator.username);
  expect(await lookup(first)).toEqual([distribution.address.toBase58()]);
  const cachedAt = Date.now();
  await register(second, secondRound, creator.sessionToken);
  let seen: string[] = [];
  for (let waited = 0; waited < 2_000 && seen.length < 2; waited += 20) {
    seen = await lookup(first);
    if (seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Well before the cached answer's 5 s lifetime ended.
  expect(Date.now() - cachedAt).toBeLessThan(4_000);
  expect(seen.sort()).toEqual([distribution.address.toBase58(), secondRound.address.toBase58()].sort());

  // A sign-out on one instance ends the session on the other well before its 10 s session cache would.
  const leaving = await signInThrough(first.url, SEED.users.casualFan.username);
  const meOn = (instance: { url: string }) =>
    fetch(`${instance.url}/me/claims`, { headers: { authorization: `Bearer ${leaving.sessionToken}` } });
  expect((await meOn(second)).status).toBe(200);
  const loggedOut = await fetch(`${first.url}/auth/logout`, {
    method: "POST",
    headers: { authorization: `Bearer ${leaving.sessionToken}` },
  });
  expect(loggedOut.status).toBe(200);
  const signedOutAt = Date.now();
  let stillServed = true;
  while (stillServed && Date.now() - signedOutAt < 4_000) {
    stillServed = (await meOn(second)).status === 200;
    if (stillServed) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(stillServed).toBe(false);

  // New claims arrive at both; the instance seen holding some of them in a batch is SIGKILLed.
  const lateFans = await makeFans(FANS, FANS + 1);
  const accepted = await Promise.all(
    lateFans.map((fan, index) => claim(instances[index % 2] as Instance, fan, secondRound, `late-${fan.id}`)),
  );
  expect(accepted.map((answer) => answer.status)).toEqual(Array(FANS).fill(202));
  let held: { owner: string; ids: string[] } | undefined;
  for (let waited = 0; waited < 20_000 && !held; waited += 5) {
    const { rows } = await database.query<{ id: string; owner: string }>(
      // A claim is leased to one cycle of an instance ("<instance>/<cycle>"), a batch to the instance.
      `SELECT c.id, split_part(coalesce(c.lease_owner, b.lease_owner), '/', 1) AS owner FROM claims c LEFT JOIN claim_batches b ON b.id = c.batch_id
       WHERE c.distribution = $1 AND c.status IN ('queued', 'sent') AND coalesce(c.lease_owner, b.lease_owner) IS NOT NULL`,
      [secondRound.address.toBase58()],
    );
    const owner = rows[0]?.owner;
    if (owner) held = { owner, ids: rows.filter((row) => row.owner === owner).map((row) => row.id) };
    else await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (!held) throw new Error("no instance was seen batching the second round");
  const victim = instances.find((instance) => instance.instanceId === held?.owner);
  const survivor = instances.find((instance) => instance !== victim);
  if (!victim || !survivor) throw new Error(`the lease owner ${held.owner} is neither instance`);
  victim.child.kill("SIGKILL");
  await once(victim.child, "exit");

  await untilAllConfirmed(secondRound, FANS);
  await expectPaidOnce(secondRound, lateFans);
  const { rows: finished } = await database.query<{ status: string }>("SELECT status FROM claims WHERE id = ANY($1::uuid[])", [
    held.ids,
  ]);
  expect(finished.map((row) => row.status)).toEqual(held.ids.map(() => "confirmed"));
  expect(survivor.child.exitCode).toBeNull();
  expect((await fetch(`${survivor.url}/healthz`)).status).toBe(200);
}, 240_000);
