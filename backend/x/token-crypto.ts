import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Encryption of OAuth tokens at rest: AES-256-GCM, one random 96-bit IV per value.
 * Format: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts). The version and key id are
 * authenticated too, and so is an optional context (for example the X user id of the row), so a
 * ciphertext copied onto another user's row fails to decrypt.
 */
const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TokenDecryptionError extends Error {
  override name = "TokenDecryptionError";
}

export interface TokenKey {
  /** Short name stored with each ciphertext so keys can rotate: [A-Za-z0-9_-]{1,16}. */
  id: string;
  key: Uint8Array;
}

export interface TokenCipher {
  encrypt(plaintext: string, context?: string): string;
  decrypt(ciphertext: string, context?: string): string;
}

/** Reads a 32-byte key written as 64 hex characters or base64/base64url (as TOKEN_ENCRYPTION_KEY holds it). */
export function parseTokenKey(text: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64url");
  if (bytes.length !== KEY_BYTES) {
    throw new Error("the token encryption key must be 32 bytes, written as 64 hex characters or base64");
  }
  return new Uint8Array(bytes);
}

/** `current` encrypts; `current` and `previous` decrypt, so old rows stay readable during a key rotation. */
export function createTokenCipher(current: TokenKey, previous: readonly TokenKey[] = []): TokenCipher {
  const keys = new Map<string, Uint8Array>();
  for (const { id, key } of [current, ...previous]) {
    if (!/^[A-Za-z0-9_-]{1,16}$/.test(id)) throw new Error(`key id "${id}" must be 1-16 letters, digits, _ or -`);
    if (key.length !== KEY_BYTES) throw new Error(`key "${id}" must be 32 bytes`);
    keys.set(id, key);
  }
  return {
    encrypt(plaintext, context = "") {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv);
      cipher.setAAD(associatedData(current.id, context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, current.id, iv, ciphertext, cipher.getAuthTag()]
        .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
        .join(".");
    },
    decrypt(sealed, context = "") {
      const [version, keyId, iv, ciphertext, tag, ...rest] = sealed.split(".");
      if (
        version !== VERSION ||
        keyId === undefined ||
        iv === undefined ||
        ciphertext === undefined ||
        tag === undefined ||
        rest.length > 0
      ) {
        throw new TokenDecryptionError(`not a ${VERSION} token ciphertext`);
      }
      const key = keys.get(keyId);
      if (!key) throw new TokenDecryptionError(`no key "${keyId}" is configured to decrypt this token`);
      const ivBytes = Buffer.from(iv, "base64url");
      const tagBytes = Buffer.from(tag, "base64url");
      if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
        throw new TokenDecryptionError("malformed token ciphertext");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, ivBytes);
        decipher.setAAD(associatedData(keyId, context));
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        throw new TokenDecryptionError("the token ciphertext was altered, or belongs to another key or row");
      }
    },
  };
}

function associatedData(keyId: string, context: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}.${context}`, "utf8");
}
