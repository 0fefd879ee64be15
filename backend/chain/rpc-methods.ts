import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import bs58 from "bs58";
import { z } from "zod";
import { publicKeySchema } from "../../shared/primitives.ts";
import {
  accountJson,
  decodeMint,
  decodeTokenAccount,
  isTokenProgram,
  mintDecimals,
  tokenAmountJson,
} from "./account-encoding.ts";
import {
  type EmbeddedChain,
  type ExecutionReport,
  MalformedTransactionError,
  PreflightFailure,
  SignatureVerificationFailure,
} from "./embedded-chain.ts";
import { RpcError, RpcErrorCode } from "./rpc-error.ts";
import type { TransactionErrorJson } from "./transaction-error.ts";

/** Agave's version line that this chain answers to getVersion. */
const REPORTED_SOLANA_CORE = "2.3.0";
const MAX_SIGNATURES_PER_STATUS_REQUEST = 256;
const MAX_ACCOUNTS_PER_REQUEST = 100;

const commitment = z.enum(["processed", "confirmed", "finalized", "recent", "single", "singleGossip", "root", "max"]).optional();
const contextConfig = z.looseObject({ commitment, minContextSlot: z.number().int().nonnegative().optional() });
const accountEncoding = z.enum(["base64", "base58", "jsonParsed", "base64+zstd"]).default("base58");
const accountConfig = contextConfig.extend({
  encoding: accountEncoding,
  dataSlice: z.object({ offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() }).optional(),
});
const transactionEncoding = z.enum(["base58", "base64"]).default("base58");
const signatureSchema = z.string().refine((text) => {
  // 64 bytes are at most 88 base58 characters; longer text is not decoded (quadratic in length).
  if (text.length > 88) return false;
  try {
    return bs58.decode(text).length === 64;
  } catch {
    return false;
  }
}, "Invalid signature");

/** A method's parameters: a positional array whose trailing optional entries may be absent. */
function params<T extends [z.ZodType, ...z.ZodType[]]>(...items: T) {
  return z.tuple(items);
}

type Handler = (chain: EmbeddedChain, params: unknown[]) => unknown;
export interface RpcMethodOptions {
  /** Expose memefans_warp, which moves the chain's clock forward (development and tests only). */
  allowWarp?: boolean;
}

function context(chain: EmbeddedChain, minContextSlot?: number) {
  const slot = chain.slot();
  if (minContextSlot !== undefined && minContextSlot > slot) {
    throw new RpcError(-32016, "Minimum context slot has not been reached", { contextSlot: slot });
  }
  return { apiVersion: REPORTED_SOLANA_CORE, slot };
}

function rejectZstd(encoding: string): asserts encoding is "base64" | "base58" | "jsonParsed" {
  if (encoding === "base64+zstd")
    throw new RpcError(RpcErrorCode.InvalidParams, "Invalid params: base64+zstd is not supported here");
}

/** A transaction's largest wire text (1,232 bytes) in each encoding, as a validator's RPC caps it. */
const MAX_WIRE_TEXT = { base58: 1683, base64: 1644 } as const;

function decodeWire(text: string, encoding: "base58" | "base64"): Uint8Array {
  if (text.length > MAX_WIRE_TEXT[encoding]) {
    throw new RpcError(
      RpcErrorCode.InvalidParams,
      `invalid transaction: longer than ${MAX_WIRE_TEXT[encoding]} ${encoding} characters`,
    );
  }
  try {
    const bytes = encoding === "base64" ? Buffer.from(text, "base64") : bs58.decode(text);
    if (bytes.length === 0) throw new Error("empty");
    return bytes;
  } catch {
    throw new RpcError(RpcErrorCode.InvalidParams, `invalid transaction: the ${encoding} text could not be decoded`);
  }
}

/** The message text a validator uses for a failed preflight, e.g. "custom program error: 0x178d". */
function describeTransactionError(error: TransactionErrorJson | null): string {
  if (error === null) return "unknown error";
  if (error === "BlockhashNotFound") return "Blockhash not found";
  if (typeof error === "string") return error;
  const instruction = error.InstructionError as [number, TransactionErrorJson] | undefined;
  if (instruction) {
    const [index, inner] = instruction;
    const detail =
      typeof inner === "object" && typeof inner.Custom === "number"
        ? `custom program error: 0x${inner.Custom.toString(16)}`
        : typeof inner === "string"
          ? inner
          : JSON.stringify(inner);
    return `Error processing Instruction ${index}: ${detail}`;
  }
  return JSON.stringify(error);
}

function simulationValue(report: ExecutionReport) {
  return {
    accounts: null,
    err: report.err,
    innerInstructions: null,
    logs: report.logs,
    replacementBlockhash: null,
    returnData: null,
    unitsConsumed: report.unitsConsumed,
  };
}

