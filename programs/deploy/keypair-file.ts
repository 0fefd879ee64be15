import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Keypair } from "@solana/web3.js";
import { parseKeypair } from "../../backend/embedded-secrets.ts";

/** A keypair file as solana-keygen writes it: a JSON array of the 64 secret key bytes. */
export function readKeypairFile(path: string): Keypair {
  if (!existsSync(path)) throw new Error(`no keypair file at ${path}`);
  return parseKeypair(readFileSync(path, "utf8"), path);
}

/** Reads the keypair at `path`, or creates one there (owner-only) the first time. */
export function ensureKeypairFile(path: string): Keypair {
  if (existsSync(path)) return readKeypairFile(path);
  const keypair = Keypair.generate();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify([...keypair.secretKey]), { mode: 0o600 });
  return keypair;
}
