import { type ChainProgram, EmbeddedChain } from "./embedded-chain.ts";
import { startSnapshotAutosave } from "./snapshot-autosave.ts";

/** The embedded chain the backend runs (structured-cloned into the chain thread's workerData when it runs there). */
export interface BackendChainSettings {
  programs: ChainProgram[];
  /** Where the chain keeps its state between runs; omitted, it lives in memory. */
  snapshotPath?: string;
  /** How often the snapshot is saved when something happened. */
  autosaveMs: number;
  /** An account the chain funds at start, when its balance is under half of `lamports` (the batcher's fee payer). */
  funded?: { address: string; lamports: bigint };
}

/**
 * The embedded chain as the backend runs it, on its own thread or on the main one: its programs and
 * snapshot loaded, the fee payer funded when it runs low, the snapshot saved while it runs. `stop`
 * saves it once more.
 */
export function startBackendChain(
  settings: BackendChainSettings,
  onInternalError: (error: unknown) => void,
): { chain: EmbeddedChain; stop(): void } {
  const chain = new EmbeddedChain({
    programs: settings.programs,
    ...(settings.snapshotPath ? { snapshotPath: settings.snapshotPath } : {}),
  });
  if (settings.funded && chain.balance(settings.funded.address) < settings.funded.lamports / 2n) {
    chain.airdrop(settings.funded.address, settings.funded.lamports);
  }
  const autosave = settings.snapshotPath ? startSnapshotAutosave(chain, settings.autosaveMs, onInternalError) : undefined;
  return { chain, stop: () => autosave?.stop() };
}
