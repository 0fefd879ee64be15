import { z } from "zod";
import { MessagingError } from "../messaging/errors.ts";
import type { XUser } from "../messaging/shapes.ts";
import { xUserSchema } from "../messaging/shapes.ts";
import type { ApprovalQueue } from "./approvals/approval-queue.ts";
import { type BackendRequest, callBackend } from "./backend-client/backend-client.ts";
import { RpcClient } from "./chain/rpc-client.ts";
import type { Outbox } from "./outbox/outbox.ts";
import type { MemefansDatabase } from "./storage/database.ts";
import { readSettings, readValue, rpcUrlOf, writeValue } from "./storage/settings-store.ts";
import type { Vault } from "./vault/vault.ts";
import type { PageWalletTabs } from "./wallets/page-wallet-signing.ts";

/** chrome.identity, reduced to what the X sign-in needs. */
export interface IdentityFlow {
  redirectUrl(path: string): string;
  launchWebAuthFlow(url: string): Promise<string>;
}

/** Everything the handlers use; background.ts builds it from chrome APIs, tests from local stand-ins. */
export interface BackgroundServices {
  db: MemefansDatabase;
  vault: Vault;
  outbox: Outbox;
  approvals: ApprovalQueue;
  /** Opens the popup in a window of its own, where the built-in wallet is unlocked. */
  openUnlockWindow(): Promise<void>;
  /** Phantom, Solflare and wallet-standard wallets sign in an x.com tab. */
  pageWallets: PageWalletTabs;
  identity: IdentityFlow;
  fetch: typeof fetch;
  now: () => number;
  /** Makes sure an alarm will retry the outbox when something is waiting. */
  scheduleOutbox: () => Promise<void>;
  /** Opens the options page, where a creator manages their giveaways: one giveaway's dashboard when given its address. */
  openDashboard: (address?: string) => Promise<void>;
}

export const X_SESSION_KEY = "x-session";
export const EXTERNAL_WALLET_KEY = "external-wallet";

export const xSessionSchema = z.object({
  sessionToken: z.string().min(1),
  xUser: xUserSchema,
  /** Wallets the backend has bound to this X account: the backend pays claims only to these. */
  boundWallets: z.array(z.string()).default([]),
});
export type XSession = z.infer<typeof xSessionSchema>;

export const externalWalletSchema = z.object({
  choice: z.enum(["phantom", "solflare", "standard"]),
  address: z.string(),
  name: z.string(),
});

export async function currentSession(services: BackgroundServices): Promise<XSession | undefined> {
  const parsed = xSessionSchema.safeParse(await readValue(services.db, X_SESSION_KEY));
  return parsed.success ? parsed.data : undefined;
}

/** For calls that only make sense signed in: a clear error before any request goes out. */
export async function requireSession(services: BackgroundServices): Promise<XSession> {
  const session = await currentSession(services);
  if (!session) throw new MessagingError("not_signed_in", "connect your X account first");
  return session;
}

export async function currentXUser(services: BackgroundServices): Promise<XUser | null> {
  return (await currentSession(services))?.xUser ?? null;
}

export async function saveSession(services: BackgroundServices, session: XSession | undefined): Promise<void> {
  await writeValue(services.db, X_SESSION_KEY, session);
}

/** Notes a wallet the backend just bound to the signed-in X account, so the claim card can move on. */
export async function rememberBoundWallet(services: BackgroundServices, address: string): Promise<void> {
  const session = await currentSession(services);
  if (session && !session.boundWallets.includes(address)) {
    await saveSession(services, { ...session, boundWallets: [...session.boundWallets, address] });
  }
}

/** Calls the configured backend with the X session attached when there is one. */
export async function backend(services: BackgroundServices, request: Omit<BackendRequest, "sessionToken">) {
  const { backendUrl } = await readSettings(services.db);
  const session = await currentSession(services);
  return callBackend(backendUrl, { ...request, ...(session ? { sessionToken: session.sessionToken } : {}) }, services.fetch);
}

export async function rpcClient(services: BackgroundServices): Promise<RpcClient> {
  return new RpcClient(rpcUrlOf(await readSettings(services.db)), services.fetch);
}
