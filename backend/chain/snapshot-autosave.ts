import type { EmbeddedChain } from "./embedded-chain.ts";

/** Saves the chain's snapshot every `intervalMs` when something happened, and once more when stopped. */
export function startSnapshotAutosave(
  chain: EmbeddedChain,
  intervalMs = 1_000,
  onError?: (error: unknown) => void,
): { stop(): void } {
  const save = () => {
    try {
      chain.saveSnapshot();
    } catch (error) {
      onError?.(error);
    }
  };
  const timer = setInterval(save, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      save();
    },
  };
}
