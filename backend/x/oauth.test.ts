import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningXApiEmulator, startXApiEmulator } from "../x-emulator/listen.ts";
import { SEED } from "../x-emulator/seed.ts";
import { createXApiClient } from "./client.ts";
import { XOAuthError, XUnauthorizedError } from "./errors.ts";
import { buildAuthorizeUrl, exchangeAuthorizationCode, refreshAccessToken, X_OAUTH_SCOPES, type XOAuthConfig } from "./oauth.ts";
import { codeChallengeS256, generateCodeVerifier, generateOAuthState, oauthStatesMatch } from "./pkce.ts";

const REDIRECT_URI = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/x";
let emulator: RunningXApiEmulator;
let publicClient: XOAuthConfig;

beforeAll(async () => {
  emulator = await startXApiEmulator({
    clients: [
      { clientId: "memefans-local", redirectUris: [REDIRECT_URI] },
      { clientId: "memefans-confidential", clientSecret: "s3cret:with/odd chars", redirectUris: [REDIRECT_URI] },
    ],
  });
  publicClient = { clientId: "memefans-local", authorizeUrl: `${emulator.url}/i/oauth2/authorize`, apiBaseUrl: emulator.url };
});
afterAll(() => emulator.close());

/** Starts a login like the backend does, and lets the emulator's consent page answer as `username`. */
async function authorize(config: XOAuthConfig, username: string) {
  const state = generateOAuthState();
  const codeVerifier = generateCodeVerifier();
  const authorizeUrl = buildAuthorizeUrl(config, {
    redirectUri: REDIRECT_URI,
    state,
    codeChallenge: codeChallengeS256(codeVerifier),
  });
  const response = await fetch(`${authorizeUrl}&login_as=${username}`, { redirect: "manual" });
  expect(response.status).toBe(302);
  const callback = new URL(response.headers.get("location") ?? "");
  return {
    state,
    codeVerifier,
    callback,
    code: callback.searchParams.get("code") ?? "",
    returnedState: callback.searchParams.get("state") ?? "",
  };
}

