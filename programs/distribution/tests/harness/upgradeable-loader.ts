import {
  Keypair,
  PublicKey,
  SYSVAR_CLOCK_PUBKEY,
  SYSVAR_RENT_PUBKEY,
  SystemProgram,
  TransactionInstruction,
} from "@solana/web3.js";
import type { Testbed } from "./svm.ts";

/** BPFLoaderUpgradeab1e: deploying through it runs the loader's own ELF and syscall checks, unlike addProgram. */
export const UPGRADEABLE_LOADER_ID = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");

// UpgradeableLoaderState sizes: the enum tag plus its fields (bincode).
const BUFFER_HEADER_SIZE = 37;
const PROGRAM_ACCOUNT_SIZE = 36;
const PROGRAMDATA_HEADER_SIZE = 45;
/** Bytes of the .so per Write instruction, leaving room for the rest of a 1232-byte transaction. */
const WRITE_CHUNK = 900;

/** UpgradeableLoaderInstruction is a bincode enum: u32 tag, then fields; a Vec's length is a u64. */
function loaderData(tag: number, fields: Uint8Array = new Uint8Array()): Buffer {
  const data = Buffer.alloc(4 + fields.length);
  data.writeUInt32LE(tag, 0);
  data.set(fields, 4);
  return data;
}

function writeInstruction(buffer: PublicKey, authority: PublicKey, offset: number, bytes: Uint8Array): TransactionInstruction {
  const fields = Buffer.alloc(4 + 8 + bytes.length);
  fields.writeUInt32LE(offset, 0);
  fields.writeBigUInt64LE(BigInt(bytes.length), 4);
  fields.set(bytes, 12);
  return new TransactionInstruction({
    programId: UPGRADEABLE_LOADER_ID,
    keys: [
      { pubkey: buffer, isSigner: false, isWritable: true },
      { pubkey: authority, isSigner: true, isWritable: false },
    ],
    data: loaderData(1, fields),
  });
}

/**
 * Deploys `programBytes` the way `solana program deploy` does: a buffer account, chunked writes, then
 * DeployWithMaxDataLen into a fresh program address. Returns the program id.
 */
export function deployThroughUpgradeableLoader(testbed: Testbed, programBytes: Uint8Array): PublicKey {
  const { payer } = testbed;
  const buffer = Keypair.generate();
  const program = Keypair.generate();
  const [programData] = PublicKey.findProgramAddressSync([program.publicKey.toBytes()], UPGRADEABLE_LOADER_ID);
  const bufferSize = BUFFER_HEADER_SIZE + programBytes.length;
  testbed.sendOk(
    [
      SystemProgram.createAccount({
        fromPubkey: payer.publicKey,
        newAccountPubkey: buffer.publicKey,
        lamports: Number(testbed.rentExempt(bufferSize)),
        space: bufferSize,
        programId: UPGRADEABLE_LOADER_ID,
      }),
      new TransactionInstruction({
        programId: UPGRADEABLE_LOADER_ID,
        keys: [
          { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
          { pubkey: payer.publicKey, isSigner: false, isWritable: false },
        ],
        data: loaderData(0),
      }),
    ],
    [payer, buffer],
  );
  for (let offset = 0; offset < programBytes.length; offset += WRITE_CHUNK) {
    testbed.sendOk([
      writeInstruction(buffer.publicKey, payer.publicKey, offset, programBytes.subarray(offset, offset + WRITE_CHUNK)),
    ]);
  }
  const maxDataLength = Buffer.alloc(8);
  maxDataLength.writeBigUInt64LE(BigInt(programBytes.length));
  testbed.sendOk(
    [
      SystemProgram.createAccount({
        fromPubkey: payer.publicKey,
        newAccountPubkey: program.publicKey,
        lamports: Number(testbed.rentExempt(PROGRAM_ACCOUNT_SIZE)),
        space: PROGRAM_ACCOUNT_SIZE,
        programId: UPGRADEABLE_LOADER_ID,
      }),
      new TransactionInstruction({
        programId: UPGRADEABLE_LOADER_ID,
        keys: [
          { pubkey: payer.publicKey, isSigner: true, isWritable: true },
          { pubkey: programData, isSigner: false, isWritable: true },
          { pubkey: program.publicKey, isSigner: false, isWritable: true },
          { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
          { pubkey: SYSVAR_RENT_PUBKEY, isSigner: false, isWritable: false },
          { pubkey: SYSVAR_CLOCK_PUBKEY, isSigner: false, isWritable: false },
          { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
          { pubkey: payer.publicKey, isSigner: true, isWritable: false },
        ],
        data: loaderData(2, maxDataLength),
      }),
    ],
    [payer, program],
  );
  // A program deployed in this slot becomes executable from the next one.
  testbed.nextSlot();
  const deployed = testbed.accountData(programData);
  if (!deployed || deployed.length !== PROGRAMDATA_HEADER_SIZE + programBytes.length) {
    throw new Error("the upgradeable loader did not create the program data account");
  }
  return program.publicKey;
}
