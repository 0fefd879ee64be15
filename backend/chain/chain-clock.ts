import { sha256 } from "@noble/hashes/sha2.js";
import bs58 from "bs58";

/** Agave's window: a blockhash can be used until 150 blocks after the block that produced it. */
export const BLOCKHASH_VALIDITY_BLOCKS = 150;
export const SLOTS_PER_EPOCH = 432_000;

/**
 * Slots follow the wall clock (one every `slotMs`), so Connection's confirmation and expiry polling
 * see a chain that moves. There are no skipped slots, so block height equals slot.
 * Blockhashes carry their own slot (24 bytes of MAC + the slot), so validity needs no table
 * and survives a restart of the process that serves the chain.
 */
export class ChainClock {
  private warpedMs = 0;
  private readonly startedAtMs: number;

  constructor(
    private readonly genesisHash: Uint8Array,
    private readonly firstSlot: number,
    private readonly slotMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAtMs = now();
  }

  slot(): number {
    return this.firstSlot + Math.floor((this.now() + this.warpedMs - this.startedAtMs) / this.slotMs);
  }

  unixTimestamp(): number {
    return Math.floor((this.now() + this.warpedMs) / 1000);
  }

  /** Moves slots and time forward together, as if the chain had run for that long. */
  warp(milliseconds: number): void {
    if (!(milliseconds >= 0)) throw new RangeError("the clock only moves forward");
    this.warpedMs += milliseconds;
  }

  blockhashForSlot(slot: number): string {
    const slotBytes = new Uint8Array(8);
    new DataView(slotBytes.buffer).setBigUint64(0, BigInt(slot), true);
    const mac = sha256(new Uint8Array([...this.genesisHash, ...slotBytes])).subarray(0, 24);
    return bs58.encode(new Uint8Array([...mac, ...slotBytes]));
  }

  /** The slot a blockhash was issued in, or undefined when this chain never issued it. */
  slotOfBlockhash(blockhash: string): number | undefined {
    let bytes: Uint8Array;
    try {
      bytes = bs58.decode(blockhash);
    } catch {
      return undefined;
    }
    if (bytes.length !== 32) return undefined;
    const slot = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(24, true));
    return this.blockhashForSlot(slot) === blockhash ? slot : undefined;
  }

  isBlockhashValid(blockhash: string): boolean {
    const issuedIn = this.slotOfBlockhash(blockhash);
    const current = this.slot();
    return issuedIn !== undefined && issuedIn <= current && current <= issuedIn + BLOCKHASH_VALIDITY_BLOCKS;
  }
}
