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

/** A node-postgres pool with the same type handling as the PGlite engine. */
export function openPostgresDatabase(connectionString: string, poolSize = 10): Database {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    types: {
      getTypeParser: ((typeId: number, format?: "text" | "binary") => {
        if (TEXT_KEPT_TYPE_IDS.includes(typeId)) return keepText;
        if (typeId === BYTEA_TYPE_ID) return (text: string) => new Uint8Array(byteaParser(text) as Buffer);
        return pg.types.getTypeParser(typeId, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server (restart, failover) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const run = async <Row>(client: pg.Pool | pg.PoolClient, sql: string, parameters: readonly SqlParameter[] = []) => {
    const result = await client.query(sql, normalizeParameters(parameters));
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length } satisfies QueryResult<Row>;
  };
  return {
    engine: "postgres",
    query: (sql, parameters) => run(pool, sql, parameters),
    exec: async (sql) => {
      await pool.query(sql);
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
    close: () => pool.end(),
  };
}
