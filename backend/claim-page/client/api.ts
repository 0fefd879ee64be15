import type { z } from "zod";
import {
  type Claim,
  claimResponseSchema,
  IDEMPOTENCY_KEY_HEADER,
  openAccountSentSchema,
  tokenAccountOpeningSchema,
} from "../../../shared/api/claims.ts";
import {
  type Distribution,
  distributionResponseSchema,
  type EligibilityCheck,
  eligibilityResponseSchema,
} from "../../../shared/api/distributions.ts";
import { type ReceivedErrorCode, receivedErrorOf } from "../../../shared/api/errors.ts";
import {
  blinkLinkAnswerResponseSchema,
  blinkLinkResponseSchema,
  meResponseSchema,
  walletChallengeResponseSchema,
  walletVerifyResponseSchema,
  webHandoffResponseSchema,
} from "../../../shared/api/identity.ts";

const SESSION_KEY = "memefans.session";

/**
 * Why a call failed: the backend's code, or this page's own when no answer came ("offline") or the
 * answer was not one this page understands ("bad_response").
 */
export type ApiErrorCode = ReceivedErrorCode | "offline" | "bad_response";

/** One failure of a call to the backend, in words a fan can act on, with the backend's code as data. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function sessionToken(): string | null {
  return localStorage.getItem(SESSION_KEY);
}
export function saveSession(token: string | null): void {
  if (token) localStorage.setItem(SESSION_KEY, token);
  else localStorage.removeItem(SESSION_KEY);
}

async function call<T extends z.ZodType>(schema: T, path: string, init: RequestInit = {}): Promise<z.output<T>> {
  const headers = new Headers(init.headers);
  const token = sessionToken();
  // A call that names its own session (the handoff's candidate) leaves the stored one alone, whatever the answer.
  const usesStoredSession = Boolean(token) && !headers.has("Authorization");
  if (token && usesStoredSession) headers.set("Authorization", `Bearer ${token}`);
  if (init.body) headers.set("Content-Type", "application/json");
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError("offline", "Can't reach MEMEFANS. Check your connection and retry.");
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = receivedErrorOf(body);
    if (response.status === 401 && usesStoredSession) saveSession(null);
    if (!error) throw new ApiError("unrecognized", `MEMEFANS answered ${response.status}; retry.`);
    throw new ApiError(error.code, error.message, error.details);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new ApiError("bad_response", "MEMEFANS sent an answer this page does not understand; reload the page.");
  return parsed.data;
}

const json = (value: unknown) => JSON.stringify(value);

export const api = {
  me: () => call(meResponseSchema, "/me"),
  distribution: async (address: string): Promise<Distribution> =>
    (await call(distributionResponseSchema, `/distributions/${address}`)).distribution,
  /** `recheckUnmet`: the fan is back from X; ask X again about what was unmet (`?recheck=unmet`). */
  eligibility: async (
    address: string,
    wallet: string,
    recheckUnmet = false,
  ): Promise<{ eligible: boolean; checks: EligibilityCheck[] }> =>
    call(
      eligibilityResponseSchema,
      `/distributions/${address}/eligibility?${new URLSearchParams({ wallet, ...(recheckUnmet ? { recheck: "unmet" } : {}) })}`,
    ),
  /** Whether the session a sign-in put in this page's fragment is this browser's own (see web-login-routes.ts). */
  handoff: (candidate: string) =>
    call(webHandoffResponseSchema, "/auth/x/web/handoff", { method: "POST", headers: { Authorization: `Bearer ${candidate}` } }),
  /** The wallet a blink's sign-in asks to bind to the signed-in account. */
  blinkLink: (flow: string) => call(blinkLinkResponseSchema, `/auth/wallet/blink-links/${flow}`),
  answerBlinkLink: (flow: string, wallet: string, confirmed: boolean) =>
    call(blinkLinkAnswerResponseSchema, `/auth/wallet/blink-links/${flow}`, {
      method: "POST",
      body: json({ wallet, confirmed }),
    }),
  challenge: (address: string) =>
    call(walletChallengeResponseSchema, "/auth/wallet/challenge", { method: "POST", body: json({ address }) }),
  verify: (body: { message: string; signature: string; address: string }) =>
    call(walletVerifyResponseSchema, "/auth/wallet/verify", { method: "POST", body: json(body) }),
  claim: async (distribution: string, wallet: string, idempotencyKey: string): Promise<Claim> =>
    (
      await call(claimResponseSchema, "/claims", {
        method: "POST",
        headers: { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey },
        body: json({ distribution, wallet }),
      })
    ).claim,
  claimStatus: async (id: string): Promise<Claim> => (await call(claimResponseSchema, `/claims/${id}`)).claim,
  /** The unsigned transaction that opens `account`'s token account for the giveaway's token, paid by it. */
  tokenAccountOpening: (distribution: string, account: string) =>
    call(tokenAccountOpeningSchema, `/api/actions/d/${distribution}/open-account`, { method: "POST", body: json({ account }) }),
  /** Sends the fan's signed opening (this page has no RPC of its own) and answers once it is confirmed. */
  sendTokenAccountOpening: (distribution: string, account: string, transaction: string) =>
    call(openAccountSentSchema, "/claims/token-account-openings", {
      method: "POST",
      body: json({ distribution, account, transaction }),
    }),
};
