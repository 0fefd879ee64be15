/**
 * Lighthouse: the assertion program Phantom and Solflare add to the transactions they sign, for their
 * users' protection. Its assertions only check accounts' state and fail the transaction when a check
 * fails, so a transaction carrying them does what it did without them, or nothing.
 */
export const LIGHTHOUSE_PROGRAM_ID = "L2TExMFKdjpN9kozasaurPirfHy9P8sbXoAN1qA3S95";

/**
 * Lighthouse's instructions that are not assertions: MemoryWrite (0) and MemoryClose (1) make and
 * close accounts of its own, paid by a signer. Every other instruction of it asserts.
 */
const LIGHTHOUSE_MEMORY_INSTRUCTIONS = new Set([0, 1]);

/** Whether instruction `data` of the Lighthouse program is an assertion, and nothing else. */
export function isLighthouseAssertion(data: Uint8Array): boolean {
  const kind = data[0];
  return kind !== undefined && !LIGHTHOUSE_MEMORY_INSTRUCTIONS.has(kind);
}
