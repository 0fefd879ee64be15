import {
  AccountState,
  createInitializeDefaultAccountStateInstruction,
  createInitializeGroupPointerInstruction,
  createInitializeInstruction,
  createInitializeInterestBearingMintInstruction,
  createInitializeMetadataPointerInstruction,
  createInitializeMint2Instruction,
  createInitializeMintCloseAuthorityInstruction,
  createInitializeNonTransferableMintInstruction,
  createInitializePausableConfigInstruction,
  createInitializePermanentDelegateInstruction,
  createInitializeScaledUiAmountConfigInstruction,
  createInitializeTransferFeeConfigInstruction,
  createInitializeTransferHookInstruction,
  ExtensionType,
  getMintLen,
  LENGTH_SIZE,
  TOKEN_2022_PROGRAM_ID,
  TYPE_SIZE,
} from "@solana/spl-token";
import { pack, type TokenMetadata } from "@solana/spl-token-metadata";
import { Keypair, type PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import type { Testbed } from "./svm.ts";

/** The Token-2022 mint extensions the tests build, each initialized through its real instruction. */
export type MintExtension =
  | "metadata"
  | "mintCloseAuthority"
  | "interestBearing"
  | "groupPointer"
  | "scaledUiAmount"
  | "transferFee"
  | "permanentDelegate"
  | "transferHook"
  | "nonTransferable"
  | "defaultFrozen"
  | "pausable";

/** Extension type and the instruction that initializes it, before InitializeMint2. */
function extensionSetup(kind: Exclude<MintExtension, "metadata">, mint: PublicKey, authority: PublicKey) {
  const program = TOKEN_2022_PROGRAM_ID;
  const table: Record<typeof kind, [ExtensionType, TransactionInstruction]> = {
    mintCloseAuthority: [
      ExtensionType.MintCloseAuthority,
      createInitializeMintCloseAuthorityInstruction(mint, authority, program),
    ],
    interestBearing: [
      ExtensionType.InterestBearingConfig,
      createInitializeInterestBearingMintInstruction(mint, authority, 500, program),
    ],
    groupPointer: [ExtensionType.GroupPointer, createInitializeGroupPointerInstruction(mint, authority, mint, program)],
    scaledUiAmount: [
      ExtensionType.ScaledUiAmountConfig,
      createInitializeScaledUiAmountConfigInstruction(mint, authority, 2, program),
    ],
    transferFee: [
      ExtensionType.TransferFeeConfig,
      createInitializeTransferFeeConfigInstruction(mint, authority, authority, 100, 1_000_000n, program),
    ],
    permanentDelegate: [ExtensionType.PermanentDelegate, createInitializePermanentDelegateInstruction(mint, authority, program)],
    transferHook: [
      ExtensionType.TransferHook,
      createInitializeTransferHookInstruction(mint, authority, Keypair.generate().publicKey, program),
    ],
    nonTransferable: [ExtensionType.NonTransferable, createInitializeNonTransferableMintInstruction(mint, program)],
    defaultFrozen: [
      ExtensionType.DefaultAccountState,
      createInitializeDefaultAccountStateInstruction(mint, AccountState.Frozen, program),
    ],
    pausable: [ExtensionType.PausableConfig, createInitializePausableConfigInstruction(mint, authority, program)],
  };
  return table[kind];
}

export interface Token2022MintOptions {
  decimals?: number;
  /** A freeze authority, which the product shows as a risk; none by default, as pump.fun mints have. */
  freezeAuthority?: PublicKey | null;
  metadata?: Pick<TokenMetadata, "name" | "symbol" | "uri">;
}

/**
 * A Token-2022 mint with these extensions, made with the real instructions in one transaction, the
 * testbed's payer as every authority. "metadata" makes pump.fun's shape: a metadata pointer to the mint
 * itself and the token metadata stored in it.
 */
export function createToken2022Mint(
  testbed: Testbed,
  extensions: MintExtension[],
  options: Token2022MintOptions = {},
): PublicKey {
  const mint = Keypair.generate();
  const authority = testbed.payer.publicKey;
  const withMetadata = extensions.includes("metadata");
  const setups = extensions.filter((kind) => kind !== "metadata").map((kind) => extensionSetup(kind, mint.publicKey, authority));
  const types = [...setups.map(([type]) => type), ...(withMetadata ? [ExtensionType.MetadataPointer] : [])];
  const space = getMintLen(types);
  const metadata: TokenMetadata = {
    mint: mint.publicKey,
    updateAuthority: authority,
    name: options.metadata?.name ?? "Pump Test Coin",
    symbol: options.metadata?.symbol ?? "PTC",
    uri: options.metadata?.uri ?? "https://ipfs.io/ipfs/bafkreipumptestcoin",
    additionalMetadata: [],
  };
  // The metadata is written after InitializeMint2 and grows the account: its rent must be there first.
  const metadataSpace = withMetadata ? TYPE_SIZE + LENGTH_SIZE + pack(metadata).length : 0;
  const instructions: TransactionInstruction[] = [
    SystemProgram.createAccount({
      fromPubkey: authority,
      newAccountPubkey: mint.publicKey,
      lamports: Number(testbed.rentExempt(space + metadataSpace)),
      space,
      programId: TOKEN_2022_PROGRAM_ID,
    }),
    ...setups.map(([, instruction]) => instruction),
    ...(withMetadata
      ? [createInitializeMetadataPointerInstruction(mint.publicKey, authority, mint.publicKey, TOKEN_2022_PROGRAM_ID)]
      : []),
    createInitializeMint2Instruction(
      mint.publicKey,
      options.decimals ?? 6,
      authority,
      // Frozen-by-default accounts need someone who can thaw them.
      options.freezeAuthority ?? (extensions.includes("defaultFrozen") ? authority : null),
      TOKEN_2022_PROGRAM_ID,
    ),
    ...(withMetadata
      ? [
          createInitializeInstruction({
            programId: TOKEN_2022_PROGRAM_ID,
            metadata: mint.publicKey,
            updateAuthority: authority,
            mint: mint.publicKey,
            mintAuthority: authority,
            name: metadata.name,
            symbol: metadata.symbol,
            uri: metadata.uri,
          }),
        ]
      : []),
  ];
  testbed.sendOk(instructions, [testbed.payer, mint]);
  testbed.registerMint(mint.publicKey, TOKEN_2022_PROGRAM_ID);
  return mint.publicKey;
}
