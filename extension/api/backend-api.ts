import type { BaseQueryFn, EndpointBuilder, MutationDefinition, QueryDefinition } from "@reduxjs/toolkit/query";
import { createApi } from "@reduxjs/toolkit/query/react";
import { type BackendReads, type BackendReadType, backendReads } from "../messaging/backend-reads.ts";
import { callBackground, type Transport } from "../messaging/client.ts";
import type { ErrorCode, MessageType, RequestOf, ResponseOf } from "../messaging/contract.ts";
import { MessagingError } from "../messaging/errors.ts";

/**
 * The backend as the overlay sees it. Every call goes through the service worker (the message
 * contract in extension/messaging/): it holds the X session token, the settings (backend URL) and
 * the outbox, and it is the only context whose requests x.com's CORS and CSP rules cannot block.
 */

export interface OverlayExtra {
  /** How messages reach the service worker: chrome.runtime in the extension. */
  transport?: Transport;
}

export interface OverlayApiError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

interface BackgroundCall<T extends MessageType = MessageType> {
  type: T;
  payload: RequestOf<T>;
}

function call<T extends MessageType>(type: T, payload: RequestOf<T>): BackgroundCall<T> {
  return { type, payload };
}

const baseQuery: BaseQueryFn<BackgroundCall, unknown, OverlayApiError, object, object> = async (request, { extra }) => {
  try {
    const data = await callBackground(request.type, request.payload, (extra as OverlayExtra | undefined)?.transport);
    return { data };
  } catch (error) {
    if (error instanceof MessagingError) return { error: { code: error.code, message: error.message, details: error.details } };
    return { error: { code: "internal", message: error instanceof Error ? error.message : String(error) } };
  }
};

const tagTypes = ["Eligibility", "Session", "Wallet"] as const;
type Tag = (typeof tagTypes)[number];
const reducerPath = "backendApi";
type Build = EndpointBuilder<typeof baseQuery, Tag, typeof reducerPath>;

/** A backend read's endpoint name: its message type in camel case ("distributions/creation-terms" → distributionsCreationTerms). */
type EndpointNameOf<T extends string> = T extends `${infer Head}/${infer Tail}`
  ? `${EndpointNameOf<Head>}${Capitalize<EndpointNameOf<Tail>>}`
  : T extends `${infer Head}-${infer Tail}`
    ? `${Head}${Capitalize<EndpointNameOf<Tail>>}`
    : T;

export function endpointNameOf<T extends BackendReadType>(type: T): EndpointNameOf<T> {
  return type.replace(/[/-]([a-z])/g, (_separator, letter: string) => letter.toUpperCase()) as EndpointNameOf<T>;
}

/** Every backend read of the message table, its payload as the argument: a GET as a query, a POST as a mutation. */
type ReadEndpoints = {
  [T in BackendReadType as EndpointNameOf<T>]: BackendReads[T]["http"]["method"] extends "POST"
    ? MutationDefinition<RequestOf<T>, typeof baseQuery, Tag, ResponseOf<T>, typeof reducerPath>
    : QueryDefinition<RequestOf<T>, typeof baseQuery, Tag, ResponseOf<T>, typeof reducerPath>;
};

function readEndpoints(build: Build): ReadEndpoints {
  const endpoints: Record<string, unknown> = {};
  for (const type of Object.keys(backendReads) as BackendReadType[]) {
    const definition = { query: (payload: RequestOf<typeof type>) => call(type, payload) };
    endpoints[endpointNameOf(type)] =
      backendReads[type].http.method === "POST" ? build.mutation(definition) : build.query(definition);
  }
  return endpoints as ReadEndpoints;
}

