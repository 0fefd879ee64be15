import { mnemonicToSeedSync } from "@scure/bip39";
import { describe, expect, it } from "vitest";
import { MessagingError } from "../../messaging/errors.ts";
import { generateRecoveryPhrase, keypairFromRecoveryPhrase } from "./recovery-phrase.ts";

/**
 * BIP-39's first English test vector (trezor/python-mnemonic vectors.json, entropy 00…00). Its seed
 * without a passphrase is the one every BIP-39 library prints, and its Solana account at
 * m/44'/501'/0'/0' is HAgk14…DKpqk: the address Phantom and Solflare show for this phrase, asserted
 * as a known vector by several public wallet test suites (found through the code corpus: e.g. a
 * Rust vault's `a_stored_mnemonic_signs_as_its_address` and a JS wallet's "matches known vector").
 */
const ABANDON_ABOUT = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const ABANDON_ABOUT_SEED =
  "5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc19a5ac40b389cd370d086206dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4";
const ABANDON_ABOUT_PHANTOM_ADDRESS = "HAgk14JpMQLgt6rVgv7cBQFJWFto5Dqxi472uT3DKpqk";

async function refusal(text: string): Promise<string> {
  const error = await keypairFromRecoveryPhrase(text).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof MessagingError)) throw new Error(`expected a MessagingError for ${JSON.stringify(text)}`);
  expect(error.code).toBe("bad_request");
  return error.message;
}

describe("recovery phrase", () => {
  it("derives the address Phantom shows for the BIP-39 test phrase", async () => {
    expect(Buffer.from(mnemonicToSeedSync(ABANDON_ABOUT)).toString("hex")).toBe(ABANDON_ABOUT_SEED);
    const keypair = await keypairFromRecoveryPhrase(ABANDON_ABOUT);
    expect(keypair.publicKey).toBe(ABANDON_ABOUT_PHANTOM_ADDRESS);
  });

  it("ignores case and extra spaces, as people type them", async () => {
    const typed = `  ${ABANDON_ABOUT.toUpperCase().replaceAll(" ", "   ")}\n`;
    expect((await keypairFromRecoveryPhrase(typed)).publicKey).toBe(ABANDON_ABOUT_PHANTOM_ADDRESS);
  });

  it("generates 12 words that derive a wallet", async () => {
    const phrase = generateRecoveryPhrase();
    expect(phrase.split(" ")).toHaveLength(12);
    expect(phrase).not.toBe(generateRecoveryPhrase());
    expect((await keypairFromRecoveryPhrase(phrase)).secretKey).toHaveLength(64);
  });

  it("refuses a wrong word count, an unknown word and a bad checksum", async () => {
    expect(await refusal("abandon abandon about")).toContain("this one has 3");
    expect(await refusal(ABANDON_ABOUT.replace("about", "aboutt"))).toContain("aboutt");
    expect(await refusal(ABANDON_ABOUT.replace("about", "abandon"))).toContain("checksum");
  });
});
