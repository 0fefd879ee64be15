import { describe, expect, it } from "vitest";
import { postIdBucket } from "../../shared/post-bucket.ts";
import { backendApi } from "../api/backend-api.ts";
import { eventually } from "../features/testing/overlay-harness.ts";
import { distributionFixture, lookupOf, neighbourInBucket, workerDouble } from "../features/testing/worker-double.ts";
import type { Claim, WalletStatus } from "../messaging/shapes.ts";
import { runClaimStep } from "./claim-flow-slice.ts";
import { distributionSelectors } from "./distributions-slice.ts";
import { LOOKUP_BATCH } from "./lookup-listener.ts";
import { BUCKET_REASK_MS, postBucketsSeen, postSelectors, postsSeen } from "./posts-slice.ts";
import { createOverlayStore } from "./store.ts";
import { themeDetected } from "./theme-slice.ts";

const A = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
const B = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function storeWith(handlers: Parameters<typeof workerDouble>[0]) {
  const worker = workerDouble(handlers);
  const store = createOverlayStore({ extra: { transport: worker.transport }, lookupDebounceMs: 15 });
  return { worker, store };
}

describe("posts and the bulk lookup", () => {
  it("turns a burst of sightings into one lookup and keeps what it returns", async () => {
    const { worker, store } = storeWith({
      "distributions/lookup": lookupOf([distributionFixture(A, "11")]),
      "distributions/get": ({ address }) => {
        if (address === B) return { distribution: distributionFixture(B, "99") };
        throw Object.assign(new Error("not registered"), { code: "backend_error" });
      },
    });
    store.dispatch(postsSeen([{ postId: "11", linkedAddress: A }]));
    store.dispatch(postsSeen([{ postId: "22", linkedAddress: B }]));
    store.dispatch(postsSeen([{ postId: "33", linkedAddress: "So11111111111111111111111111111111111111112" }]));
    await wait(80);
    expect(worker.callsOf("distributions/lookup")).toEqual([{ postIds: ["11", "22", "33"] }]);
    // B was linked from post 22 but registered on post 99: read on its own.
    expect(worker.callsOf("distributions/get")).toEqual([
      { address: B },
      { address: "So11111111111111111111111111111111111111112" },
    ]);
    const state = store.getState();
    expect(distributionSelectors.selectIds(state.distributions)).toEqual([A, B]);
    // The unregistered address is not kept: nothing is shown for it.
    expect(distributionSelectors.selectById(state.distributions, "So11111111111111111111111111111111111111112")).toBeUndefined();
    expect(postSelectors.selectAll(state.posts).map((post) => post.lookup)).toEqual(["done", "done", "done"]);

    // Seen again (a recycled cell): already known, not asked again.
    store.dispatch(postsSeen([{ postId: "11", linkedAddress: A }]));
    await wait(40);
    expect(worker.callsOf("distributions/lookup")).toHaveLength(1);
  });

  it("splits more posts than one lookup takes into batches of 100", async () => {
    const { worker, store } = storeWith({
      "distributions/lookup": () => ({ distributions: [] }),
      "distributions/get": () => {
        throw new Error("unknown");
      },
    });
    store.dispatch(postsSeen(Array.from({ length: 230 }, (_, index) => ({ postId: String(1000 + index), linkedAddress: A }))));
    await wait(120);
    expect(worker.callsOf("distributions/lookup").map((call) => (call as { postIds: string[] }).postIds.length)).toEqual([
      LOOKUP_BATCH,
      LOOKUP_BATCH,
      30,
    ]);
  });

  it("marks posts whose lookup failed, and asks again the next time they show up", async () => {
    let reachable = false;
    const { store, worker } = storeWith({
      "distributions/lookup": () => {
        if (!reachable) throw Object.assign(new Error("the backend is unreachable"), { code: "network_error" });
        return { distributions: [distributionFixture(A, "5")] };
      },
    });
    store.dispatch(postsSeen([{ postId: "5", linkedAddress: A }]));
    await wait(60);
    expect(postSelectors.selectById(store.getState().posts, "5")?.lookup).toBe("failed");
    reachable = true;
    store.dispatch(postsSeen([{ postId: "5", linkedAddress: A }]));
    await wait(60);
    expect(worker.callsOf("distributions/lookup")).toHaveLength(2);
    expect(distributionSelectors.selectById(store.getState().distributions, A)?.postId).toBe("5");
  });
});

