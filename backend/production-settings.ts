import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { fileURLToPath } from "node:url";

/** The settings the production checks read (a subset of BackendConfig, before PUBLIC_URL and MAX_CONNECTIONS_PER_ADDRESS get their defaults). */
export interface ProductionCandidate {
  PUBLIC_URL?: string | undefined;
  DATABASE_URL?: string | undefined;
  SOLANA_RPC_URL?: string | undefined;
  SOLANA_CLUSTER: string;
  X_API_BASE_URL?: string | undefined;
  EXTENSION_ORIGINS: string[];
  TRUST_PROXY_HOPS: number;
  MAX_CONNECTIONS_PER_ADDRESS?: number | undefined;
  DISTRIBUTION_PROGRAM_ID: string;
  DEV_CHAIN_RPC: string;
  METRICS_TOKEN?: string | undefined;
}

const ANCHOR_TOML = fileURLToPath(new URL("../Anchor.toml", import.meta.url));

/** 127.0.0.0/8, ::1 or localhost: an address no other machine reaches. */
export function isLoopbackHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (bare.toLowerCase() === "localhost") return true;
  return isIP(bare) === 4 ? bare.startsWith("127.") : bare === "::1";
}

/** The program id Anchor.toml gives the cluster (`[programs.<cluster>] memefans_distribution = "…"`), if it names one. */
export function anchorProgramId(cluster: string, anchorToml = ANCHOR_TOML): string | undefined {
  if (!existsSync(anchorToml)) return undefined;
  const section = readFileSync(anchorToml, "utf8")
    .split(/^\s*\[/m)
    .find((chunk) => chunk.startsWith(`programs.${cluster}]`));
  return section?.match(/^\s*memefans_distribution\s*=\s*"([^"]+)"/m)?.[1];
}

/**
 * Every setting that is fine on a developer's machine and unsafe on the public internet, each with
 * what to do instead. Empty when the settings are fit for production.
 */
export function productionProblems(config: ProductionCandidate): string[] {
  const problems: string[] = [];
  if (!config.SOLANA_RPC_URL) {
    problems.push(
      "SOLANA_RPC_URL is required: without it the backend runs its embedded development chain, whose tokens are worth nothing",
    );
  }
  if (config.DEV_CHAIN_RPC !== "0") {
    problems.push("DEV_CHAIN_RPC serves the development chain's JSON-RPC (airdrops for anyone): leave it unset");
  }
  if (config.SOLANA_CLUSTER === "localnet") {
    problems.push("SOLANA_CLUSTER is localnet: set devnet or mainnet, the cluster SOLANA_RPC_URL serves");
  }
  if (!config.X_API_BASE_URL) {
    problems.push("X_API_BASE_URL is required: without it the backend runs the X API emulator, which signs anyone in as anyone");
  }
  const publicUrl = config.PUBLIC_URL && URL.canParse(config.PUBLIC_URL) ? new URL(config.PUBLIC_URL) : undefined;
  if (!publicUrl) {
    problems.push("PUBLIC_URL is required: the https:// address people reach this backend at, e.g. https://memefans.example");
  } else if (publicUrl.protocol !== "https:") {
    problems.push(`PUBLIC_URL must be https:// (it is ${publicUrl.protocol}//…): sessions and wallet sign-ins travel over it`);
  } else if (isLoopbackHost(publicUrl.hostname)) {
    problems.push(`PUBLIC_URL names a loopback host (${publicUrl.hostname}): links and sign-in messages would point nowhere`);
  }
  // The X sign-in hands session tokens only to the extensions named here; with none named, it would
  // hand them to any extension's redirect address.
  if (!config.EXTENSION_ORIGINS.some((origin) => origin.startsWith("chrome-extension://"))) {
    problems.push(
      "EXTENSION_ORIGINS is required: the Chrome Web Store extension's origin, chrome-extension://<its 32-letter id>",
    );
  }
  const plainHttp = config.EXTENSION_ORIGINS.filter((origin) => origin.startsWith("http://"));
  if (plainHttp.length > 0) {
    problems.push(`EXTENSION_ORIGINS has plain-http development origins (${plainHttp.join(", ")}): remove them`);
  }
  if (!config.METRICS_TOKEN || config.METRICS_TOKEN.length < 32) {
    problems.push(
      "METRICS_TOKEN is required, at least 32 characters (openssl rand -hex 32): /metrics counts claims, payouts and X API spend, and answers only a scraper that sends it",
    );
  }
  if (!config.DATABASE_URL) {
    problems.push(
      "DATABASE_URL is required: the embedded PGlite database serves one process, production runs on a PostgreSQL server",
    );
  }
  if (config.TRUST_PROXY_HOPS === 0) {
    problems.push(
      "TRUST_PROXY_HOPS is 0: behind the TLS reverse proxy every client would share the proxy's address, and one IP rate limit; set it to the number of proxies in front",
    );
  }
  // Production always runs behind the proxy, whose address every connection comes from: a per-address
  // cap there limits everyone together, and a few hundred open streams would lock the site out. Refused
  // rather than ignored, so an operator who set it learns where the cap belongs.
  if (config.TRUST_PROXY_HOPS > 0 && (config.MAX_CONNECTIONS_PER_ADDRESS ?? 0) > 0) {
    problems.push(
      `MAX_CONNECTIONS_PER_ADDRESS is ${config.MAX_CONNECTIONS_PER_ADDRESS}: behind the proxy every connection comes from its address, so that would cap the whole site; unset it (or 0) and cap connections per client in the proxy (nginx limit_conn)`,
    );
  }
  const anchorId = anchorProgramId(config.SOLANA_CLUSTER);
  if (anchorId && anchorId !== config.DISTRIBUTION_PROGRAM_ID) {
    problems.push(
      `DISTRIBUTION_PROGRAM_ID ${config.DISTRIBUTION_PROGRAM_ID} differs from Anchor.toml's [programs.${config.SOLANA_CLUSTER}] ${anchorId}: deploy once, then set both to the deployed id`,
    );
  }
  return problems;
}
