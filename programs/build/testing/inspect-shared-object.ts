// Reads back what the writer produced, for the converter's tests.
import { ET_DYN } from "../elf/format.ts";
import { type InputSection, readObject } from "../elf/read-object.ts";

export interface Inspected {
  bytes: Uint8Array;
  view: DataView;
  sections: InputSection[];
  section(name: string): InputSection & { address: number; offset: number };
  dynamicSymbols(): { name: string; info: number; sectionIndex: number; value: bigint }[];
  dynamicRelocations(): { offset: number; type: number; symbol: number }[];
  dynamicEntries(): Map<number, bigint>;
  /** The instruction's immediate at a file offset. */
  imm(offset: number): number;
}

export function inspect(bytes: Uint8Array): Inspected {
  const object = readObject(bytes, "output.so", ET_DYN);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerAt = (index: number) => Number(view.getBigUint64(40, true)) + index * 64;
  const section = (name: string) => {
    const found = object.sections.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no ${name} in the output`);
    const at = headerAt(found.index);
    return { ...found, address: Number(view.getBigUint64(at + 16, true)), offset: Number(view.getBigUint64(at + 24, true)) };
  };
  return {
    bytes,
    view,
    sections: object.sections,
    section,
    dynamicSymbols() {
      const table = section(".dynsym");
      const names = section(".dynstr").data;
      const symbols = [];
      for (let at = table.offset; at < table.offset + table.size; at += 24) {
        const nameOffset = view.getUint32(at, true);
        symbols.push({
          name: new TextDecoder().decode(names.subarray(nameOffset, names.indexOf(0, nameOffset))),
          info: bytes[at + 4] ?? 0,
          sectionIndex: view.getUint16(at + 6, true),
          value: view.getBigUint64(at + 8, true),
        });
      }
      return symbols;
    },
    dynamicRelocations() {
      const table = section(".rel.dyn");
      const relocations = [];
      for (let at = table.offset; at < table.offset + table.size; at += 16) {
        const info = view.getBigUint64(at + 8, true);
        relocations.push({
          offset: Number(view.getBigUint64(at, true)),
          type: Number(info & 0xffffffffn),
          symbol: Number(info >> 32n),
        });
      }
      return relocations;
    },
    dynamicEntries() {
      const table = section(".dynamic");
      const entries = new Map<number, bigint>();
      for (let at = table.offset; at < table.offset + table.size; at += 16) {
        entries.set(Number(view.getBigUint64(at, true)), view.getBigUint64(at + 8, true));
      }
      return entries;
    },
    imm(offset) {
      return view.getInt32(offset + 4, true);
    },
  };
}
