import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP server standing in for the backend's write endpoints in tests: it honours
 * Idempotency-Key the way the contract requires (the same key gets the first answer again, and the
 * write happens once), and can be told to drop replies or refuse requests.
 */
export interface IdempotentBackend {
  url: string;
  /** Writes actually performed, by idempotency key. */
  effects: Map<string, unknown>;
  requests: number;
  mode: "normal" | "drop-reply" | "refuse";
  close(): Promise<void>;
}

export async function startIdempotentBackend(port = 0): Promise<IdempotentBackend> {
  const answers = new Map<string, { status: number; body: unknown }>();
  const state: IdempotentBackend = {
    url: "",
    effects: new Map(),
    requests: 0,
    mode: "normal",
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk) => {
      text += chunk;
    });
    request.on("end", () => {
      state.requests++;
      const key = request.headers["idempotency-key"];
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (typeof key !== "string")
        return send(400, { error: { code: "validation_failed", message: "Idempotency-Key is required" } });
      if (state.mode === "refuse") {
        return send(403, {
          error: { code: "requirements_not_met", message: "follow the creator first", details: { checks: [] } },
        });
      }
      let answer = answers.get(key);
      if (!answer) {
        const body = JSON.parse(text || "{}") as Record<string, unknown>;
        const at = new Date().toISOString();
        const claim = {
          id: randomUUID(),
          ...body,
          xUserId: "1001",
          slot: state.effects.size,
          status: "queued",
          createdAt: at,
          updatedAt: at,
        };
        state.effects.set(key, claim);
        answer = { status: 202, body: { claim } };
        answers.set(key, answer);
      }
      // The write happened, but the reply never arrives: the client must retry with the same key.
      if (state.mode === "drop-reply") return request.socket.destroy();
      send(answer.status, answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
