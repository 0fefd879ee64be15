import type { Server } from "node:http";
import { connect } from "node:net";
import { afterEach, expect, it } from "vitest";
import { createLimitedServer, DEFAULT_CONNECTION_LIMITS } from "./connection-limits.ts";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** Opens `count` connections at once, each asking once and staying open: how many are answered, how many closed unread. */
async function askTogether(maxConnectionsPerAddress: number, count: number): Promise<{ answered: number; refused: number }> {
  const limited = createLimitedServer({ ...DEFAULT_CONNECTION_LIMITS, maxConnectionsPerAddress }, {}, (_request, response) => {
    response.end("ok");
  });
  server = limited;
  await new Promise<void>((resolve) => limited.listen(0, "127.0.0.1", resolve));
  const { port } = limited.address() as { port: number };
  const outcomes = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<"answered" | "refused">((resolve) => {
          const socket = connect(port, "127.0.0.1");
          socket.once("data", () => resolve("answered"));
          socket.once("close", () => resolve("refused"));
          socket.on("error", () => {});
          socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }),
    ),
  );
  return {
    answered: outcomes.filter((outcome) => outcome === "answered").length,
    refused: outcomes.filter((outcome) => outcome === "refused").length,
  };
}

it("caps the connections one address holds", async () => {
  expect(await askTogether(3, 5)).toEqual({ answered: 3, refused: 2 });
});

it("caps nothing at 0, what the backend runs behind a proxy, where every client shares the proxy's address", async () => {
  expect(await askTogether(0, 20)).toEqual({ answered: 20, refused: 0 });
});
