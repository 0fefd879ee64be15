import { describe, expect, it } from "vitest";
import { buildArchive } from "../testing/elf-builder.ts";
import { isArchive, isElf, readArchive } from "./read-archive.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("readArchive", () => {
  it("returns the members with GNU long names, skipping the symbol index and the name table", () => {
    const archive = buildArchive([
      { name: "short.o", data: bytes(1, 2, 3) },
      { name: "memefans_distribution.memefans_distribution.cgu.0.rcgu.o", data: bytes(4, 5) },
      { name: "odd.o", data: bytes(6) },
    ]);
    const members = readArchive(archive, "lib.a");
    expect(members.map((member) => member.name)).toEqual([
      "short.o",
      "memefans_distribution.memefans_distribution.cgu.0.rcgu.o",
      "odd.o",
    ]);
    // Odd-sized members are padded to an even offset; the data must not include the padding.
    expect(members.map((member) => [...member.data])).toEqual([[1, 2, 3], [4, 5], [6]]);
  });

  it("reads BSD names stored in front of the data", () => {
    const encoder = new TextEncoder();
    const name = "a_long_bsd_member_name.o";
    const body = new Uint8Array([...encoder.encode(name), 9, 8]);
    const header = encoder.encode(`${`#1/${name.length}`.padEnd(16)}${"0".padEnd(32)}${String(body.length).padEnd(10)}\`\n`);
    const archive = new Uint8Array([...encoder.encode("!<arch>\n"), ...header, ...body]);
    expect(readArchive(archive, "bsd.a")).toEqual([{ name, data: bytes(9, 8) }]);
  });

  it("refuses input that is not an archive, or whose member runs past the end", () => {
    expect(() => readArchive(bytes(0x7f, 0x45, 0x4c, 0x46), "x.o")).toThrow('x.o: not an ar archive (no "!<arch>" magic)');
    const archive = buildArchive([{ name: "a.o", data: bytes(1, 2, 3, 4) }], false);
    expect(() => readArchive(archive.subarray(0, archive.length - 2), "cut.a")).toThrow(
      'cut.a: member "a.o/" at offset 8 runs past',
    );
    const corrupt = archive.slice();
    corrupt[8 + 58] = 0x41;
    expect(() => readArchive(corrupt, "bad.a")).toThrow("bad.a: corrupt member header at offset 8");
  });

  it("tells archives and ELF objects apart by their magic", () => {
    expect(isArchive(buildArchive([]))).toBe(true);
    expect(isElf(bytes(0x7f, 0x45, 0x4c, 0x46, 2))).toBe(true);
    expect(isElf(bytes(0x7f, 0x45, 0x4c))).toBe(false);
  });
});
