import type { TestProject } from "vitest/node";
import { startPostgresServer } from "./postgres-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The admin URL of the run's shared PostgreSQL server; test files create their own databases on it. */
    memefansPostgresUrl: string;
  }
}

/** vitest globalSetup: one PostgreSQL server for the whole run instead of one per storage test file. */
export default async function setup(project: TestProject): Promise<() => void> {
  const server = await startPostgresServer();
  project.provide("memefansPostgresUrl", server.adminUrl);
  return () => server.stop();
}
