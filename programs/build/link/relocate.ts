import {
  IMM_OFFSET,
  INSTRUCTION_SIZE,
  LDDW_IMM_HIGH_OFFSET,
  MM_PROGRAM_START,
  OPCODE_CALL,
  OPCODE_LDDW,
  R_BPF_64_32,
  R_BPF_64_64,
  R_BPF_64_ABS64,
  R_BPF_64_RELATIVE,
  R_BPF_NONE,
  relocationTypeName,
} from "../elf/format.ts";
import type { InputRelocation, ObjectFile } from "../elf/read-object.ts";
import { SbfBuildError } from "../errors.ts";
import type { Layout, OutputSectionKind } from "./layout.ts";
import type { ResolvedSymbol, SymbolResolver } from "./symbols.ts";

/** A relocation the Solana loader applies when it loads the program. */
export interface DynamicRelocation {
  /** File offset of the instruction it patches. */
  offset: number;
  type: typeof R_BPF_64_RELATIVE | typeof R_BPF_64_32;
  /** The syscall a R_BPF_64_32 names; the loader resolves it by name. */
  syscall?: string;
}

/**
 * Undefined symbols become syscalls, which the loader looks up by name. Anything else undefined
 * (memcpy, __multi3, a misspelt function) would only fail at deploy time, so it fails here instead.
 */
export function isSyscallName(name: string): boolean {
  return /^sol_[a-z0-9_]+$/.test(name) || name === "abort";
}

interface Site {
  object: ObjectFile;
  sectionName: string;
  relocation: InputRelocation;
  kind: OutputSectionKind;
  /** The merged section's bytes, and `at`, the patched location's index into them. */
  view: DataView;
  at: number;
  /** File offset of the patched location. */
  address: number;
}

function siteName(site: Site): string {
  return `${relocationTypeName(site.relocation.type)} in ${site.sectionName} of ${site.object.name} at offset 0x${site.relocation.offset.toString(16)}`;
}

function expectInstruction(site: Site, opcode: number, instruction: string): void {
  if (site.kind !== "text") throw new SbfBuildError(`${siteName(site)}: expected only in code`);
  const found = site.view.getUint8(site.at);
  if (found !== opcode) {
    throw new SbfBuildError(`${siteName(site)}: expected a ${instruction} instruction, found opcode 0x${found.toString(16)}`);
  }
}

function definedSymbol(site: Site, symbol: ResolvedSymbol): Extract<ResolvedSymbol, { kind: "defined" }> {
  if (symbol.kind === "external") {
    throw new SbfBuildError(
      `${siteName(site)} refers to ${symbol.name}, which no input defines (only calls may name Solana syscalls)`,
    );
  }
  return symbol;
}

/** `lddw rX, address`: the file offset goes in, and the loader adds MM_PROGRAM_START through R_BPF_64_RELATIVE. */
function relocateAddressLoad(site: Site, symbol: ResolvedSymbol): DynamicRelocation | undefined {
  expectInstruction(site, OPCODE_LDDW, "lddw");
  const { view, at } = site;
  const implicit =
    BigInt(view.getUint32(at + IMM_OFFSET, true)) | (BigInt(view.getUint32(at + LDDW_IMM_HIGH_OFFSET, true)) << 32n);
  const target = definedSymbol(site, symbol);
  const value = BigInt(target.address) + (site.relocation.explicitAddend ?? implicit);
  view.setUint32(at + IMM_OFFSET, Number(value & 0xffff_ffffn), true);
  view.setUint32(at + LDDW_IMM_HIGH_OFFSET, Number(value >> 32n), true);
  return target.section === "absolute" ? undefined : { offset: site.address, type: R_BPF_64_RELATIVE };
}

