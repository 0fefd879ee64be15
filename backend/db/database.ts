/**
 * One storage interface over two engines that run the same SQL: embedded PGlite (the default) and a
 * PostgreSQL server through node-postgres (when DATABASE_URL is set).
 *
 * Both engines hand back the same JavaScript types, so callers never branch on the engine:
 * int8 and numeric columns arrive as decimal strings (JSON-safe and exact), timestamptz as Date,
 * json/jsonb as parsed values, bytea as Uint8Array.
 */

export type SqlParameter = string | number | boolean | null | bigint | Date | Uint8Array | readonly unknown[] | object;

export interface QueryResult<Row> {
  rows: Row[];
  /** Rows returned by a SELECT or changed by INSERT/UPDATE/DELETE. */
  rowCount: number;
}

/** Something SQL can be run on: the database itself or an open transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, parameters?: readonly SqlParameter[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly engine: "pglite" | "postgres";
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** PostgreSQL type ids (int8, numeric) whose text form both engines hand back unparsed: exact and JSON-safe. */
export const TEXT_KEPT_TYPE_IDS: readonly number[] = [20, 1700];
export const keepText = (text: string): string => text;

/** bigint parameters travel as decimal text: both engines then cast them to the column's type exactly. */
export function normalizeParameters(parameters: readonly SqlParameter[]): unknown[] {
  return parameters.map((parameter) => (typeof parameter === "bigint" ? parameter.toString() : parameter));
}
