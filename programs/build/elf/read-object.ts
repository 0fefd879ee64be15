import { SbfBuildError } from "../errors.ts";
import {
  EI_CHECKS,
  ELF_HEADER_SIZE,
  EM_BPF,
  ET_REL,
  REL_SIZE,
  RELA_SIZE,
  SECTION_HEADER_SIZE,
  SHN_UNDEF,
  SHT_NOBITS,
  SHT_REL,
  SHT_RELA,
  SHT_SYMTAB,
  SYMBOL_SIZE,
} from "./format.ts";

export interface InputSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  addralign: number;
  size: number;
  /** The section's bytes; empty for SHT_NOBITS. */
  data: Uint8Array;
  link: number;
  info: number;
}

export interface InputSymbol {
  name: string;
  value: number;
  size: number;
  binding: number;
  type: number;
  sectionIndex: number;
}

export interface InputRelocation {
  offset: number;
  type: number;
  symbolIndex: number;
  /** Present for SHT_RELA; SHT_REL keeps the addend inside the patched bytes. */
  explicitAddend?: bigint;
}

export interface ObjectFile {
  name: string;
  sections: InputSection[];
  symbols: InputSymbol[];
  /** Relocations keyed by the index of the section they patch. */
  relocations: Map<number, InputRelocation[]>;
}

