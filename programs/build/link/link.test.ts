import { describe, expect, it } from "vitest";
import {
  DT_REL,
  DT_RELENT,
  DT_RELSZ,
  DT_STRTAB,
  DT_SYMTAB,
  EM_BPF,
  ET_DYN,
  PT_DYNAMIC,
  PT_LOAD,
  R_BPF_64_32,
  R_BPF_64_64,
  R_BPF_64_ABS64,
  R_BPF_64_RELATIVE,
  SHF_ALLOC,
  SHF_WRITE,
  SHN_UNDEF,
  STB_GLOBAL,
  STT_NOTYPE,
} from "../elf/format.ts";
import {
  buildArchive,
  buildObject,
  func,
  insn,
  type ObjectSpec,
  rodata,
  sectionSymbol,
  text,
  undefinedSymbol,
} from "../testing/elf-builder.ts";
import { inspect } from "../testing/inspect-shared-object.ts";
import { linkSharedObject } from "./link.ts";

/**
 * entrypoint: lddw r1, "hello" (+1); mov r2, 4; call sol_log_; call helper; exit
 * helper (another section): exit
 * .data.rel.ro.table: a pointer to helper (ABS64)
 */
const program = (): ObjectSpec => ({
  sections: [
    text(".text.entrypoint", insn.lddw(1, 1n), insn.mov64(2, 4), insn.call(), insn.call(), insn.exit()),
    text(".text.helper", insn.mov64(0, 7), insn.exit()),
    rodata(".rodata.str", new TextEncoder().encode("hello")),
    { ...rodata(".data.rel.ro.table", new Uint8Array(8), 8), flags: SHF_ALLOC | SHF_WRITE },
  ],
  symbols: [
    sectionSymbol(".rodata.str"),
    sectionSymbol(".text.helper"),
    func("helper", ".text.helper", 0, "local"),
    func("entrypoint", ".text.entrypoint"),
    undefinedSymbol("sol_log_"),
  ],
  relocations: [
    { section: ".text.entrypoint", offset: 0, type: R_BPF_64_64, symbol: ".rodata.str" },
    { section: ".text.entrypoint", offset: 24, type: R_BPF_64_32, symbol: "sol_log_" },
    { section: ".text.entrypoint", offset: 32, type: R_BPF_64_32, symbol: ".text.helper" },
    { section: ".data.rel.ro.table", offset: 0, type: R_BPF_64_ABS64, symbol: "helper" },
  ],
});

const link = (spec: ObjectSpec) => inspect(linkSharedObject(buildObject(spec), "program.o").sharedObject);

describe("linkSharedObject output", () => {
  it("is an SBPFv0 shared object: ET_DYN, EM_BPF, OSABI 0, flags 0, entry at the entrypoint", () => {
    const out = link(program());
    expect(out.view.getUint16(16, true)).toBe(ET_DYN);
    expect(out.view.getUint16(18, true)).toBe(EM_BPF);
    expect(out.bytes[7]).toBe(0);
    expect(out.view.getUint32(48, true)).toBe(0);
    expect(Number(out.view.getBigUint64(24, true))).toBe(out.section(".text").offset);
  });

  it("has one .text, one .rodata, the dynamic tables and .shstrtab, loaded sections at address == offset in rising order", () => {
    const out = link(program());
    expect(out.sections.map((section) => section.name)).toEqual([
      "",
      ".text",
      ".rodata",
      ".dynsym",
      ".dynstr",
      ".rel.dyn",
      ".dynamic",
      ".shstrtab",
    ]);
    let end = 0;
    for (const name of [".text", ".rodata", ".dynsym", ".dynstr", ".rel.dyn", ".dynamic"]) {
      const section = out.section(name);
      expect(section.address, name).toBe(section.offset);
      expect(section.offset, name).toBeGreaterThanOrEqual(end);
      expect(section.flags & SHF_WRITE, name).toBe(0);
      end = section.offset + section.size;
    }
  });

  it("points DT_REL, DT_SYMTAB and DT_STRTAB at the tables and has PT_LOAD, PT_LOAD, PT_DYNAMIC", () => {
    const out = link(program());
    const dynamic = out.dynamicEntries();
    expect(dynamic.get(DT_REL)).toBe(BigInt(out.section(".rel.dyn").offset));
    expect(dynamic.get(DT_RELSZ)).toBe(BigInt(out.section(".rel.dyn").size));
    expect(dynamic.get(DT_RELENT)).toBe(16n);
    expect(dynamic.get(DT_SYMTAB)).toBe(BigInt(out.section(".dynsym").offset));
    expect(dynamic.get(DT_STRTAB)).toBe(BigInt(out.section(".dynstr").offset));
    const types = [0, 1, 2].map((index) => out.view.getUint32(64 + index * 56, true));
    expect(types).toEqual([PT_LOAD, PT_LOAD, PT_DYNAMIC]);
    expect(Number(out.view.getBigUint64(64 + 2 * 56 + 8, true))).toBe(out.section(".dynamic").offset);
  });

  it("patches lddw with the data's address plus addend and asks the loader for R_BPF_64_RELATIVE", () => {
    const out = link(program());
    const text = out.section(".text").offset;
    const rodataAt = out.section(".rodata").offset;
    expect(out.imm(text)).toBe(rodataAt + 1);
    expect(out.imm(text + 8)).toBe(0);
    expect(out.dynamicRelocations()).toContainEqual({ offset: text, type: R_BPF_64_RELATIVE, symbol: 0 });
  });

  it("turns a syscall into imm -1 plus R_BPF_64_32 against an undefined GLOBAL NOTYPE dynamic symbol", () => {
    const out = link(program());
    const callAt = out.section(".text").offset + 24;
    expect(out.imm(callAt)).toBe(-1);
    const symbols = out.dynamicSymbols();
    const index = symbols.findIndex((symbol) => symbol.name === "sol_log_");
    expect(symbols[index]).toEqual({
      name: "sol_log_",
      info: (STB_GLOBAL << 4) | STT_NOTYPE,
      sectionIndex: SHN_UNDEF,
      value: 0n,
    });
    expect(out.dynamicRelocations()).toContainEqual({ offset: callAt, type: R_BPF_64_32, symbol: index });
  });

  it("resolves internal calls pc-relative, without a dynamic relocation", () => {
    const out = link(program());
    const text = out.section(".text").offset;
    // The call is instruction 4 of .text; helper starts at byte 48 (instruction 6): 6 - (4 + 1) = 1.
    expect(out.imm(text + 32)).toBe(1);
    expect(out.dynamicRelocations().some((relocation) => relocation.offset === text + 32)).toBe(false);
  });

  it("writes absolute virtual addresses (MM_PROGRAM_START + offset) for R_BPF_64_ABS64 in read-only data", () => {
    const out = link(program());
    const tableAt = out.section(".rodata").offset + 8; // "hello" then padding to the table's 8-byte alignment
    const helperAt = out.section(".text").offset + 48;
    expect(out.view.getBigUint64(tableAt, true)).toBe(0x1_0000_0000n + BigInt(helperAt));
  });

  it("links every object of a staticlib archive, resolving globals across members", () => {
    const caller = buildObject({
      sections: [text(".text.entrypoint", insn.call(), insn.exit())],
      symbols: [func("entrypoint", ".text.entrypoint"), undefinedSymbol("shared_helper")],
      relocations: [{ section: ".text.entrypoint", offset: 0, type: R_BPF_64_32, symbol: "shared_helper" }],
    });
    const callee = buildObject({
      sections: [text(".text.shared", insn.exit())],
      symbols: [func("shared_helper", ".text.shared")],
    });
    const { sharedObject } = linkSharedObject(
      buildArchive([
        { name: "a.o", data: caller },
        { name: "b.o", data: callee },
      ]),
      "lib.a",
    );
    const out = inspect(sharedObject);
    expect(out.imm(out.section(".text").offset)).toBe(1);
    expect(out.dynamicRelocations()).toEqual([]);
  });
});

