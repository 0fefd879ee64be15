import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, readMigrations } from "./migrate.ts";
import { openDatabase } from "./open-database.ts";
import { openPgliteDatabase } from "./pglite-database.ts";
import { openPostgresDatabase } from "./postgres-database.ts";
import { describeEachEngine, TestPostgres } from "./testing/engines.ts";

describeEachEngine("database", (database) => {
  it("applies every migration once and records it", async () => {
    const versions = await database().query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
    expect(versions.rows.map((row) => row.version)).toEqual(readMigrations().map((migration) => migration.version));
    expect(await migrate(database())).toEqual([]);
  });

  it("returns the same JavaScript types on both engines", async () => {
    const result = await database().query<{ big: string; amount: string; at: Date; doc: unknown; flag: boolean; small: number }>(
      "SELECT $1::int8 AS big, $2::numeric(20,0) AS amount, $3::timestamptz AS at, $4::jsonb AS doc, true AS flag, 7::int4 AS small",
      [9_007_199_254_740_993n, 18_446_744_073_709_551_615n, new Date("2026-01-02T03:04:05Z"), JSON.stringify({ a: [1, "x"] })],
    );
    const row = result.rows[0];
    expect(row?.big).toBe("9007199254740993");
    expect(row?.amount).toBe("18446744073709551615");
    expect(row?.at).toEqual(new Date("2026-01-02T03:04:05Z"));
    expect(row?.doc).toEqual({ a: [1, "x"] });
    expect(row?.flag).toBe(true);
    expect(row?.small).toBe(7);
  });

  it("counts changed rows and rolls back a failed transaction", async () => {
    await database().exec("CREATE TABLE rollback_probe (id integer PRIMARY KEY)");
    const inserted = await database().query("INSERT INTO rollback_probe (id) VALUES (1), (2)");
    expect(inserted.rowCount).toBe(2);
    await expect(
      database().transaction(async (transaction) => {
        await transaction.query("INSERT INTO rollback_probe (id) VALUES (3)");
        await transaction.query("INSERT INTO rollback_probe (id) VALUES (1)");
      }),
    ).rejects.toThrow(/duplicate key/);
    const rows = await database().query<{ id: number }>("SELECT id FROM rollback_probe ORDER BY id");
    expect(rows.rows.map((row) => row.id)).toEqual([1, 2]);
    const committed = await database().transaction(async (transaction) => {
      await transaction.query("INSERT INTO rollback_probe (id) VALUES (4)");
      return (await transaction.query("SELECT count(*)::int AS n FROM rollback_probe")).rows[0];
    });
    expect(committed).toEqual({ n: 3 });
  });

  it("plans each execution with its parameters: no generic plan made for the table sizes of its first runs", async () => {
    const sql = "SELECT count(*)::int AS n FROM schema_migrations WHERE version > $1";
    const plans = await database().transaction(async (transaction) => {
      for (let run = 0; run < 8; run++) await transaction.query(sql, [run]);
      return (
        await transaction.query<{ generic_plans: string; custom_plans: string }>(
          "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1",
          [sql],
        )
      ).rows;
    });
    expect(plans).toEqual([{ generic_plans: "0", custom_plans: "8" }]);
  });

  it("keeps serving after a statement fails outside a transaction", async () => {
    await database().exec("CREATE TABLE failure_probe (id integer PRIMARY KEY)");
    await database().query("INSERT INTO failure_probe (id) VALUES ($1)", [1]);
    await expect(database().query("INSERT INTO failure_probe (id) VALUES ($1)", [1])).rejects.toMatchObject({ code: "23505" });
    expect((await database().query<{ n: number }>("SELECT count(*)::int AS n FROM failure_probe")).rows).toEqual([{ n: 1 }]);
  });

  it("refuses to start when an applied migration file was edited", async () => {
    const [first, ...rest] = readMigrations();
    if (!first) throw new Error("no migrations");
    await expect(
      migrate(database(), [{ ...first, sql: `${first.sql}\n-- edited`, checksum: "edited" }, ...rest]),
    ).rejects.toThrow(/changed after it was applied/);
  });
});

describe("migrations", () => {
  const postgres = new TestPostgres();
  afterAll(() => postgres.stop());

  it("survive concurrent starters on one PostgreSQL server (advisory lock)", async () => {
    const url = await postgres.createDatabaseUrl();
    const starters = Array.from({ length: 4 }, () => openPostgresDatabase(url, 2));
    const applied = await Promise.all(starters.map((starter) => migrate(starter)));
    await Promise.all(starters.map((starter) => starter.close()));
    const total = applied.flat();
    expect(total.sort((a, b) => a - b)).toEqual(readMigrations().map((migration) => migration.version));
    expect(applied.filter((versions) => versions.length > 0)).toHaveLength(1);
  }, 60_000);

  it("persist in the PGlite data directory across restarts", async () => {
    const directory = mkdtempSync(join(tmpdir(), "memefans-pglite-"));
    try {
      const first = await openDatabase({ dataDirectory: directory });
      await first.query(
        "INSERT INTO oauth_states (state, code_verifier, redirect_uri, expires_at) VALUES ('s', 'v', 'r', now())",
      );
      await first.close();
      const second = await openDatabase({ dataDirectory: directory });
      const rows = await second.query<{ state: string }>("SELECT state FROM oauth_states");
      expect(rows.rows).toEqual([{ state: "s" }]);
      await second.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 60_000);

  it("refuse a misnamed migration file", async () => {
    const directory = mkdtempSync(join(tmpdir(), "memefans-migrations-"));
    try {
      writeFileSync(join(directory, "7-bad.sql"), "SELECT 1");
      expect(() => readMigrations(directory)).toThrow(/NNN_lowercase_name/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("open an in-memory PGlite without a directory", async () => {
    const database = await openPgliteDatabase();
    expect((await database.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await database.close();
  });
});
