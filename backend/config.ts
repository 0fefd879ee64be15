import { z } from "zod";
import { DEFAULT_BACKEND_PORT } from "../shared/constants.ts";
import { publicKeySchema } from "../shared/primitives.ts";
import { DISTRIBUTION_PROGRAM_ID } from "../shared/program/program-id.ts";
import { DEFAULT_RPC_REQUESTS_PER_MINUTE } from "./chain/rpc-router.ts";
import { DEFAULT_CONNECTION_LIMITS } from "./http/connection-limits.ts";
import { isLoopbackHost, productionProblems } from "./production-settings.ts";

const optionalText = z
  .string()
  .trim()
  .transform((text) => (text === "" ? undefined : text))
  .optional();

const optionalUrl = (name: string) =>
  optionalText.refine((text) => text === undefined || URL.canParse(text), { message: `${name} must be an absolute URL` });

/** A Chrome extension origin (chrome-extension://<32 letters a–p>) or an http(s) origin for development pages. */
const originPattern = /^(chrome-extension:\/\/[a-p]{32}|https?:\/\/[a-z0-9.-]+(:\d{1,5})?)$/;

const lamports = (name: string, fallback: bigint) =>
  optionalText
    .refine((text) => text === undefined || /^\d{1,20}$/.test(text), { message: `${name} must be a whole number of lamports` })
    .transform((text) => (text === undefined ? fallback : BigInt(text)));

const positiveInteger = (name: string, fallback: number) =>
  z.coerce.number().int(`${name} must be a whole number`).min(1, `${name} must be at least 1`).default(fallback);

