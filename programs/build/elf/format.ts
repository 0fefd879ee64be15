// Numbers from the ELF64 specification and the BPF psABI that the reader, linker and writer share.

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EV_CURRENT = 1;
export const ET_REL = 1;
export const ET_DYN = 3;
export const EM_BPF = 247;

export const ELF_HEADER_SIZE = 64;
export const PROGRAM_HEADER_SIZE = 56;
export const SECTION_HEADER_SIZE = 64;
export const SYMBOL_SIZE = 24;
export const REL_SIZE = 16;
export const RELA_SIZE = 24;
export const DYNAMIC_ENTRY_SIZE = 16;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_DYNAMIC = 6;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;

export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;

export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STT_NOTYPE = 0;
export const STT_FUNC = 2;
export const STT_SECTION = 3;

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PF_X = 0x1;
export const PF_R = 0x4;

export const DT_NULL = 0;
export const DT_STRTAB = 5;
export const DT_SYMTAB = 6;
export const DT_STRSZ = 10;
export const DT_SYMENT = 11;
export const DT_REL = 17;
export const DT_RELSZ = 18;
export const DT_RELENT = 19;
export const DT_TEXTREL = 22;

/** Relocation types of LLVM's BPF backend (ELFRelocs/BPF.def), plus Solana's dynamic relative one. */
export const R_BPF_NONE = 0;
export const R_BPF_64_64 = 1;
export const R_BPF_64_ABS64 = 2;
export const R_BPF_64_ABS32 = 3;
export const R_BPF_64_NODYLD32 = 4;
export const R_BPF_64_RELATIVE = 8;
export const R_BPF_64_32 = 10;

export const relocationTypeNames: Record<number, string> = {
  [R_BPF_NONE]: "R_BPF_NONE",
  [R_BPF_64_64]: "R_BPF_64_64",
  [R_BPF_64_ABS64]: "R_BPF_64_ABS64",
  [R_BPF_64_ABS32]: "R_BPF_64_ABS32",
  [R_BPF_64_NODYLD32]: "R_BPF_64_NODYLD32",
  [R_BPF_64_RELATIVE]: "R_BPF_64_RELATIVE",
  [R_BPF_64_32]: "R_BPF_64_32",
};

export function relocationTypeName(type: number): string {
  return relocationTypeNames[type] ?? `type ${type}`;
}

/** Where the Solana VM maps the program's bytes: file offset 0 sits at this virtual address. */
export const MM_PROGRAM_START = 0x1_0000_0000n;

export const INSTRUCTION_SIZE = 8;
/** `lddw` spans two instruction slots; the upper half of its immediate sits in the second one. */
export const LDDW_IMM_HIGH_OFFSET = 12;
export const IMM_OFFSET = 4;
export const OPCODE_LDDW = 0x18;
export const OPCODE_CALL = 0x85;
export const OPCODE_CALLX = 0x8d;

export function elfSymbolInfo(binding: number, type: number): number {
  return (binding << 4) | (type & 0xf);
}

/** The identification bytes a little-endian ELF64 file of the current version starts with. */
export const EI_CHECKS: ReadonlyArray<readonly [offset: number, expected: number, meaning: string]> = [
  [0, ELF_MAGIC[0], "no ELF magic"],
  [1, ELF_MAGIC[1], "no ELF magic"],
  [2, ELF_MAGIC[2], "no ELF magic"],
  [3, ELF_MAGIC[3], "no ELF magic"],
  [4, ELFCLASS64, "EI_CLASS is not ELFCLASS64"],
  [5, ELFDATA2LSB, "EI_DATA is not little-endian"],
  [6, EV_CURRENT, "EI_VERSION is not 1"],
];
