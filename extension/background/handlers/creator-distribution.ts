import { PublicKey } from "@solana/web3.js";
import { type DistributionAccount, decodeDistributionAccount } from "../../../shared/program/distribution-account.ts";
import { BUILT_IN_PROGRAM_ID } from "../../build-settings.ts";
import { MessagingError } from "../../messaging/errors.ts";
import type { RpcClient } from "../chain/rpc-client.ts";

/**
 * A giveaway as the chain holds it, checked to be `creator`'s: read from the chain, not the backend,
 * so the checks use what the program itself will check.
 */
export async function readOwnDistribution(rpc: RpcClient, address: string, creator: string): Promise<DistributionAccount> {
  const account = await rpc.getAccountData(address);
  if (!account || account.owner !== BUILT_IN_PROGRAM_ID) {
    throw new MessagingError("bad_request", "this distribution is not on chain any more (already closed?)");
  }
  const distribution = decodeDistributionAccount(account.data);
  if (!distribution.creator.equals(new PublicKey(creator)))
    throw new MessagingError("bad_request", "only the wallet that created this giveaway can steer it: choose that wallet");
  return distribution;
}
