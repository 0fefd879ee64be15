import {
  DT_NULL,
  DT_REL,
  DT_RELENT,
  DT_RELSZ,
  DT_STRSZ,
  DT_STRTAB,
  DT_SYMENT,
  DT_SYMTAB,
  DYNAMIC_ENTRY_SIZE,
  ELF_HEADER_SIZE,
  ELF_MAGIC,
  ELFCLASS64,
  ELFDATA2LSB,
  EM_BPF,
  ET_DYN,
  EV_CURRENT,
  elfSymbolInfo,
  PF_R,
  PF_X,
  PROGRAM_HEADER_SIZE,
  PT_DYNAMIC,
  PT_LOAD,
  R_BPF_64_32,
  REL_SIZE,
  SECTION_HEADER_SIZE,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHN_UNDEF,
  SHT_DYNAMIC,
  SHT_DYNSYM,
  SHT_PROGBITS,
  SHT_REL,
  SHT_STRTAB,
  STB_GLOBAL,
  STT_FUNC,
  STT_NOTYPE,
  SYMBOL_SIZE,
} from "../elf/format.ts";
import { alignUp, type OutputBlob, PROGRAM_HEADER_COUNT } from "./layout.ts";
import type { DynamicRelocation } from "./relocate.ts";

export interface SharedObjectParts {
  text: OutputBlob;
  rodata: OutputBlob;
  /** File offset of the entrypoint function. */
  entry: number;
  entryName: string;
  dynamicRelocations: DynamicRelocation[];
}

/** A string table that hands out offsets and keeps one copy of each string. */
class StringTable {
  private readonly offsets = new Map<string, number>();
  private readonly chunks: Uint8Array[] = [new Uint8Array(1)];
  private size = 1;
  add(value: string): number {
    const known = this.offsets.get(value);
    if (known !== undefined) return known;
    const bytes = new TextEncoder().encode(`${value}\0`);
    const offset = this.size;
    this.chunks.push(bytes);
    this.size += bytes.length;
    this.offsets.set(value, offset);
    return offset;
  }
  bytes(): Uint8Array {
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return all;
  }
}

interface SectionHeader {
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
  entrySize: number;
}

/**
 * Writes the SBPFv0 shared object the Solana loader accepts: ELF header, PT_LOAD/PT_LOAD/PT_DYNAMIC,
 * `.text`, `.rodata`, `.dynsym`, `.dynstr`, `.rel.dyn`, `.dynamic`, `.shstrtab`, section headers.
 * Every loaded section's address equals its file offset.
 */
