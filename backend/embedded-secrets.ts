import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Keypair } from "@solana/web3.js";
import bs58 from "bs58";
import type { BackendConfig } from "./config.ts";
import { parseTokenKey } from "./x/index.ts";

export interface BackendSecrets {
  tokenEncryptionKey: Uint8Array;
  verifier: Keypair;
  feePayer: Keypair;
}

/** A secret key as solana-keygen writes it (JSON array of 64 bytes) or as base58 text. */
export function parseKeypair(text: string, name: string): Keypair {
  const trimmed = text.trim();
  try {
    const bytes = trimmed.startsWith("[") ? Uint8Array.from(JSON.parse(trimmed) as number[]) : bs58.decode(trimmed);
    if (bytes.length !== 64) throw new Error(`${bytes.length} bytes`);
    return Keypair.fromSecretKey(bytes);
  } catch (error) {
    throw new Error(`${name} must be a 64-byte secret key, as a JSON array or base58 (${(error as Error).message})`);
  }
}

/** Reads a secret file under DATA_DIR, or writes a fresh one (owner-only) on first start. */
function persisted(path: string, create: () => string): string {
  if (existsSync(path)) return readFileSync(path, "utf8");
  const text = create();
  writeFileSync(path, text, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return text;
}

/**
 * The backend's keys. Configured values win. Without them, the embedded setup generates each key once
 * and keeps it under DATA_DIR, so tokens stay decryptable and distributions keep their verifier across
 * restarts. Against a shared PostgreSQL or a real cluster, generating a key would split instances or
 * orphan distributions, so there the key must be configured.
 */
export function loadSecrets(config: BackendConfig): BackendSecrets {
  const secretsDirectory = join(config.DATA_DIR, "secrets");
  mkdirSync(secretsDirectory, { recursive: true, mode: 0o700 });

  let keyText = config.TOKEN_ENCRYPTION_KEY;
  if (!keyText) {
    if (config.DATABASE_URL) {
      throw new Error("TOKEN_ENCRYPTION_KEY is required with DATABASE_URL: every instance must decrypt the same tokens");
    }
    keyText = persisted(join(secretsDirectory, "token-encryption-key"), () => randomBytes(32).toString("base64url"));
  }

  let verifierText = config.VERIFIER_KEYPAIR;
  if (!verifierText) {
    if (config.SOLANA_RPC_URL) {
      throw new Error("VERIFIER_KEYPAIR is required with SOLANA_RPC_URL: distributions on a real cluster name a fixed verifier");
    }
    verifierText = persisted(join(secretsDirectory, "verifier-keypair.json"), () =>
      JSON.stringify([...Keypair.generate().secretKey]),
    );
  }
  const verifier = parseKeypair(verifierText, "VERIFIER_KEYPAIR");
  const feePayer = config.FEE_PAYER_KEYPAIR ? parseKeypair(config.FEE_PAYER_KEYPAIR, "FEE_PAYER_KEYPAIR") : verifier;
  return { tokenEncryptionKey: parseTokenKey(keyText), verifier, feePayer };
}