/** `call`: pc-relative inside the program; a syscall keeps imm -1 and is resolved by name at load time. */
function relocateCall(site: Site, symbol: ResolvedSymbol, textOffset: number): DynamicRelocation | undefined {
  expectInstruction(site, OPCODE_CALL, "call");
  const { view, at } = site;
  if (symbol.kind === "external") {
    if (!isSyscallName(symbol.name)) {
      throw new SbfBuildError(
        `${siteName(site)} calls ${symbol.name}, which is neither defined in the program nor a Solana syscall. ` +
          "The BPF target has no libc or compiler-rt: call the matching sol_* syscall, or implement it in the program",
      );
    }
    view.setInt32(at + IMM_OFFSET, -1, true);
    return { offset: site.address, type: R_BPF_64_32, syscall: symbol.name };
  }
  if (symbol.section !== "text") throw new SbfBuildError(`${siteName(site)}: calls ${symbol.name}, which is not code`);
  // REL keeps the addend in the immediate, counted in instructions after the call slot.
  const addend = site.relocation.explicitAddend ?? BigInt((view.getInt32(at + IMM_OFFSET, true) + 1) * INSTRUCTION_SIZE);
  const target = symbol.address + Number(addend);
  if ((target - textOffset) % INSTRUCTION_SIZE !== 0) {
    throw new SbfBuildError(`${siteName(site)}: call target 0x${target.toString(16)} is not on an instruction boundary`);
  }
  view.setInt32(at + IMM_OFFSET, (target - site.address) / INSTRUCTION_SIZE - 1, true);
  return undefined;
}

/** A pointer in read-only data (vtables, tables of string slices). */
function relocateDataPointer(site: Site, symbol: ResolvedSymbol): undefined {
  if (site.kind !== "rodata") throw new SbfBuildError(`${siteName(site)}: expected only in read-only data`);
  const target = definedSymbol(site, symbol);
  const value = BigInt(target.address) + (site.relocation.explicitAddend ?? site.view.getBigUint64(site.at, true));
  // SBPFv0 relocates data by the wrong field, so the final virtual address is written here instead.
  site.view.setBigUint64(site.at, value + (target.section === "absolute" ? 0n : MM_PROGRAM_START), true);
  return undefined;
}

/**
 * Applies the objects' relocations to the merged `.text` and `.rodata` and returns the dynamic
 * relocations the loader still has to do: one R_BPF_64_RELATIVE per address loaded by `lddw`, one
 * R_BPF_64_32 per syscall call site.
 */
export function applyRelocations(objects: ObjectFile[], layout: Layout, resolver: SymbolResolver): DynamicRelocation[] {
  const dynamic: DynamicRelocation[] = [];
  const views = {
    text: new DataView(layout.text.bytes.buffer, layout.text.bytes.byteOffset, layout.text.bytes.byteLength),
    rodata: new DataView(layout.rodata.bytes.buffer, layout.rodata.bytes.byteOffset, layout.rodata.bytes.byteLength),
  };
  objects.forEach((object, objectIndex) => {
    for (const [sectionIndex, relocations] of object.relocations) {
      const placement = layout.placements.get(objectIndex)?.get(sectionIndex);
      if (!placement) continue; // relocations of debug info and other sections that are not loaded
      const blob = layout[placement.kind];
      const sectionName = object.sections[sectionIndex]?.name ?? `#${sectionIndex}`;
      for (const relocation of relocations) {
        const address = placement.address + relocation.offset;
        const site: Site = {
          object,
          sectionName,
          relocation,
          kind: placement.kind,
          view: views[placement.kind],
          at: address - blob.offset,
          address,
        };
        const symbol = resolver.resolve(objectIndex, relocation.symbolIndex);
        let loaderWork: DynamicRelocation | undefined;
        switch (relocation.type) {
          case R_BPF_NONE:
            break;
          case R_BPF_64_64:
            loaderWork = relocateAddressLoad(site, symbol);
            break;
          case R_BPF_64_32:
            loaderWork = relocateCall(site, symbol, layout.text.offset);
            break;
          case R_BPF_64_ABS64:
            loaderWork = relocateDataPointer(site, symbol);
            break;
          default:
            throw new SbfBuildError(
              `unsupported relocation ${siteName(site)}: the converter handles R_BPF_64_64, R_BPF_64_32 and R_BPF_64_ABS64`,
            );
        }
        if (loaderWork) dynamic.push(loaderWork);
      }
    }
  });
  return dynamic;
}
