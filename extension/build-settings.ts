import { DEFAULT_BACKEND_PORT } from "../shared/constants.ts";
import { DISTRIBUTION_PROGRAM_ID } from "../shared/program/program-id.ts";

/**
 * The backend this build talks to until the user picks another: the one a store build bakes in
 * (`BACKEND_URL=https://… npm run zip:extension`), else the local `npm start`.
 */
export const BUILT_IN_BACKEND_URL: string = import.meta.env.WXT_BACKEND_URL || `http://127.0.0.1:${DEFAULT_BACKEND_PORT}`;

/** The distribution program on the cluster this build serves (DISTRIBUTION_PROGRAM_ID at build time), else localnet's. */
export const BUILT_IN_PROGRAM_ID: string = import.meta.env.WXT_DISTRIBUTION_PROGRAM_ID || DISTRIBUTION_PROGRAM_ID;
