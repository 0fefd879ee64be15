// Builds small ELF64 EM_BPF relocatable objects and `ar` archives for the converter's unit tests,
// so each test states exactly the input it feeds the converter.
import {
  EM_BPF,
  ET_REL,
  elfSymbolInfo,
  SECTION_HEADER_SIZE,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHT_PROGBITS,
  SHT_REL,
  SHT_RELA,
  SHT_STRTAB,
  SHT_SYMTAB,
  STB_GLOBAL,
  STB_LOCAL,
  STB_WEAK,
  STT_FUNC,
  STT_NOTYPE,
  STT_SECTION,
} from "../elf/format.ts";

export interface SectionSpec {
  name: string;
  data: Uint8Array;
  flags?: number;
  type?: number;
  align?: number;
}

export interface SymbolSpec {
  name: string;
  /** Name of the defining section; absent for an undefined symbol. */
  section?: string;
  value?: number;
  binding?: "local" | "global" | "weak";
  type?: number;
}

export interface RelocationSpec {
  /** The section whose bytes the relocation patches. */
  section: string;
  offset: number;
  type: number;
  symbol: string;
  addend?: bigint;
}

export interface ObjectSpec {
  sections: SectionSpec[];
  symbols?: SymbolSpec[];
  relocations?: RelocationSpec[];
  machine?: number;
  elfType?: number;
  /** Write SHT_RELA tables with explicit addends instead of SHT_REL. */
  rela?: boolean;
}

export const code = (...instructions: Uint8Array[]) => concat(instructions);
export const text = (name: string, ...instructions: Uint8Array[]): SectionSpec => ({
  name,
  data: code(...instructions),
  flags: SHF_ALLOC | SHF_EXECINSTR,
  align: 8,
});
export const rodata = (name: string, data: Uint8Array, align = 1): SectionSpec => ({ name, data, flags: SHF_ALLOC, align });
export const sectionSymbol = (section: string): SymbolSpec => ({ name: "", section, type: STT_SECTION });
export const func = (name: string, section: string, value = 0, binding: SymbolSpec["binding"] = "global"): SymbolSpec => ({
  name,
  section,
  value,
  binding,
  type: STT_FUNC,
});
export const undefinedSymbol = (name: string): SymbolSpec => ({ name, binding: "global" });

function instruction(opcode: number, dst: number, src: number, offset: number, imm: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  bytes[0] = opcode;
  bytes[1] = (src << 4) | dst;
  view.setInt16(2, offset, true);
  view.setInt32(4, imm, true);
  return bytes;
}

export const insn = {
  mov64: (dst: number, imm: number) => instruction(0xb7, dst, 0, 0, imm),
  exit: () => instruction(0x95, 0, 0, 0, 0),
  call: (imm = -1) => instruction(0x85, 0, 1, 0, imm),
  /** Upstream LLVM's encoding: the register in dst. */
  callx: (register: number) => instruction(0x8d, register, 0, 0, 0),
  lddw: (dst: number, value: bigint) =>
    concat([
      instruction(0x18, dst, 0, 0, Number(BigInt.asIntN(32, value))),
      instruction(0, 0, 0, 0, Number(BigInt.asIntN(32, value >> 32n))),
    ]),
};

export function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

function stringTable(names: string[]): { bytes: Uint8Array; offsets: Map<string, number> } {
  const offsets = new Map<string, number>();
  const parts: Uint8Array[] = [new Uint8Array(1)];
  let size = 1;
  for (const name of names) {
    if (name === "" || offsets.has(name)) continue;
    offsets.set(name, size);
    const bytes = new TextEncoder().encode(`${name}\0`);
    parts.push(bytes);
    size += bytes.length;
  }
  return { bytes: concat(parts), offsets };
}

const bindings = { local: STB_LOCAL, global: STB_GLOBAL, weak: STB_WEAK } as const;

