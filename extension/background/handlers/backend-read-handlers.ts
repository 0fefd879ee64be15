import { z } from "zod";
import { type Distribution, distributionSchema } from "../../../shared/api/distributions.ts";
import { postIdBucket } from "../../../shared/post-bucket.ts";
import { type BackendReadType, backendReads } from "../../messaging/backend-reads.ts";
import type { ParsedRequestOf, ResponseOf } from "../../messaging/contract.ts";
import { MessagingError } from "../../messaging/errors.ts";
import { decodeTransaction } from "../approvals/transaction-summary.ts";
import type { Handlers } from "../router.ts";
import { type BackgroundServices, backend, rememberBoundWallet, requireSession, rpcClient } from "../services.ts";
import { approveContentWalletLink } from "./wallet-link-approval.ts";

/** Asks the backend the route `type` names in the table (messaging/backend-reads.ts) and decodes its answer. */
export async function readBackend<T extends BackendReadType>(
  services: BackgroundServices,
  type: T,
  payload: ParsedRequestOf<T>,
): Promise<ResponseOf<T>> {
  const { http, response } = backendReads[type];
  if (http.needsSession) await requireSession(services);
  const path = (http.path as (request: ParsedRequestOf<T>) => string)(payload);
  const json = await backend(services, http.method === "POST" ? { method: "POST", path, body: payload } : { path });
  return (response as z.ZodType).parse(json) as ResponseOf<T>;
}

/** The cache keeps the JSON form (decimal text), what IndexedDB rows from every version hold. */
async function cacheDistributions(services: BackgroundServices, distributions: Distribution[]): Promise<void> {
  const transaction = services.db.transaction("distributions", "readwrite");
  const fetchedAt = services.now();
  for (const distribution of distributions) {
    const wire = z.encode(distributionSchema, distribution);
    await transaction.store.put({ address: distribution.address, postId: distribution.postId, distribution: wire, fetchedAt });
  }
  await transaction.done;
}

/**
 * Offline, the overlay still shows what it saw before: the cache answers when the backend cannot, for
 * the post ids and the post buckets asked. A row an older version cached in another shape is left out
 * rather than guessed at.
 */
async function cachedForLookup(
  services: BackgroundServices,
  { postIds = [], buckets = [] }: ParsedRequestOf<"distributions/lookup">,
): Promise<Distribution[]> {
  const rows = [];
  for (const postId of postIds) rows.push(...(await services.db.getAllFromIndex("distributions", "by-post", postId)));
  if (buckets.length > 0) {
    const asked = new Set(buckets);
    rows.push(...(await services.db.getAll("distributions")).filter((row) => asked.has(postIdBucket(row.postId))));
  }
  const found = new Map<string, Distribution>();
  for (const row of rows) {
    const parsed = distributionSchema.safeParse(row.distribution);
    if (parsed.success) found.set(parsed.data.address, parsed.data);
  }
  return [...found.values()];
}

export function backendReadHandlers(
  services: BackgroundServices,
): Pick<Handlers, BackendReadType | "chain/latest-blockhash" | "chain/send-transaction"> {
  /** The handler of a backend read: the table's route, then what the worker keeps of the answer. */
  const read =
    <T extends BackendReadType>(type: T, keep?: (answer: ResponseOf<T>) => Promise<void>) =>
    async (payload: ParsedRequestOf<T>): Promise<ResponseOf<T>> => {
      const answer = await readBackend(services, type, payload);
      await keep?.(answer);
      return answer;
    };
  return {
    "distributions/lookup": async (payload) => {
      try {
        const answer = await readBackend(services, "distributions/lookup", payload);
        await cacheDistributions(services, answer.distributions);
        return answer;
      } catch (error) {
        if (error instanceof MessagingError && error.code === "network_error") {
          return { distributions: await cachedForLookup(services, payload) };
        }
        throw error;
      }
    },
    "distributions/get": read("distributions/get", (answer) => cacheDistributions(services, [answer.distribution])),
    "distributions/eligibility": read("distributions/eligibility"),
    "distributions/creation-terms": read("distributions/creation-terms"),
    "creator/distributions": read("creator/distributions", (answer) => cacheDistributions(services, answer.distributions)),
    "creator/distribution": read("creator/distribution"),
    "creator/claimants": read("creator/claimants"),
    "claims/get": read("claims/get"),
    "auth/wallet-challenge": read("auth/wallet-challenge"),
    "auth/wallet-verify": async (payload, context) => {
      await approveContentWalletLink(services, payload.address, context);
      return read("auth/wallet-verify", (answer) => rememberBoundWallet(services, answer.address))(payload);
    },
    "chain/latest-blockhash": async () => (await rpcClient(services)).getLatestBlockhash(),
    "chain/send-transaction": async ({ transaction }) => {
      // Only fully signed transactions go out: the worker never adds a signature on this path.
      const decoded = decodeTransaction(transaction);
      if (decoded.signatures.some((signature) => signature.every((byte) => byte === 0))) {
        throw new MessagingError("bad_request", "the transaction is missing a signature");
      }
      return { signature: await (await rpcClient(services)).sendOnce(decoded) };
    },
  };
}
