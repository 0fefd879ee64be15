import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keypair } from "@solana/web3.js";
import bs58 from "bs58";
import { afterEach, describe, expect, it } from "vitest";
import { readConfig } from "./config.ts";
import { loadSecrets, parseKeypair } from "./embedded-secrets.ts";

describe("backend secrets", () => {
  const directories: string[] = [];
  const dataDirectory = () => {
    const directory = mkdtempSync(join(tmpdir(), "memefans-secrets-"));
    directories.push(directory);
    return directory;
  };
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  it("generates the embedded keys once and keeps them across restarts, readable by the owner only", () => {
    const config = readConfig({ DATA_DIR: dataDirectory() });
    const first = loadSecrets(config);
    const second = loadSecrets(config);
    expect(second.verifier.publicKey.toBase58()).toBe(first.verifier.publicKey.toBase58());
    expect(Buffer.from(second.tokenEncryptionKey).equals(Buffer.from(first.tokenEncryptionKey))).toBe(true);
    expect(first.feePayer.publicKey.equals(first.verifier.publicKey)).toBe(true);
    expect(statSync(join(config.DATA_DIR, "secrets", "verifier-keypair.json")).mode & 0o777).toBe(0o600);
  });

  it("uses configured keys and requires them outside the embedded setup", () => {
    const verifier = Keypair.generate();
    const config = readConfig({
      DATA_DIR: dataDirectory(),
      VERIFIER_KEYPAIR: bs58.encode(verifier.secretKey),
      TOKEN_ENCRYPTION_KEY: "ab".repeat(32),
    });
    expect(loadSecrets(config).verifier.publicKey.equals(verifier.publicKey)).toBe(true);
    expect(() => loadSecrets(readConfig({ DATA_DIR: dataDirectory(), DATABASE_URL: "postgres://x/y" }))).toThrow(
      /TOKEN_ENCRYPTION_KEY/,
    );
    expect(() => loadSecrets(readConfig({ DATA_DIR: dataDirectory(), SOLANA_RPC_URL: "https://api.devnet.solana.com" }))).toThrow(
      /VERIFIER_KEYPAIR/,
    );
    expect(() => parseKeypair("[1,2,3]", "VERIFIER_KEYPAIR")).toThrow(/64-byte secret key/);
    expect(parseKeypair(JSON.stringify([...verifier.secretKey]), "K").publicKey.equals(verifier.publicKey)).toBe(true);
  });
});
