import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { appServerClasses } from "./server-classes.ts";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(server: Server): Promise<string> {
  servers.push(server.listen(0, "127.0.0.1"));
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function echoApp() {
  const app = express();
  app.set("trust proxy", 1);
  app.get("/echo", (request, response) => {
    response
      .status(201)
      .json({ header: request.get("x-probe"), query: request.query.q, ip: request.ip, sameApp: request.app === app });
  });
  return app;
}

describe("appServerClasses", () => {
  it("makes requests and responses with the app's prototypes already in place, so Express has none to change", async () => {
    const app = echoApp();
    const classes = appServerClasses(app);
    const prototypesOnArrival: unknown[] = [];
    const url = await serve(
      createServer(classes, (request, response) => {
        prototypesOnArrival.push(
          Object.getPrototypeOf(request) === app.request,
          Object.getPrototypeOf(response) === app.response,
        );
        app(request, response);
      }),
    );
    const response = await fetch(`${url}/echo?q=1`, { headers: { "x-probe": "yes", "x-forwarded-for": "203.0.113.9" } });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ header: "yes", query: "1", ip: "203.0.113.9", sameApp: true });
    expect(prototypesOnArrival).toEqual([true, true]);
  });

  it("leaves the app serving requests made by any other server", async () => {
    const app = echoApp();
    appServerClasses(app);
    let request: IncomingMessage | undefined;
    const url = await serve(
      createServer((incoming, outgoing) => {
        request = incoming;
        app(incoming, outgoing);
      }),
    );
    const response = await fetch(`${url}/echo?q=2`, { headers: { "x-probe": "plain" } });
    expect(await response.json()).toMatchObject({ header: "plain", query: "2", sameApp: true });
    expect(Object.getPrototypeOf(request)).toBe(app.request);
  });
});
