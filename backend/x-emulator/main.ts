import { z } from "zod";
import { createXApiEmulator, DEFAULT_APP_BEARER_TOKEN, DEFAULT_EMULATOR_CLIENT_ID } from "./app.ts";

/** `npm run x-emulator`: the X API emulator alone, on loopback. X_EMULATOR_PORT / X_EMULATOR_HOST override. */
const environment = z
  .object({
    X_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
    X_EMULATOR_HOST: z.string().min(1).default("127.0.0.1"),
  })
  .safeParse(process.env);
if (!environment.success) {
  console.error(
    `invalid emulator configuration: ${environment.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
  );
  process.exit(1);
}
const { X_EMULATOR_PORT: port, X_EMULATOR_HOST: host } = environment.data;
const server = createXApiEmulator().app.listen(port, host, () => {
  console.log(
    `X API emulator on http://${host}:${port} (client id ${DEFAULT_EMULATOR_CLIENT_ID}, app token ${DEFAULT_APP_BEARER_TOKEN})`,
  );
  console.log(`consent page: http://${host}:${port}/i/oauth2/authorize ; admin: http://${host}:${port}/__emulator/seed`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.close(() => process.exit(0)));
