/**
 * Lighthouse: the assertion program Phantom and Solflare add to the transactions they sign, for their
 * users' protection. Its instructions only check accounts' state and fail the transaction when a check
 * fails, so a transaction carrying them does what it did without them, or nothing.
 */
export const LIGHTHOUSE_PROGRAM_ID = "L2TExMFKdjpN9kozasaurPirfHy9P8sbXoAN1qA3S95";
