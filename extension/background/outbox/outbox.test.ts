import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { callBackend } from "../backend-client/backend-client.ts";
import { type MemefansDatabase, openMemefansDatabase } from "../storage/database.ts";
import { type IdempotentBackend, startIdempotentBackend } from "../testing/idempotent-backend.ts";
import { Outbox } from "./outbox.ts";

const DISTRIBUTION = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
const WALLET = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

let databases: MemefansDatabase[] = [];
let backends: IdempotentBackend[] = [];

afterEach(async () => {
  for (const db of databases) db.close();
  for (const backend of backends) await backend.close().catch(() => undefined);
  databases = [];
  backends = [];
});

async function open(name: string) {
  const db = await openMemefansDatabase(name);
  databases.push(db);
  return db;
}

async function backend(port = 0) {
  const started = await startIdempotentBackend(port);
  backends.push(started);
  return started;
}

/** An outbox whose clock the test moves, pointed at whatever URL `target()` says now. */
function outboxOver(db: MemefansDatabase, target: () => string, clock: { now: number }) {
  const settled: string[] = [];
  const outbox = new Outbox({
    db,
    now: () => clock.now,
    retry: { baseMs: 1_000, maxMs: 8_000 },
    leaseMs: 30_000,
    send: (item) => callBackend(target(), { path: item.path, body: item.body, idempotencyKey: item.id }),
    onSettled: async (item) => {
      settled.push(`${item.id}:${item.status}`);
    },
  });
  return { outbox, settled };
}

const claimItem = {
  kind: "claim" as const,
  path: "/claims",
  body: { distribution: DISTRIBUTION, wallet: WALLET },
  label: "claim",
};

describe("outbox", () => {
  it("delivers at once when the backend is up, with the item id as Idempotency-Key", async () => {
    const server = await backend();
    const { outbox } = outboxOver(await open("outbox-up"), () => server.url, { now: 1_000 });
    const outcome = await outbox.submit(claimItem);
    expect(outcome.outcome).toBe("delivered");
    expect([...server.effects.keys()]).toEqual([outcome.outboxId]);
    expect(await outbox.deliverDue()).toEqual({ delivered: 1, pending: 0, failed: 0 });
    expect(server.requests).toBe(1);
  });

  it("queues while offline, survives a restart, and delivers exactly once when back online", async () => {
    // Reserve a port, then close the server: the backend is "offline" on a known address.
    const probe = await backend();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const url = `http://127.0.0.1:${port}`;
    const clock = { now: 10_000 };

    const first = outboxOver(await open("outbox-offline"), () => url, clock);
    const outcome = await first.outbox.submit(claimItem);
    expect(outcome.outcome).toBe("queued");
    if (outcome.outcome !== "queued") throw new Error("unreachable");
    expect(outcome.reason).toMatch(/^the backend at .* is unreachable/);
    // Retrying before the backoff has passed sends nothing.
    expect(await first.outbox.deliverDue()).toEqual({ delivered: 0, pending: 1, failed: 0 });

    // "Restart": the first instance and its connection are gone; a new one opens the same database.
    databases[0]?.close();
    const server = await backend(port);
    const second = outboxOver(await open("outbox-offline"), () => url, clock);
    expect((await second.outbox.list()).map((item) => item.status)).toEqual(["pending"]);
    expect(await second.outbox.deliverDue()).toEqual({ delivered: 0, pending: 1, failed: 0 });
    clock.now += 1_000;
    const [countsA, countsB] = await Promise.all([second.outbox.deliverDue(), second.outbox.deliverDue()]);
    expect(countsA).toEqual({ delivered: 1, pending: 0, failed: 0 });
    expect(countsB).toEqual(countsA);
    clock.now += 60_000;
    await second.outbox.deliverDue();
    expect(server.requests).toBe(1);
    expect([...server.effects.keys()]).toEqual([outcome.outboxId]);
    expect(second.settled).toEqual([`${outcome.outboxId}:delivered`]);
  });

  it("retries with the same key after a lost reply, so the backend performs the write once", async () => {
    const server = await backend();
    server.mode = "drop-reply";
    const clock = { now: 0 };
    const { outbox } = outboxOver(await open("outbox-lost-reply"), () => server.url, clock);
    const outcome = await outbox.submit(claimItem);
    expect(outcome.outcome).toBe("queued");
    expect(server.effects.size).toBe(1);

    server.mode = "normal";
    clock.now += 1_000;
    expect(await outbox.deliverDue()).toEqual({ delivered: 1, pending: 0, failed: 0 });
    expect(server.requests).toBe(2);
    expect(server.effects.size).toBe(1);
    const delivered = await outbox.get(outcome.outboxId);
    expect(delivered?.response).toEqual({ claim: server.effects.get(outcome.outboxId) });
  });

  it("backs off exponentially on network errors", async () => {
    const clock = { now: 0 };
    const { outbox } = outboxOver(await open("outbox-backoff"), () => "http://127.0.0.1:1", clock);
    const { outboxId } = await outbox.submit(claimItem);
    const delays: number[] = [];
    for (let round = 0; round < 5; round++) {
      const item = await outbox.get(outboxId);
      if (!item) throw new Error("item vanished");
      delays.push(item.nextAttemptAt - clock.now);
      clock.now = item.nextAttemptAt;
      await outbox.deliverDue();
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
  });

  it("stops on a 4xx and records the backend's reason", async () => {
    const server = await backend();
    server.mode = "refuse";
    const clock = { now: 0 };
    const { outbox, settled } = outboxOver(await open("outbox-refused"), () => server.url, clock);
    const outcome = await outbox.submit(claimItem);
    expect(outcome).toMatchObject({
      outcome: "refused",
      error: { code: "requirements_not_met", message: "follow the creator first" },
    });
    clock.now += 3_600_000;
    expect(await outbox.deliverDue()).toEqual({ delivered: 0, pending: 0, failed: 1 });
    expect(server.requests).toBe(1);
    expect(settled).toEqual([`${outcome.outboxId}:failed`]);
    expect((await outbox.list())[0]?.lastError).toEqual({
      kind: "refused",
      code: "requirements_not_met",
      message: "follow the creator first",
    });
  });

  it("takes over an item whose delivering worker died once its lease runs out", async () => {
    const server = await backend();
    const clock = { now: 0 };
    const db = await open("outbox-lease");
    const { outbox } = outboxOver(db, () => server.url, clock);
    const record = await outbox.enqueue(claimItem);
    // What a worker killed mid-send leaves behind.
    await db.put("outbox", { ...record, status: "delivering", attempts: 1, leaseUntil: 30_000 });
    expect(await outbox.deliverDue()).toEqual({ delivered: 0, pending: 1, failed: 0 });
    expect(server.requests).toBe(0);
    clock.now = 30_000;
    expect(await outbox.deliverDue()).toEqual({ delivered: 1, pending: 0, failed: 0 });
    expect(server.effects.size).toBe(1);
  });
});
