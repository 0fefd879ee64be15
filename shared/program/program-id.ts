/**
 * The address tests and localnet deploy the program at (Anchor.toml); the program itself never hardcodes it.
 * A string apart from ids.ts's PublicKey, so that naming the program loads no @solana/web3.js: the
 * extension's content script names it on every x.com page (see extension/build-settings.ts).
 */
export const DISTRIBUTION_PROGRAM_ID = "MFansDist1111111111111111111111111111111111";
