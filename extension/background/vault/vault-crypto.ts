import { fromBase64, toBase64 } from "../../messaging/base64.ts";
import { MessagingError } from "../../messaging/errors.ts";
import { type EncryptedVault, encryptedVaultSchema, PBKDF2_ITERATIONS } from "./vault-format.ts";

const SALT_BYTES = 16;
const IV_BYTES = 12;

async function deriveKey(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Binds each ciphertext to the record's address and to what it holds, so the two cannot be swapped. */
function additionalData(vault: Pick<EncryptedVault, "version" | "publicKey">, part: "key" | "phrase"): Uint8Array<ArrayBuffer> {
  const suffix = part === "phrase" ? ":recovery-phrase" : "";
  return new TextEncoder().encode(`memefans-vault:v${vault.version}:${vault.publicKey}${suffix}`);
}

async function seal(key: CryptoKey, plain: Uint8Array, additional: Uint8Array<ArrayBuffer>) {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additional },
    key,
    Uint8Array.from(plain),
  );
  return { iv: toBase64(iv), ciphertext: toBase64(new Uint8Array(ciphertext)) };
}

/** Encrypts the 64-byte secret key, and the recovery phrase it came from when there is one, under one password. */
export async function encryptSecretKey(
  secretKey: Uint8Array,
  publicKey: string,
  password: string,
  recoveryPhrase?: string,
): Promise<EncryptedVault> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const key = await deriveKey(password, salt, PBKDF2_ITERATIONS);
  const header = { version: 1 as const, publicKey };
  const sealedKey = await seal(key, secretKey, additionalData(header, "key"));
  return {
    ...header,
    kdf: { name: "PBKDF2", hash: "SHA-256", iterations: PBKDF2_ITERATIONS, salt: toBase64(salt) },
    cipher: { name: "AES-GCM", iv: sealedKey.iv },
    ciphertext: sealedKey.ciphertext,
    ...(recoveryPhrase === undefined
      ? {}
      : { recoveryPhrase: await seal(key, new TextEncoder().encode(recoveryPhrase), additionalData(header, "phrase")) }),
  };
}

/**
 * Opens both sealed parts with the password. A wrong password and a tampered record look the same
 * to AES-GCM (the tag does not verify), so both surface as "wrong_password" without revealing which.
 */
async function openVault(stored: unknown, password: string): Promise<{ secretKey: Uint8Array; recoveryPhrase?: string }> {
  const parsed = encryptedVaultSchema.safeParse(stored);
  if (!parsed.success) {
    throw new MessagingError(
      "internal",
      `the stored wallet is not readable: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`,
    );
  }
  const vault = parsed.data;
  const key = await deriveKey(password, fromBase64(vault.kdf.salt), vault.kdf.iterations);
  const open = async (sealed: { iv: string; ciphertext: string }, part: "key" | "phrase") =>
    new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64(sealed.iv), additionalData: additionalData(vault, part) },
        key,
        fromBase64(sealed.ciphertext),
      ),
    );
  try {
    const secretKey = await open({ iv: vault.cipher.iv, ciphertext: vault.ciphertext }, "key");
    if (!vault.recoveryPhrase) return { secretKey };
    return { secretKey, recoveryPhrase: new TextDecoder().decode(await open(vault.recoveryPhrase, "phrase")) };
  } catch {
    throw new MessagingError("wrong_password", "wrong password (or the stored wallet was altered)");
  }
}

/** Returns the 64-byte secret key. */
export async function decryptSecretKey(stored: unknown, password: string): Promise<Uint8Array> {
  return (await openVault(stored, password)).secretKey;
}

/** Returns the recovery phrase, or undefined for a wallet imported from a raw key. */
export async function decryptRecoveryPhrase(stored: unknown, password: string): Promise<string | undefined> {
  const opened = await openVault(stored, password);
  opened.secretKey.fill(0);
  return opened.recoveryPhrase;
}
