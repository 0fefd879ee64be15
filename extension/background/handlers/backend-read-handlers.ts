import { z } from "zod";
import { claimantsResponseSchema } from "../../../shared/api/creator-dashboard.ts";
import { type Distribution, distributionSchema, eligibilitySchema } from "../../messaging/backend-shapes.ts";
import { MessagingError } from "../../messaging/errors.ts";
import { claimSchema } from "../../messaging/shapes.ts";
import { decodeTransaction } from "../approvals/transaction-summary.ts";
import type { Handlers } from "../router.ts";
import { type BackgroundServices, backend, requireSession, rpcClient } from "../services.ts";

const creationTermsSchema = z.object({ programId: z.string(), verifier: z.string(), feePerClaimLamports: z.string() });
const distributionListSchema = z.object({ distributions: z.array(distributionSchema) });

async function cacheDistributions(services: BackgroundServices, distributions: Distribution[]): Promise<void> {
  const transaction = services.db.transaction("distributions", "readwrite");
  const fetchedAt = services.now();
  for (const distribution of distributions) {
    await transaction.store.put({ address: distribution.address, postId: distribution.postId, distribution, fetchedAt });
  }
  await transaction.done;
}

/** Offline, the overlay still shows what it saw before: the cache answers when the backend cannot. */
async function cachedForPosts(services: BackgroundServices, postIds: string[]): Promise<Distribution[]> {
  const found: Distribution[] = [];
  for (const postId of postIds) {
    for (const cached of await services.db.getAllFromIndex("distributions", "by-post", postId)) {
      const parsed = distributionSchema.safeParse(cached.distribution);
      if (parsed.success) found.push(parsed.data);
    }
  }
  return found;
}

export function backendReadHandlers(
  services: BackgroundServices,
): Pick<
  Handlers,
  | "distributions/lookup"
  | "distributions/get"
  | "distributions/eligibility"
  | "distributions/creation-terms"
  | "creator/distributions"
  | "creator/distribution"
  | "creator/claimants"
  | "chain/latest-blockhash"
  | "chain/send-transaction"
  | "claims/get"
> {
  return {
    "distributions/lookup": async ({ postIds }) => {
      try {
        const { distributions } = distributionListSchema.parse(
          await backend(services, { path: `/distributions?postIds=${postIds.join(",")}` }),
        );
        await cacheDistributions(services, distributions);
        return { distributions };
      } catch (error) {
        if (error instanceof MessagingError && error.code === "network_error") {
          return { distributions: await cachedForPosts(services, postIds) };
        }
        throw error;
      }
    },
    "distributions/get": async ({ address }) => {
      const { distribution } = z
        .object({ distribution: distributionSchema })
        .parse(await backend(services, { path: `/distributions/${address}` }));
      await cacheDistributions(services, [distribution]);
      return { distribution };
    },
    "distributions/eligibility": async ({ address }) => {
      await requireSession(services);
      return eligibilitySchema.parse(await backend(services, { path: `/distributions/${address}/eligibility` }));
    },
    "distributions/creation-terms": async () => creationTermsSchema.parse(await backend(services, { path: "/creation-terms" })),
    "creator/distributions": async () => {
      await requireSession(services);
      const { distributions } = distributionListSchema.parse(await backend(services, { path: "/creators/me/distributions" }));
      await cacheDistributions(services, distributions);
      return { distributions };
    },
    "creator/distribution": async ({ address }) => {
      await requireSession(services);
      return z
        .object({ distribution: distributionSchema })
        .parse(await backend(services, { path: `/creators/me/distributions/${address}` }));
    },
    "creator/claimants": async ({ address, status, before, limit }) => {
      await requireSession(services);
      const query = new URLSearchParams({ status });
      if (before !== undefined) query.set("before", String(before));
      if (limit !== undefined) query.set("limit", String(limit));
      return claimantsResponseSchema.parse(
        await backend(services, { path: `/creators/me/distributions/${address}/claims?${query}` }),
      );
    },
    "chain/latest-blockhash": async () => (await rpcClient(services)).getLatestBlockhash(),
    "chain/send-transaction": async ({ transaction }) => {
      // Only fully signed transactions go out: the worker never adds a signature on this path.
      const decoded = decodeTransaction(transaction);
      if (decoded.signatures.some((signature) => signature.every((byte) => byte === 0))) {
        throw new MessagingError("bad_request", "the transaction is missing a signature");
      }
      return { signature: await (await rpcClient(services)).sendTransaction(decoded.serialize()) };
    },
    "claims/get": async ({ id }) =>
      z.object({ claim: claimSchema }).parse(await backend(services, { path: `/claims/${encodeURIComponent(id)}` })),
  };
}
