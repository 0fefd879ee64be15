import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimsPlugin } from "../claims/claims-plugin.ts";
import { registerDistribution } from "../claims/testing/registered-distribution.ts";
import { openDatabase } from "../db/open-database.ts";
import { startTestBackend, type TestBackend } from "../http/testing/test-backend.ts";
import { SEED } from "../x-emulator/seed.ts";
import { ALL_REQUIREMENTS, addActiveFans, claimAndBill, heldToken, TYPICAL_REQUIREMENTS, usdPerClaim } from "./x-cost.ts";

/**
 * What verifying a claim costs at X's pay-per-use prices, by the emulator's bill (resources
 * returned × price, once per resource per UTC day): the goals are $0.015 for a typical giveaway
 * and $0.03 with all eight requirements.
 */
let backend: TestBackend;
let creatorSession = "";

beforeAll(async () => {
  backend = await startTestBackend(await openDatabase({}), {}, { plugins: [claimsPlugin] });
  creatorSession = (await backend.signIn(SEED.users.creator.username)).sessionToken;
});
afterAll(() => backend?.close());

describe("X API cost per verified claim", () => {
  it("a typical giveaway (follow, like, repost) costs at most $0.015 per fan", async () => {
    const emulator = backend.emulator;
    if (!emulator) throw new Error("the backend runs without the emulator");
    const fans = addActiveFans(emulator, 6, "typ");
    const distribution = await registerDistribution(backend, creatorSession, TYPICAL_REQUIREMENTS, 100);
    const run = await claimAndBill(backend, distribution.address.toBase58(), fans);
    expect(run.verifiedClaims).toBe(6);
    expect(usdPerClaim(run)).toBeLessThanOrEqual(0.015);
  });

  it("a giveaway with all eight requirements costs at most $0.03 per fan", async () => {
    const emulator = backend.emulator;
    if (!emulator) throw new Error("the backend runs without the emulator");
    const token = await heldToken(backend);
    const fans = addActiveFans(emulator, 6, "all");
    const distribution = await registerDistribution(backend, creatorSession, ALL_REQUIREMENTS(token.mint.toBase58()), 100);
    const run = await claimAndBill(backend, distribution.address.toBase58(), fans, token.give);
    expect(run.verifiedClaims).toBe(6);
    expect(usdPerClaim(run)).toBeLessThanOrEqual(0.03);
  });
});
