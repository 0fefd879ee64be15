import { expect, it } from "vitest";
import { postgresTestDatabase } from "../db/testing/engines.ts";
import type { RateDecision } from "./rate-limits.ts";
import { SharedRateCounter } from "./shared-rate-limits.ts";

const database = postgresTestDatabase();

const WINDOW_MS = 60_000;
const clock = () => 1_800_000_000_000;

it("admits exactly the limit across two instances, and a key's first request and leased ones without waiting", async () => {
  const limit = 64; // leases of 4
  const instances = [0, 1].map(() => new SharedRateCounter(database(), "test", limit, WINDOW_MS, clock));
  const [first, second] = instances as [SharedRateCounter, SharedRateCounter];

  // The first request of a key is answered at once: no promise, so no database on the hot path.
  const opening = first.take("fan");
  expect(opening).not.toBeInstanceOf(Promise);
  expect((opening as RateDecision).allowed).toBe(true);

  let admitted = 1;
  let answeredAtOnce = 0;
  for (let request = 1; request < limit * 3; request++) {
    // Both instances take requests of the same key, in bursts as a load balancer would spread them.
    const counter = instances[Math.floor(request / 3) % 2] as SharedRateCounter;
    const decision = counter.take("fan");
    if (!(decision instanceof Promise)) answeredAtOnce++;
    if ((await decision).allowed) admitted++;
  }
  expect(admitted).toBe(limit);
  // Most requests are served from a lease in memory (one upsert per 4 tokens, then refusals are known locally).
  expect(answeredAtOnce).toBeGreaterThan(limit * 2);
  // Another key has its own window.
  expect((await second.take("other")).allowed).toBe(true);
}, 60_000);

it("forgets ended windows as new keys come, and keeps running ones whatever their order", async () => {
  let now = clock();
  const counter = new SharedRateCounter(database(), "forgetting", 10, WINDOW_MS, () => now);
  for (let fan = 0; fan < 100; fan++) counter.take(`fan-${fan}`);
  expect(counter.size).toBe(100);

  now += WINDOW_MS; // every window open at the start has ended by now
  counter.take("fan-0"); // opens a new window for an old key: it moves behind the ended ones
  expect(counter.size).toBe(1);
  for (let fan = 100; fan < 150; fan++) counter.take(`fan-${fan}`);
  expect(counter.size).toBe(51);

  now += WINDOW_MS;
  expect((await counter.take("late")).allowed).toBe(true);
  expect(counter.size).toBe(1);
}, 60_000);
