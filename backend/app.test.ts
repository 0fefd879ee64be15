import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app.ts";
import { readConfig } from "./config.ts";

describe("backend", () => {
  let baseUrl = "";
  let close: () => void = () => {};

  beforeAll(async () => {
    const server = createApp().listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it("answers GET /healthz", async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("listens on 8787 unless PORT says otherwise", () => {
    expect(readConfig({}).PORT).toBe(8787);
    expect(readConfig({ PORT: "9000" }).PORT).toBe(9000);
    expect(() => readConfig({ PORT: "http" })).toThrow(/PORT/);
  });
});
