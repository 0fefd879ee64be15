import {
  ACCOUNT_SIZE,
  AccountLayout,
  AccountState,
  MINT_SIZE,
  MintLayout,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import bs58 from "bs58";
import { decimalTokenAmount } from "../../shared/primitives.ts";
import type { ChainAccount, EmbeddedChain } from "./embedded-chain.ts";
import { RpcError, RpcErrorCode } from "./rpc-error.ts";

export type AccountEncoding = "base64" | "base58" | "jsonParsed";
export interface DataSlice {
  offset: number;
  length: number;
}

const TOKEN_PROGRAMS = new Set([TOKEN_PROGRAM_ID.toBase58(), TOKEN_2022_PROGRAM_ID.toBase58()]);
/** u64::MAX, what validators report since rent collection ended, as JSON carries it (a double). */
const RENT_EPOCH_EXEMPT = Number(2n ** 64n - 1n);
/** Validators refuse base58 for larger data, because base58 is quadratic to encode. */
const MAX_BASE58_BYTES = 128;

export function isTokenProgram(programId: string): boolean {
  return TOKEN_PROGRAMS.has(programId);
}

/** Token amounts as the validator's jsonParsed encoding writes them. */
export function tokenAmountJson(amount: bigint, decimals: number) {
  const uiAmountString = decimalTokenAmount(amount, decimals);
  return { amount: amount.toString(), decimals, uiAmount: Number(uiAmountString), uiAmountString };
}

/** Token-2022 lays out accounts and mints with extensions alike past 165 bytes; this byte tells them apart. */
const ACCOUNT_TYPE_OFFSET = ACCOUNT_SIZE;
const ACCOUNT_TYPE_MINT = 1;
const ACCOUNT_TYPE_ACCOUNT = 2;

function hasLayout(data: Uint8Array, baseSize: number, accountType: number): boolean {
  return data.length === baseSize || (data.length > ACCOUNT_SIZE && data[ACCOUNT_TYPE_OFFSET] === accountType);
}

export function decodeTokenAccount(account: ChainAccount) {
  if (!isTokenProgram(account.owner) || !hasLayout(account.data, ACCOUNT_SIZE, ACCOUNT_TYPE_ACCOUNT)) return null;
  const raw = AccountLayout.decode(account.data.subarray(0, ACCOUNT_SIZE));
  if (raw.state === AccountState.Uninitialized) return null;
  return raw;
}

export function decodeMint(account: ChainAccount) {
  if (!isTokenProgram(account.owner) || !hasLayout(account.data, MINT_SIZE, ACCOUNT_TYPE_MINT)) return null;
  const raw = MintLayout.decode(account.data.subarray(0, MINT_SIZE));
  return raw.isInitialized ? raw : null;
}

export function mintDecimals(chain: EmbeddedChain, mint: string): number | null {
  const account = chain.account(mint);
  return account ? (decodeMint(account)?.decimals ?? null) : null;
}

function parsedTokenData(chain: EmbeddedChain, account: ChainAccount) {
  const tokenAccount = decodeTokenAccount(account);
  if (tokenAccount) {
    const decimals = mintDecimals(chain, tokenAccount.mint.toBase58());
    if (decimals === null) return null;
    const info: Record<string, unknown> = {
      isNative: tokenAccount.isNativeOption === 1,
      mint: tokenAccount.mint.toBase58(),
      owner: tokenAccount.owner.toBase58(),
      state: tokenAccount.state === AccountState.Frozen ? "frozen" : "initialized",
      tokenAmount: tokenAmountJson(tokenAccount.amount, decimals),
    };
    if (tokenAccount.delegateOption === 1) {
      info.delegate = tokenAccount.delegate.toBase58();
      info.delegatedAmount = tokenAmountJson(tokenAccount.delegatedAmount, decimals);
    }
    if (tokenAccount.closeAuthorityOption === 1) info.closeAuthority = tokenAccount.closeAuthority.toBase58();
    return { program: account.owner === TOKEN_PROGRAM_ID.toBase58() ? "spl-token" : "spl-token-2022", info, type: "account" };
  }
  const mint = decodeMint(account);
  if (!mint) return null;
  return {
    program: account.owner === TOKEN_PROGRAM_ID.toBase58() ? "spl-token" : "spl-token-2022",
    info: {
      decimals: mint.decimals,
      freezeAuthority: mint.freezeAuthorityOption === 1 ? mint.freezeAuthority.toBase58() : null,
      isInitialized: true,
      mintAuthority: mint.mintAuthorityOption === 1 ? mint.mintAuthority.toBase58() : null,
      supply: mint.supply.toString(),
    },
    type: "mint",
  };
}

function binaryData(data: Uint8Array, encoding: "base64" | "base58"): [string, string] {
  if (encoding === "base64") return [Buffer.from(data).toString("base64"), "base64"];
  if (data.length > MAX_BASE58_BYTES) {
    throw new RpcError(
      RpcErrorCode.InvalidRequest,
      `Encoded binary (base 58) data should be less than ${MAX_BASE58_BYTES} bytes, please use Base64 encoding.`,
    );
  }
  return [bs58.encode(data), "base58"];
}

/** An account as getAccountInfo returns it, in the requested encoding. */
export function accountJson(chain: EmbeddedChain, account: ChainAccount, encoding: AccountEncoding, dataSlice?: DataSlice) {
  let data: unknown;
  if (encoding === "jsonParsed") {
    const parsed = parsedTokenData(chain, account);
    data = parsed
      ? { parsed: { info: parsed.info, type: parsed.type }, program: parsed.program, space: account.data.length }
      : null;
    data ??= binaryData(account.data, "base64");
  } else {
    const bytes = dataSlice ? account.data.subarray(dataSlice.offset, dataSlice.offset + dataSlice.length) : account.data;
    data = binaryData(bytes, encoding);
  }
  return {
    data,
    executable: account.executable,
    lamports: Number(account.lamports),
    owner: account.owner,
    rentEpoch: RENT_EPOCH_EXEMPT,
    space: account.data.length,
  };
}
