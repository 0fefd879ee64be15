import { formatTokenAmount } from "../ui/format.ts";

/** Lamports as SOL text without rounding: 50000000 → "0.05 SOL". */
export function formatSol(lamports: bigint | string): string {
  return `${formatTokenAmount(lamports.toString(), 9)} SOL`;
}
