import { PublicKey } from "@solana/web3.js";
import { DISTRIBUTION_PROGRAM_ID } from "./program-id.ts";

export const distributionProgramId = new PublicKey(DISTRIBUTION_PROGRAM_ID);
