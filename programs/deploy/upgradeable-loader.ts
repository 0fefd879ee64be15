// The BPF upgradeable loader's instructions and account layouts, from Agave's
// `UpgradeableLoaderInstruction` and `UpgradeableLoaderState` (bincode: a u32 enum tag, then fields;
// an Option is a one-byte tag; a Vec's length a u64). @solana/web3.js 1.x has helpers only for the
// old non-upgradeable loader, so the few instructions a deploy needs are built here.
import { PublicKey, SYSVAR_CLOCK_PUBKEY, SYSVAR_RENT_PUBKEY, SystemProgram, TransactionInstruction } from "@solana/web3.js";

export const UPGRADEABLE_LOADER_ID = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");

/** UpgradeableLoaderState::Buffer: tag, Option<authority>; the program bytes follow. */
export const BUFFER_HEADER_SIZE = 37;
/** UpgradeableLoaderState::Program: tag, program data address. */
export const PROGRAM_ACCOUNT_SIZE = 36;
/** UpgradeableLoaderState::ProgramData: tag, slot, Option<upgrade authority>; the program bytes follow. */
export const PROGRAMDATA_HEADER_SIZE = 45;

const InstructionTag = {
  InitializeBuffer: 0,
  Write: 1,
  DeployWithMaxDataLen: 2,
  Upgrade: 3,
  SetAuthority: 4,
  ExtendProgram: 6,
} as const;
type InstructionTag = (typeof InstructionTag)[keyof typeof InstructionTag];

const StateTag = { Buffer: 1, Program: 2, ProgramData: 3 } as const;
type StateName = keyof typeof StateTag;

function instructionData(tag: InstructionTag, fields: Uint8Array = new Uint8Array()): Buffer {
  const data = Buffer.alloc(4 + fields.length);
  data.writeUInt32LE(tag, 0);
  data.set(fields, 4);
  return data;
}

const u32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
};
const u64 = (value: number) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt(value));
  return bytes;
};

/** The program data account of a program: a PDA of the loader seeded by the program's address. */
export function programDataAddress(program: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([program.toBytes()], UPGRADEABLE_LOADER_ID)[0];
}

export function initializeBufferInstruction(buffer: PublicKey, authority: PublicKey): TransactionInstruction {
  return new TransactionInstruction({
    programId: UPGRADEABLE_LOADER_ID,
    keys: [
      { pubkey: buffer, isSigner: false, isWritable: true },
      { pubkey: authority, isSigner: false, isWritable: false },
    ],
    data: instructionData(InstructionTag.InitializeBuffer),
  });
}

/** Writes `bytes` at `offset` of the buffer's program bytes (after its header). */
export function writeInstruction(
  buffer: PublicKey,
  authority: PublicKey,
  offset: number,
  bytes: Uint8Array,
): TransactionInstruction {
  return new TransactionInstruction({
    programId: UPGRADEABLE_LOADER_ID,
    keys: [
      { pubkey: buffer, isSigner: false, isWritable: true },
      { pubkey: authority, isSigner: true, isWritable: false },
    ],
    data: instructionData(InstructionTag.Write, Buffer.concat([u32(offset), u64(bytes.length), bytes])),
  });
}

export interface DeployAccounts {
  payer: PublicKey;
  program: PublicKey;
  buffer: PublicKey;
  /** The buffer's authority, which becomes the program's upgrade authority. */
  authority: PublicKey;
}

/** Moves the buffer's bytes into a new program data account; the program account must exist, empty and loader-owned. */
export function deployWithMaxDataLenInstruction(accounts: DeployAccounts, maxDataLength: number): TransactionInstruction {
  return new TransactionInstruction({
    programId: UPGRADEABLE_LOADER_ID,
    keys: [
      { pubkey: accounts.payer, isSigner: true, isWritable: true },
      { pubkey: programDataAddress(accounts.program), isSigner: false, isWritable: true },
      { pubkey: accounts.program, isSigner: false, isWritable: true },
      { pubkey: accounts.buffer, isSigner: false, isWritable: true },
      { pubkey: SYSVAR_RENT_PUBKEY, isSigner: false, isWritable: false },
      { pubkey: SYSVAR_CLOCK_PUBKEY, isSigner: false, isWritable: false },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
      { pubkey: accounts.authority, isSigner: true, isWritable: false },
    ],
    data: instructionData(InstructionTag.DeployWithMaxDataLen, u64(maxDataLength)),
  });
}