/** Lays out: header, section contents, section headers. Index 0 is NULL; .symtab, .strtab, .shstrtab come last. */
export function buildObject(spec: ObjectSpec): Uint8Array {
  const symbols = [...(spec.symbols ?? [])].sort(
    (a, b) => Number((a.binding ?? "local") !== "local") - Number((b.binding ?? "local") !== "local"),
  );
  const sectionIndex = (name: string) => {
    const index = spec.sections.findIndex((section) => section.name === name);
    if (index < 0) throw new Error(`no section ${name} in the spec`);
    return index + 1;
  };
  const symbolIndex = (name: string) => {
    const index = symbols.findIndex((symbol) => symbol.name === name || (symbol.name === "" && symbol.section === name));
    if (index < 0) throw new Error(`no symbol ${name} in the spec`);
    return index + 1;
  };
  const symbolNames = stringTable(symbols.map((symbol) => symbol.name));
  const symbolBytes = new Uint8Array((symbols.length + 1) * 24);
  const symbolView = new DataView(symbolBytes.buffer);
  symbols.forEach((symbol, index) => {
    const at = (index + 1) * 24;
    symbolView.setUint32(at, symbolNames.offsets.get(symbol.name) ?? 0, true);
    symbolBytes[at + 4] = elfSymbolInfo(bindings[symbol.binding ?? "local"], symbol.type ?? STT_NOTYPE);
    symbolView.setUint16(at + 6, symbol.section ? sectionIndex(symbol.section) : 0, true);
    symbolView.setBigUint64(at + 8, BigInt(symbol.value ?? 0), true);
  });

  const relocationSections: SectionSpec[] = [];
  const relocationTargets: number[] = [];
  const entrySize = spec.rela ? 24 : 16;
  for (const target of new Set((spec.relocations ?? []).map((relocation) => relocation.section))) {
    const entries = (spec.relocations ?? []).filter((relocation) => relocation.section === target);
    const bytes = new Uint8Array(entries.length * entrySize);
    const view = new DataView(bytes.buffer);
    entries.forEach((relocation, index) => {
      const at = index * entrySize;
      view.setBigUint64(at, BigInt(relocation.offset), true);
      view.setBigUint64(at + 8, (BigInt(symbolIndex(relocation.symbol)) << 32n) | BigInt(relocation.type), true);
      if (spec.rela) view.setBigInt64(at + 16, relocation.addend ?? 0n, true);
    });
    relocationSections.push({
      name: `${spec.rela ? ".rela" : ".rel"}${target}`,
      data: bytes,
      type: spec.rela ? SHT_RELA : SHT_REL,
      align: 8,
    });
    relocationTargets.push(sectionIndex(target));
  }

  const firstRelocation = spec.sections.length + 1;
  const symtabIndex = firstRelocation + relocationSections.length;
  const all: (SectionSpec & { link?: number; info?: number; entsize?: number })[] = [
    ...spec.sections,
    ...relocationSections.map((section, index) => ({
      ...section,
      link: symtabIndex,
      info: relocationTargets[index],
      entsize: entrySize,
    })),
    {
      name: ".symtab",
      data: symbolBytes,
      type: SHT_SYMTAB,
      align: 8,
      link: symtabIndex + 1,
      info: 1 + symbols.filter((symbol) => (symbol.binding ?? "local") === "local").length,
      entsize: 24,
    },
    { name: ".strtab", data: symbolNames.bytes, type: SHT_STRTAB },
  ];
  const sectionNames = stringTable([...all.map((section) => section.name), ".shstrtab"]);
  all.push({ name: ".shstrtab", data: sectionNames.bytes, type: SHT_STRTAB });

  const offsets: number[] = [];
  let size = 64;
  for (const section of all) {
    size = Math.ceil(size / 8) * 8;
    offsets.push(size);
    size += section.data.length;
  }
  const headersAt = Math.ceil(size / 8) * 8;
  const out = new Uint8Array(headersAt + (all.length + 1) * SECTION_HEADER_SIZE);
  const view = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  view.setUint16(16, spec.elfType ?? ET_REL, true);
  view.setUint16(18, spec.machine ?? EM_BPF, true);
  view.setUint32(20, 1, true);
  view.setBigUint64(40, BigInt(headersAt), true);
  view.setUint16(52, 64, true);
  view.setUint16(58, SECTION_HEADER_SIZE, true);
  view.setUint16(60, all.length + 1, true);
  view.setUint16(62, all.length, true);
  all.forEach((section, index) => {
    const offset = offsets[index] ?? 0;
    out.set(section.data, offset);
    const at = headersAt + (index + 1) * SECTION_HEADER_SIZE;
    view.setUint32(at, sectionNames.offsets.get(section.name) ?? 0, true);
    view.setUint32(at + 4, section.type ?? SHT_PROGBITS, true);
    view.setBigUint64(at + 8, BigInt(section.flags ?? 0), true);
    view.setBigUint64(at + 24, BigInt(offset), true);
    view.setBigUint64(at + 32, BigInt(section.data.length), true);
    view.setUint32(at + 40, section.link ?? 0, true);
    view.setUint32(at + 44, section.info ?? 0, true);
    view.setBigUint64(at + 48, BigInt(section.align ?? 1), true);
    view.setBigUint64(at + 56, BigInt(section.entsize ?? 0), true);
  });
  return out;
}

/** A GNU-style archive: optional symbol index, `//` long-name table for names over 15 characters. */
export function buildArchive(members: { name: string; data: Uint8Array }[], withSymbolIndex = true): Uint8Array {
  const encoder = new TextEncoder();
  const header = (name: string, size: number) =>
    encoder.encode(
      `${name.padEnd(16)}${"0".padEnd(12)}${"0".padEnd(6)}${"0".padEnd(6)}${"644".padEnd(8)}${String(size).padEnd(10)}\`\n`,
    );
  const pad = (data: Uint8Array) => (data.length % 2 ? concat([data, encoder.encode("\n")]) : data);
  const parts: Uint8Array[] = [encoder.encode("!<arch>\n")];
  if (withSymbolIndex) parts.push(header("/", 4), new Uint8Array(4));
  let longNames = "";
  const names = members.map((member) => {
    if (member.name.length < 16) return `${member.name}/`;
    const offset = longNames.length;
    longNames += `${member.name}/\n`;
    return `/${offset}`;
  });
  if (longNames) parts.push(header("//", longNames.length), pad(encoder.encode(longNames)));
  members.forEach((member, index) => {
    parts.push(header(names[index] ?? "", member.data.length), pad(member.data));
  });
  return concat(parts);
}
