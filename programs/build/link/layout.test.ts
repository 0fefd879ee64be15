import { describe, expect, it } from "vitest";
import { SHF_ALLOC, SHF_WRITE, SHT_NOBITS } from "../elf/format.ts";
import { readObject } from "../elf/read-object.ts";
import { buildObject, insn, rodata, text } from "../testing/elf-builder.ts";
import { planLayout } from "./layout.ts";

const objectWith = (...sections: Parameters<typeof buildObject>[0]["sections"]) =>
  readObject(buildObject({ sections }), "input.o");

describe("planLayout", () => {
  it("merges code into one .text right after the headers and all read-only data into one .rodata after it", () => {
    const object = objectWith(
      text(".text.a", insn.exit()),
      rodata(".rodata.str", new Uint8Array([1, 2, 3])),
      text(".text.b", insn.mov64(0, 1), insn.exit()),
      { ...rodata(".data.rel.ro.vtable", new Uint8Array(8).fill(9), 8), flags: SHF_ALLOC | SHF_WRITE },
      { name: ".comment", data: new Uint8Array([7]) },
    );
    const layout = planLayout([object]);
    const placed = layout.placements.get(0);
    const index = (name: string) => object.sections.findIndex((section) => section.name === name);

    expect(layout.text.offset).toBe(64 + 3 * 56);
    expect(layout.text.bytes.length).toBe(24);
    expect(placed?.get(index(".text.a"))).toEqual({ kind: "text", address: 232 });
    expect(placed?.get(index(".text.b"))).toEqual({ kind: "text", address: 240 });
    // .rodata starts aligned to its strictest member (8) after the code; the vtable keeps its alignment.
    expect(layout.rodata.offset).toBe(256);
    expect(placed?.get(index(".rodata.str"))).toEqual({ kind: "rodata", address: 256 });
    expect(placed?.get(index(".data.rel.ro.vtable"))).toEqual({ kind: "rodata", address: 264 });
    expect([...layout.rodata.bytes]).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9]);
    expect(placed?.has(index(".comment"))).toBe(false);
  });

  it("refuses writable .data, naming the section and how to fix the source", () => {
    const object = objectWith(text(".text", insn.exit()), {
      ...rodata(".data.COUNTER", new Uint8Array(8), 8),
      flags: SHF_ALLOC | SHF_WRITE,
    });
    expect(() => planLayout([object])).toThrow(/writable section \.data\.COUNTER in input\.o: .*remove `static mut` items/);
  });

  it("refuses .bss, which SBPFv0 cannot map either", () => {
    const object = objectWith(text(".text", insn.exit()), {
      name: ".bss.buffer",
      data: new Uint8Array(0),
      type: SHT_NOBITS,
      flags: SHF_ALLOC | SHF_WRITE,
    });
    expect(() => planLayout([object])).toThrow(/writable section \.bss\.buffer in input\.o \(zero-initialised data, \.bss\)/);
  });

  it("refuses input without code", () => {
    expect(() => planLayout([objectWith(rodata(".rodata", new Uint8Array(4)))])).toThrow("the program has no code");
  });
});
