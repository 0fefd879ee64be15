import { Keypair, type PublicKey, SystemProgram } from "@solana/web3.js";
import {
  BUFFER_HEADER_SIZE,
  createProgramAccountInstruction,
  deployWithMaxDataLenInstruction,
  initializeBufferInstruction,
  PROGRAM_ACCOUNT_SIZE,
  PROGRAMDATA_HEADER_SIZE,
  programDataAddress,
  UPGRADEABLE_LOADER_ID,
  writeInstruction,
} from "../../../deploy/upgradeable-loader.ts";
import type { Testbed } from "./svm.ts";

export { UPGRADEABLE_LOADER_ID };

/** Bytes of the .so per Write instruction, leaving room for the rest of a 1232-byte transaction. */
const WRITE_CHUNK = 900;

/**
 * Deploys `programBytes` the way `solana program deploy` does: a buffer account, chunked writes, then
 * DeployWithMaxDataLen into a fresh program address. Deploying through the loader runs its own ELF
 * and syscall checks, unlike addProgram. Returns the program id.
 */
export function deployThroughUpgradeableLoader(testbed: Testbed, programBytes: Uint8Array): PublicKey {
  const { payer } = testbed;
  const buffer = Keypair.generate();
  const program = Keypair.generate();
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
      initializeBufferInstruction(buffer.publicKey, payer.publicKey),
    ],
    [payer, buffer],
  );
  for (let offset = 0; offset < programBytes.length; offset += WRITE_CHUNK) {
    testbed.sendOk([
      writeInstruction(buffer.publicKey, payer.publicKey, offset, programBytes.subarray(offset, offset + WRITE_CHUNK)),
    ]);
  }
  testbed.sendOk(
    [
      createProgramAccountInstruction(payer.publicKey, program.publicKey, Number(testbed.rentExempt(PROGRAM_ACCOUNT_SIZE))),
      deployWithMaxDataLenInstruction(
        { payer: payer.publicKey, program: program.publicKey, buffer: buffer.publicKey, authority: payer.publicKey },
        programBytes.length,
      ),
    ],
    [payer, program],
  );
  // A program deployed in this slot becomes executable from the next one.
  testbed.nextSlot();
  const deployed = testbed.accountData(programDataAddress(program.publicKey));
  if (!deployed || deployed.length !== PROGRAMDATA_HEADER_SIZE + programBytes.length) {
    throw new Error("the upgradeable loader did not create the program data account");
  }
  return program.publicKey;
}
