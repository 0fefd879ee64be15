import type { RateLimiter } from "./rate-limits.ts";
import type { EmulatorStore } from "./store.ts";
import type { EmulatedClient, TokenRegistry } from "./tokens.ts";

/** Everything the emulator's routes share. */
export interface EmulatorContext {
  readonly store: EmulatorStore;
  tokens: TokenRegistry;
  limiter: RateLimiter;
  clients: Map<string, EmulatedClient>;
  /** Apps whose calls get 403 client-forbidden / client-not-enrolled. */
  notEnrolledClientIds: Set<string>;
  now: () => number;
}
