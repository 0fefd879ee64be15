import { describe, expect, it } from "vitest";
import { code, insn } from "../testing/elf-builder.ts";
import { moveCallxRegisterToImmediate } from "./callx.ts";

describe("moveCallxRegisterToImmediate", () => {
  it("moves the register from dst to the immediate, where SBPFv0 reads it", () => {
    const text = code(insn.mov64(3, 0), insn.callx(3), insn.exit());
    expect(moveCallxRegisterToImmediate(text)).toBe(1);
    expect([...text.subarray(8, 16)]).toEqual([0x8d, 0, 0, 0, 3, 0, 0, 0]);
  });

  it("leaves the second half of an lddw alone even when it looks like callx", () => {
    // lddw r1, 0x0000038d_00000000: the second slot starts with the byte 0x8d and has dst bits set.
    const text = code(insn.lddw(1, 0x0000_038dn << 32n), insn.exit());
    text[9] = 0x05;
    const before = text.slice();
    expect(moveCallxRegisterToImmediate(text)).toBe(0);
    expect(text).toEqual(before);
  });

  it("keeps a callx already in SBPFv0 form", () => {
    const text = code(insn.callx(0));
    new DataView(text.buffer).setInt32(4, 5, true);
    expect(moveCallxRegisterToImmediate(text)).toBe(0);
    expect(new DataView(text.buffer).getInt32(4, true)).toBe(5);
  });
});
