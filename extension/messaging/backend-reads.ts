import { z } from "zod";
import { claimResponseSchema } from "../../shared/api/claims.ts";
import { claimantFilterSchema, claimantsResponseSchema, MAX_CLAIMANTS_PAGE } from "../../shared/api/creator-dashboard.ts";
import {
  creationTermsResponseSchema,
  creatorDistributionResponseSchema,
  creatorDistributionsResponseSchema,
  distributionListResponseSchema,
  distributionResponseSchema,
  eligibilityResponseSchema,
  MAX_LOOKUP_BUCKETS,
  MAX_LOOKUP_POST_IDS,
} from "../../shared/api/distributions.ts";
import { walletChallengeResponseSchema, walletVerifyResponseSchema } from "../../shared/api/identity.ts";
import { postBucketSchema } from "../../shared/post-bucket.ts";
import { publicKeySchema, xIdSchema } from "../../shared/primitives.ts";
import type { Audience } from "./contract.ts";
import { base58SignatureSchema } from "./shapes.ts";

/**
 * One message the service worker answers by calling the backend: who may send it, what it carries,
 * which HTTP route it becomes, and that route's response schema from shared/api. The response
 * schema is the backend's own (its routes answer with it), so a field added there reaches the
 * service worker's check, the message contract and the overlay's types in one edit.
 */
export interface BackendReadDefinition<
  Request extends z.ZodType,
  Response extends z.ZodType,
  Method extends "GET" | "POST" = "GET" | "POST",
> {
  request: Request;
  response: Response;
  audience: readonly Audience[];
  http: {
    /** Also what the overlay's API makes of it: a GET is a cached query, a POST a mutation (api/backend-api.ts). */
    method: Method;
    /** The route for this payload, query included; a POST sends the payload as its JSON body. */
    path: (request: z.output<Request>) => string;
    /** Refused with not_signed_in before any request when no X session is held. */
    needsSession: boolean;
  };
}

function read<Request extends z.ZodType, Response extends z.ZodType, Method extends "GET" | "POST">(
  request: Request,
  http: BackendReadDefinition<Request, Response, Method>["http"],
  response: Response,
  audience: readonly Audience[] = ["content", "page"],
): BackendReadDefinition<Request, Response, Method> {
  return { request, response, audience, http };
}

const byAddress = z.strictObject({ address: publicKeySchema });

/** Message → HTTP method and path → request schema → response schema, for every backend read. */
export const backendReads = {
  /** `postIds` of posts that link a giveaway; `buckets` (shared/post-bucket.ts) of posts that link nothing. */
  "distributions/lookup": read(
    z
      .strictObject({
        postIds: z.array(xIdSchema).min(1).max(MAX_LOOKUP_POST_IDS, `at most ${MAX_LOOKUP_POST_IDS} posts per lookup`).optional(),
        buckets: z
          .array(postBucketSchema)
          .min(1)
          .max(MAX_LOOKUP_BUCKETS, `at most ${MAX_LOOKUP_BUCKETS} post buckets per lookup`)
          .optional(),
      })
      .refine((lookup) => lookup.postIds || lookup.buckets, { error: "look up post ids, post buckets or both" }),
    {
      method: "GET",
      path: ({ postIds, buckets }) =>
        `/distributions?${[postIds && `postIds=${postIds.join(",")}`, buckets && `buckets=${buckets.join(",")}`].filter(Boolean).join("&")}`,
      needsSession: false,
    },
    distributionListResponseSchema,
  ),
  "distributions/get": read(
    byAddress,
    { method: "GET", path: ({ address }) => `/distributions/${address}`, needsSession: false },
    distributionResponseSchema,
  ),
  /** `recheck`: the fan is back from acting on X; ask X again about what was unmet (`?recheck=unmet`). */
  "distributions/eligibility": read(
    z.strictObject({ address: publicKeySchema, recheck: z.boolean().optional() }),
    {
      method: "GET",
      path: ({ address, recheck }) => `/distributions/${address}/eligibility${recheck ? "?recheck=unmet" : ""}`,
      needsSession: true,
    },
    eligibilityResponseSchema,
  ),
  /**
   * What this backend requires of a new distribution so it will pay its claims: the program, its
   * verifier key and its fee per claim. The overlay's create dialog builds the transaction with them.
   */
  "distributions/creation-terms": read(
    z.strictObject({}),
    { method: "GET", path: () => "/creation-terms", needsSession: false },
    creationTermsResponseSchema,
  ),
  "creator/distributions": read(
    z.strictObject({}),
    { method: "GET", path: () => "/creators/me/distributions", needsSession: true },
    creatorDistributionsResponseSchema,
  ),
  /** One of the signed-in creator's giveaways for its dashboard: the chain's state now, claims over time. */
  "creator/distribution": read(
    byAddress,
    { method: "GET", path: ({ address }) => `/creators/me/distributions/${address}`, needsSession: true },
    creatorDistributionResponseSchema,
    ["page"],
  ),
  /**
   * A page of who claimed one of the creator's giveaways, newest first; `before` is the previous
   * page's nextBefore. For our own pages only: fans' wallets have no business in x.com's content script.
   */
  "creator/claimants": read(
    z.strictObject({
      address: publicKeySchema,
      status: claimantFilterSchema,
      before: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(MAX_CLAIMANTS_PAGE).optional(),
    }),
    {
      method: "GET",
      path: ({ address, ...query }) =>
        `/creators/me/distributions/${address}/claims?${new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]))}`,
      needsSession: true,
    },
    claimantsResponseSchema,
    ["page"],
  ),
  "claims/get": read(
    z.strictObject({ id: z.uuid({ error: "a claim id is a UUID" }) }),
    { method: "GET", path: ({ id }) => `/claims/${id}`, needsSession: false },
    claimResponseSchema,
  ),
  "auth/wallet-challenge": read(
    byAddress,
    { method: "POST", path: () => "/auth/wallet/challenge", needsSession: false },
    walletChallengeResponseSchema,
  ),
  /**
   * Binds the wallet to the signed-in X account: its claims are paid there. From a content script, only
   * after the person approves it in our window (background/handlers/wallet-link-approval.ts).
   */
  "auth/wallet-verify": read(
    z.strictObject({ message: z.string().min(1).max(4000), signature: base58SignatureSchema, address: publicKeySchema }),
    { method: "POST", path: () => "/auth/wallet/verify", needsSession: false },
    walletVerifyResponseSchema,
  ),
} as const;

export type BackendReads = typeof backendReads;
export type BackendReadType = keyof BackendReads;