/** Every setting the backend reads from the environment, with its embedded default. */
const environmentSchema = z.object({
  /** `production` refuses every development convenience (see production-settings.ts). */
  NODE_ENV: z.string().default("development"),
  PORT: z.coerce
    .number()
    .int("PORT must be a whole number")
    .min(0, "PORT must be between 0 and 65535")
    .max(65535, "PORT must be between 0 and 65535")
    .default(DEFAULT_BACKEND_PORT),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Where people reach this backend; the base of the public distribution links. Defaults to http://HOST:PORT. */
  PUBLIC_URL: optionalUrl("PUBLIC_URL"),
  /** Where desktop visitors of a claim page get the extension (its Chrome Web Store listing); no link without it. */
  EXTENSION_INSTALL_URL: optionalUrl("EXTENSION_INSTALL_URL"),
  /** A PostgreSQL server; without it the embedded PGlite database lives under DATA_DIR. */
  DATABASE_URL: optionalText.refine((text) => text === undefined || /^postgres(ql)?:\/\//.test(text), {
    message: "DATABASE_URL must be a postgres:// or postgresql:// URL",
  }),
  DATA_DIR: z.string().min(1).default("./data"),
  /** A Solana JSON-RPC endpoint; without it the backend runs its embedded chain in-process. */
  SOLANA_RPC_URL: optionalUrl("SOLANA_RPC_URL"),
  /**
   * Development only: serve the embedded chain's JSON-RPC (POST /rpc) and websocket, airdrops included.
   * 0: not served. 1: served when HOST is a loopback address. any-host: served on any HOST.
   */
  DEV_CHAIN_RPC: z.enum(["0", "1", "any-host"], "DEV_CHAIN_RPC must be 0, 1 or any-host").default("0"),
  /** Requests per client IP per minute to the development /rpc (the extension and scripts poll it). */
  DEV_CHAIN_RPC_PER_MINUTE: positiveInteger("DEV_CHAIN_RPC_PER_MINUTE", DEFAULT_RPC_REQUESTS_PER_MINUTE),
  /** The chain id written into wallet sign-in messages. */
  SOLANA_CLUSTER: z.enum(["localnet", "devnet", "testnet", "mainnet"]).default("localnet"),
  /** The distribution program's address on SOLANA_CLUSTER (Anchor.toml's [programs.<cluster>] names the same). */
  DISTRIBUTION_PROGRAM_ID: publicKeySchema.default(DISTRIBUTION_PROGRAM_ID),
  /** The X API v2 base; without it the backend starts the local X API emulator on loopback. */
  X_API_BASE_URL: optionalUrl("X_API_BASE_URL"),
  /** X's OAuth 2.0 authorize page; defaults to the emulator's when the emulator runs, else https://x.com/i/oauth2/authorize. */
  X_AUTHORIZE_URL: optionalUrl("X_AUTHORIZE_URL"),
  X_CLIENT_ID: optionalText,
  X_CLIENT_SECRET: optionalText,
  /** 32 bytes, base64 or hex, that encrypt X tokens at rest. Generated under DATA_DIR when the database is embedded. */
  TOKEN_ENCRYPTION_KEY: optionalText,
  /** The verifier's secret key (a JSON array of 64 bytes, as solana-keygen writes, or base58). Generated under DATA_DIR on the embedded chain. */
  VERIFIER_KEYPAIR: optionalText,
  /** The key that pays batch fees; defaults to the verifier. */
  FEE_PAYER_KEYPAIR: optionalText,
  /** When set, GET /metrics answers only `Authorization: Bearer <this>` (Prometheus's bearer_token). Required in production. */
  METRICS_TOKEN: optionalText,
  /** Comma-separated origins allowed by CORS, e.g. chrome-extension://abcdefghijklmnopabcdefghijklmnop. */
  EXTENSION_ORIGINS: z
    .string()
    .default("")
    .transform((text) =>
      text
        .split(",")
        .map((origin) => origin.trim().replace(/\/+$/, ""))
        .filter(Boolean),
    )
    .pipe(
      z.array(z.string().regex(originPattern, "EXTENSION_ORIGINS entries must look like chrome-extension://<32 letters a-p>")),
    ),
  /** Lamports each paid claim reimburses the fee payer; a registered distribution must carry this value. */
  FEE_PER_CLAIM_LAMPORTS: lamports("FEE_PER_CLAIM_LAMPORTS", 5_000n),
  /** Where tokens' ipfs:// metadata and images are fetched from. */
  IPFS_GATEWAY: z.url({ protocol: /^https$/, message: "IPFS_GATEWAY must be an https URL" }).default("https://ipfs.io/ipfs/"),
  RATE_LIMIT_PER_IP_PER_MINUTE: positiveInteger("RATE_LIMIT_PER_IP_PER_MINUTE", 1_200),
  /** Per IP on the Solana Actions paths: blink clients reach them through their maker's proxy, many fans per address. */
  RATE_LIMIT_ACTIONS_PER_IP_PER_MINUTE: positiveInteger("RATE_LIMIT_ACTIONS_PER_IP_PER_MINUTE", 60_000),
  RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: positiveInteger("RATE_LIMIT_PER_ACCOUNT_PER_MINUTE", 240),
  SESSION_TTL_DAYS: positiveInteger("SESSION_TTL_DAYS", 30),
  /** Time a client has to send a request's headers, and its whole request, before the connection is closed. */
  HTTP_HEADERS_TIMEOUT_MS: positiveInteger("HTTP_HEADERS_TIMEOUT_MS", DEFAULT_CONNECTION_LIMITS.headersTimeoutMs),
  HTTP_REQUEST_TIMEOUT_MS: positiveInteger("HTTP_REQUEST_TIMEOUT_MS", DEFAULT_CONNECTION_LIMITS.requestTimeoutMs),
  /**
   * Open connections one socket address may hold; 0 turns the cap off. Unset, it is off behind a
   * proxy (TRUST_PROXY_HOPS > 0), where every connection comes from the proxy's address and the cap
   * would be the whole site's: the proxy caps each client there. See readConfig.
   */
  MAX_CONNECTIONS_PER_ADDRESS: optionalText.pipe(
    z.coerce
      .number<string>()
      .int("MAX_CONNECTIONS_PER_ADDRESS must be a whole number")
      .min(0, "MAX_CONNECTIONS_PER_ADDRESS must be 0 (no cap) or more")
      .optional(),
  ),
  /** Live-count streams (GET /live/distributions) one instance serves at once; each holds a connection. */
  MAX_LIVE_STREAMS: positiveInteger("MAX_LIVE_STREAMS", 2_000),
  /** How long an instance holds claims and batches it works on; another instance takes them over after it dies. */
  CLAIM_LEASE_MS: positiveInteger("CLAIM_LEASE_MS", 30_000),
  /** Reverse proxies in front of the backend whose X-Forwarded-For is trusted for the client IP (rate limits, logs). */
  TRUST_PROXY_HOPS: z.coerce.number().int("TRUST_PROXY_HOPS must be a whole number").min(0).max(10).default(0),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type BackendConfig = z.output<typeof environmentSchema> & { PUBLIC_URL: string; MAX_CONNECTIONS_PER_ADDRESS: number };

export function readConfig(environment: NodeJS.ProcessEnv = process.env): BackendConfig {
  const result = environmentSchema.safeParse(environment);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid backend configuration:\n${lines.join("\n")}`);
  }
  const config = result.data;
  if (config.DEV_CHAIN_RPC !== "0" && config.SOLANA_RPC_URL) {
    throw new Error("invalid backend configuration:\n  DEV_CHAIN_RPC: serves the embedded chain, which SOLANA_RPC_URL replaces");
  }
  if (config.DEV_CHAIN_RPC === "1" && !isLoopbackHost(config.HOST)) {
    throw new Error(
      `invalid backend configuration:\n  DEV_CHAIN_RPC: 1 serves the chain's RPC on a loopback HOST only, not ${config.HOST}; set DEV_CHAIN_RPC=any-host to serve it there`,
    );
  }
  if (config.NODE_ENV === "production") {
    const problems = productionProblems(config);
    if (problems.length > 0) {
      throw new Error(`refusing to start with NODE_ENV=production:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }
  }
  const publicUrl = (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, "");
  // Counted by socket address, the cap only tells clients apart when they connect directly.
  const maxConnectionsPerAddress =
    config.MAX_CONNECTIONS_PER_ADDRESS ?? (config.TRUST_PROXY_HOPS > 0 ? 0 : DEFAULT_CONNECTION_LIMITS.maxConnectionsPerAddress);
  return { ...config, PUBLIC_URL: publicUrl, MAX_CONNECTIONS_PER_ADDRESS: maxConnectionsPerAddress };
}
