import { ed25519 } from "@noble/curves/ed25519.js";
import { Keypair } from "@solana/web3.js";
import bs58 from "bs58";
import { afterAll, beforeAll, expect, it } from "vitest";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { parseSignInMessage } from "../../shared/api/identity.ts";
import type { Database } from "../db/database.ts";
import { describeEachEngine } from "../db/testing/engines.ts";
import { startTestBackend, TEST_PUBLIC_URL, TEST_REDIRECT_URI, type TestBackend } from "../http/testing/test-backend.ts";
import { createXApiClient } from "../x/index.ts";
import { SEED } from "../x-emulator/seed.ts";
import { SessionStore } from "./sessions.ts";

const MINUTE = 60_000;

async function errorCode(response: Response): Promise<string> {
  return errorBodySchema.parse(await response.json()).error.code;
}

describeEachEngine("identity", (database) => {
  let backend: TestBackend;
  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;

  beforeAll(async () => {
    backend = await startTestBackend(database(), {}, { now });
  }, 60_000);
  afterAll(() => backend?.close());

  const sign = (message: string, wallet: Keypair) =>
    bs58.encode(ed25519.sign(new TextEncoder().encode(message), wallet.secretKey.slice(0, 32)));

  it("logs in through X's authorize and token endpoints with PKCE, and answers /me", async () => {
    const start = await backend.request("GET", `/auth/x/start?redirect_uri=${encodeURIComponent(TEST_REDIRECT_URI)}`);
    const { authorizeUrl, state } = (await start.json()) as { authorizeUrl: string; state: string };
    const url = new URL(authorizeUrl);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("scope")).toBe("tweet.read users.read follows.read like.read offline.access");
    expect(url.searchParams.get("state")).toBe(state);

    const { sessionToken, xUser } = await backend.signIn(SEED.users.superfan.username);
    expect(xUser).toMatchObject({ id: SEED.users.superfan.id, username: "superfan", name: "Super Fan" });
    const me = await backend.request("GET", "/me", { token: sessionToken });
    expect(await me.json()).toEqual({ xUser, wallets: [] });
    expect((await backend.request("GET", "/me")).status).toBe(401);
    expect((await backend.request("GET", "/me", { token: "A".repeat(43) })).status).toBe(401);
  });

  it("signs out on the server: after POST /auth/logout the token is refused, while another session of the account still works", async () => {
    const first = await backend.signIn(SEED.users.superfan.username);
    const second = await backend.signIn(SEED.users.superfan.username);
    expect((await backend.request("GET", "/me", { token: first.sessionToken })).status).toBe(200);
    const logout = await backend.request("POST", "/auth/logout", { token: first.sessionToken });
    expect(logout.status).toBe(200);
    expect(await logout.json()).toEqual({ signedOut: true });
    expect((await backend.request("GET", "/me", { token: first.sessionToken })).status).toBe(401);
    expect((await backend.request("POST", "/auth/logout", { token: first.sessionToken })).status).toBe(401);
    expect((await backend.request("GET", "/me", { token: second.sessionToken })).status).toBe(200);
  });

  it("uses a state once, and refuses an unknown or expired one", async () => {
    const start = await backend.request("GET", `/auth/x/start?redirect_uri=${encodeURIComponent(TEST_REDIRECT_URI)}`);
    const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
    const consent = await fetch(`${authorizeUrl}&login_as=casualfan`, { redirect: "manual" });
    const location = new URL(consent.headers.get("location") ?? "");
    const body = { code: location.searchParams.get("code"), state: location.searchParams.get("state") };
    expect((await backend.request("POST", "/auth/x/callback", { body })).status).toBe(200);
    const replay = await backend.request("POST", "/auth/x/callback", { body });
    expect(replay.status).toBe(400);
    expect(await errorCode(replay)).toBe("oauth_state_invalid");

    const late = await backend.request("GET", `/auth/x/start?redirect_uri=${encodeURIComponent(TEST_REDIRECT_URI)}`);
    const { state } = (await late.json()) as { state: string };
    clockOffset += 11 * MINUTE;
    try {
      const expired = await backend.request("POST", "/auth/x/callback", { body: { code: "whatever", state } });
      expect(expired.status).toBe(400);
      expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(/10 minutes/);
    } finally {
      clockOffset -= 11 * MINUTE;
    }
  });

  it("refuses a code X does not accept with x_login_failed, not a 5xx", async () => {
    const start = await backend.request("GET", `/auth/x/start?redirect_uri=${encodeURIComponent(TEST_REDIRECT_URI)}`);
    const { state } = (await start.json()) as { state: string };
    const response = await backend.request("POST", "/auth/x/callback", { body: { code: "forged-code", state } });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("x_login_failed");
  });

  it("refuses a redirect URI that is not an extension's", async () => {
    const response = await backend.request("GET", `/auth/x/start?redirect_uri=${encodeURIComponent("https://evil.example/cb")}`);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("validation_failed");
  });

  it("keeps X tokens encrypted at rest and refreshes an expired one", async () => {
    const { xUser } = await backend.signIn(SEED.users.quietFan.username);
    const first = await backend.context.accounts.accessTokenFor(xUser.id);
    const rows = await database().query<{ access_token_encrypted: string; refresh_token_encrypted: string }>(
      "SELECT access_token_encrypted, refresh_token_encrypted FROM x_accounts WHERE x_user_id = $1",
      [xUser.id],
    );
    expect(rows.rows[0]?.access_token_encrypted).toMatch(/^v1\.k1\./);
    expect(rows.rows[0]?.access_token_encrypted).not.toContain(first);
    expect(rows.rows[0]?.refresh_token_encrypted).toMatch(/^v1\.k1\./);

    clockOffset += 3 * 60 * MINUTE;
    try {
      const refreshed = await backend.context.accounts.accessTokenFor(xUser.id);
      expect(refreshed).not.toBe(first);
      const me = await createXApiClient({ baseUrl: backend.emulator?.url }).getMe(refreshed);
      expect(me.found && me.value.id).toBe(xUser.id);
      expect(await backend.context.accounts.accessTokenFor(xUser.id)).toBe(refreshed);
    } finally {
      clockOffset -= 3 * 60 * MINUTE;
    }
  });

  it("binds a wallet with a signed sign-in message, once", async () => {
    const { sessionToken, xUser } = await backend.signIn(SEED.users.superfan.username);
    const wallet = Keypair.generate();
    const address = wallet.publicKey.toBase58();
    const challenge = await backend.request("POST", "/auth/wallet/challenge", { token: sessionToken, body: { address } });
    const { message, nonce } = (await challenge.json()) as { message: string; nonce: string };
    expect(parseSignInMessage(message)).toMatchObject({
      domain: "memefans.test",
      address,
      uri: TEST_PUBLIC_URL,
      version: "1",
      chainId: "solana:localnet",
      nonce,
    });
    expect(message).toContain("@superfan");
    const body = { message, signature: sign(message, wallet), address };
    const verified = await backend.request("POST", "/auth/wallet/verify", { token: sessionToken, body });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ address });
    const me = (await (await backend.request("GET", "/me", { token: sessionToken })).json()) as { wallets: string[] };
    expect(me.wallets).toContain(address);

    const replay = await backend.request("POST", "/auth/wallet/verify", { token: sessionToken, body });
    expect(replay.status).toBe(409);
    expect(await errorCode(replay)).toBe("challenge_used");
    expect(xUser.id).toBe(SEED.users.superfan.id);
  });

  it("refuses a wrong signature, an edited message and an expired one", async () => {
    const { sessionToken } = await backend.signIn(SEED.users.casualFan.username);
    const wallet = Keypair.generate();
    const address = wallet.publicKey.toBase58();
    const challenge = async () =>
      (
        (await (await backend.request("POST", "/auth/wallet/challenge", { token: sessionToken, body: { address } })).json()) as {
          message: string;
        }
      ).message;

    const message = await challenge();
    const wrongSigner = await backend.request("POST", "/auth/wallet/verify", {
      token: sessionToken,
      body: { message, signature: sign(message, Keypair.generate()), address },
    });
    expect(wrongSigner.status).toBe(400);
    expect(await errorCode(wrongSigner)).toBe("invalid_signature");

    const edited = message.replace(/Expiration Time: .*/, "Expiration Time: 2099-01-01T00:00:00.000Z");
    const editedResponse = await backend.request("POST", "/auth/wallet/verify", {
      token: sessionToken,
      body: { message: edited, signature: sign(edited, wallet), address },
    });
    expect(editedResponse.status).toBe(400);
    expect(await errorCode(editedResponse)).toBe("validation_failed");

    const stale = await challenge();
    clockOffset += 11 * MINUTE;
    try {
      const expired = await backend.request("POST", "/auth/wallet/verify", {
        token: sessionToken,
        body: { message: stale, signature: sign(stale, wallet), address },
      });
      expect(expired.status).toBe(400);
      expect(await errorCode(expired)).toBe("challenge_expired");
    } finally {
      clockOffset -= 11 * MINUTE;
    }
    // The honest signature on the untouched message still binds: the refusals above consumed nothing of it.
    const fine = await backend.request("POST", "/auth/wallet/verify", {
      token: sessionToken,
      body: { message, signature: sign(message, wallet), address },
    });
    expect(fine.status).toBe(200);
  });

  it("binds a wallet to one X account only", async () => {
    const wallet = Keypair.generate();
    const first = await backend.signIn(SEED.users.newcomer.username);
    expect((await backend.bindWallet(first.sessionToken, wallet)).status).toBe(200);
    expect((await backend.bindWallet(first.sessionToken, wallet)).status).toBe(200);
    const second = await backend.signIn(SEED.users.creator.username);
    const elsewhere = await backend.bindWallet(second.sessionToken, wallet);
    expect(elsewhere.status).toBe(409);
    expect(await errorCode(elsewhere)).toBe("wallet_bound_elsewhere");
  });
});

