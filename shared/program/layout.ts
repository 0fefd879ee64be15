/** Byte layout of the Distribution account, as the program writes it (see the program spec). */

export const DISTRIBUTION_ACCOUNT_VERSION = 1;

/** Everything before the bitmap's u32 length prefix. */
export const DISTRIBUTION_HEADER_SIZE = 252;

/** An SPL Token (classic) account is always this long. */
export const TOKEN_ACCOUNT_SIZE = 165;

/** Slots are u16 on the wire, so a distribution has at most 65,536 of them (the same as MAX_CLAIMS). */
export const MAX_SLOT = 0xffff;

/** One bit per slot, rounded up to whole bytes. */
export function bitmapLength(maxClaims: number): number {
  return Math.ceil(maxClaims / 8);
}

export function distributionAccountSize(maxClaims: number): number {
  return DISTRIBUTION_HEADER_SIZE + 4 + bitmapLength(maxClaims);
}
