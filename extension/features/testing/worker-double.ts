import { z } from "zod";
import type { Distribution } from "../../../shared/api/distributions.ts";
import { postIdBucket } from "../../../shared/post-bucket.ts";
import { chainToken } from "../../../shared/tokens/testing/token-fixtures.ts";
import { type MessageType, messages, type RequestOf, type ResponseOf, type WireRequest } from "../../messaging/contract.ts";

/**
 * Answers the overlay's runtime messages the way the service worker's router does (encoded with the
 * contract's response schema, decoded again by the overlay's client), from state a test controls. It stands where chrome.runtime.sendMessage
 * would reach the worker; everything on the overlay's side of that call is the real code.
 */

type Handler<T extends MessageType> = (payload: RequestOf<T>) => ResponseOf<T> | Promise<ResponseOf<T>>;
export type WorkerHandlers = { [T in MessageType]?: Handler<T> };

export interface WorkerDouble {
  transport(request: WireRequest): Promise<unknown>;
  calls: { type: MessageType; payload: unknown }[];
  callsOf(type: MessageType): unknown[];
}

export function workerDouble(handlers: WorkerHandlers): WorkerDouble {
  const calls: WorkerDouble["calls"] = [];
  return {
    calls,
    callsOf: (type) => calls.filter((call) => call.type === type).map((call) => call.payload),
    async transport(request) {
      const definition = messages[request.type];
      const payload = definition.request.parse(request.payload);
      calls.push({ type: request.type, payload });
      const handler = handlers[request.type] as Handler<MessageType> | undefined;
      if (!handler) return { ok: false, error: { code: "unsupported", message: `${request.type} is not handled in this test` } };
      try {
        const data = z.encode(definition.response as z.ZodType, await handler(payload as never));
        return { ok: true, data };
      } catch (error) {
        const failure = error as { code?: string; message?: string };
        return { ok: false, error: { code: failure.code ?? "internal", message: failure.message ?? String(error) } };
      }
    },
  };
}

export const BONK_MINT = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
export const CREATOR = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";

export function distributionFixture(address: string, postId: string, overrides: Partial<Distribution> = {}): Distribution {
  const now = Math.floor(Date.now() / 1000);
  return {
    address,
    postId,
    creator: CREATOR,
    creatorXUserId: "1001",
    mint: BONK_MINT,
    token: { ...chainToken(BONK_MINT, 5), name: "Bonk", symbol: "BONK" },
    amountPerClaim: 150_000n,
    maxClaims: 100,
    claimedCount: 12,
    remaining: 88,
    startsAt: now - 3600,
    endsAt: now + 2 * 86_400 + 3 * 3600 + 120,
    paused: false,
    closed: false,
    verifierChanged: false,
    tokenAccountsCovered: 100,
    requirements: [{ type: "follow" }, { type: "like" }, { type: "reply", mustContain: "gm" }],
    claimRules: { oncePerCreator: false, maxClaimsPerMinute: 120 },
    feeBudgetLamports: 10_000_000n,
    feePerClaimLamports: 5000n,
    link: `https://memefans.app/d/${address}`,
    ...overrides,
  };
}

/**
 * The bulk lookup as the backend answers it: the distributions registered for the post ids asked, and
 * at most `bucketRoom` of those in the buckets asked, the buckets taking turns in the order given,
 * naming the buckets cut short (the backend's room is MAX_BUCKET_ANSWERS).
 */
export function lookupOf(
  distributions: readonly Distribution[],
  { bucketRoom = Number.POSITIVE_INFINITY } = {},
): Handler<"distributions/lookup"> {
  return ({ postIds = [], buckets = [] }) => {
    const inBucket = buckets.map((bucket) =>
      distributions.filter((distribution) => postIdBucket(distribution.postId) === bucket),
    );
    const given: Distribution[] = [];
    for (let turn = 0; inBucket.some((held) => held.length > turn); turn += 1) {
      for (const held of inBucket) {
        const next = held[turn];
        if (next && given.length < bucketRoom) given.push(next);
      }
    }
    const overfullBuckets = buckets.filter((_bucket, index) => inBucket[index]?.some((held) => !given.includes(held))).sort();
    return {
      distributions: [...new Set([...distributions.filter((distribution) => postIds.includes(distribution.postId)), ...given])],
      ...(overfullBuckets.length > 0 ? { overfullBuckets } : {}),
    };
  };
}

/** A post id other than `postId` in the same bucket: found by counting up, about 65,536 tries (well under a second). */
export function neighbourInBucket(postId: string): string {
  const bucket = postIdBucket(postId);
  for (let candidate = BigInt(postId) + 1n; ; candidate += 1n) {
    if (postIdBucket(String(candidate)) === bucket) return String(candidate);
  }
}
