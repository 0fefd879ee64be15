import { SHN_ABS, SHN_COMMON, SHN_UNDEF, STB_LOCAL, STB_WEAK } from "../elf/format.ts";
import type { InputSymbol, ObjectFile } from "../elf/read-object.ts";
import { SbfBuildError } from "../errors.ts";
import type { Layout, OutputSectionKind } from "./layout.ts";

export type ResolvedSymbol =
  | { kind: "defined"; name: string; address: number; section: OutputSectionKind | "absolute" }
  | { kind: "external"; name: string };

/** Looks up what a symbol of one object refers to in the merged output. */
export interface SymbolResolver {
  resolve(objectIndex: number, symbolIndex: number): ResolvedSymbol;
  /** A global symbol defined somewhere in the input, by name. */
  global(name: string): ResolvedSymbol | undefined;
}

export function createSymbolResolver(objects: ObjectFile[], layout: Layout): SymbolResolver {
  const definedHere = (objectIndex: number, symbol: InputSymbol): ResolvedSymbol | undefined => {
    const object = objects[objectIndex];
    if (symbol.sectionIndex === SHN_UNDEF || !object) return undefined;
    if (symbol.sectionIndex === SHN_ABS)
      return { kind: "defined", name: symbol.name, address: symbol.value, section: "absolute" };
    if (symbol.sectionIndex === SHN_COMMON) {
      throw new SbfBuildError(
        `${object.name}: common symbol ${symbol.name} is zero-initialised writable data, which SBPFv0 refuses`,
      );
    }
    const placement = layout.placements.get(objectIndex)?.get(symbol.sectionIndex);
    if (!placement) {
      const sectionName = object.sections[symbol.sectionIndex]?.name ?? `#${symbol.sectionIndex}`;
      throw new SbfBuildError(
        `${object.name}: symbol ${symbol.name} lives in ${sectionName}, which is not loaded into the program`,
      );
    }
    return { kind: "defined", name: symbol.name, address: placement.address + symbol.value, section: placement.kind };
  };

  const globals = new Map<string, ResolvedSymbol & { weak: boolean; objectName: string }>();
  objects.forEach((object, objectIndex) => {
    for (const symbol of object.symbols) {
      if (symbol.binding === STB_LOCAL || symbol.sectionIndex === SHN_UNDEF) continue;
      const resolved = definedHere(objectIndex, symbol);
      if (!resolved) continue;
      const weak = symbol.binding === STB_WEAK;
      const earlier = globals.get(symbol.name);
      if (earlier && !earlier.weak && !weak) {
        throw new SbfBuildError(`symbol ${symbol.name} is defined twice: in ${earlier.objectName} and in ${object.name}`);
      }
      if (!earlier || (earlier.weak && !weak)) globals.set(symbol.name, { ...resolved, weak, objectName: object.name });
    }
  });

  return {
    resolve(objectIndex, symbolIndex) {
      const object = objects[objectIndex];
      const symbol = object?.symbols[symbolIndex];
      if (!object || !symbol) throw new SbfBuildError(`symbol ${symbolIndex} of object ${objectIndex} does not exist`);
      if (symbol.binding === STB_LOCAL) {
        const local = definedHere(objectIndex, symbol);
        if (!local) throw new SbfBuildError(`${object.name}: local symbol ${symbol.name} is undefined`);
        return local;
      }
      return globals.get(symbol.name) ?? { kind: "external", name: symbol.name };
    },
    global(name) {
      return globals.get(name);
    },
  };
}