describe("PKCE helpers", () => {
  it("make the RFC 7636 S256 challenge", () => {
    // The example verifier and challenge from RFC 7636 appendix B.
    expect(codeChallengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    expect(generateCodeVerifier()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateOAuthState()).not.toBe(generateOAuthState());
  });

  it("compare states exactly", () => {
    const state = generateOAuthState();
    expect(oauthStatesMatch(state, state)).toBe(true);
    expect(oauthStatesMatch(state, `${state}x`)).toBe(false);
    expect(oauthStatesMatch(state, generateOAuthState())).toBe(false);
  });
});

describe("OAuth 2.0 with PKCE against the emulator", () => {
  it("builds X's authorize URL with the product's scopes", () => {
    const url = new URL(
      buildAuthorizeUrl(
        { clientId: "abc" },
        { redirectUri: REDIRECT_URI, state: "s".repeat(32), codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" },
      ),
    );
    expect(`${url.origin}${url.pathname}`).toBe("https://x.com/i/oauth2/authorize");
    expect(url.searchParams.get("scope")).toBe("tweet.read users.read follows.read like.read offline.access");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(() =>
      buildAuthorizeUrl({ clientId: "abc" }, { redirectUri: REDIRECT_URI, state: "short", codeChallenge: "x" }),
    ).toThrow(/state/);
  });

  it("shows a consent page listing the seeded accounts with an Authorize app button each", async () => {
    const url = buildAuthorizeUrl(publicClient, {
      redirectUri: REDIRECT_URI,
      state: generateOAuthState(),
      codeChallenge: codeChallengeS256(generateCodeVerifier()),
    });
    const html = await (await fetch(url)).text();
    for (const user of Object.values(SEED.users)) expect(html).toContain(`data-username="${user.username}"`);
    expect(html).toContain("Authorize app");
    expect(html).toContain("like.read");

    // Submitting the casualfan form (a GET form) is what clicking its button does.
    const form = html.split("<form").find((part) => part.includes(`data-username="${SEED.users.casualFan.username}"`)) ?? "";
    const fields = [...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map(([, name, value]) => [
      name ?? "",
      (value ?? "").replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))),
    ]);
    const response = await fetch(`${emulator.url}/i/oauth2/authorize?${new URLSearchParams(fields)}`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location") ?? "").searchParams.get("code")).toBeTruthy();
  });

  it("authorize → token → users/me → refresh → users/me", async () => {
    const login = await authorize(publicClient, SEED.users.casualFan.username);
    expect(`${login.callback.origin}${login.callback.pathname}`).toBe(REDIRECT_URI);
    expect(oauthStatesMatch(login.state, login.returnedState)).toBe(true);

    const tokens = await exchangeAuthorizationCode(publicClient, {
      code: login.code,
      codeVerifier: login.codeVerifier,
      redirectUri: REDIRECT_URI,
    });
    expect(tokens.scopes).toEqual([...X_OAUTH_SCOPES]);
    expect(tokens.refreshToken).toBeDefined();
    expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 7000 * 1000);

    const client = createXApiClient({ baseUrl: emulator.url });
    const me = await client.getMe(tokens.accessToken);
    expect(me.found && me.value.id).toBe(SEED.users.casualFan.id);

    const refreshed = await refreshAccessToken(publicClient, tokens.refreshToken ?? "");
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    const again = await client.getMe(refreshed.accessToken);
    expect(again.found && again.value.username).toBe(SEED.users.casualFan.username);
    // X rotates refresh tokens: the used one is spent.
    await expect(refreshAccessToken(publicClient, tokens.refreshToken ?? "")).rejects.toMatchObject({
      error: "invalid_request",
      status: 400,
    });
  });

  it("refuses a wrong code verifier, and the code is spent afterwards", async () => {
    const login = await authorize(publicClient, SEED.users.superfan.username);
    const wrong = exchangeAuthorizationCode(publicClient, {
      code: login.code,
      codeVerifier: generateCodeVerifier(),
      redirectUri: REDIRECT_URI,
    });
    await expect(wrong).rejects.toBeInstanceOf(XOAuthError);
    await expect(wrong).rejects.toMatchObject({
      error: "invalid_request",
      description: "Value passed for the authorization code was invalid.",
    });
    const right = exchangeAuthorizationCode(publicClient, {
      code: login.code,
      codeVerifier: login.codeVerifier,
      redirectUri: REDIRECT_URI,
    });
    await expect(right).rejects.toBeInstanceOf(XOAuthError);
  });

  it("lets the caller catch a wrong state before spending the code", async () => {
    const first = await authorize(publicClient, SEED.users.superfan.username);
    const second = await authorize(publicClient, SEED.users.superfan.username);
    // A callback carrying another login's state must not match the stored one.
    expect(oauthStatesMatch(first.state, second.returnedState)).toBe(false);
    expect(oauthStatesMatch(second.state, second.returnedState)).toBe(true);
  });

  it("refuses a code redeemed with a different redirect_uri", async () => {
    const login = await authorize(publicClient, SEED.users.superfan.username);
    await expect(
      exchangeAuthorizationCode(publicClient, {
        code: login.code,
        codeVerifier: login.codeVerifier,
        redirectUri: "https://evil.example/cb",
      }),
    ).rejects.toMatchObject({ error: "invalid_request" });
  });

  it("authenticates a confidential client with HTTP Basic and refuses it without the secret", async () => {
    const confidential = { ...publicClient, clientId: "memefans-confidential", clientSecret: "s3cret:with/odd chars" };
    const login = await authorize(confidential, SEED.users.quietFan.username);
    const tokens = await exchangeAuthorizationCode(confidential, {
      code: login.code,
      codeVerifier: login.codeVerifier,
      redirectUri: REDIRECT_URI,
    });
    expect(tokens.accessToken).toBeTruthy();

    const again = await authorize(confidential, SEED.users.quietFan.username);
    const withoutSecret = { ...confidential, clientSecret: undefined };
    await expect(
      exchangeAuthorizationCode(withoutSecret, { code: again.code, codeVerifier: again.codeVerifier, redirectUri: REDIRECT_URI }),
    ).rejects.toMatchObject({ error: "unauthorized_client", status: 401 });
  });

  it("rejects an unknown redirect_uri on the authorize page", async () => {
    const url = buildAuthorizeUrl(publicClient, {
      redirectUri: "https://evil.example/cb",
      state: generateOAuthState(),
      codeChallenge: codeChallengeS256(generateCodeVerifier()),
    });
    const response = await fetch(`${url}&login_as=superfan`, { redirect: "manual" });
    expect(response.status).toBe(400);
  });

  it("gets a 401 from users/me once the user's tokens are revoked", async () => {
    const login = await authorize(publicClient, SEED.users.superfan.username);
    const tokens = await exchangeAuthorizationCode(publicClient, {
      code: login.code,
      codeVerifier: login.codeVerifier,
      redirectUri: REDIRECT_URI,
    });
    emulator.reset();
    await expect(createXApiClient({ baseUrl: emulator.url }).getMe(tokens.accessToken)).rejects.toBeInstanceOf(
      XUnauthorizedError,
    );
  });
});
