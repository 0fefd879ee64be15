/** Slot s lives in byte s >> 3, bit s & 7, least significant bit first (as the program writes it). */
export function isSlotClaimed(bitmap: Uint8Array, slot: number): boolean {
  const byte = bitmap[slot >> 3];
  if (byte === undefined) throw new RangeError(`slot ${slot} is outside a bitmap of ${bitmap.length * 8} slots`);
  return ((byte >> (slot & 7)) & 1) === 1;
}

/** The slots still open, lowest first: what the batcher may assign next. */
export function unclaimedSlots(bitmap: Uint8Array, maxClaims: number): number[] {
  const open: number[] = [];
  for (let slot = 0; slot < maxClaims; slot++) if (!isSlotClaimed(bitmap, slot)) open.push(slot);
  return open;
}
