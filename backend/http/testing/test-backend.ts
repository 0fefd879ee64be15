import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ed25519 } from "@noble/curves/ed25519.js";
import type { Keypair } from "@solana/web3.js";
import bs58 from "bs58";
import { readConfig } from "../../config.ts";
import type { Database } from "../../db/database.ts";
import { type BackendOptions, type RunningBackend, startBackend } from "../../start-backend.ts";

/** The redirect URI of an unpacked test extension, as chrome.identity.getRedirectURL() would give it. */
export const TEST_REDIRECT_URI = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/x-callback";
export const TEST_PUBLIC_URL = "https://memefans.test";

/** Requests to a running backend the way a client makes them. */
export interface BackendClient {
  /** JSON request to the backend; `token` becomes the bearer session. */
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** The full X login against the emulator's authorize and token endpoints, as `username`. */
  signIn(username: string): Promise<{ sessionToken: string; xUser: { id: string; username: string } }>;
  /** Challenge, sign with `wallet`, verify: binds the wallet to the session's X account. */
  bindWallet(sessionToken: string, wallet: Keypair): Promise<Response>;
}

/** The full X login through the backend at `baseUrl` and the emulator it names, as `username`. */
export async function signInThrough(
  baseUrl: string,
  username: string,
): Promise<{ sessionToken: string; xUser: { id: string; username: string } }> {
  const start = await fetch(`${baseUrl}/auth/x/start?redirect_uri=${encodeURIComponent(TEST_REDIRECT_URI)}`);
  if (start.status !== 200) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
  const consent = await fetch(`${authorizeUrl}&login_as=${encodeURIComponent(username)}`, { redirect: "manual" });
  const location = new URL(consent.headers.get("location") ?? "");
  const callback = await fetch(`${baseUrl}/auth/x/callback`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code: location.searchParams.get("code"), state: location.searchParams.get("state") }),
  });
  if (callback.status !== 200) throw new Error(`callback answered ${callback.status}: ${await callback.text()}`);
  return (await callback.json()) as { sessionToken: string; xUser: { id: string; username: string } };
}

export type TestBackend = RunningBackend & BackendClient;

/**
 * The real backend on loopback for tests: the given database, the X API emulator, the embedded chain
 * (on the main thread, as backend.chain, unless options say otherwise), keys generated in a temporary
 * DATA_DIR. Nothing is replaced by a mock.
 */
export async function startTestBackend(
  database: Database,
  environment: Record<string, string> = {},
  options: Omit<BackendOptions, "database"> = {},
): Promise<TestBackend> {
  const dataDirectory = mkdtempSync(join(tmpdir(), "memefans-backend-"));
  const config = readConfig({
    PORT: "0",
    DATA_DIR: dataDirectory,
    PUBLIC_URL: TEST_PUBLIC_URL,
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_IP_PER_MINUTE: "1000000",
    RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: "1000000",
    ...environment,
  });
  let backend: RunningBackend;
  try {
    // Tests drive the chain through backend.chain unless they ask for npm start's thread.
    backend = await startBackend(config, { embeddedChainOn: "main-thread", ...options, database });
  } catch (error) {
    rmSync(dataDirectory, { recursive: true, force: true });
    throw error;
  }
  const stopBackend = backend.close;
  return Object.assign(backend, {
    ...backendClient(backend.url),
    close: async () => {
      await stopBackend();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  });
}

/** The client side of the tests' requests: JSON calls, the X login through the emulator, wallet binding. */
export function backendClient(url: string): BackendClient {
  const request: BackendClient["request"] = (method, path, requestOptions = {}) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        ...(requestOptions.body !== undefined ? { "content-type": "application/json" } : {}),
        ...(requestOptions.token ? { authorization: `Bearer ${requestOptions.token}` } : {}),
        ...requestOptions.headers,
      },
      ...(requestOptions.body !== undefined ? { body: JSON.stringify(requestOptions.body) } : {}),
    });

  const signIn: BackendClient["signIn"] = (username) => signInThrough(url, username);

  const bindWallet: BackendClient["bindWallet"] = async (sessionToken, wallet) => {
    const address = wallet.publicKey.toBase58();
    const challenge = await request("POST", "/auth/wallet/challenge", { token: sessionToken, body: { address } });
    const { message } = (await challenge.json()) as { message: string };
    const signature = bs58.encode(ed25519.sign(new TextEncoder().encode(message), wallet.secretKey.slice(0, 32)));
    return request("POST", "/auth/wallet/verify", { token: sessionToken, body: { message, signature, address } });
  };

  return { request, signIn, bindWallet };
}

/** X API requests the backend has sent so far (its own metric, every endpoint and status). */
export async function xApiCallCount(backend: RunningBackend): Promise<number> {
  return (await backend.context.metrics.xApiCalls.get()).values.reduce((sum, value) => sum + value.value, 0);
}
