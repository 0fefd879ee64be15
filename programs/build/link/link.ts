import { isArchive, isElf, readArchive } from "../elf/read-archive.ts";
import { type ObjectFile, readObject } from "../elf/read-object.ts";
import { SbfBuildError } from "../errors.ts";
import { moveCallxRegisterToImmediate } from "./callx.ts";
import { planLayout } from "./layout.ts";
import { applyRelocations } from "./relocate.ts";
import { createSymbolResolver } from "./symbols.ts";
import { writeSharedObject } from "./write-shared-object.ts";

export const DEFAULT_ENTRYPOINT = "entrypoint";

export interface LinkStatistics {
  textBytes: number;
  rodataBytes: number;
  dynamicRelocations: number;
  syscalls: string[];
  callxRewritten: number;
}

/** Reads every ELF object in an `ar` archive (a staticlib), or the single object given. */
export function readObjects(bytes: Uint8Array, inputName: string): ObjectFile[] {
  if (isArchive(bytes)) {
    const members = readArchive(bytes, inputName).filter((member) => isElf(member.data));
    if (members.length === 0) throw new SbfBuildError(`${inputName}: the archive holds no ELF object`);
    return members.map((member) => readObject(member.data, `${inputName}(${member.name})`));
  }
  return [readObject(bytes, inputName)];
}

/**
 * Turns ELF64 relocatable EM_BPF objects (or a staticlib archive of them) into a Solana SBPFv0
 * shared object that the BPF loaders deploy.
 */
export function linkSharedObject(
  bytes: Uint8Array,
  inputName: string,
  entryName = DEFAULT_ENTRYPOINT,
): { sharedObject: Uint8Array; statistics: LinkStatistics } {
  const objects = readObjects(bytes, inputName);
  const layout = planLayout(objects);
  const resolver = createSymbolResolver(objects, layout);
  const entry = resolver.global(entryName);
  if (entry?.kind !== "defined" || entry.section !== "text") {
    throw new SbfBuildError(
      `${inputName}: no exported code symbol \`${entryName}\`; the program needs ` +
        `\`#[unsafe(no_mangle)] pub unsafe extern "C" fn ${entryName}(input: *mut u8) -> u64\``,
    );
  }
  const dynamicRelocations = applyRelocations(objects, layout, resolver);
  const callxRewritten = moveCallxRegisterToImmediate(layout.text.bytes);
  const sharedObject = writeSharedObject({
    text: layout.text,
    rodata: layout.rodata,
    entry: entry.address,
    entryName,
    dynamicRelocations,
  });
  return {
    sharedObject,
    statistics: {
      textBytes: layout.text.bytes.length,
      rodataBytes: layout.rodata.bytes.length,
      dynamicRelocations: dynamicRelocations.length,
      syscalls: [...new Set(dynamicRelocations.flatMap((relocation) => relocation.syscall ?? []))],
      callxRewritten,
    },
  };
}
