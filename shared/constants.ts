/** Limits shared by the program, the backend and the extension. The program enforces the same numbers. */

/** One bit per claim slot lives in the distribution account; 65,536 slots is an 8 KiB bitmap. */
export const MAX_CLAIMS = 65_536;

/** A giveaway may not run longer than this, so escrowed tokens are never locked indefinitely. */
export const MAX_DURATION_SECONDS = 90 * 24 * 60 * 60;

/** A giveaway starts at most this far ahead, so a mistyped start cannot lock the escrow for years. */
export const MAX_START_AHEAD_SECONDS = 30 * 24 * 60 * 60;

/** At most this many requirements, so the checklist fits under a post. */
export const MAX_REQUIREMENTS = 8;

/** X caps a post at 280 weighted characters; a required reply phrase must fit inside one. */
export const MAX_REPLY_PHRASE_LENGTH = 280;

export const U64_MAX = (1n << 64n) - 1n;

export const DEFAULT_BACKEND_PORT = 8787;

/** Path under PUBLIC_URL where a distribution's public link lives: <PUBLIC_URL>/d/<address>. */
export const DISTRIBUTION_LINK_PATH = "/d/";