/** Runs chain work and turns the chain's failures into the JSON-RPC errors a validator sends. */
function asRpcErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof PreflightFailure) {
      throw new RpcError(
        RpcErrorCode.SendTransactionPreflightFailure,
        `Transaction simulation failed: ${describeTransactionError(error.report.err)}`,
        simulationValue(error.report),
      );
    }
    if (error instanceof SignatureVerificationFailure) {
      throw new RpcError(RpcErrorCode.TransactionSignatureVerificationFailure, error.message);
    }
    if (error instanceof MalformedTransactionError) {
      throw new RpcError(RpcErrorCode.InvalidParams, `invalid transaction: ${error.message}`);
    }
    throw error;
  }
}

function tokenAccountsOf(chain: EmbeddedChain, owner: string, filter: { mint?: string; programId?: string }) {
  const programs = filter.programId ? [filter.programId] : [TOKEN_PROGRAM_ID.toBase58(), TOKEN_2022_PROGRAM_ID.toBase58()];
  if (filter.programId && !isTokenProgram(filter.programId)) {
    throw new RpcError(RpcErrorCode.InvalidParams, "Invalid param: unrecognized Token program id");
  }
  if (filter.mint) {
    const mintAccount = chain.account(filter.mint);
    if (!mintAccount || !decodeMint(mintAccount))
      throw new RpcError(RpcErrorCode.InvalidParams, "Invalid param: could not find mint");
  }
  return programs.flatMap((programId) =>
    chain.accountsOwnedBy(programId).filter((account) => {
      const token = decodeTokenAccount(account);
      return token !== null && token.owner.toBase58() === owner && (!filter.mint || token.mint.toBase58() === filter.mint);
    }),
  );
}

type MethodTable = Record<string, { schema: z.ZodType<unknown[]>; handle: Handler }>;
const methods: MethodTable = {};
/** Development and tests only. */
const devMethods: MethodTable = {};

function method<S extends z.ZodType<unknown[]>>(
  name: string,
  schema: S,
  handle: (chain: EmbeddedChain, params: z.output<S>) => unknown,
  table: MethodTable = methods,
) {
  table[name] = { schema, handle: handle as Handler };
}

const noParams = z.tuple([contextConfig.optional()]);

