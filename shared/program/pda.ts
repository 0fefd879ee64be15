import { PublicKey } from "@solana/web3.js";
import { BorshWriter } from "./borsh.ts";
import { distributionProgramId } from "./ids.ts";

export interface ProgramAddress {
  address: PublicKey;
  bump: number;
}

/** ["distribution", creator, distribution_id as u64 LE]: one creator can run many giveaways side by side. */
export function findDistributionAddress(
  creator: PublicKey,
  distributionId: bigint,
  programId: PublicKey = distributionProgramId,
): ProgramAddress {
  const idBytes = new BorshWriter().u64(distributionId).toBytes();
  const [address, bump] = PublicKey.findProgramAddressSync(
    [new TextEncoder().encode("distribution"), creator.toBytes(), idBytes],
    programId,
  );
  return { address, bump };
}

/** ["vault", distribution]: the token account that escrows the deposit, owned by the distribution PDA. */
export function findVaultAddress(distribution: PublicKey, programId: PublicKey = distributionProgramId): ProgramAddress {
  const [address, bump] = PublicKey.findProgramAddressSync(
    [new TextEncoder().encode("vault"), distribution.toBytes()],
    programId,
  );
  return { address, bump };
}
