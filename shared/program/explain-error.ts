import { z } from "zod";
import { distributionErrorByCode } from "./errors.ts";

/** The JSON shape RPC nodes report: { InstructionError: [index, { Custom: code }] }. */
const instructionErrorSchema = z.object({
  InstructionError: z.tuple([z.number(), z.object({ Custom: z.number().int().nonnegative() })]),
});

/** Where web3.js puts the pieces: SendTransactionError has message + logs; confirmations carry { err }. */
const errorCarrierSchema = z.object({
  err: z.unknown().optional(),
  message: z.string().optional(),
  logs: z.array(z.string()).optional(),
  transactionLogs: z.array(z.string()).optional(),
});

const CUSTOM_ERROR_TEXT = /custom program error: 0x([0-9a-f]+)/i;

function codeFromText(text: string): number | undefined {
  const match = CUSTOM_ERROR_TEXT.exec(text);
  return match?.[1] ? Number.parseInt(match[1], 16) : undefined;
}

/** Finds the custom error code in whatever a failed send or confirmation produced, if it has one. */
export function customErrorCode(failure: unknown): number | undefined {
  const direct = instructionErrorSchema.safeParse(failure);
  if (direct.success) return direct.data.InstructionError[1].Custom;
  if (typeof failure === "string") return codeFromText(failure);
  const carrier = errorCarrierSchema.safeParse(failure);
  if (!carrier.success) return undefined;
  const { err, message, logs, transactionLogs } = carrier.data;
  if (err !== undefined) {
    const fromErr = customErrorCode(err);
    if (fromErr !== undefined) return fromErr;
  }
  // The log line "Program <id> failed: custom program error: 0x.." names the failing program; the last one is ours.
  for (const line of [...(logs ?? transactionLogs ?? [])].reverse()) {
    const fromLog = codeFromText(line);
    if (fromLog !== undefined) return fromLog;
  }
  return message === undefined ? undefined : codeFromText(message);
}

/**
 * A sentence a person can read for a failed distribution transaction, e.g.
 * "The distribution is paused (Paused, error 6032)". Codes outside the program's table come from a
 * program it called (SPL Token's own codes are small numbers), and are said to be so.
 */
export function describeTransactionFailure(failure: unknown): string {
  const code = customErrorCode(failure);
  if (code === undefined) {
    if (failure instanceof Error) return failure.message;
    // A runtime error such as {"InstructionError":[1,"ComputationalBudgetExceeded"]}, kept readable.
    return `transaction failed: ${typeof failure === "string" ? failure : JSON.stringify(failure)}`;
  }
  const known = distributionErrorByCode(code);
  if (known) return `${known.message} (${known.name}, error ${known.code})`;
  return `custom program error ${code}, which is not a distribution program error (it came from a program the transaction called)`;
}
