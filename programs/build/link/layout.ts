import {
  ELF_HEADER_SIZE,
  INSTRUCTION_SIZE,
  PROGRAM_HEADER_SIZE,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHT_NOBITS,
} from "../elf/format.ts";
import type { InputSection, ObjectFile } from "../elf/read-object.ts";
import { SbfBuildError } from "../errors.ts";

/** The writer emits exactly these: PT_LOAD (code and read-only data), PT_LOAD (dynamic tables), PT_DYNAMIC. */
export const PROGRAM_HEADER_COUNT = 3;

export type OutputSectionKind = "text" | "rodata";

export interface Placement {
  kind: OutputSectionKind;
  /** File offset (which is also the section-relative virtual address) of the input section in the output. */
  address: number;
}

export interface OutputBlob {
  /** File offset where the merged section starts; the loader wants address == offset. */
  offset: number;
  align: number;
  bytes: Uint8Array;
}

export interface Layout {
  text: OutputBlob;
  rodata: OutputBlob;
  /** objectIndex → input section index → where it landed. */
  placements: Map<number, Map<number, Placement>>;
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

const WRITABLE_DATA_ADVICE =
  "SBPFv0 programs cannot have read-write data: remove `static mut` items, statics with interior mutability " +
  "(Cell, RefCell, atomics) and mutable globals; keep state in accounts, and use `const` or immutable statics";

/**
 * Decides where each input section goes: executable ones into `.text`, read-only data (including
 * `.data.rel.ro*`, which is only writable for the dynamic linker's sake) into one `.rodata`.
 * Sections that are not loaded (debug info, notes) are dropped. Writable data is refused here,
 * with the section's name, because the loader would reject the program anyway.
 */
export function classifySection(section: InputSection, objectName: string): OutputSectionKind | undefined {
  if ((section.flags & SHF_ALLOC) === 0 || section.index === 0) return undefined;
  if (section.flags & SHF_EXECINSTR) return "text";
  const relocatedReadOnly = section.name.startsWith(".data.rel.ro");
  if (section.type === SHT_NOBITS) {
    throw new SbfBuildError(
      `writable section ${section.name} in ${objectName} (zero-initialised data, .bss): ${WRITABLE_DATA_ADVICE}`,
    );
  }
  if (section.flags & SHF_WRITE && !relocatedReadOnly) {
    throw new SbfBuildError(`writable section ${section.name} in ${objectName}: ${WRITABLE_DATA_ADVICE}`);
  }
  return "rodata";
}

/** Concatenates sections of one kind, each at its own alignment, and records where each landed. */
function merge(
  objects: ObjectFile[],
  kind: OutputSectionKind,
  startAfter: number,
  placements: Map<number, Map<number, Placement>>,
): OutputBlob {
  const members: { objectIndex: number; section: InputSection; relative: number }[] = [];
  let size = 0;
  let align = INSTRUCTION_SIZE;
  objects.forEach((object, objectIndex) => {
    for (const section of object.sections) {
      if (classifySection(section, object.name) !== kind) continue;
      // Code sections keep 8-byte slots so every instruction stays addressable as pc * 8.
      const sectionAlign = kind === "text" ? Math.max(section.addralign, INSTRUCTION_SIZE) : section.addralign;
      if (kind === "text" && section.size % INSTRUCTION_SIZE !== 0) {
        throw new SbfBuildError(`${object.name} ${section.name}: code size ${section.size} is not a multiple of 8`);
      }
      align = Math.max(align, sectionAlign);
      const relative = alignUp(size, sectionAlign);
      members.push({ objectIndex, section, relative });
      size = relative + section.size;
    }
  });
  const offset = alignUp(startAfter, align);
  const bytes = new Uint8Array(size);
  for (const { objectIndex, section, relative } of members) {
    bytes.set(section.data, relative);
    let perObject = placements.get(objectIndex);
    if (!perObject) {
      perObject = new Map();
      placements.set(objectIndex, perObject);
    }
    perObject.set(section.index, { kind, address: offset + relative });
  }
  return { offset, align, bytes };
}

export function planLayout(objects: ObjectFile[]): Layout {
  const placements = new Map<number, Map<number, Placement>>();
  const text = merge(objects, "text", ELF_HEADER_SIZE + PROGRAM_HEADER_COUNT * PROGRAM_HEADER_SIZE, placements);
  if (text.bytes.length === 0) throw new SbfBuildError("the program has no code: no executable section in the input");
  const rodata = merge(objects, "rodata", text.offset + text.bytes.length, placements);
  return { text, rodata, placements };
}
