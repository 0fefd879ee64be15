import { IMM_OFFSET, INSTRUCTION_SIZE, OPCODE_CALLX, OPCODE_LDDW } from "../elf/format.ts";

/**
 * Upstream LLVM encodes `callx` with its register in the dst field; SBPFv0 reads the register from
 * the immediate (otherwise: "callx attempted to call outside of the text segment"). Moves it there.
 * Returns how many instructions were rewritten.
 */
export function moveCallxRegisterToImmediate(text: Uint8Array): number {
  const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
  let rewritten = 0;
  for (let at = 0; at + INSTRUCTION_SIZE <= text.length; at += INSTRUCTION_SIZE) {
    const opcode = text[at];
    if (opcode === OPCODE_LDDW) {
      at += INSTRUCTION_SIZE; // the second slot holds the upper half of the constant, not an instruction
      continue;
    }
    if (opcode !== OPCODE_CALLX) continue;
    const registers = text[at + 1] ?? 0;
    const destination = registers & 0x0f;
    if (destination === 0) continue; // already in SBPFv0 form (or r0, which reads the same either way)
    view.setInt32(at + IMM_OFFSET, destination, true);
    text[at + 1] = registers & 0xf0;
    rewritten += 1;
  }
  return rewritten;
}
