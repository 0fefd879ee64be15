import { z } from "zod";
import { DEFAULT_BACKEND_PORT } from "../shared/constants.ts";

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
  /** A Solana JSON-RPC endpoint; without it the backend runs its embedded chain and serves it at /rpc. */
  SOLANA_RPC_URL: optionalUrl("SOLANA_RPC_URL"),
  /** The chain id written into wallet sign-in messages. */
  SOLANA_CLUSTER: z.enum(["localnet", "devnet", "testnet", "mainnet"]).default("localnet"),
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
  RATE_LIMIT_PER_ACCOUNT_PER_MINUTE: positiveInteger("RATE_LIMIT_PER_ACCOUNT_PER_MINUTE", 240),
  SESSION_TTL_DAYS: positiveInteger("SESSION_TTL_DAYS", 30),
  /** Reverse proxies in front of the backend whose X-Forwarded-For is trusted for the client IP (rate limits, logs). */
  TRUST_PROXY_HOPS: z.coerce.number().int("TRUST_PROXY_HOPS must be a whole number").min(0).max(10).default(0),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type BackendConfig = z.output<typeof environmentSchema> & { PUBLIC_URL: string };

export function readConfig(environment: NodeJS.ProcessEnv = process.env): BackendConfig {
  const result = environmentSchema.safeParse(environment);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid backend configuration:\n${lines.join("\n")}`);
  }
  const config = result.data;
  const publicUrl = (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, "");
  return { ...config, PUBLIC_URL: publicUrl };
}