method("getHealth", z.tuple([]), () => "ok");
method("getVersion", z.tuple([]), () => ({ "solana-core": REPORTED_SOLANA_CORE, "feature-set": 0 }));
method("getGenesisHash", z.tuple([]), (chain) => chain.genesisHash);
method("getSlot", noParams, (chain, [config]) => context(chain, config?.minContextSlot).slot);
method("getBlockHeight", noParams, (chain, [config]) => {
  context(chain, config?.minContextSlot);
  return chain.blockHeight();
});
method("getEpochInfo", noParams, (chain) => chain.epochInfo());
method("getLatestBlockhash", noParams, (chain, [config]) => ({
  context: context(chain, config?.minContextSlot),
  value: chain.latestBlockhash(),
}));
method("isBlockhashValid", params(z.string(), contextConfig.optional()), (chain, [blockhash, config]) => ({
  context: context(chain, config?.minContextSlot),
  value: chain.isBlockhashValid(blockhash),
}));
method(
  "getMinimumBalanceForRentExemption",
  params(
    z
      .number()
      .int()
      .min(0)
      .max(10 * 1024 * 1024),
    contextConfig.optional(),
  ),
  (chain, [length]) => Number(chain.minimumBalanceForRentExemption(length)),
);
method("getBalance", params(publicKeySchema, contextConfig.optional()), (chain, [key, config]) => ({
  context: context(chain, config?.minContextSlot),
  value: Number(chain.balance(key)),
}));
method("getAccountInfo", params(publicKeySchema, accountConfig.optional()), (chain, [key, config]) => {
  const encoding = config?.encoding ?? "base58";
  rejectZstd(encoding);
  const account = chain.account(key);
  return {
    context: context(chain, config?.minContextSlot),
    value: account ? accountJson(chain, account, encoding, config?.dataSlice) : null,
  };
});
method(
  "getMultipleAccounts",
  params(z.array(publicKeySchema).max(MAX_ACCOUNTS_PER_REQUEST), accountConfig.optional()),
  (chain, [keys, config]) => {
    const encoding = config?.encoding ?? "base58";
    rejectZstd(encoding);
    return {
      context: context(chain, config?.minContextSlot),
      value: keys.map((key) => {
        const account = chain.account(key);
        return account ? accountJson(chain, account, encoding, config?.dataSlice) : null;
      }),
    };
  },
);
method(
  "getTokenAccountsByOwner",
  params(
    publicKeySchema,
    z.union([z.object({ mint: publicKeySchema }), z.object({ programId: publicKeySchema })]),
    accountConfig.optional(),
  ),
  (chain, [owner, filter, config]) => {
    const encoding = config?.encoding ?? "base58";
    rejectZstd(encoding);
    return {
      context: context(chain, config?.minContextSlot),
      value: tokenAccountsOf(chain, owner, filter).map((account) => ({
        pubkey: account.address,
        account: accountJson(chain, account, encoding, config?.dataSlice),
      })),
    };
  },
);
method("getTokenAccountBalance", params(publicKeySchema, contextConfig.optional()), (chain, [key, config]) => {
  const account = chain.account(key);
  const token = account ? decodeTokenAccount(account) : null;
  const decimals = token ? mintDecimals(chain, token.mint.toBase58()) : null;
  if (!token || decimals === null) throw new RpcError(RpcErrorCode.InvalidParams, "Invalid param: not a Token account");
  return { context: context(chain, config?.minContextSlot), value: tokenAmountJson(token.amount, decimals) };
});
method("getTokenSupply", params(publicKeySchema, contextConfig.optional()), (chain, [key, config]) => {
  const account = chain.account(key);
  const mint = account ? decodeMint(account) : null;
  if (!mint) throw new RpcError(RpcErrorCode.InvalidParams, "Invalid param: not a Token mint");
  return { context: context(chain, config?.minContextSlot), value: tokenAmountJson(mint.supply, mint.decimals) };
});
method(
  "getSignatureStatuses",
  params(
    z.array(signatureSchema).max(MAX_SIGNATURES_PER_STATUS_REQUEST),
    z.looseObject({ searchTransactionHistory: z.boolean().optional() }).optional(),
  ),
  (chain, [signatures]) => ({
    context: context(chain),
    value: signatures.map((signature) => {
      const landed = chain.status(signature);
      if (!landed) return null;
      // One node and no forks: what landed is final at once.
      return {
        slot: landed.slot,
        confirmations: null,
        err: landed.err,
        status: landed.err === null ? { Ok: null } : { Err: landed.err },
        confirmationStatus: "finalized",
      };
    }),
  }),
);
method(
  "sendTransaction",
  params(
    z.string().min(1),
    z
      .looseObject({
        encoding: transactionEncoding,
        skipPreflight: z.boolean().optional(),
        preflightCommitment: commitment,
        maxRetries: z.number().int().nonnegative().optional(),
        minContextSlot: z.number().int().nonnegative().optional(),
      })
      .optional(),
  ),
  (chain, [wire, config]) => {
    context(chain, config?.minContextSlot);
    const bytes = decodeWire(wire, config?.encoding ?? "base58");
    return asRpcErrors(() => chain.send(bytes, { skipPreflight: config?.skipPreflight ?? false }));
  },
);
method(
  "simulateTransaction",
  params(
    z.string().min(1),
    contextConfig
      .extend({
        encoding: transactionEncoding,
        sigVerify: z.boolean().optional(),
        replaceRecentBlockhash: z.boolean().optional(),
        innerInstructions: z.boolean().optional(),
        accounts: z
          .object({ addresses: z.array(publicKeySchema).max(MAX_ACCOUNTS_PER_REQUEST), encoding: accountEncoding.optional() })
          .optional(),
      })
      .optional(),
  ),
  (chain, [wire, config]) => {
    if (config?.sigVerify && config.replaceRecentBlockhash) {
      throw new RpcError(RpcErrorCode.InvalidParams, "Invalid params: sigVerify may not be used with replaceRecentBlockhash");
    }
    const encoding = config?.accounts?.encoding ?? "base64";
    rejectZstd(encoding);
    const ctx = context(chain, config?.minContextSlot);
    const bytes = decodeWire(wire, config?.encoding ?? "base58");
    const addresses = config?.accounts?.addresses ?? [];
    const report = asRpcErrors(() =>
      chain.simulate(bytes, {
        sigVerify: config?.sigVerify,
        replaceRecentBlockhash: config?.replaceRecentBlockhash,
        accounts: addresses,
      }),
    );
    return {
      context: ctx,
      value: {
        ...simulationValue(report),
        accounts: config?.accounts
          ? addresses.map((key) => {
              const account = report.accounts.get(key) ?? chain.account(key);
              return account ? accountJson(chain, account, encoding) : null;
            })
          : null,
        replacementBlockhash: config?.replaceRecentBlockhash ? chain.latestBlockhash() : null,
      },
    };
  },
);
method("getFeeForMessage", params(z.string().min(1), contextConfig.optional()), (chain, [message, config]) => ({
  context: context(chain, config?.minContextSlot),
  value: asRpcErrors(() => chain.feeForMessage(decodeWire(message, "base64"))),
}));
method(
  "getRecentPrioritizationFees",
  params(z.array(publicKeySchema).max(MAX_ACCOUNTS_PER_REQUEST).optional()),
  (chain, [accounts]) => chain.recentPrioritizationFees(accounts ?? []),
);
method(
  "requestAirdrop",
  params(publicKeySchema, z.number().int().positive().max(Number.MAX_SAFE_INTEGER), contextConfig.optional()),
  (chain, [key, amount]) => chain.airdrop(key, BigInt(amount)),
);

method(
  "memefans_warp",
  params(
    z.object({
      seconds: z
        .number()
        .positive()
        .max(10 * 365 * 86_400),
    }),
  ),
  (chain, [request]) => {
    chain.warp(request.seconds * 1000);
    return { slot: chain.slot(), unixTimestamp: chain.unixTimestamp() };
  },
  devMethods,
);

/** The method table for one chain; memefans_warp only when asked for. */
export function rpcMethods(options: RpcMethodOptions = {}): MethodTable {
  return options.allowWarp ? { ...methods, ...devMethods } : methods;
}