export function writeSharedObject(parts: SharedObjectParts): Uint8Array {
  const syscalls = [...new Set(parts.dynamicRelocations.flatMap((relocation) => relocation.syscall ?? []))];
  const dynamicStrings = new StringTable();
  const dynamicSymbols = [
    { name: 0, info: 0, section: SHN_UNDEF, value: 0 },
    { name: dynamicStrings.add(parts.entryName), info: elfSymbolInfo(STB_GLOBAL, STT_FUNC), section: 1, value: parts.entry },
    ...syscalls.map((name) => ({
      name: dynamicStrings.add(name),
      info: elfSymbolInfo(STB_GLOBAL, STT_NOTYPE),
      section: SHN_UNDEF,
      value: 0,
    })),
  ];
  const symbolIndex = (name: string) => syscalls.indexOf(name) + 2;
  const dynamicStringBytes = dynamicStrings.bytes();

  const textEnd = parts.text.offset + parts.text.bytes.length;
  const rodataEnd = parts.rodata.bytes.length > 0 ? parts.rodata.offset + parts.rodata.bytes.length : textEnd;
  const dynsymOffset = alignUp(rodataEnd, 8);
  const dynsymSize = dynamicSymbols.length * SYMBOL_SIZE;
  const dynstrOffset = dynsymOffset + dynsymSize;
  const relDynOffset = alignUp(dynstrOffset + dynamicStringBytes.length, 8);
  const relDynSize = parts.dynamicRelocations.length * REL_SIZE;
  const dynamicOffset = relDynOffset + relDynSize;
  const dynamicEntries: [number, number][] = [
    [DT_REL, relDynOffset],
    [DT_RELSZ, relDynSize],
    [DT_RELENT, REL_SIZE],
    [DT_SYMTAB, dynsymOffset],
    [DT_SYMENT, SYMBOL_SIZE],
    [DT_STRTAB, dynstrOffset],
    [DT_STRSZ, dynamicStringBytes.length],
    [DT_NULL, 0],
  ];
  const dynamicSize = dynamicEntries.length * DYNAMIC_ENTRY_SIZE;
  const dynamicEnd = dynamicOffset + dynamicSize;

  const sectionNames = new StringTable();
  const headers: SectionHeader[] = [
    { name: "", type: 0, flags: 0, offset: 0, size: 0, link: 0, info: 0, align: 0, entrySize: 0 },
    header(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, parts.text.offset, parts.text.bytes.length, parts.text.align),
  ];
  if (parts.rodata.bytes.length > 0) {
    headers.push(header(".rodata", SHT_PROGBITS, SHF_ALLOC, parts.rodata.offset, parts.rodata.bytes.length, parts.rodata.align));
  }
  const dynsymIndex = headers.length;
  const dynstrIndex = dynsymIndex + 1;
  headers.push(
    { ...header(".dynsym", SHT_DYNSYM, SHF_ALLOC, dynsymOffset, dynsymSize, 8, SYMBOL_SIZE), link: dynstrIndex, info: 1 },
    header(".dynstr", SHT_STRTAB, SHF_ALLOC, dynstrOffset, dynamicStringBytes.length, 1),
    { ...header(".rel.dyn", SHT_REL, SHF_ALLOC, relDynOffset, relDynSize, 8, REL_SIZE), link: dynsymIndex },
    { ...header(".dynamic", SHT_DYNAMIC, SHF_ALLOC, dynamicOffset, dynamicSize, 8, DYNAMIC_ENTRY_SIZE), link: dynstrIndex },
  );
  const shstrtabIndex = headers.length;
  for (const section of headers) sectionNames.add(section.name);
  sectionNames.add(".shstrtab");
  const sectionNameBytes = sectionNames.bytes();
  headers.push(header(".shstrtab", SHT_STRTAB, 0, dynamicEnd, sectionNameBytes.length, 1));
  const sectionHeadersOffset = alignUp(dynamicEnd + sectionNameBytes.length, 8);

  const out = new Uint8Array(sectionHeadersOffset + headers.length * SECTION_HEADER_SIZE);
  const view = new DataView(out.buffer);
  const u64 = (at: number, value: number) => view.setBigUint64(at, BigInt(value), true);

  out.set(ELF_MAGIC, 0);
  out.set([ELFCLASS64, ELFDATA2LSB, EV_CURRENT], 4); // OSABI, ABI version and padding stay 0
  view.setUint16(16, ET_DYN, true);
  view.setUint16(18, EM_BPF, true);
  view.setUint32(20, EV_CURRENT, true);
  u64(24, parts.entry);
  u64(32, ELF_HEADER_SIZE);
  u64(40, sectionHeadersOffset);
  view.setUint32(48, 0, true); // e_flags 0: SBPFv0
  view.setUint16(52, ELF_HEADER_SIZE, true);
  view.setUint16(54, PROGRAM_HEADER_SIZE, true);
  view.setUint16(56, PROGRAM_HEADER_COUNT, true);
  view.setUint16(58, SECTION_HEADER_SIZE, true);
  view.setUint16(60, headers.length, true);
  view.setUint16(62, shstrtabIndex, true);

  const programHeaders: [type: number, flags: number, offset: number, size: number][] = [
    [PT_LOAD, PF_R | PF_X, parts.text.offset, rodataEnd - parts.text.offset],
    [PT_LOAD, PF_R, dynsymOffset, dynamicEnd - dynsymOffset],
    [PT_DYNAMIC, PF_R, dynamicOffset, dynamicSize],
  ];
  programHeaders.forEach(([type, flags, offset, size], index) => {
    const at = ELF_HEADER_SIZE + index * PROGRAM_HEADER_SIZE;
    view.setUint32(at, type, true);
    view.setUint32(at + 4, flags, true);
    u64(at + 8, offset); // p_offset
    u64(at + 16, offset); // p_vaddr
    u64(at + 24, offset); // p_paddr
    u64(at + 32, size); // p_filesz
    u64(at + 40, size); // p_memsz
    u64(at + 48, 8); // p_align
  });

  out.set(parts.text.bytes, parts.text.offset);
  out.set(parts.rodata.bytes, parts.rodata.offset);
  dynamicSymbols.forEach((symbol, index) => {
    const at = dynsymOffset + index * SYMBOL_SIZE;
    view.setUint32(at, symbol.name, true);
    out[at + 4] = symbol.info;
    view.setUint16(at + 6, symbol.section, true);
    u64(at + 8, symbol.value);
  });
  out.set(dynamicStringBytes, dynstrOffset);
  parts.dynamicRelocations.forEach((relocation, index) => {
    const at = relDynOffset + index * REL_SIZE;
    const symbol = relocation.type === R_BPF_64_32 && relocation.syscall ? symbolIndex(relocation.syscall) : 0;
    u64(at, relocation.offset);
    view.setBigUint64(at + 8, (BigInt(symbol) << 32n) | BigInt(relocation.type), true);
  });
  dynamicEntries.forEach(([tag, value], index) => {
    u64(dynamicOffset + index * DYNAMIC_ENTRY_SIZE, tag);
    u64(dynamicOffset + index * DYNAMIC_ENTRY_SIZE + 8, value);
  });
  out.set(sectionNameBytes, dynamicEnd);
  headers.forEach((section, index) => {
    const at = sectionHeadersOffset + index * SECTION_HEADER_SIZE;
    view.setUint32(at, section.name ? sectionNames.add(section.name) : 0, true);
    view.setUint32(at + 4, section.type, true);
    u64(at + 8, section.flags);
    u64(at + 16, section.flags & SHF_ALLOC ? section.offset : 0); // sh_addr == sh_offset for loaded sections
    u64(at + 24, section.offset);
    u64(at + 32, section.size);
    view.setUint32(at + 40, section.link, true);
    view.setUint32(at + 44, section.info, true);
    u64(at + 48, section.align);
    u64(at + 56, section.entrySize);
  });
  return out;
}

function header(
  name: string,
  type: number,
  flags: number,
  offset: number,
  size: number,
  align: number,
  entrySize = 0,
): SectionHeader {
  return { name, type, flags, offset, size, link: 0, info: 0, align, entrySize };
}
