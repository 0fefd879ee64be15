import { generateMnemonic, mnemonicToSeedWebcrypto, validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { HDKey } from "micro-key-producer/slip10.js";
import { MessagingError } from "../../messaging/errors.ts";
import { type KeypairBytes, keypairFromSeed } from "./secret-key-input.ts";

/** The path Phantom and Solflare derive their first account from, so our phrase imports there unchanged. */
export const SOLANA_DERIVATION_PATH = "m/44'/501'/0'/0'";

/** 128 bits of entropy: the 12 words Phantom and Solflare show. */
export function generateRecoveryPhrase(): string {
  return generateMnemonic(wordlist, 128);
}

/** Lower case, single spaces: what people type differs from what BIP-39 hashes only in spacing and case. */
export function normalizeRecoveryPhrase(text: string): string {
  return text.trim().toLowerCase().split(/\s+/).join(" ");
}

export function recoveryPhraseWords(phrase: string): string[] {
  return normalizeRecoveryPhrase(phrase).split(" ");
}

/**
 * BIP-39 seed (PBKDF2-SHA512 through WebCrypto, no passphrase), then SLIP-10 ed25519 down the
 * Solana path. A phrase with an unknown word or a wrong checksum is refused rather than turned into
 * a wallet nobody has funded.
 */
export async function keypairFromRecoveryPhrase(text: string): Promise<KeypairBytes> {
  const phrase = normalizeRecoveryPhrase(text);
  const words = phrase.split(" ");
  if (![12, 15, 18, 21, 24].includes(words.length)) {
    throw new MessagingError("bad_request", `a recovery phrase has 12 or 24 words; this one has ${words.length}`);
  }
  const unknown = words.filter((word) => !wordlist.includes(word));
  if (unknown.length > 0) {
    throw new MessagingError("bad_request", `not in the BIP-39 English word list: ${unknown.join(", ")}`);
  }
  if (!validateMnemonic(phrase, wordlist)) {
    throw new MessagingError("bad_request", "the words are right but their order or one of them is not: the checksum fails");
  }
  const seed = await mnemonicToSeedWebcrypto(phrase);
  const derived = HDKey.fromMasterSeed(seed).derive(SOLANA_DERIVATION_PATH);
  seed.fill(0);
  return keypairFromSeed(derived.privateKey);
}
