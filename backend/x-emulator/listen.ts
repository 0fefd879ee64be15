import type { AddressInfo } from "node:net";
import { createXApiEmulator, type XApiEmulator, type XApiEmulatorOptions } from "./app.ts";

export interface RunningXApiEmulator extends XApiEmulator {
  /** http://127.0.0.1:<port>, usable as both the API base URL and the authorize page's origin. */
  url: string;
  close(): Promise<void>;
}

/** Starts the emulator on loopback (port 0 picks a free one), for tests and the backend's dev mode. */
export async function startXApiEmulator(options: XApiEmulatorOptions = {}, port = 0): Promise<RunningXApiEmulator> {
  const emulator = createXApiEmulator(options);
  const server = emulator.app.listen(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return Object.assign(emulator, {
    url: `http://127.0.0.1:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
