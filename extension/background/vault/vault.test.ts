import "fake-indexeddb/auto";
import bs58 from "bs58";
import { afterEach, describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "../../messaging/base64.ts";
import { MessagingError } from "../../messaging/errors.ts";
import { type MemefansDatabase, openMemefansDatabase } from "../storage/database.ts";
import { browserStandIns } from "../testing/browser-stand-ins.ts";
import { keypairFromSecretText, keypairFromSeed } from "./secret-key-input.ts";
import { AUTO_LOCK_ALARM, Vault } from "./vault.ts";
import { decryptSecretKey, encryptSecretKey } from "./vault-crypto.ts";
import { encryptedVaultSchema, MIN_PBKDF2_ITERATIONS } from "./vault-format.ts";

const seed = Uint8Array.from({ length: 32 }, (_, index) => index + 1);
const keypair = keypairFromSeed(seed);

async function rejection(promise: Promise<unknown>): Promise<MessagingError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof MessagingError)) throw new Error(`expected a MessagingError, got ${String(error)}`);
  return error;
}

describe("vault cryptography", () => {
  it("round-trips the secret key under the password, with ≥ 600,000 PBKDF2 iterations in the stored format", async () => {
    const stored = await encryptSecretKey(keypair.secretKey, keypair.publicKey, "correct horse battery");
    expect(stored.kdf).toMatchObject({ name: "PBKDF2", hash: "SHA-256" });
    expect(stored.kdf.iterations).toBeGreaterThanOrEqual(600_000);
    expect(stored.cipher.name).toBe("AES-GCM");
    expect(fromBase64(stored.kdf.salt)).toHaveLength(16);
    expect(fromBase64(stored.cipher.iv)).toHaveLength(12);
    // The record holds no plaintext key material.
    expect(JSON.stringify(stored)).not.toContain(bs58.encode(keypair.secretKey));
    expect(await decryptSecretKey(stored, "correct horse battery")).toEqual(keypair.secretKey);
  });

  it("uses a fresh salt and IV each time", async () => {
    const a = await encryptSecretKey(keypair.secretKey, keypair.publicKey, "password one");
    const b = await encryptSecretKey(keypair.secretKey, keypair.publicKey, "password one");
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.cipher.iv).not.toBe(b.cipher.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it("refuses a wrong password", async () => {
    const stored = await encryptSecretKey(keypair.secretKey, keypair.publicKey, "right password");
    const error = await rejection(decryptSecretKey(stored, "wrong password"));
    expect(error.code).toBe("wrong_password");
  });

  it("refuses a tampered ciphertext, IV or address", async () => {
    const stored = await encryptSecretKey(keypair.secretKey, keypair.publicKey, "right password");
    const bytes = fromBase64(stored.ciphertext);
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const flippedCiphertext = { ...stored, ciphertext: toBase64(bytes) };
    const iv = fromBase64(stored.cipher.iv);
    iv[0] = (iv[0] ?? 0) ^ 1;
    const flippedIv = { ...stored, cipher: { ...stored.cipher, iv: toBase64(iv) } };
    const otherAddress = { ...stored, publicKey: keypairFromSeed(new Uint8Array(32).fill(9)).publicKey };
    for (const tampered of [flippedCiphertext, flippedIv, otherAddress]) {
      expect((await rejection(decryptSecretKey(tampered, "right password"))).code).toBe("wrong_password");
    }
  });

  it("refuses a stored record that claims fewer iterations than the floor", async () => {
    const stored = await encryptSecretKey(keypair.secretKey, keypair.publicKey, "right password");
    const weakened = { ...stored, kdf: { ...stored.kdf, iterations: 1_000 } };
    expect(encryptedVaultSchema.safeParse(weakened).success).toBe(false);
    const error = await rejection(decryptSecretKey(weakened, "right password"));
    expect(error.message).toContain(`at least ${MIN_PBKDF2_ITERATIONS}`);
  });
});

describe("importing a secret key", () => {
  it("accepts base58 text and a solana-keygen JSON array of the same key", () => {
    expect(keypairFromSecretText(bs58.encode(keypair.secretKey)).publicKey).toBe(keypair.publicKey);
    expect(keypairFromSecretText(JSON.stringify([...keypair.secretKey])).publicKey).toBe(keypair.publicKey);
  });

  it("refuses a key of the wrong length, a damaged half and junk", () => {
    const damaged = Uint8Array.from(keypair.secretKey);
    damaged[40] = (damaged[40] ?? 0) ^ 0xff;
    expect(() => keypairFromSecretText(bs58.encode(keypair.secretKey.slice(0, 32)))).toThrow(
      "a Solana secret key is 64 bytes; this one is 32",
    );
    expect(() => keypairFromSecretText(bs58.encode(damaged))).toThrow(/damaged/);
    expect(() => keypairFromSecretText("[1,2,300]")).toThrow(/0 to 255/);
    expect(() => keypairFromSecretText("0OIl not base58")).toThrow(/neither base58/);
  });
});

describe("the built-in wallet", () => {
  let db: MemefansDatabase | undefined;
  afterEach(() => db?.close());

  async function setup(name: string) {
    db = await openMemefansDatabase(name);
    const parts = browserStandIns();
    const clock = { now: 1_000_000 };
    const makeVault = () =>
      new Vault({
        db: db as MemefansDatabase,
        unlockedKeys: parts.unlockedKeys,
        alarms: parts.scheduler,
        autoLockMinutes: async () => 5,
        now: () => clock.now,
      });
    return { parts, clock, makeVault };
  }

  it("creates, locks and unlocks; a wrong password keeps it locked", async () => {
    const { makeVault } = await setup("vault-lifecycle");
    const vault = makeVault();
    expect(await vault.status()).toEqual({ state: "absent" });
    const address = await vault.create("a long password");
    expect(await vault.status()).toEqual({ state: "unlocked", address, backup: "pending" });
    await vault.lock();
    expect(await vault.status()).toEqual({ state: "locked", address, backup: "pending" });
    expect((await rejection(vault.withSecretKey(() => "signed"))).code).toBe("locked");
    expect((await rejection(vault.unlock("not the password"))).code).toBe("wrong_password");
    expect((await vault.status()).state).toBe("locked");
    expect(await vault.unlock("a long password")).toBe(address);
    expect(await vault.withSecretKey((_secret, signer) => signer)).toBe(address);
  });

  it("stores only the encrypted form in IndexedDB", async () => {
    const { makeVault } = await setup("vault-at-rest");
    const vault = makeVault();
    await vault.importSecret(bs58.encode(keypair.secretKey), "a long password");
    const stored = await db?.get("vault", "builtin");
    expect(encryptedVaultSchema.parse(stored).publicKey).toBe(keypair.publicKey);
    expect(JSON.stringify(stored)).not.toContain(bs58.encode(keypair.secretKey));
  });

  it("auto-locks after the idle time, and each use pushes the deadline back", async () => {
    const { makeVault, parts, clock } = await setup("vault-auto-lock");
    const vault = makeVault();
    const address = await vault.create("a long password");
    expect(parts.alarms.get(AUTO_LOCK_ALARM)).toBe(clock.now + 5 * 60_000);

    clock.now += 4 * 60_000;
    await vault.withSecretKey(() => undefined);
    expect(parts.alarms.get(AUTO_LOCK_ALARM)).toBe(clock.now + 5 * 60_000);
    clock.now += 4 * 60_000;
    // The alarm fires early (Chrome batches alarms): nothing happens before the deadline.
    expect(await vault.lockIfIdle()).toBe(false);
    expect((await vault.status()).state).toBe("unlocked");

    clock.now += 60_001;
    expect(await vault.lockIfIdle()).toBe(true);
    expect(await vault.status()).toEqual({ state: "locked", address, backup: "pending" });
    expect(parts.sessionValue()).toBeUndefined();
    expect(parts.alarms.has(AUTO_LOCK_ALARM)).toBe(false);
  });

  it("stays unlocked across a service-worker restart, but not across a browser restart", async () => {
    const { makeVault, parts } = await setup("vault-restarts");
    const address = await makeVault().create("a long password");
    // A new Vault object is what a restarted worker has: empty memory, same session storage.
    expect(await makeVault().status()).toEqual({ state: "unlocked", address, backup: "pending" });
    parts.restartBrowser();
    expect(await makeVault().status()).toEqual({ state: "locked", address, backup: "pending" });
  });

  it("even when the alarm never fires, a use after the deadline finds the wallet locked", async () => {
    const { makeVault, clock } = await setup("vault-missed-alarm");
    const vault = makeVault();
    await vault.create("a long password");
    clock.now += 5 * 60_000 + 1;
    expect((await rejection(vault.withSecretKey(() => "signed"))).code).toBe("locked");
  });

  it("shows a new wallet's phrase until the backup check passes, and the phrase restores the same address", async () => {
    const { makeVault } = await setup("vault-backup");
    const vault = makeVault();
    const address = await vault.create("a long password");
    expect((await rejection(vault.recoveryPhrase("not the password"))).code).toBe("wrong_password");
    const words = await vault.recoveryPhrase("a long password");
    expect(words).toHaveLength(12);
    // The phrase is sealed at rest like the key: no word sequence of it is stored in clear.
    expect(JSON.stringify(await db?.get("vault", "builtin"))).not.toContain(words.slice(0, 3).join(" "));

    const wrongWord = words[2] === "zoo" ? "abandon" : "zoo";
    const refused = await rejection(
      vault.confirmBackup("a long password", [
        { position: 3, word: wrongWord },
        { position: 7, word: words[6] ?? "" },
      ]),
    );
    expect(refused.message).toContain("#3");
    expect(await vault.status()).toEqual({ state: "unlocked", address, backup: "pending" });
    await vault.confirmBackup("a long password", [
      { position: 3, word: ` ${(words[2] ?? "").toUpperCase()} ` },
      { position: 7, word: words[6] ?? "" },
    ]);
    expect(await vault.status()).toEqual({ state: "unlocked", address, backup: "confirmed" });
    expect((await rejection(vault.recoveryPhrase("a long password"))).message).toContain("already backed up");

    const { makeVault: makeFreshVault } = await setup("vault-backup-restored");
    const restored = await makeFreshVault().restore(words.join("  ").toUpperCase(), "another password");
    expect(restored).toBe(address);
  });

  it("exports the secret key only with the password, and the export imports to the same address", async () => {
    const { makeVault } = await setup("vault-export");
    const vault = makeVault();
    const address = await vault.create("a long password");
    await vault.lock();
    expect((await rejection(vault.exportSecretKey("wrong password"))).code).toBe("wrong_password");
    const exported = await vault.exportSecretKey("a long password");
    expect(keypairFromSecretText(exported).publicKey).toBe(address);
  });

  it("an imported raw key has no phrase to back up", async () => {
    const { makeVault } = await setup("vault-imported-backup");
    const vault = makeVault();
    await vault.importSecret(bs58.encode(keypair.secretKey), "a long password");
    expect(await vault.status()).toEqual({ state: "unlocked", address: keypair.publicKey, backup: "none" });
    expect((await rejection(vault.recoveryPhrase("a long password"))).code).toBe("unsupported");
  });
});
