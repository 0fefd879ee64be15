import { PublicKey } from "@solana/web3.js";

/** The address tests and localnet deploy the program at (Anchor.toml); the program itself never hardcodes it. */
export const DISTRIBUTION_PROGRAM_ID = "MFansDist1111111111111111111111111111111111";

export const distributionProgramId = new PublicKey(DISTRIBUTION_PROGRAM_ID);
