/** The typed client of the memefans_distribution program, for the backend and the extension alike. */
export * from "./batch-claim.ts";
export * from "./batch-size.ts";
export * from "./bitmap.ts";
export * from "./close-distribution.ts";
export * from "./create-distribution.ts";
export * from "./creator-controls.ts";
export * from "./discriminators.ts";
export * from "./distribution-account.ts";
export * from "./errors.ts";
export * from "./explain-error.ts";
export * from "./ids.ts";
export * from "./layout.ts";
export * from "./mint-extensions.ts";
export * from "./pda.ts";
export * from "./program-address.ts";
export * from "./program-id.ts";
