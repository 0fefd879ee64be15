import { createServer } from "node:http";

/**
 * `bench:api`'s yardstick: a bare node:http server answering every request with a fixed JSON body, in a
 * process of its own like the backend. The same load against it measures what this machine can do at
 * all right now, so claims_intake_ratio compares machines and moments fairly.
 */
const body = JSON.stringify({ claim: { id: "00000000-0000-4000-8000-000000000000", status: "queued" } });
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
process.on("disconnect", () => server.close(() => process.exit(0)));