/** The account that creates the program account DeployWithMaxDataLen fills. */
export function createProgramAccountInstruction(payer: PublicKey, program: PublicKey, lamports: number): TransactionInstruction {
  return SystemProgram.createAccount({
    fromPubkey: payer,
    newAccountPubkey: program,
    lamports,
    space: PROGRAM_ACCOUNT_SIZE,
    programId: UPGRADEABLE_LOADER_ID,
  });
}

/** Replaces the program's bytes with the buffer's; the buffer's lamports go to `spill`. */
export function upgradeInstruction(
  accounts: { program: PublicKey; buffer: PublicKey; authority: PublicKey },
  spill: PublicKey,
): TransactionInstruction {
  return new TransactionInstruction({
    programId: UPGRADEABLE_LOADER_ID,
    keys: [
      { pubkey: programDataAddress(accounts.program), isSigner: false, isWritable: true },
      { pubkey: accounts.program, isSigner: false, isWritable: true },
      { pubkey: accounts.buffer, isSigner: false, isWritable: true },
      { pubkey: spill, isSigner: false, isWritable: true },
      { pubkey: SYSVAR_RENT_PUBKEY, isSigner: false, isWritable: false },
      { pubkey: SYSVAR_CLOCK_PUBKEY, isSigner: false, isWritable: false },
      { pubkey: accounts.authority, isSigner: true, isWritable: false },
    ],
    data: instructionData(InstructionTag.Upgrade),
  });
}

/** Grows the program data account by `additionalBytes` (paid by `payer`) so a larger build fits. */
export function extendProgramInstruction(program: PublicKey, payer: PublicKey, additionalBytes: number): TransactionInstruction {
  return new TransactionInstruction({
    programId: UPGRADEABLE_LOADER_ID,
    keys: [
      { pubkey: programDataAddress(program), isSigner: false, isWritable: true },
      { pubkey: program, isSigner: false, isWritable: true },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
      { pubkey: payer, isSigner: true, isWritable: true },
    ],
    data: instructionData(InstructionTag.ExtendProgram, u32(additionalBytes)),
  });
}

/** Hands the program's upgrade authority to `newAuthority`, or makes the program immutable when it is null. */
export function setUpgradeAuthorityInstruction(
  program: PublicKey,
  currentAuthority: PublicKey,
  newAuthority: PublicKey | null,
): TransactionInstruction {
  return new TransactionInstruction({
    programId: UPGRADEABLE_LOADER_ID,
    keys: [
      { pubkey: programDataAddress(program), isSigner: false, isWritable: true },
      { pubkey: currentAuthority, isSigner: true, isWritable: false },
      ...(newAuthority ? [{ pubkey: newAuthority, isSigner: false, isWritable: false }] : []),
    ],
    data: instructionData(InstructionTag.SetAuthority),
  });
}

export class UnexpectedLoaderAccountError extends Error {
  override name = "UnexpectedLoaderAccountError";
}

function optionalAuthority(data: Uint8Array, offset: number): PublicKey | null {
  return data[offset] === 1 ? new PublicKey(data.subarray(offset + 1, offset + 33)) : null;
}

function stateTag(data: Uint8Array, expected: StateName, what: string): void {
  if (data.length < 4 || Buffer.from(data).readUInt32LE(0) !== StateTag[expected]) {
    throw new UnexpectedLoaderAccountError(`${what} is not an upgradeable loader ${expected} account`);
  }
}

export interface BufferState {
  authority: PublicKey | null;
  bytes: Uint8Array;
}

export function decodeBuffer(data: Uint8Array, what = "the buffer"): BufferState {
  stateTag(data, "Buffer", what);
  return { authority: optionalAuthority(data, 4), bytes: data.subarray(BUFFER_HEADER_SIZE) };
}

export function decodeProgram(data: Uint8Array, what = "the program account"): { programData: PublicKey } {
  stateTag(data, "Program", what);
  return { programData: new PublicKey(data.subarray(4, 36)) };
}

export interface ProgramDataState {
  /** The slot of the last deploy or upgrade. */
  slot: bigint;
  upgradeAuthority: PublicKey | null;
  /** The program's bytes, padded with zeros up to the account's capacity. */
  bytes: Uint8Array;
}

export function decodeProgramData(data: Uint8Array, what = "the program data account"): ProgramDataState {
  stateTag(data, "ProgramData", what);
  return {
    slot: Buffer.from(data).readBigUInt64LE(4),
    upgradeAuthority: optionalAuthority(data, 12),
    bytes: data.subarray(PROGRAMDATA_HEADER_SIZE),
  };
}
