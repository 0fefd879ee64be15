import { EventEmitter } from "node:events";
import type { Database } from "../db/database.ts";

/**
 * Tells the batcher of this process that claims were queued, so it wakes at once instead of sleeping out
 * its idle pause (another instance's batcher finds them within that pause). One signal per database, so
 * two backends in one process (tests) stay apart.
 */
export class QueueSignal extends EventEmitter<{ queued: [count: number] }> {
  announce(count: number): void {
    this.emit("queued", count);
  }
}

const signals = new WeakMap<Database, QueueSignal>();

export function queueSignalOf(database: Database): QueueSignal {
  let signal = signals.get(database);
  if (!signal) {
    signal = new QueueSignal();
    signals.set(database, signal);
  }
  return signal;
}
