import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "../../http/testing/free-port.ts";

/**
 * A throwaway PostgreSQL server on loopback for tests: initdb into a temporary directory, pg_ctl start,
 * trust authentication, no fsync. As root it runs as the `postgres` system user, because PostgreSQL
 * refuses to run as root. It never skips: if the server cannot start, the error says what to install.
 */
export interface PostgresServer {
  /** URL of the server's `postgres` database, for creating per-test databases. */
  adminUrl: string;
  stop(): void;
}

function findBinDirectory(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, "bin", "pg_ctl")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (!newest) {
    throw new Error(
      "PostgreSQL is not installed: storage tests need Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin). " +
        "`npm test` installs it when it runs as root; otherwise run `apt-get install postgresql`.",
    );
  }
  return join(root, newest, "bin");
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findBinDirectory();
  const directory = mkdtempSync(join(tmpdir(), "memefans-pg-"));
  const dataDirectory = join(directory, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(directory, uid, gid);
  }
  const run = (program: string, args: string[]) => {
    const [command, commandArgs] = asRoot
      ? ["runuser", ["-u", "postgres", "--", join(bin, program), ...args]]
      : [join(bin, program), args];
    const result = spawnSync(command, commandArgs, { encoding: "utf8", timeout: 60_000 });
    if (result.status !== 0) {
      const log = existsSync(join(directory, "server.log")) ? readFileSync(join(directory, "server.log"), "utf8") : "";
      rmSync(directory, { recursive: true, force: true });
      throw new Error(
        `PostgreSQL could not be started for the storage tests (${program} exited ${result.status ?? result.signal}):\n` +
          `${result.stderr}${result.stdout}${log}`,
      );
    }
  };
  run("initdb", ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run("pg_ctl", ["start", "-w", "-t", "60", "-D", dataDirectory, "-l", join(directory, "server.log"), "-o", options]);
  let stopped = false;
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      if (stopped) return;
      stopped = true;
      const [command, args] = asRoot
        ? ["runuser", ["-u", "postgres", "--", join(bin, "pg_ctl"), "stop", "-m", "immediate", "-D", dataDirectory]]
        : [join(bin, "pg_ctl"), ["stop", "-m", "immediate", "-D", dataDirectory]];
      spawnSync(command, args, { timeout: 30_000 });
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A fresh, empty database on `adminUrl`'s server; each test file gets its own. */
export async function createDatabaseOn(adminUrl: string): Promise<string> {
  const name = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