describe("linkSharedObject errors", () => {
  it("refuses an unknown relocation type, naming it and where it is", () => {
    const spec = program();
    spec.relocations?.push({ section: ".text.entrypoint", offset: 8, type: 7, symbol: "helper" });
    expect(() => link(spec)).toThrow(
      "unsupported relocation type 7 in .text.entrypoint of program.o at offset 0x8: the converter handles R_BPF_64_64, R_BPF_64_32 and R_BPF_64_ABS64",
    );
  });

  it("refuses a call to an undefined function that is not a syscall (memcpy has no Solana equivalent by that name)", () => {
    const spec = program();
    spec.symbols?.push(undefinedSymbol("memcpy"));
    spec.relocations?.push({ section: ".text.entrypoint", offset: 32, type: R_BPF_64_32, symbol: "memcpy" });
    spec.relocations?.splice(2, 1);
    expect(() => link(spec)).toThrow(/calls memcpy, which is neither defined in the program nor a Solana syscall/);
  });

  it("refuses an lddw relocation that does not sit on an lddw", () => {
    const spec = program();
    spec.relocations?.push({ section: ".text.entrypoint", offset: 16, type: R_BPF_64_64, symbol: ".rodata.str" });
    expect(() => link(spec)).toThrow(
      /R_BPF_64_64 in \.text\.entrypoint of program\.o at offset 0x10: expected a lddw instruction, found opcode 0xb7/,
    );
  });

  it("refuses writable data before anything is written", () => {
    const spec = program();
    spec.sections.push({ ...rodata(".data.state", new Uint8Array(8), 8), flags: SHF_ALLOC | SHF_WRITE });
    expect(() => link(spec)).toThrow(/writable section \.data\.state in program\.o/);
  });

  it("refuses a program without an exported entrypoint, saying how to declare it", () => {
    const spec = program();
    spec.symbols = spec.symbols?.filter((symbol) => symbol.name !== "entrypoint");
    expect(() => link(spec)).toThrow(
      /no exported code symbol `entrypoint`.*pub unsafe extern "C" fn entrypoint\(input: \*mut u8\) -> u64/,
    );
  });

  it("refuses a symbol defined twice", () => {
    const one = buildObject({ sections: [text(".text.a", insn.exit())], symbols: [func("entrypoint", ".text.a")] });
    expect(() =>
      linkSharedObject(
        buildArchive([
          { name: "a.o", data: one },
          { name: "b.o", data: one },
        ]),
        "lib.a",
      ),
    ).toThrow("symbol entrypoint is defined twice: in lib.a(a.o) and in lib.a(b.o)");
  });
});
