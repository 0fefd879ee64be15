import type { Connection, PublicKey } from "@solana/web3.js";
import { Router } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import type { Database } from "../db/database.ts";
import type { OpenApiRegistry } from "./openapi.ts";
import { sendJson } from "./send-json.ts";

/** A probe that hangs (a stalled RPC node) counts as a failure after this long. */
const PROBE_TIMEOUT_MS = 5_000;

export interface HealthDependencies {
  database: Database;
  connection: Connection;
  programId: PublicKey;
  openapi: OpenApiRegistry;
  /** Where a failed probe's error goes: its text can name internal hosts or an RPC URL's API key. */
  logger: Logger;
}

const healthySchema = z.object({ status: z.literal("ok") });
const degradedSchema = z.object({
  status: z.literal("degraded"),
  /** One line per part that is not ready, naming the part: "database: …", "chain: …", "program: …". */
  reasons: z.array(z.string()).min(1),
});

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The public reason for a part that failed its probe; the error itself goes to the log only. */
function notAnswering(part: "database" | "chain", error: unknown, logger: Logger): string {
  logger.warn({ err: error }, `health: the ${part} did not answer`);
  return `${part}: not answering (the backend's log has the error)`;
}

async function databaseProblem(database: Database, logger: Logger): Promise<string | undefined> {
  try {
    await withTimeout(database.query("select 1"), "the database");
    return undefined;
  } catch (error) {
    return notAnswering("database", error, logger);
  }
}

/** The chain answers, and the distribution program is deployed on it and executable. */
async function chainProblem(connection: Connection, programId: PublicKey, logger: Logger): Promise<string | undefined> {
  let program: Awaited<ReturnType<Connection["getAccountInfo"]>>;
  try {
    program = await withTimeout(connection.getAccountInfo(programId), "the chain");
  } catch (error) {
    return notAnswering("chain", error, logger);
  }
  if (!program) return `program: ${programId.toBase58()} is not deployed on the chain`;
  if (!program.executable) return `program: the account ${programId.toBase58()} is not an executable program`;
  return undefined;
}

/**
 * GET /healthz: `ok` only when the database answers, the chain answers and the distribution program
 * is deployed on it; otherwise 503 `degraded` with the reasons, so a load balancer takes the instance
 * out and an operator reads why. Every request probes afresh: readiness that is cached can lie.
 */
export function healthRouter(dependencies: HealthDependencies): Router {
  const router = Router();
  router.get("/healthz", async (_request, response) => {
    const reasons = (
      await Promise.all([
        databaseProblem(dependencies.database, dependencies.logger),
        chainProblem(dependencies.connection, dependencies.programId, dependencies.logger),
      ])
    ).filter((reason) => reason !== undefined);
    if (reasons.length === 0) sendJson(response, 200, healthySchema.parse({ status: "ok" }));
    else sendJson(response, 503, degradedSchema.parse({ status: "degraded", reasons }));
  });
  dependencies.openapi.describe({
    method: "get",
    path: "/healthz",
    summary: "Readiness: the database, the chain and the distribution program",
    request: {},
    responses: {
      200: { description: "ready", schema: healthySchema },
      503: { description: "not ready; the reasons say which part and why", schema: degradedSchema },
    },
  });
  return router;
}
