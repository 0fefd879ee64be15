import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import {
  type Database,
  keepText,
  normalizeParameters,
  type Queryable,
  type QueryResult,
  type SqlParameter,
  TEXT_KEPT_TYPE_IDS,
} from "./database.ts";

/**
 * Embedded PostgreSQL (PGlite) in `dataDirectory`, or in memory when it is omitted (tests).
 * PGlite is one connection; it runs a transaction exclusively, so callers never interleave inside one.
 */
export async function openPgliteDatabase(dataDirectory?: string): Promise<Database> {
  if (dataDirectory) mkdirSync(dataDirectory, { recursive: true });
  const pglite = await PGlite.create(dataDirectory, {
    parsers: Object.fromEntries(TEXT_KEPT_TYPE_IDS.map((typeId) => [typeId, keepText])),
  });
  const run = async <Row>(target: Pick<PGlite, "query">, sql: string, parameters: readonly SqlParameter[] = []) => {
    const result = await target.query<Row>(sql, normalizeParameters(parameters));
    return { rows: result.rows, rowCount: result.affectedRows || result.rows.length } satisfies QueryResult<Row>;
  };
  return {
    engine: "pglite",
    query: (sql, parameters) => run(pglite, sql, parameters),
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    transaction: (work) =>
      pglite.transaction((transaction) => {
        const scoped: Queryable = {
          query: (sql, parameters) => run(transaction, sql, parameters),
          exec: async (sql) => {
            await transaction.exec(sql);
          },
        };
        return work(scoped);
      }),
    close: () => pglite.close(),
  };
}
