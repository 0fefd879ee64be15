import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MINT_EXTENSION_JUDGEMENTS, mintExtensionRefusal } from "./mint-extensions.ts";

const TOKEN_RS = new URL("../../programs/distribution/src/token.rs", import.meta.url);

/** The program's judgement as token.rs writes it: extension constant → number, and each match arm's verdict. */
function programJudgements(): { byType: Map<number, string | null>; otherwise: string } {
  const source = readFileSync(TOKEN_RS, "utf8");
  const constants = new Map(
    [...source.matchAll(/pub const (\w+): u16 = (\d+);/g)].map(([, name = "", value = ""]) => [name, Number(value)]),
  );
  const body = source.slice(source.indexOf("let refusal = match kind {"), source.indexOf("if let Some(error) = refusal"));
  const byType = new Map<number, string | null>();
  let otherwise = "";
  for (const [, pattern = "", verdict = ""] of body.matchAll(
    /([A-Z_|\s]+?)\s*=>\s*\{?\s*(None|Some\(DistributionError::\w+\))/g,
  )) {
    const refusal = verdict === "None" ? null : (/::(\w+)/.exec(verdict)?.[1] ?? "");
    for (const name of pattern.split("|").map((part) => part.trim())) {
      if (name === "_") otherwise = refusal ?? "";
      else {
        const type = constants.get(name);
        if (type === undefined) throw new Error(`${name} is not one of token.rs's extension constants`);
        byType.set(type, refusal);
      }
    }
  }
  return { byType, otherwise };
}

/** A Token-2022 mint's bytes with these (type, value length) extensions. */
function mint2022(extensions: [number, number][]): Uint8Array {
  const bytes = [...new Uint8Array(165), 1];
  bytes[45] = 1;
  for (const [type, length] of extensions)
    bytes.push(type & 0xff, type >> 8, length & 0xff, length >> 8, ...new Array(length).fill(0xab));
  return Uint8Array.from(bytes);
}

describe("the Token-2022 extensions a giveaway refuses", () => {
  it("are token.rs's judge_mint_extensions, type by type", () => {
    const program = programJudgements();
    expect(program.otherwise).toBe("MintHasUnknownExtension");
    expect(new Map(MINT_EXTENSION_JUDGEMENTS.map(({ type, refusal }) => [type, refusal]))).toEqual(program.byType);
  });

  it("refuses an interest-bearing or scaled-UI-amount mint: its authority can rescale what fans' wallets show", () => {
    expect(
      mintExtensionRefusal(
        mint2022([
          [18, 64],
          [10, 52],
        ]),
      )?.name,
    ).toBe("MintAmountRescalable");
    expect(
      mintExtensionRefusal(
        mint2022([
          [19, 20],
          [25, 56],
        ]),
      )?.name,
    ).toBe("MintAmountRescalable");
  });

  it("walks the list as the program does: the first refused entry, unknown types, a cut-off entry, the zero padding", () => {
    expect(
      mintExtensionRefusal(
        mint2022([
          [18, 64],
          [19, 120],
          [3, 32],
        ]),
      ),
    ).toBeUndefined();
    expect(
      mintExtensionRefusal(
        mint2022([
          [18, 64],
          [1, 108],
          [12, 32],
        ]),
      )?.name,
    ).toBe("MintHasTransferFee");
    expect(mintExtensionRefusal(mint2022([[27, 1]]))?.name).toBe("MintHasUnknownExtension");
    expect(mintExtensionRefusal(mint2022([[18, 64]]).slice(0, -1))?.name).toBe("InvalidMint");
    expect(mintExtensionRefusal(Uint8Array.from([...mint2022([[19, 10]]), ...new Uint8Array(12)]))).toBeUndefined();
    expect(mintExtensionRefusal(new Uint8Array(82))).toBeUndefined();
    expect(mintExtensionRefusal(new Uint8Array(165))?.name).toBe("InvalidMint");
  });
});
