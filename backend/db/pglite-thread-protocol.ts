import type { QueryResult, SqlParameter } from "./database.ts";

/** What the main thread asks of the PGlite thread; `transaction` names one opened by `begin`. */
export type ThreadRequest = { id: number } & (
  | { op: "query"; sql: string; parameters?: readonly SqlParameter[]; transaction?: number }
  | { op: "exec"; sql: string; transaction?: number }
  | { op: "begin" }
  | { op: "finish"; transaction: number; commit: boolean }
  | { op: "close" }
);

/** An error as it crosses threads: structured clone keeps an Error's message only, not pg's SQLSTATE fields. */
export interface ThreadError {
  name: string;
  message: string;
  fields: Record<string, string | number | boolean>;
}

export type ThreadReply =
  | { id: number; result: QueryResult<unknown> | number | null }
  | { id: number; error: ThreadError }
  | { ready: true }
  | { failedToOpen: ThreadError };

export function toThreadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error), fields: {} };
  const fields: ThreadError["fields"] = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") fields[key] = value;
  }
  return { name: error.name, message: error.message, fields };
}

export function fromThreadError({ name, message, fields }: ThreadError): Error {
  const error = Object.assign(new Error(message), fields);
  error.name = name;
  return error;
}
