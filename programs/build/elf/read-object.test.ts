import { describe, expect, it } from "vitest";
import { buildObject, func, insn, rodata, sectionSymbol, text, undefinedSymbol } from "../testing/elf-builder.ts";
import { ET_DYN, R_BPF_64_32, R_BPF_64_64, SHF_ALLOC, SHF_EXECINSTR, STB_GLOBAL, STT_FUNC } from "./format.ts";
import { readObject } from "./read-object.ts";

const sample = () =>
  buildObject({
    sections: [
      text(".text.entrypoint", insn.lddw(1, 0n), insn.call(), insn.exit()),
      rodata(".rodata.str", new Uint8Array([104, 105])),
    ],
    symbols: [sectionSymbol(".rodata.str"), func("entrypoint", ".text.entrypoint"), undefinedSymbol("sol_log_")],
    relocations: [
      { section: ".text.entrypoint", offset: 0, type: R_BPF_64_64, symbol: ".rodata.str" },
      { section: ".text.entrypoint", offset: 16, type: R_BPF_64_32, symbol: "sol_log_" },
    ],
  });

describe("readObject", () => {
  it("reads sections, symbols and REL relocations of a relocatable EM_BPF object", () => {
    const object = readObject(sample(), "sample.o");

    const code = object.sections.find((section) => section.name === ".text.entrypoint");
    expect(code?.flags).toBe(SHF_ALLOC | SHF_EXECINSTR);
    expect(code?.data.length).toBe(32);
    expect(code?.addralign).toBe(8);
    const entry = object.symbols.find((symbol) => symbol.name === "entrypoint");
    expect(entry).toMatchObject({ binding: STB_GLOBAL, type: STT_FUNC, sectionIndex: code?.index, value: 0 });
    // A section symbol without a name of its own is named after its section.
    expect(object.symbols.map((symbol) => symbol.name)).toContain(".rodata.str");
    const relocations = object.relocations.get(code?.index ?? -1) ?? [];
    expect(relocations.map((relocation) => [relocation.offset, relocation.type])).toEqual([
      [0, R_BPF_64_64],
      [16, R_BPF_64_32],
    ]);
    expect(object.symbols[relocations[1]?.symbolIndex ?? 0]?.name).toBe("sol_log_");
    expect(relocations[0]?.explicitAddend).toBeUndefined();
  });

  it("keeps the explicit addend of RELA relocations", () => {
    const bytes = buildObject({
      rela: true,
      sections: [text(".text", insn.lddw(1, 0n), insn.exit()), rodata(".rodata", new Uint8Array(8))],
      symbols: [sectionSymbol(".rodata"), func("entrypoint", ".text")],
      relocations: [{ section: ".text", offset: 0, type: R_BPF_64_64, symbol: ".rodata", addend: 6n }],
    });
    const object = readObject(bytes, "rela.o");
    expect([...object.relocations.values()][0]?.[0]?.explicitAddend).toBe(6n);
  });

  it("refuses an object for another machine, naming what it found", () => {
    const bytes = buildObject({ machine: 62, sections: [text(".text", insn.exit())] });
    expect(() => readObject(bytes, "host.o")).toThrow("host.o: e_machine is 62, expected 247 (EM_BPF)");
  });

  it("refuses a file that is not relocatable", () => {
    const bytes = buildObject({ elfType: ET_DYN, sections: [text(".text", insn.exit())] });
    expect(() => readObject(bytes, "lib.so")).toThrow("expected a relocatable object (ET_REL = 1), found e_type 3");
  });

  it("refuses 32-bit and big-endian ELF", () => {
    const thirtyTwoBit = sample();
    thirtyTwoBit[4] = 1;
    expect(() => readObject(thirtyTwoBit, "a.o")).toThrow("EI_CLASS is not ELFCLASS64");
    const bigEndian = sample();
    bigEndian[5] = 2;
    expect(() => readObject(bigEndian, "b.o")).toThrow("EI_DATA is not little-endian");
  });

  it("reports a truncated file instead of reading past its end", () => {
    const bytes = sample();
    expect(() => readObject(bytes.subarray(0, bytes.length - 10), "cut.o")).toThrow(/cut.o: truncated ELF/);
    expect(() => readObject(bytes.subarray(0, 20), "tiny.o")).toThrow("tiny.o: 20 bytes is too short for an ELF header");
  });
});
