import { randomBytes } from "node:crypto";

/** An app registered with the emulator, as a developer portal app would be. */
export interface EmulatedClient {
  clientId: string;
  /** Set for a confidential client, which must then authenticate at the token endpoint. */
  clientSecret?: string;
  /** Allowed callback URLs; when left out any http(s) URL is accepted. */
  redirectUris?: string[];
}

export interface AccessGrant {
  /** Undefined for an app-only bearer token. */
  userId?: string;
  clientId: string;
  scopes: Set<string>;
  expiresAt: number;
}

interface RefreshGrant {
  userId: string;
  clientId: string;
  scopes: Set<string>;
}

export interface AuthorizationCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  scopes: Set<string>;
  codeChallenge: string;
  codeChallengeMethod: "S256" | "plain";
  expiresAt: number;
}

/** The token body X's POST /2/oauth2/token answers with. */
export interface TokenBody {
  token_type: "bearer";
  expires_in: number;
  access_token: string;
  scope: string;
  refresh_token?: string;
}

const CODE_LIFETIME_MS = 30_000;

export class TokenRegistry {
  readonly #access = new Map<string, AccessGrant>();
  readonly #refresh = new Map<string, RefreshGrant>();
  readonly #codes = new Map<string, AuthorizationCode>();

  constructor(
    readonly now: () => number,
    readonly accessTokenLifetimeSeconds: number,
  ) {}

  /** Registers a fixed app-only bearer token, like the one in a developer portal. */
  addAppToken(token: string, clientId: string): void {
    this.#access.set(token, { clientId, scopes: new Set(), expiresAt: Number.POSITIVE_INFINITY });
  }

  lookup(token: string): AccessGrant | undefined {
    const grant = this.#access.get(token);
    if (!grant) return undefined;
    if (grant.expiresAt <= this.now()) {
      this.#access.delete(token);
      return undefined;
    }
    return grant;
  }

  issue(userId: string, clientId: string, scopes: Set<string>, lifetimeSeconds = this.accessTokenLifetimeSeconds): TokenBody {
    const accessToken = opaqueToken();
    this.#access.set(accessToken, { userId, clientId, scopes, expiresAt: this.now() + lifetimeSeconds * 1000 });
    const body: TokenBody = {
      token_type: "bearer",
      expires_in: lifetimeSeconds,
      access_token: accessToken,
      scope: [...scopes].join(" "),
    };
    if (scopes.has("offline.access")) {
      const refreshToken = opaqueToken();
      this.#refresh.set(refreshToken, { userId, clientId, scopes });
      body.refresh_token = refreshToken;
    }
    return body;
  }

  /** X rotates refresh tokens: each one works once. */
  redeemRefreshToken(token: string, clientId: string): RefreshGrant | undefined {
    const grant = this.#refresh.get(token);
    if (!grant || grant.clientId !== clientId) return undefined;
    this.#refresh.delete(token);
    return grant;
  }

  createCode(code: Omit<AuthorizationCode, "expiresAt">): string {
    const value = opaqueToken();
    this.#codes.set(value, { ...code, expiresAt: this.now() + CODE_LIFETIME_MS });
    return value;
  }

  /** A code is single-use: it is gone after the first attempt, right or wrong, as RFC 6749 advises. */
  redeemCode(value: string): AuthorizationCode | undefined {
    const code = this.#codes.get(value);
    this.#codes.delete(value);
    return code && code.expiresAt > this.now() ? code : undefined;
  }

  revokeUser(userId: string): void {
    for (const [token, grant] of this.#access) if (grant.userId === userId) this.#access.delete(token);
    for (const [token, grant] of this.#refresh) if (grant.userId === userId) this.#refresh.delete(token);
  }

  clear(): void {
    for (const [token, grant] of this.#access) if (grant.userId !== undefined) this.#access.delete(token);
    this.#refresh.clear();
    this.#codes.clear();
  }
}

/** Tokens shaped like X's: base64url text of random bytes. */
function opaqueToken(): string {
  return randomBytes(48).toString("base64url");
}