/** A byte reader that names the object and what it was reading when the input is cut short. */
class Cursor {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    private readonly objectName: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private check(offset: number, size: number, what: string): void {
    if (offset < 0 || offset + size > this.bytes.length) {
      throw new SbfBuildError(
        `${this.objectName}: truncated ELF (${what} at offset ${offset} runs past ${this.bytes.length} bytes)`,
      );
    }
  }
  u8(offset: number, what: string): number {
    this.check(offset, 1, what);
    return this.view.getUint8(offset);
  }
  u16(offset: number, what: string): number {
    this.check(offset, 2, what);
    return this.view.getUint16(offset, true);
  }
  u32(offset: number, what: string): number {
    this.check(offset, 4, what);
    return this.view.getUint32(offset, true);
  }
  i64(offset: number, what: string): bigint {
    this.check(offset, 8, what);
    return this.view.getBigInt64(offset, true);
  }
  /** A 64-bit field that must fit a JavaScript number (offsets and sizes of a file held in memory). */
  u64(offset: number, what: string): number {
    this.check(offset, 8, what);
    const value = this.view.getBigUint64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new SbfBuildError(`${this.objectName}: ${what} ${value} is out of range`);
    return Number(value);
  }
  slice(offset: number, size: number, what: string): Uint8Array {
    this.check(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }
  cString(table: Uint8Array, offset: number, what: string): string {
    if (offset >= table.length && !(offset === 0 && table.length === 0)) {
      throw new SbfBuildError(`${this.objectName}: ${what} name offset ${offset} is outside its string table`);
    }
    const end = table.indexOf(0, offset);
    return new TextDecoder().decode(table.subarray(offset, end === -1 ? table.length : end));
  }
}

function checkHeader(cursor: Cursor, objectName: string, expectedType: number): void {
  for (const [offset, expected, meaning] of EI_CHECKS) {
    if (cursor.u8(offset, "ELF identification") !== expected) {
      throw new SbfBuildError(`${objectName}: not a little-endian ELF64 file (${meaning})`);
    }
  }
  const type = cursor.u16(16, "e_type");
  if (type !== expectedType) {
    const expected = expectedType === ET_REL ? "a relocatable object (ET_REL = 1)" : `e_type ${expectedType}`;
    throw new SbfBuildError(`${objectName}: expected ${expected}, found e_type ${type}`);
  }
  const machine = cursor.u16(18, "e_machine");
  if (machine !== EM_BPF) {
    throw new SbfBuildError(
      `${objectName}: e_machine is ${machine}, expected ${EM_BPF} (EM_BPF); compile for the SBF target spec, not the host`,
    );
  }
}

/**
 * Parses an ELF64 little-endian EM_BPF file: by default a relocatable object, the output of rustc for
 * the SBF target (tests also read the shared objects the writer produced).
 */
export function readObject(bytes: Uint8Array, objectName: string, expectedType = ET_REL): ObjectFile {
  const cursor = new Cursor(bytes, objectName);
  if (bytes.length < ELF_HEADER_SIZE)
    throw new SbfBuildError(`${objectName}: ${bytes.length} bytes is too short for an ELF header`);
  checkHeader(cursor, objectName, expectedType);

  const sectionHeaderOffset = cursor.u64(40, "e_shoff");
  const sectionHeaderSize = cursor.u16(58, "e_shentsize");
  const sectionCount = cursor.u16(60, "e_shnum");
  const namesIndex = cursor.u16(62, "e_shstrndx");
  if (sectionCount > 0 && sectionHeaderSize !== SECTION_HEADER_SIZE) {
    throw new SbfBuildError(`${objectName}: e_shentsize is ${sectionHeaderSize}, expected ${SECTION_HEADER_SIZE}`);
  }

  const headers = Array.from({ length: sectionCount }, (_, index) => {
    const at = sectionHeaderOffset + index * SECTION_HEADER_SIZE;
    const type = cursor.u32(at + 4, "sh_type");
    const offset = cursor.u64(at + 24, "sh_offset");
    const size = cursor.u64(at + 32, "sh_size");
    return {
      nameOffset: cursor.u32(at, "sh_name"),
      type,
      flags: cursor.u64(at + 8, "sh_flags"),
      offset,
      size,
      link: cursor.u32(at + 40, "sh_link"),
      info: cursor.u32(at + 44, "sh_info"),
      addralign: Math.max(1, cursor.u64(at + 48, "sh_addralign")),
      data: type === SHT_NOBITS ? new Uint8Array(0) : cursor.slice(offset, size, `section ${index}`),
    };
  });
  const sectionNames = headers[namesIndex]?.data;
  if (!sectionNames) throw new SbfBuildError(`${objectName}: e_shstrndx ${namesIndex} names no section`);

  const sections: InputSection[] = headers.map((header, index) => ({
    index,
    name: cursor.cString(sectionNames, header.nameOffset, `section ${index}`),
    type: header.type,
    flags: header.flags,
    addralign: header.addralign,
    size: header.size,
    data: header.data,
    link: header.link,
    info: header.info,
  }));

  const symbolTables = sections.filter((section) => section.type === SHT_SYMTAB);
  if (symbolTables.length > 1) throw new SbfBuildError(`${objectName}: more than one symbol table`);
  const symbols = symbolTables[0] ? readSymbols(cursor, symbolTables[0], sections, objectName) : [];

  const relocations = new Map<number, InputRelocation[]>();
  for (const section of sections) {
    if (section.type !== SHT_REL && section.type !== SHT_RELA) continue;
    // Only relocations against the static symbol table matter for linking (a shared object's .rel.dyn
    // refers to .dynsym instead).
    if (section.link !== symbolTables[0]?.index) continue;
    const entrySize = section.type === SHT_RELA ? RELA_SIZE : REL_SIZE;
    const entries: InputRelocation[] = [];
    const table = new Cursor(section.data, `${objectName} ${section.name}`);
    for (let at = 0; at + entrySize <= section.data.length; at += entrySize) {
      const info = table.u64(at + 8, "r_info");
      const relocation: InputRelocation = {
        offset: table.u64(at, "r_offset"),
        type: info % 2 ** 32,
        symbolIndex: Math.floor(info / 2 ** 32),
      };
      if (section.type === SHT_RELA) relocation.explicitAddend = table.i64(at + 16, "r_addend");
      if (relocation.symbolIndex >= symbols.length) {
        throw new SbfBuildError(
          `${objectName} ${section.name}: relocation names symbol ${relocation.symbolIndex} of ${symbols.length}`,
        );
      }
      entries.push(relocation);
    }
    relocations.set(section.info, [...(relocations.get(section.info) ?? []), ...entries]);
  }

  return { name: objectName, sections, symbols, relocations };
}

function readSymbols(cursor: Cursor, table: InputSection, sections: InputSection[], objectName: string): InputSymbol[] {
  const names = sections[table.link]?.data ?? new Uint8Array(0);
  const entries = new Cursor(table.data, `${objectName} ${table.name}`);
  const symbols: InputSymbol[] = [];
  for (let at = 0; at + SYMBOL_SIZE <= table.data.length; at += SYMBOL_SIZE) {
    const info = entries.u8(at + 4, "st_info");
    const sectionIndex = entries.u16(at + 6, "st_shndx");
    const type = info & 0xf;
    const nameOffset = entries.u32(at, "st_name");
    // Section symbols usually carry no name of their own; naming them after their section makes errors readable.
    const ownName = cursor.cString(names, nameOffset, "symbol");
    symbols.push({
      name: ownName || (sectionIndex !== SHN_UNDEF ? (sections[sectionIndex]?.name ?? "") : ""),
      value: entries.u64(at + 8, "st_value"),
      size: entries.u64(at + 16, "st_size"),
      binding: info >> 4,
      type,
      sectionIndex,
    });
  }
  return symbols;
}