describe("posts that link nothing, by bucket", () => {
  it("asks their buckets in the same call as the linked posts' ids, keeps the answer, and asks a bucket again only after a while", async () => {
    const { worker, store } = storeWith({
      "distributions/lookup": lookupOf([distributionFixture(A, "11"), distributionFixture(B, "42")]),
    });
    const [bucket42, bucket43] = [postIdBucket("42"), postIdBucket("43")];
    store.dispatch(postsSeen([{ postId: "11", linkedAddress: A }]));
    store.dispatch(postBucketsSeen([bucket42]));
    store.dispatch(postBucketsSeen([bucket42, bucket43]));
    await eventually(() => expect(store.getState().posts.buckets[bucket42]?.lookup).toBe("done"));
    expect(worker.callsOf("distributions/lookup")).toEqual([{ postIds: ["11"], buckets: [bucket42, bucket43].sort() }]);
    // The giveaway found by bucket is known with its post id: the claim widget places its card by it.
    expect(distributionSelectors.selectById(store.getState().distributions, B)?.postId).toBe("42");

    // Seen again within the minute: not asked again.
    store.dispatch(postBucketsSeen([bucket42]));
    await wait(60);
    expect(worker.callsOf("distributions/lookup")).toHaveLength(1);
    // Seen a minute after it was asked: asked again, alone (a giveaway may have been registered since).
    store.dispatch({ type: postBucketsSeen.type, payload: { buckets: [bucket42], seenAt: Date.now() + BUCKET_REASK_MS } });
    await eventually(() => expect(worker.callsOf("distributions/lookup")).toHaveLength(2));
    expect(worker.callsOf("distributions/lookup")[1]).toEqual({ buckets: [bucket42] });
  });
});

describe("overfull buckets", () => {
  it("asks a bucket cut short among others again alone, and marks one still cut short alone as overfull", async () => {
    const C = "So11111111111111111111111111111111111111112";
    // The crowded bucket is the one asked first (buckets go sorted), so it takes the answer's one place.
    const [crowded, roomy] = [postIdBucket("42"), postIdBucket("43")].sort() as [string, string];
    const crowdedPost = postIdBucket("42") === crowded ? "42" : "43";
    const roomyPost = crowdedPost === "42" ? "43" : "42";
    // One giveaway per answer: the crowded bucket holds two, the other one.
    const { worker, store } = storeWith({
      "distributions/lookup": lookupOf(
        [
          distributionFixture(B, neighbourInBucket(crowdedPost)),
          distributionFixture(A, crowdedPost),
          distributionFixture(C, roomyPost),
        ],
        { bucketRoom: 1 },
      ),
    });
    store.dispatch(postBucketsSeen([crowded, roomy]));
    await eventually(() => expect(worker.callsOf("distributions/lookup")).toHaveLength(3));
    expect(worker.callsOf("distributions/lookup")).toEqual([
      { buckets: [crowded, roomy] },
      { buckets: [crowded] },
      { buckets: [roomy] },
    ]);
    await eventually(() => expect(store.getState().posts.buckets[roomy]).toMatchObject({ lookup: "done" }));
    expect(store.getState().posts.buckets[crowded]).toMatchObject({ lookup: "done", overfull: true });
    expect(store.getState().posts.buckets[roomy]?.overfull).toBeUndefined();
    // Alone, the roomy bucket gave its giveaway; the crowded one still cannot name A's.
    const known = store.getState().distributions;
    expect(distributionSelectors.selectById(known, C)?.postId).toBe(roomyPost);
    expect(distributionSelectors.selectById(known, A)).toBeUndefined();
    // No post id left for any of them: the claim widget alone knows which posts are on screen.
    expect(JSON.stringify(worker.callsOf("distributions/lookup"))).not.toContain("postIds");
  });
});