describeEachEngine("sessions", (database) => {
  it("resolves a burst of first-time tokens in one query, each to its own account, and unknown ones to none", async () => {
    let sessionQueries = 0;
    const counting: Database = {
      ...database(),
      query: (sql, parameters) => {
        if (sql.includes("FROM sessions")) sessionQueries++;
        return database().query(sql, parameters);
      },
    };
    const sessions = new SessionStore(counting, 1);
    const accounts = ["7000000001", "7000000002", "7000000003", "7000000004"].map((id) => ({ id }));
    await database().query(
      `INSERT INTO x_accounts (x_user_id, username, name, access_token_encrypted, access_token_expires_at, scopes)
       SELECT id, 'burst' || id, 'Burst', 'sealed', now(), 'tweet.read' FROM unnest($1::text[]) AS input (id)`,
      [accounts.map((account) => account.id)],
    );
    const tokens = await Promise.all(accounts.map((account) => sessions.create(account.id)));
    const resolved = await Promise.all([...tokens, "x".repeat(43)].map((token) => sessions.resolve(token)));
    expect(resolved).toEqual([...accounts.map((account) => ({ xUserId: account.id })), undefined]);
    expect(sessionQueries).toBe(1);
    // Cached now: asking again costs nothing.
    await Promise.all(tokens.map((token) => sessions.resolve(token)));
    expect(sessionQueries).toBe(1);
  });
});
