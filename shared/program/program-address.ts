import { sha256 } from "@noble/hashes/sha2.js";
import { ASSOCIATED_TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";

/** The field prime of curve25519, 2^255 − 19. */
const FIELD_PRIME = (1n << 255n) - 19n;
/** Edwards25519's d = −121665/121666 mod p. */
const EDWARDS_D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
const PDA_MARKER = new TextEncoder().encode("ProgramDerivedAddress");

/** The Jacobi symbol (a/n) for odd n > 0: for a prime n, 1 when a is a nonzero square mod n, −1 when not, 0 when n divides a. */
function jacobi(value: bigint, modulus: bigint): number {
  let a = value % modulus;
  let n = modulus;
  let sign = 1;
  while (a !== 0n) {
    while ((a & 3n) === 0n) a >>= 2n;
    if ((a & 1n) === 0n) {
      a >>= 1n;
      const residue = n & 7n;
      if (residue === 3n || residue === 5n) sign = -sign;
    }
    [a, n] = [n, a];
    if ((a & 3n) === 3n && (n & 3n) === 3n) sign = -sign;
    a %= n;
  }
  return n === 1n ? sign : 0;
}

/**
 * Whether 32 bytes decompress to an ed25519 point, as the runtime decides it (curve25519-dalek: the
 * top bit is x's sign, y is reduced mod p). y is on the curve when x² = (y² − 1)/(d·y² + 1) has a
 * root, that is when (y² − 1)(d·y² + 1) is a square or zero; d·y² + 1 is never zero since −1/d is
 * not a square. Euler's criterion by the Jacobi symbol takes a few dozen divisions where the square
 * root @solana/web3.js computes takes 250 field multiplications: deriving a fan's token account
 * address is on the batcher's hot path, once per claim.
 */
export function isOnCurve(bytes: Uint8Array): boolean {
  let y = 0n;
  for (let index = 31; index >= 0; index--)
    y = (y << 8n) | BigInt(index === 31 ? (bytes[index] as number) & 0x7f : (bytes[index] as number));
  const ySquared = (y * y) % FIELD_PRIME;
  const numerator = (ySquared + FIELD_PRIME - 1n) % FIELD_PRIME;
  const denominator = (EDWARDS_D * ySquared + 1n) % FIELD_PRIME;
  return jacobi(numerator * denominator, FIELD_PRIME) !== -1;
}

/** PublicKey.findProgramAddressSync with the faster curve check: the highest bump whose address is off the curve. */
export function findProgramAddressFast(seeds: Uint8Array[], programId: PublicKey): [PublicKey, number] {
  const program = programId.toBytes();
  for (let bump = 255; bump >= 0; bump--) {
    const hash = sha256.create();
    for (const seed of seeds) hash.update(seed);
    const address = hash.update(Uint8Array.of(bump)).update(program).update(PDA_MARKER).digest();
    if (!isOnCurve(address)) return [new PublicKey(address), bump];
  }
  throw new Error("no bump gives an address off the curve");
}

/** Held only by this module: what findAssociatedTokenAddress hands the constructor. */
const DERIVING = Symbol("findAssociatedTokenAddress");

/**
 * An owner's associated token account of a mint, as findAssociatedTokenAddress derived it: nothing
 * else can make one (the constructor wants a symbol this module keeps, the private field tells a real
 * one from a look-alike object), so whoever is handed one can use its address for its owner, mint and
 * token program without deriving it again. Its keys are never changed afterwards, as no PublicKey is.
 */
export class AssociatedTokenAccount {
  readonly #derived = true;

  constructor(
    deriving: symbol,
    readonly mint: PublicKey,
    readonly owner: PublicKey,
    readonly tokenProgram: PublicKey,
    readonly address: PublicKey,
    /** The bump the associated token program finds when it opens the account, searching from 255 down. */
    readonly bump: number,
  ) {
    if (deriving !== DERIVING) throw new TypeError("only findAssociatedTokenAddress makes an AssociatedTokenAccount");
    Object.freeze(this);
  }

  /** Whether `value` was made by findAssociatedTokenAddress, not merely shaped like it. */
  static isDerived(value: unknown): value is AssociatedTokenAccount {
    return typeof value === "object" && value !== null && #derived in value;
  }

  /** Whether this is the owner's account of the mint under the token program: key comparisons, no derivation. */
  belongsTo(mint: PublicKey, owner: PublicKey, tokenProgram: PublicKey): boolean {
    return this.owner.equals(owner) && this.mint.equals(mint) && this.tokenProgram.equals(tokenProgram);
  }
}

/**
 * The owner's associated token account of the mint, with its bump. The associated token program
 * searches for the same bump when it opens the account, one try (and 1,500 compute units) per bump
 * from 255 down.
 */
export function findAssociatedTokenAddress(mint: PublicKey, owner: PublicKey, tokenProgram: PublicKey): AssociatedTokenAccount {
  const [address, bump] = findProgramAddressFast(
    [owner.toBytes(), tokenProgram.toBytes(), mint.toBytes()],
    ASSOCIATED_TOKEN_PROGRAM_ID,
  );
  return new AssociatedTokenAccount(DERIVING, mint, owner, tokenProgram, address, bump);
}

/** The owner's associated token account of the mint (getAssociatedTokenAddressSync with owners off the curve allowed). */
export function associatedTokenAddress(mint: PublicKey, owner: PublicKey, tokenProgram: PublicKey): PublicKey {
  return findAssociatedTokenAddress(mint, owner, tokenProgram).address;
}
