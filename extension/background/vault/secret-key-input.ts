import { ed25519 } from "@noble/curves/ed25519.js";
import bs58 from "bs58";
import { MessagingError } from "../../messaging/errors.ts";

export interface KeypairBytes {
  secretKey: Uint8Array;
  publicKey: string;
}

/** Solana's 64-byte secret key is the 32-byte seed followed by the public key. */
export function keypairFromSeed(seed: Uint8Array): KeypairBytes {
  const publicKey = ed25519.getPublicKey(seed);
  const secretKey = new Uint8Array(64);
  secretKey.set(seed, 0);
  secretKey.set(publicKey, 32);
  return { secretKey, publicKey: bs58.encode(publicKey) };
}

function decodeSecretText(text: string): Uint8Array {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    let numbers: unknown;
    try {
      numbers = JSON.parse(trimmed);
    } catch {
      throw new MessagingError("bad_request", "the JSON array is not valid JSON");
    }
    if (!Array.isArray(numbers) || !numbers.every((value) => Number.isInteger(value) && value >= 0 && value <= 255)) {
      throw new MessagingError("bad_request", "the JSON array must hold numbers from 0 to 255");
    }
    return Uint8Array.from(numbers as number[]);
  }
  try {
    return bs58.decode(trimmed);
  } catch {
    throw new MessagingError("bad_request", "the secret key is neither base58 text nor a JSON array of numbers");
  }
}

/**
 * Accepts what wallets export: base58 text or a JSON array (solana-keygen's file), both of the
 * 64-byte secret key. The second half must be the public key the first half derives, so a corrupted
 * paste is refused instead of producing a wallet nobody can find again.
 */
export function keypairFromSecretText(text: string): KeypairBytes {
  const bytes = decodeSecretText(text);
  if (bytes.length !== 64)
    throw new MessagingError("bad_request", `a Solana secret key is 64 bytes; this one is ${bytes.length}`);
  const derived = keypairFromSeed(bytes.slice(0, 32));
  if (!derived.secretKey.every((byte, index) => byte === bytes[index])) {
    throw new MessagingError(
      "bad_request",
      "the secret key's second half is not the public key of its first half: it is damaged",
    );
  }
  return derived;
}
