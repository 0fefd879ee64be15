import { expect, it } from "vitest";
import { postgresTestDatabase } from "../db/testing/engines.ts";
import { RequirementCache } from "./cache.ts";

const database = postgresTestDatabase();

const post = { id: "1900000000000000001", creatorXUserId: "100" };

it("a result one instance learned from X is the answer on another instance of the same PostgreSQL until it expires", async () => {
  let clock = Date.now();
  const errors: unknown[] = [];
  const first = new RequirementCache({ now: () => clock, shared: database(), onSharedError: (error) => errors.push(error) });
  const second = new RequirementCache({ now: () => clock, shared: database(), onSharedError: (error) => errors.push(error) });
  first.set("fan-1", { type: "like" }, post, { met: true, detail: "liked" });
  first.set("fan-1", { type: "follow" }, post, { met: false, detail: "follow the creator first" });

  // The write-through is not awaited by set(); a claim arriving at the other instance a moment later finds both.
  const both = () => [second.get("fan-1", { type: "like" }, post), second.get("fan-1", { type: "follow" }, post)];
  for (let waited = 0; waited < 5_000 && both().includes(undefined); waited += 20) {
    await second.prefetch("fan-1");
    if (both().includes(undefined)) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(both()).toEqual([
    { met: true, detail: "liked" },
    { met: false, detail: "follow the creator first" },
  ]);
  expect(second.get("fan-2", { type: "like" }, post)).toBeUndefined();

  // An unmet result lives 30 s, a met like a day: after a minute only the like is shared.
  clock += 60_000;
  const third = new RequirementCache({ now: () => clock, shared: database() });
  await third.prefetch("fan-1");
  expect(third.get("fan-1", { type: "like" }, post)).toEqual({ met: true, detail: "liked" });
  expect(third.get("fan-1", { type: "follow" }, post)).toBeUndefined();
  expect(errors).toEqual([]);
}, 60_000);
