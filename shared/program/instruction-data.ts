// biome-ignore lint/style/useNodejsImportProtocol: in browsers this is the npm "buffer" package web3.js itself uses
import { Buffer } from "buffer";
import { BorshWriter } from "./borsh.ts";
import { INSTRUCTION_DISCRIMINATORS, type InstructionName } from "./discriminators.ts";

/** Starts an instruction's data with its 8-byte discriminator; the caller appends the Borsh args. */
export function instructionData(name: InstructionName): BorshWriter {
  return new BorshWriter().raw(INSTRUCTION_DISCRIMINATORS[name]);
}

/** web3.js 1.x types instruction data as Buffer; the `buffer` package provides it in browsers. */
export function toInstructionBuffer(writer: BorshWriter): Buffer {
  return Buffer.from(writer.toBytes());
}
