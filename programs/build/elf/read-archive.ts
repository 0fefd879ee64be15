import { SbfBuildError } from "../errors.ts";
import { ELF_MAGIC } from "./format.ts";

export interface ArchiveMember {
  name: string;
  data: Uint8Array;
}

const ARCHIVE_MAGIC = "!<arch>\n";
const MEMBER_HEADER_SIZE = 60;
const text = new TextDecoder("latin1");

export function isArchive(bytes: Uint8Array): boolean {
  return text.decode(bytes.subarray(0, ARCHIVE_MAGIC.length)) === ARCHIVE_MAGIC;
}

export function isElf(bytes: Uint8Array): boolean {
  return ELF_MAGIC.every((byte, index) => bytes[index] === byte);
}

/**
 * Reads a System V / GNU `ar` archive (what rustc writes for a staticlib), resolving GNU long names
 * (`//` table) and BSD `#1/` names. Symbol index members (`/`, `/SYM64/`, `__.SYMDEF`) are left out.
 */
export function readArchive(bytes: Uint8Array, archiveName: string): ArchiveMember[] {
  if (!isArchive(bytes)) throw new SbfBuildError(`${archiveName}: not an ar archive (no "!<arch>" magic)`);
  const members: ArchiveMember[] = [];
  let longNames = "";
  let at = ARCHIVE_MAGIC.length;
  while (at + MEMBER_HEADER_SIZE <= bytes.length) {
    const header = text.decode(bytes.subarray(at, at + MEMBER_HEADER_SIZE));
    if (header.slice(58, 60) !== "`\n") throw new SbfBuildError(`${archiveName}: corrupt member header at offset ${at}`);
    const rawName = header.slice(0, 16).trimEnd();
    const size = Number.parseInt(header.slice(48, 58).trim(), 10);
    const start = at + MEMBER_HEADER_SIZE;
    if (!Number.isSafeInteger(size) || size < 0 || start + size > bytes.length) {
      throw new SbfBuildError(`${archiveName}: member "${rawName}" at offset ${at} runs past the end of the archive`);
    }
    let data = bytes.subarray(start, start + size);
    let name = rawName;
    if (rawName === "//") {
      longNames = text.decode(data);
    } else if (rawName.startsWith("#1/")) {
      const nameLength = Number.parseInt(rawName.slice(3), 10);
      name = text.decode(data.subarray(0, nameLength)).replace(/\0+$/, "");
      data = data.subarray(nameLength);
    } else if (/^\/\d+$/.test(rawName)) {
      const offset = Number.parseInt(rawName.slice(1), 10);
      const end = longNames.indexOf("\n", offset);
      name = longNames.slice(offset, end === -1 ? undefined : end).replace(/\/$/, "");
    } else {
      name = rawName.replace(/\/$/, "");
    }
    const isIndex = rawName === "/" || rawName === "/SYM64/" || rawName === "//" || name.startsWith("__.SYMDEF");
    if (!isIndex) members.push({ name, data });
    at = start + size + (size % 2);
  }
  return members;
}
