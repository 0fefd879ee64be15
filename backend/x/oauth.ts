import { z } from "zod";
import { X_API_BASE_URL } from "./client.ts";
import { XApiError, XOAuthError, XUnexpectedResponseError } from "./errors.ts";
import { xOAuthErrorSchema, xTokenResponseSchema } from "./schemas.ts";

export const X_AUTHORIZE_URL = "https://x.com/i/oauth2/authorize";

/** What the backend asks for: reading posts, users, follows and likes, and a refresh token. */
export const X_OAUTH_SCOPES = ["tweet.read", "users.read", "follows.read", "like.read", "offline.access"] as const;

export interface XOAuthConfig {
  clientId: string;
  /** Set for a confidential client: the token endpoint then gets HTTP Basic authentication. */
  clientSecret?: string;
  /** Defaults to https://x.com/i/oauth2/authorize. */
  authorizeUrl?: string;
  /** Base of POST /2/oauth2/token; defaults to https://api.x.com. */
  apiBaseUrl?: string;
  scopes?: readonly string[];
  fetch?: typeof fetch;
  now?: () => number;
}

/** Tokens from X, with the expiry made absolute so it can be stored. */
export interface XTokenSet {
  accessToken: string;
  refreshToken?: string;
  expiresAt: Date;
  scopes: string[];
}

const authorizeInputSchema = z.object({
  redirectUri: z.url(),
  state: z.string().min(16, "state must be at least 16 characters"),
  codeChallenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "codeChallenge must be an S256 challenge (43 base64url characters)"),
});

/** The URL the fan opens to approve the app (Authorization Code with PKCE, S256). */
export function buildAuthorizeUrl(config: XOAuthConfig, input: z.input<typeof authorizeInputSchema>): string {
  const { redirectUri, state, codeChallenge } = authorizeInputSchema.parse(input);
  const url = new URL(config.authorizeUrl ?? X_AUTHORIZE_URL);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("scope", (config.scopes ?? X_OAUTH_SCOPES).join(" "));
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", codeChallenge);
  url.searchParams.set("code_challenge_method", "S256");
  return url.toString();
}

/** Trades the code from the callback for tokens; the verifier proves this backend started the login. */
export function exchangeAuthorizationCode(
  config: XOAuthConfig,
  input: { code: string; codeVerifier: string; redirectUri: string },
): Promise<XTokenSet> {
  return requestTokens(config, {
    grant_type: "authorization_code",
    code: input.code,
    redirect_uri: input.redirectUri,
    code_verifier: input.codeVerifier,
  });
}

/** Gets a fresh access token. X rotates refresh tokens: store the new one, the old one stops working. */
export function refreshAccessToken(config: XOAuthConfig, refreshToken: string): Promise<XTokenSet> {
  return requestTokens(config, { grant_type: "refresh_token", refresh_token: refreshToken });
}

async function requestTokens(config: XOAuthConfig, grant: Record<string, string>): Promise<XTokenSet> {
  const url = `${(config.apiBaseUrl ?? X_API_BASE_URL).replace(/\/+$/, "")}/2/oauth2/token`;
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (config.clientSecret !== undefined) {
    const pair = `${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
  }
  const body = new URLSearchParams({ ...grant, client_id: config.clientId });
  let response: Response;
  try {
    response = await (config.fetch ?? globalThis.fetch)(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new XApiError(`X did not answer oauth2/token: ${(error as Error).message}`, 0, "oauth2/token");
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const refusal = xOAuthErrorSchema.safeParse(json);
    if (refusal.success) throw new XOAuthError(refusal.data.error, refusal.data.error_description, response.status);
    throw new XUnexpectedResponseError(`X answered oauth2/token with ${response.status}`, response.status, "oauth2/token");
  }
  const tokens = xTokenResponseSchema.safeParse(json);
  if (!tokens.success) {
    throw new XUnexpectedResponseError("X answered oauth2/token with an unexpected shape", response.status, "oauth2/token");
  }
  return {
    accessToken: tokens.data.access_token,
    refreshToken: tokens.data.refresh_token,
    expiresAt: new Date((config.now ?? Date.now)() + tokens.data.expires_in * 1000),
    scopes: tokens.data.scope.split(" ").filter(Boolean),
  };
}
