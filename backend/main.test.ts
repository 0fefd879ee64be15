import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { DISTRIBUTION_PROGRAM_ID } from "../shared/program/index.ts";

it("`DEV_CHAIN_RPC=1 npm start` runs the backend on embedded defaults: PGlite, the chain on its own thread with the program at /rpc, the X emulator, and stops on SIGTERM", async () => {
  const dataDirectory = mkdtempSync(join(tmpdir(), "memefans-main-"));
  const child = spawn(process.execPath, ["--import", "tsx", "backend/main.ts"], {
    env: { ...process.env, PORT: "0", DATA_DIR: dataDirectory, LOG_LEVEL: "info", DEV_CHAIN_RPC: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const { url, output } = await new Promise<{ url: string; output: string }>((resolve, reject) => {
      let output = "";
      child.stdout.on("data", (chunk) => {
        output += String(chunk);
        const match = /memefans backend listening on (http:\/\/[\d.:]+)/.exec(output);
        if (match?.[1]) resolve({ url: match[1], output });
      });
      child.once("exit", (code) => reject(new Error(`main.ts exited ${code}: ${output}`)));
    });
    // LiteSVM executes batches off the event loop that serves HTTP.
    expect(output).toContain('"chain":"embedded, on its own thread, served at /rpc"');
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    const program = await fetch(`${url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "getAccountInfo",
        params: [DISTRIBUTION_PROGRAM_ID, { encoding: "base64" }],
      }),
    });
    expect(((await program.json()) as { result: { value: { executable: boolean } | null } }).result.value?.executable).toBe(true);
    const start = await fetch(
      `${url}/auth/x/start?redirect_uri=${encodeURIComponent("https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/")}`,
    );
    const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
    expect(authorizeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/i\/oauth2\/authorize\?/);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  } finally {
    child.kill("SIGKILL");
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}, 90_000);
