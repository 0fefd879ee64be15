import { createHash } from "node:crypto";
import pg from "pg";
import {
  type Database,
  keepText,
  normalizeParameters,
  type Queryable,
  type QueryResult,
  type SqlParameter,
  TEXT_KEPT_TYPE_IDS,
} from "./database.ts";

const BYTEA_TYPE_ID = 17;
const byteaParser = pg.types.getTypeParser(BYTEA_TYPE_ID);

/** The same JavaScript types from either engine: int8 and numeric as text, bytea as Uint8Array. */
export const engineTypes = {
  getTypeParser: ((typeId: number, format?: "text" | "binary") => {
    if (TEXT_KEPT_TYPE_IDS.includes(typeId)) return keepText;
    if (typeId === BYTEA_TYPE_ID) return (text: string) => new Uint8Array(byteaParser(text) as Buffer);
    return pg.types.getTypeParser(typeId, format);
  }) as typeof pg.types.getTypeParser,
};

const statementNames = new Map<string, string>();

/**
 * Every statement is prepared once per connection under a name derived from its text, so a query run
 * again skips parsing. Every SQL text in this backend is a constant, so the names stay few.
 */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `memefans_${createHash("sha256").update(sql).digest("hex").slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** An ErrorResponse from the server (it carries a SQLSTATE), as opposed to a broken connection. */
function isServerAnswer(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && typeof severity === "string";
}

/** One storage implementation over a node-postgres pool, whichever engine is behind it. */
export function poolDatabase(engine: Database["engine"], pool: pg.Pool, onClose: () => Promise<void> = async () => {}): Database {
  // An idle client losing its server (restart, failover) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  // A prepared statement's generic plan is made for the table sizes of the day it was chosen and kept
  // until statistics change, which never happens on the embedded engine (it has no autovacuum): the
  // claim route's lookups planned on an empty table turned into scans that grow with every claim.
  // Planning each execution with its parameters costs less than that. A client's queries run in order,
  // so this SET precedes the first statement.
  pool.on("connect", (client) => {
    client.query("SET plan_cache_mode = force_custom_plan").catch(() => {});
  });
  const run = async <Row>(client: pg.PoolClient, sql: string, parameters: readonly SqlParameter[] = []) => {
    const result = await client.query({ name: statementName(sql), text: sql, values: normalizeParameters(parameters) });
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length } satisfies QueryResult<Row>;
  };
  // pool.query would discard the connection on any error. An error the server answered (a constraint,
  // bad input) leaves the connection sound, and PGlite's one connection cannot be replaced at all.
  const onClient = async <T>(use: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      const result = await use(client);
      client.release();
      return result;
    } catch (error) {
      client.release(isServerAnswer(error) ? undefined : (error as Error));
      throw error;
    }
  };
  return {
    engine,
    query: (sql, parameters) => onClient((client) => run(client, sql, parameters)),
    exec: async (sql) => {
      await onClient((client) => client.query(sql));
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const scoped: Queryable = {
          query: (sql, parameters) => run(client, sql, parameters),
          exec: async (sql) => {
            await client.query(sql);
          },
        };
        const result = await work(scoped);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
      await onClose();
    },
  };
}

/** A PostgreSQL server through a node-postgres pool. */
export function openPostgresDatabase(connectionString: string, poolSize = 10): Database {
  return poolDatabase("postgres", new pg.Pool({ connectionString, max: poolSize, types: engineTypes }));
}
