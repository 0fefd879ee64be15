import { describe, expect, it } from "vitest";
import type { Claimant } from "../../../shared/api/creator-dashboard.ts";
import { claimantsCsv, csvField } from "./claimants-csv.ts";

const WALLET = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const SIGNATURE = "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";

function claimant(overrides: Partial<Claimant>): Claimant {
  return {
    slot: 0,
    xUserId: "1399000000000000002",
    username: "superfan",
    wallet: WALLET,
    status: "confirmed",
    signature: SIGNATURE,
    claimedAt: "2026-12-05T04:00:00.000Z",
    updatedAt: "2026-12-05T04:00:03.000Z",
    ...overrides,
  };
}

/** A minimal RFC 4180 reader, so the test checks what a spreadsheet would read back, not our own quoting. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\r" && text[index + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      index++;
    } else field += char;
  }
  return rows;
}

describe("claimants CSV", () => {
  it("has a header and one CRLF-terminated row per claimant, the amount only on paid rows", () => {
    const csv = claimantsCsv(
      [
        claimant({ slot: 1 }),
        claimant({ slot: 0, status: "failed", failureReason: "needs_token_account", signature: undefined }),
      ],
      "2.5",
    );
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.slice(0, csv.indexOf("\r\n"))).toBe(
      "slot,x_handle,x_profile,wallet,status,failure_reason,claimed_at,updated_at,amount,transaction",
    );
    expect(parseCsv(csv).slice(1)).toEqual([
      [
        "1",
        "superfan",
        "https://x.com/superfan",
        WALLET,
        "confirmed",
        "",
        "2026-12-05T04:00:00.000Z",
        "2026-12-05T04:00:03.000Z",
        "2.5",
        SIGNATURE,
      ],
      [
        "0",
        "superfan",
        "https://x.com/superfan",
        WALLET,
        "failed",
        "needs_token_account",
        "2026-12-05T04:00:00.000Z",
        "2026-12-05T04:00:03.000Z",
        "",
        "",
      ],
    ]);
  });

  it("quotes commas, quotes, line breaks and edge spaces so each cell reads back as it was", () => {
    for (const value of ['say "gm"', "a,b", "two\nlines", "cr\r\nlf", " padded "]) {
      expect(parseCsv(`${csvField(value)}\r\n`)).toEqual([[value]]);
    }
    expect(csvField("plain_handle")).toBe("plain_handle");
  });

  it("defuses cells a spreadsheet would run as formulas", () => {
    for (const attack of ['=HYPERLINK("https://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]) {
      const [cell] = parseCsv(`${csvField(attack)}\r\n`)[0] ?? [];
      expect(cell).toBe(`'${attack}`);
    }
    const [, row] = parseCsv(claimantsCsv([claimant({ username: "=cmd|'/c calc'!A1", failureReason: "@evil" })], "1"));
    expect(row?.[1]).toBe("'=cmd|'/c calc'!A1");
    expect(row?.[5]).toBe("'@evil");
    // The profile link is percent-encoded, so it cannot start a formula either.
    expect(row?.[2]).toBe("https://x.com/%3Dcmd%7C'%2Fc%20calc'!A1");
  });
});
