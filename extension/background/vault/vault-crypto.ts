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

function additionalData(vault: Pick<EncryptedVault, "version" | "publicKey">): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`memefans-vault:v${vault.version}:${vault.publicKey}`);
}

export async function encryptSecretKey(secretKey: Uint8Array, publicKey: string, password: string): Promise<EncryptedVault> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await deriveKey(password, salt, PBKDF2_ITERATIONS);
  const header = { version: 1 as const, publicKey };
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additionalData(header) },
    key,
    Uint8Array.from(secretKey),
  );
  return {
    ...header,
    kdf: { name: "PBKDF2", hash: "SHA-256", iterations: PBKDF2_ITERATIONS, salt: toBase64(salt) },
    cipher: { name: "AES-GCM", iv: toBase64(iv) },
    ciphertext: toBase64(new Uint8Array(ciphertext)),
  };
}

/**
 * Returns the 64-byte secret key. A wrong password and a tampered record look the same to AES-GCM
 * (the tag does not verify), so both surface as "wrong_password" without revealing which.
 */
export async function decryptSecretKey(stored: unknown, password: string): Promise<Uint8Array> {
  const parsed = encryptedVaultSchema.safeParse(stored);
  if (!parsed.success) {
    throw new MessagingError(
      "internal",
      `the stored wallet is not readable: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`,
    );
  }
  const vault = parsed.data;
  const key = await deriveKey(password, fromBase64(vault.kdf.salt), vault.kdf.iterations);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(vault.cipher.iv), additionalData: additionalData(vault) },
      key,
      fromBase64(vault.ciphertext),
    );
    return new Uint8Array(plain);
  } catch {
    throw new MessagingError("wrong_password", "wrong password (or the stored wallet was altered)");
  }
}
