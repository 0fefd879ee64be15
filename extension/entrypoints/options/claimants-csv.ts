import type { Claimant } from "../../../shared/api/creator-dashboard.ts";

/**
 * The claimants as CSV (RFC 4180) for the creator's spreadsheet. Written here rather than with a CSV
 * library: writing is these few lines, and the one subtle rule, formula injection, is spelled out below.
 */

const HEADER = [
  "slot",
  "x_handle",
  "x_profile",
  "wallet",
  "status",
  "failure_reason",
  "claimed_at",
  "updated_at",
  "amount",
  "transaction",
];

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return that hides one) as a
 * formula, so a fan whose text begins "=HYPERLINK(…)" would act inside the creator's sheet. Such a
 * cell is prefixed with an apostrophe, which spreadsheets show as text (OWASP's advice for CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** `amount` is what each paid claim received, in the token's units ("2.5"); unpaid rows leave it empty. */
export function claimantsCsv(claimants: readonly Claimant[], amount: string): string {
  const rows = claimants.map((claimant) => [
    String(claimant.slot),
    // Without the "@": a cell that starts with one is a formula to a spreadsheet.
    claimant.username,
    `https://x.com/${encodeURIComponent(claimant.username)}`,
    claimant.wallet,
    claimant.status,
    claimant.failureReason ?? "",
    claimant.claimedAt,
    claimant.updatedAt,
    claimant.status === "confirmed" ? amount : "",
    claimant.signature ?? "",
  ]);
  return `${[HEADER, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}
