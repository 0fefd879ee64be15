import { createServer, type ServerResponse } from "node:http";
import { ClaimIntake } from "../claims/claim-intake.ts";
import { openBenchDatabase } from "./bench-database.ts";
import { answerCpuCommands } from "./protocol.ts";

/**
 * `bench:api`'s second yardstick: a claim's durable write and nothing else. A bare node:http server reads
 * and parses each request's body and hands it to ClaimIntake, as POST /claims does last: slots handed
 * out and queue rows written by group commit through insert_claims, into the engine the backend runs
 * on (PGlite in a file on its own thread; a PostgreSQL server with BENCH_POSTGRES=1), in a process of
 * its own. No middleware, no session, no checks. No path that writes each claim before answering it
 * takes claims faster, so its rate beside the hello yardstick's bounds claims_intake_ratio from above.
 *
 * The fan is the bearer token, once per giveaway, so the same fans can claim each run's giveaway anew.
 */
const MAX_CLAIMS = 2 ** 31 - 1;

const dataDirectory = process.argv[2];
if (!dataDirectory) throw new Error("usage: write-floor-server.ts <data directory>");
const { database, postgres } = await openBenchDatabase(dataDirectory);
const intake = new ClaimIntake(database);

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const { distribution, wallet } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      distribution: string;
      wallet: string;
    };
    const token = request.headers.authorization ?? "";
    const idempotencyKey = String(request.headers["idempotency-key"]);
    intake.submit({ xUserId: `${token}/${distribution}`, distribution, maxClaims: MAX_CLAIMS, wallet, idempotencyKey }).then(
      // Anything but a new claim is a fault of the run, counted as an error beside the rate.
      (outcome) => answer(response, outcome.kind === "created" ? 202 : 409, outcome),
      (error: unknown) => answer(response, 500, { error: String(error) }),
    );
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (typeof address === "object" && address) process.send?.({ type: "listening", port: address.port });
});
answerCpuCommands();
process.on("disconnect", () =>
  server.close(async () => {
    await database.close();
    postgres?.stop();
    process.exit(0);
  }),
);
