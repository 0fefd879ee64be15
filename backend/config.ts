import { z } from "zod";
import { DEFAULT_BACKEND_PORT } from "../shared/constants.ts";

/** Every setting the backend reads from the environment, with its embedded default. */
const environmentSchema = z.object({
  PORT: z.coerce
    .number()
    .int("PORT must be a whole number")
    .min(0, "PORT must be between 0 and 65535")
    .max(65535, "PORT must be between 0 and 65535")
    .default(DEFAULT_BACKEND_PORT),
  HOST: z.string().min(1).default("127.0.0.1"),
});

export type BackendConfig = z.output<typeof environmentSchema>;

export function readConfig(environment: NodeJS.ProcessEnv = process.env): BackendConfig {
  const result = environmentSchema.safeParse(environment);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid backend configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}