describe("theme and claim flow", () => {
  it("records X's theme", () => {
    const { store } = storeWith({});
    store.dispatch(themeDetected("dim"));
    expect(store.getState().theme.mode).toBe("dim");
  });

  it("keeps a step's refusal for the widget to show, and clears it on the next try", async () => {
    let attempt = 0;
    const { store } = storeWith({
      "x/connect": () => {
        attempt += 1;
        if (attempt === 1) throw Object.assign(new Error("you closed X's sign-in window"), { code: "rejected" });
        return { xUser: { id: "1", username: "fan", name: "Fan" } };
      },
    });
    await store.dispatch(runClaimStep({ address: A, step: "connect-x" }));
    expect(store.getState().claimFlow[A]).toEqual({
      busy: null,
      error: { code: "rejected", message: "you closed X's sign-in window" },
    });
    const second = store.dispatch(runClaimStep({ address: A, step: "connect-x" }));
    expect(store.getState().claimFlow[A]?.busy).toBe("connect-x");
    await second;
    expect(store.getState().claimFlow[A]).toEqual({ busy: null, error: undefined });
  });

  it("refuses to claim without a wallet and says what to do for a locked one", async () => {
    const locked = {
      choice: "builtin" as const,
      builtin: { state: "locked" as const, autoLockMinutes: 15 },
      activeAddressBound: false,
      xUser: null,
    };
    let status: WalletStatus = { ...locked, builtin: { state: "absent", autoLockMinutes: 15 } };
    const { store, worker } = storeWith({
      "wallet/status": () => status,
      "wallet/choose": () => status,
      "wallet/open-unlock": () => ({ opened: true }),
    });
    await store.dispatch(runClaimStep({ address: A, step: "claim" }));
    expect(store.getState().claimFlow[A]?.error).toEqual({ code: "no_wallet", message: "connect a wallet first" });
    // A locked wallet has no address to claim to: the press opens its unlock window, and says so.
    status = locked;
    await store.dispatch(runClaimStep({ address: A, step: "claim" }));
    expect(store.getState().claimFlow[A]?.error).toEqual({
      code: "locked",
      message: "unlock your MEMEFANS wallet in the window that opened, then press again",
    });
    expect(worker.callsOf("wallet/open-unlock")).toHaveLength(1);
    await store.dispatch(runClaimStep({ address: A, step: "connect-wallet", walletChoice: "builtin" }));
    expect(store.getState().claimFlow[A]?.error?.code).toBe("locked");
    expect(worker.callsOf("claims/submit")).toEqual([]);
    await store.dispatch(runClaimStep({ address: A, step: "connect-wallet", walletChoice: "phantom" }));
    expect(store.getState().claimFlow[A]?.error).toEqual({
      code: "unsupported",
      message: "phantom is not reachable on this page",
    });
  });
});

describe("claiming a giveaway the fan claimed before", () => {
  const wallet: WalletStatus = {
    choice: "builtin",
    builtin: { state: "unlocked", address: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM", autoLockMinutes: 15 },
    activeAddress: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
    activeAddressBound: true,
    xUser: null,
  };
  const claimIn = (state: Pick<Claim, "status"> & Partial<Claim>): Claim => ({
    id: "0b7e2a9c-5d1f-4c3e-9a8b-7f6e5d4c3b2a",
    distribution: A,
    wallet: wallet.activeAddress as string,
    xUserId: "2002",
    slot: 3,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    ...state,
  });
  it("follows the claim already_claimed names (made on another device, the claim page or a blink), checked as a claim", async () => {
    const earlier = claimIn({ status: "confirmed", signature: "5".repeat(88) });
    let details: unknown = { claim: { id: "not-a-claim", status: "confirmed" } };
    const { store, worker } = storeWith({
      "wallet/status": () => wallet,
      "claims/submit": () => ({
        outcome: "refused",
        outboxId: "o-2",
        error: { code: "already_claimed", message: "You already claimed this giveaway.", details },
      }),
      "claims/get": () => ({ claim: earlier }),
    });
    // Details that are not a claim are not followed: the refusal shows as it came.
    await store.dispatch(runClaimStep({ address: A, step: "claim" }));
    expect(store.getState().claimFlow[A]).toEqual({
      busy: null,
      error: { code: "already_claimed", message: "You already claimed this giveaway." },
    });
    expect(worker.callsOf("claims/get")).toEqual([]);
    details = { claim: earlier };
    await store.dispatch(runClaimStep({ address: A, step: "claim" }));
    expect(store.getState().claimFlow[A]).toEqual({ busy: null, claimId: earlier.id, error: undefined });
  });

  it("reads a failed claim claimed again before the step ends, so the card follows it from the queue", async () => {
    let current = claimIn({ status: "failed", failureReason: "needs_token_account", retryable: true });
    const { store } = storeWith({
      "wallet/status": () => wallet,
      "claims/submit": () => {
        current = claimIn({ status: "queued" });
        return { outcome: "delivered", outboxId: "o-3", response: { claim: current } };
      },
      "claims/get": () => ({ claim: current }),
    });
    // The card has been following the failed claim.
    const followed = store.dispatch(backendApi.endpoints.claimsGet.initiate({ id: current.id }));
    await followed;
    const cached = () => backendApi.endpoints.claimsGet.select({ id: current.id })(store.getState()).data?.claim.status;
    expect(cached()).toBe("failed");
    await store.dispatch(runClaimStep({ address: A, step: "claim" }));
    expect(store.getState().claimFlow[A]?.claimId).toBe(current.id);
    expect(cached()).toBe("queued");
    followed.unsubscribe();
  });
});
