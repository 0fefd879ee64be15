import { type Connection, PublicKey } from "@solana/web3.js";
import {
  type DistributionAccount,
  DistributionDecodeError,
  decodeDistributionAccount,
  isClosedDistributionAccount,
} from "../../shared/program/index.ts";
import { readMintFacts } from "../../shared/tokens/onchain-token.ts";
import { HttpError } from "../http/errors.ts";

export type DistributionLookup =
  | { status: "found"; account: DistributionAccount }
  | { status: "missing" }
  /** Closed by its creator: the program keeps a tombstone at the address. */
  | { status: "closed" }
  | { status: "not_a_distribution"; reason: string };

/** What the backend reads from Solana. One implementation over @solana/web3.js Connection and SOLANA_RPC_URL. */
export interface ChainReader {
  distribution(address: string): Promise<DistributionLookup>;
  /** The mint's decimals, or undefined when the address is not a mint of SPL Token or Token-2022. */
  mintDecimals(mint: string): Promise<number | undefined>;
  /** The owner's balance of `mint` in raw units, summed over all its token accounts of that mint. */
  tokenBalance(owner: string, mint: string): Promise<bigint>;
}

const TOKEN_AMOUNT_OFFSET = 64;

/** Turns "the RPC node did not answer" into a 502 the client can retry, instead of an unexplained 500. */
async function fromChain<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(502, "chain_unavailable", "the Solana RPC node did not answer; try again shortly", {
      reason: (error as Error).message,
    });
  }
}

export function connectionChainReader(connection: Connection, programId: PublicKey): ChainReader {
  return {
    distribution: (address) =>
      fromChain(async (): Promise<DistributionLookup> => {
        const info = await connection.getAccountInfo(new PublicKey(address), "confirmed");
        if (!info || info.lamports === 0) return { status: "missing" };
        if (!info.owner.equals(programId)) {
          return {
            status: "not_a_distribution",
            reason: `the account is owned by ${info.owner.toBase58()}, not the distribution program`,
          };
        }
        const data = new Uint8Array(info.data);
        if (isClosedDistributionAccount(data)) return { status: "closed" };
        try {
          return { status: "found", account: decodeDistributionAccount(data) };
        } catch (error) {
          if (error instanceof DistributionDecodeError) return { status: "not_a_distribution", reason: error.message };
          throw error;
        }
      }),
    mintDecimals: (mint) =>
      fromChain(async () => {
        const info = await connection.getAccountInfo(new PublicKey(mint), "confirmed");
        return info ? readMintFacts(info.owner, new Uint8Array(info.data))?.decimals : undefined;
      }),
    tokenBalance: (owner, mint) =>
      fromChain(async () => {
        const accounts = await connection.getTokenAccountsByOwner(
          new PublicKey(owner),
          { mint: new PublicKey(mint) },
          "confirmed",
        );
        return accounts.value.reduce(
          (sum, { account }) => sum + Buffer.from(account.data).readBigUInt64LE(TOKEN_AMOUNT_OFFSET),
          0n,
        );
      }),
  };
}
