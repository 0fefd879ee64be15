import { createServer } from "node:http";
import { answerCpuCommands, YARDSTICK_ANSWER } from "./protocol.ts";

/**
 * `bench:api`'s yardstick: a bare node:http server answering every request with a fixed JSON body, in a
 * process of its own like the backend. The same load against it measures what this machine can do at
 * all right now, so claims_intake_ratio compares machines and moments fairly.
 */
const body = JSON.stringify(YARDSTICK_ANSWER);
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(202, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    response.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (typeof address === "object" && address) process.send?.({ type: "listening", port: address.port });
});
answerCpuCommands();
process.on("disconnect", () => server.close(() => process.exit(0)));