export const backendApi = createApi({
  reducerPath,
  baseQuery,
  tagTypes,
  endpoints: (build) => ({
    ...readEndpoints(build),
    /** The fan is back from acting on X: ask again about what was unmet, and show the answer in place of the cached one. */
    recheckEligibility: build.mutation<ResponseOf<"distributions/eligibility">, string>({
      query: (address) => call("distributions/eligibility", { address, recheck: true }),
      async onQueryStarted(address, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled.catch(() => ({ data: undefined }));
        if (data) dispatch(backendApi.util.upsertQueryData("distributionsEligibility", { address }, data));
      },
    }),
    tokenLogo: build.query<ResponseOf<"tokens/logo">, string>({
      query: (mint) => call("tokens/logo", { mint }),
      keepUnusedDataFor: 600,
    }),
    xSession: build.query<ResponseOf<"x/session">, void>({
      query: () => call("x/session", {}),
      providesTags: ["Session"],
    }),
    walletStatus: build.query<ResponseOf<"wallet/status">, void>({
      query: () => call("wallet/status", {}),
      providesTags: ["Wallet"],
    }),
    balances: build.query<ResponseOf<"wallet/balances">, void>({
      query: () => call("wallet/balances", {}),
      providesTags: ["Wallet"],
    }),
    settings: build.query<ResponseOf<"settings/get">, void>({
      query: () => call("settings/get", {}),
    }),
    connectX: build.mutation<ResponseOf<"x/connect">, void>({
      query: () => call("x/connect", {}),
      invalidatesTags: ["Session", "Eligibility", "Wallet"],
    }),
    openWalletUnlock: build.mutation<ResponseOf<"wallet/open-unlock">, void>({
      query: () => call("wallet/open-unlock", {}),
    }),
    chooseWallet: build.mutation<ResponseOf<"wallet/choose">, RequestOf<"wallet/choose">>({
      query: (payload) => call("wallet/choose", payload),
      invalidatesTags: ["Wallet"],
    }),
    externalWalletConnected: build.mutation<ResponseOf<"wallet/external-connected">, RequestOf<"wallet/external-connected">>({
      query: (payload) => call("wallet/external-connected", payload),
      invalidatesTags: ["Wallet"],
    }),
    bindWalletToX: build.mutation<ResponseOf<"wallet/bind-to-x">, void>({
      query: () => call("wallet/bind-to-x", {}),
      invalidatesTags: ["Wallet", "Eligibility"],
    }),
    openTokenAccount: build.mutation<ResponseOf<"claims/open-token-account">, RequestOf<"claims/open-token-account">>({
      query: (payload) => call("claims/open-token-account", payload),
    }),
    submitClaim: build.mutation<ResponseOf<"claims/submit">, RequestOf<"claims/submit">>({
      query: (payload) => call("claims/submit", payload),
    }),
    latestBlockhash: build.mutation<ResponseOf<"chain/latest-blockhash">, void>({
      query: () => call("chain/latest-blockhash", {}),
    }),
    signAndSend: build.mutation<ResponseOf<"wallet/sign-and-send">, RequestOf<"wallet/sign-and-send">>({
      query: (payload) => call("wallet/sign-and-send", payload),
      invalidatesTags: ["Wallet"],
    }),
    openDashboard: build.mutation<ResponseOf<"dashboard/open">, RequestOf<"dashboard/open">>({
      query: (payload) => call("dashboard/open", payload),
    }),
    registerDistribution: build.mutation<ResponseOf<"distributions/register">, RequestOf<"distributions/register">>({
      query: (payload) => call("distributions/register", payload),
    }),
  }),
}).enhanceEndpoints({
  // What the overlay's cache does with some of the table's reads.
  endpoints: {
    // The lookup listener decides when to ask again (store/lookup-listener.ts); results live in the distributions slice.
    distributionsLookup: { keepUnusedDataFor: 5 },
    distributionsEligibility: { providesTags: (_result, _error, { address }) => [{ type: "Eligibility", id: address }] },
    authWalletVerify: { invalidatesTags: ["Wallet", "Eligibility"] },
  },
});

export function describeApiError(error: unknown): string {
  if (error && typeof error === "object" && "message" in error && typeof error.message === "string") return error.message;
  return "something went wrong; try again";
}
