import {
  ExtensionType,
  LENGTH_SIZE,
  METADATA_POINTER_SIZE,
  MetadataPointerLayout,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import { TOKEN_METADATA_DISCRIMINATOR, type TokenMetadata, unpack } from "@solana/spl-token-metadata";
import { PublicKey } from "@solana/web3.js";
import type { DistributionErrorName } from "../program/errors.ts";
import { mintExtensionRefusal } from "../program/mint-extensions.ts";

/**
 * What the chain says about a token: the mint's own fields, and the name, symbol and metadata URI from
 * the Token-2022 metadata extension, the account a Token-2022 metadata pointer names or, for classic
 * mints, Metaplex Token Metadata. Nothing here comes from what a creator typed.
 */

/** Metaplex Token Metadata, where classic mints (and some Token-2022 ones) keep their name. */
export const METAPLEX_METADATA_PROGRAM_ID = new PublicKey("metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s");

const MINT_LEN = 82;
const ACCOUNT_TYPE_OFFSET = 165;
const ACCOUNT_TYPE_MINT = 1;
/** spl-type-length-value, the form metadata-interface programs keep TokenMetadata in: a u32 length after the discriminator. */
const INTERFACE_LENGTH_SIZE = 4;
const MAX_NAME = 64;
const MAX_SYMBOL = 16;
const MAX_URI = 512;

export interface MintFacts {
  tokenProgram: "spl-token" | "token-2022";
  decimals: number;
  supply: bigint;
  mintAuthority: string | null;
  /** Whoever holds it can freeze any account of the mint, an escrow's vault included. */
  freezeAuthority: string | null;
  /**
   * The error the distribution program refuses a giveaway of this mint with at create, for a Token-2022
   * extension it refuses (shared/program/mint-extensions.ts); null when it accepts the mint's extensions.
   */
  giveawayRefusal: DistributionErrorName | null;
}

export interface OnchainMetadata {
  name: string;
  symbol: string;
  uri: string;
  /** "token-2022": the metadata interface's TokenMetadata, in the mint or in the account its pointer names. */
  source: "token-2022" | "metaplex";
}

function optionalKey(data: Uint8Array, offset: number): string | null {
  const tag = new DataView(data.buffer, data.byteOffset + offset, 4).getUint32(0, true);
  return tag === 1 ? new PublicKey(data.subarray(offset + 4, offset + 36)).toBase58() : null;
}

/** The mint's fields, or undefined when `owner` is not a token program or the data is not an initialized mint. */
export function readMintFacts(owner: PublicKey, data: Uint8Array): MintFacts | undefined {
  const program = owner.equals(TOKEN_PROGRAM_ID) ? "spl-token" : owner.equals(TOKEN_2022_PROGRAM_ID) ? "token-2022" : undefined;
  if (!program) return undefined;
  const shaped =
    data.length === MINT_LEN ||
    (program === "token-2022" && data.length > ACCOUNT_TYPE_OFFSET && data[ACCOUNT_TYPE_OFFSET] === ACCOUNT_TYPE_MINT);
  if (!shaped || data[45] !== 1) return undefined;
  return {
    tokenProgram: program,
    decimals: data[44] ?? 0,
    supply: new DataView(data.buffer, data.byteOffset + 36, 8).getBigUint64(0, true),
    mintAuthority: optionalKey(data, 0),
    freezeAuthority: optionalKey(data, 46),
    giveawayRefusal: program === "token-2022" ? (mintExtensionRefusal(data)?.name ?? null) : null,
  };
}

/**
 * Characters that change how the rest reads without showing: direction overrides and isolates ("US\u202eDC"
 * shows as "USCD"), zero-width spaces, soft hyphens, the BOM. Joiners (ZWJ, ZWNJ) and emoji tags are kept:
 * emoji sequences (👨‍👩‍👧, 🏴󠁧󠁢󠁳󠁣󠁴󠁿) and Persian words need them.
 */
const HIDDEN = /[\p{Cc}\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;
/** Characters that draw nothing yet are no whitespace to trim: the Braille blank, Hangul fillers, line separators. */
const BLANK = /[\u115f\u1160\u2028\u2029\u2800\u3164\uffa0]/gu;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Printable text of at most `max` graphemes (a flag or a family emoji is one): on-chain strings are whatever
 * their author wrote, NUL padding and direction overrides included. Text that would show blank is empty.
 */
export function cleanText(text: string, max: number): string {
  const shown = text.replace(HIDDEN, "").replace(BLANK, " ").trim();
  if (!/[^\p{Z}\p{M}\p{Cf}\s]/u.test(shown)) return "";
  return Array.from(graphemes.segment(shown), ({ segment }) => segment)
    .slice(0, max)
    .join("")
    .trim();
}

function cleaned(name: string, symbol: string, uri: string, source: OnchainMetadata["source"]): OnchainMetadata | undefined {
  const metadata = {
    name: cleanText(name, MAX_NAME),
    symbol: cleanText(symbol, MAX_SYMBOL),
    uri: cleanText(uri, MAX_URI),
    source,
  };
  return metadata.name || metadata.symbol ? metadata : undefined;
}

/**
 * The value of the first entry whose type is `type` in a type-length-value area starting at `start`: Token-2022
 * mint extensions (u16 type, u16 length) and spl-type-length-value accounts (8-byte discriminator, u32 length)
 * differ only in these widths. An all-zero type ends the entries; an entry running past the data ends the walk.
 */
function tlvValue(data: Uint8Array, start: number, type: Uint8Array, lengthSize: 2 | 4): Uint8Array | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  let offset = start;
  while (offset + type.length + lengthSize <= data.length) {
    const entryType = data.subarray(offset, offset + type.length);
    if (entryType.every((byte) => byte === 0)) return undefined;
    const lengthAt = offset + type.length;
    const length = lengthSize === 2 ? view.getUint16(lengthAt, true) : view.getUint32(lengthAt, true);
    const value = data.subarray(lengthAt + lengthSize, lengthAt + lengthSize + length);
    if (value.length !== length) return undefined;
    if (entryType.every((byte, index) => byte === type[index])) return value;
    offset = lengthAt + lengthSize + length;
  }
  return undefined;
}

/** The bytes of a Token-2022 mint's extension of this type, if it has one; a classic mint has none. */
function mintExtension(mintData: Uint8Array, extension: ExtensionType): Uint8Array | undefined {
  if (mintData.length <= ACCOUNT_TYPE_OFFSET + 1 || mintData[ACCOUNT_TYPE_OFFSET] !== ACCOUNT_TYPE_MINT) return undefined;
  return tlvValue(mintData, ACCOUNT_TYPE_OFFSET + 1, Uint8Array.of(extension & 0xff, extension >> 8), LENGTH_SIZE);
}

/** The metadata interface's borsh TokenMetadata, or undefined for bytes that are not one (a cut-off or garbage entry). */
function decodeTokenMetadata(value: Uint8Array): TokenMetadata | undefined {
  try {
    return unpack(value);
  } catch {
    return undefined;
  }
}

/** The TokenMetadata extension stored in a Token-2022 mint (pump.fun's shape), if it has one. */
export function readToken2022Metadata(mintData: Uint8Array): OnchainMetadata | undefined {
  const value = mintExtension(mintData, ExtensionType.TokenMetadata);
  const metadata = value && decodeTokenMetadata(value);
  return metadata && cleaned(metadata.name, metadata.symbol, metadata.uri, "token-2022");
}

/**
 * The Token-2022 MetadataPointer extension: undefined when the mint has none, `metadataAddress` null when
 * it has one that names no account (or whose bytes are not a pointer's).
 */
export function readMetadataPointer(mintData: Uint8Array): { metadataAddress: PublicKey | null } | undefined {
  const value = mintExtension(mintData, ExtensionType.MetadataPointer);
  if (!value) return undefined;
  if (value.length !== METADATA_POINTER_SIZE) return { metadataAddress: null };
  const { metadataAddress } = MetadataPointerLayout.decode(value);
  return { metadataAddress: metadataAddress.equals(PublicKey.default) ? null : metadataAddress };
}

/**
 * The TokenMetadata a metadata-interface program keeps in its own account, as an spl-type-length-value
 * entry. Only for `mint`: a pointer at another token's metadata must not lend this token that name.
 */
function readInterfaceTokenMetadata(data: Uint8Array, mint: PublicKey): OnchainMetadata | undefined {
  const value = tlvValue(data, 0, TOKEN_METADATA_DISCRIMINATOR, INTERFACE_LENGTH_SIZE);
  const metadata = value && decodeTokenMetadata(value);
  return metadata?.mint.equals(mint) ? cleaned(metadata.name, metadata.symbol, metadata.uri, "token-2022") : undefined;
}

/**
 * The metadata in the account at `address`, which `mint`'s metadata pointer names, read as wallets read
 * it: the mint itself holds the TokenMetadata extension, a Metaplex account is Metaplex metadata, any
 * other account holds the metadata interface's TokenMetadata.
 */
export function readPointedMetadata(
  mint: PublicKey,
  address: PublicKey,
  account: { owner: PublicKey; data: Uint8Array },
): OnchainMetadata | undefined {
  if (address.equals(mint)) return readToken2022Metadata(account.data);
  if (account.owner.equals(METAPLEX_METADATA_PROGRAM_ID)) return readMetaplexMetadata(account.data, mint);
  return readInterfaceTokenMetadata(account.data, mint);
}

/** Where Metaplex keeps a mint's metadata: the PDA ["metadata", program, mint]. */
export function metaplexMetadataAddress(mint: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync(
    [new TextEncoder().encode("metadata"), METAPLEX_METADATA_PROGRAM_ID.toBytes(), mint.toBytes()],
    METAPLEX_METADATA_PROGRAM_ID,
  )[0];
}

/**
 * Decodes a Metaplex Metadata account (key 4 = MetadataV1): key u8, update authority, mint, then name,
 * symbol and uri as Borsh strings (u32 length, bytes), NUL-padded to fixed widths. Only for `mint`.
 */
export function readMetaplexMetadata(data: Uint8Array, mint: PublicKey): OnchainMetadata | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  if (data.length < 65 || data[0] !== 4 || !new PublicKey(data.subarray(33, 65)).equals(mint)) return undefined;
  let offset = 65;
  const text = (): string | undefined => {
    if (offset + 4 > data.length) return undefined;
    const length = view.getUint32(offset, true);
    const bytes = data.subarray(offset + 4, offset + 4 + length);
    if (bytes.length !== length) return undefined;
    offset += 4 + length;
    return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  };
  const name = text();
  const symbol = text();
  const uri = text();
  if (name === undefined || symbol === undefined || uri === undefined) return undefined;
  return cleaned(name, symbol, uri, "metaplex");
}
