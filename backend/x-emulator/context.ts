import type { Billing } from "./billing.ts";
import type { RateLimiter } from "./rate-limits.ts";
import type { EmulatorStore } from "./store.ts";
import type { EmulatedClient, TokenRegistry } from "./tokens.ts";

/** Everything the emulator's routes share. */
export interface EmulatorContext {
  readonly store: EmulatorStore;
  tokens: TokenRegistry;
  limiter: RateLimiter;
  /** What X would charge for the responses served. */
  billing: Billing;
  clients: Map<string, EmulatedClient>;
  /** Apps whose calls get 403 client-forbidden / client-not-enrolled. */
  notEnrolledClientIds: Set<string>;
  now: () => number;
}
