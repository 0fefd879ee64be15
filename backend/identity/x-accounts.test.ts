import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { openDatabase } from "../db/open-database.ts";
import { createTokenCipher, type XTokenSet } from "../x/index.ts";
import { XAccounts } from "./x-accounts.ts";

const HOUR = 60 * 60 * 1000;
const fan = { id: "1399000000000000002", name: "Super Fan", username: "superfan" };
const cipher = createTokenCipher({ id: "k1", key: new Uint8Array(32).fill(7) });
let database: Database;

beforeAll(async () => {
  database = await openDatabase({});
}, 60_000);
afterAll(() => database?.close());

const tokens = (accessToken: string, expiresAt: number): XTokenSet => ({
  accessToken,
  refreshToken: `${accessToken}-refresh`,
  expiresAt: new Date(expiresAt),
  scopes: ["tweet.read", "users.read", "offline.access"],
});

it("takes the token another instance's refresh stores a moment after X refused ours, instead of asking for a new sign-in", async () => {
  // X rotated the refresh token for the other instance, whose UPDATE lands only after X has refused ours.
  const refusedRefresh: typeof fetch = async () => {
    setTimeout(() => void accounts.saveLogin(fan, tokens("winners-token", Date.now() + 2 * HOUR)), 50);
    return Response.json(
      { error: "invalid_grant", error_description: "Value passed for the token was invalid." },
      { status: 400 },
    );
  };
  const accounts = new XAccounts(database, cipher, {
    clientId: "memefans-local",
    apiBaseUrl: "http://x.invalid",
    fetch: refusedRefresh,
  });
  await accounts.saveLogin(fan, tokens("expired-token", Date.now() - 1000));
  expect(await accounts.accessTokenFor(fan.id)).toBe("winners-token");
});

it("keeps whether the account's posts are protected, from the sign-in and from a later profile read", async () => {
  const accounts = new XAccounts(database, cipher, { clientId: "memefans-local", apiBaseUrl: "http://x.invalid" });
  const locked = { id: "1399000000000000077", name: "Locked Fan", username: "lockedfan" };
  await accounts.saveLogin({ ...locked, protected: true }, tokens("locked-token", Date.now() + HOUR));
  expect(await accounts.profileOnRecord(locked.id)).toMatchObject({ postsProtected: true });
  await accounts.recordProfile(locked.id, { ...locked, protected: false });
  expect(await accounts.profileOnRecord(locked.id)).toMatchObject({ postsProtected: false });
  // A read that does not say leaves what X said last.
  await accounts.recordProfile(locked.id, locked);
  expect(await accounts.profileOnRecord(locked.id)).toMatchObject({ postsProtected: false });
});
