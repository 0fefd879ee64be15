import { createHash } from "node:crypto";
import { createUpdateMetadataPointerInstruction } from "@solana/spl-token";
import { pack } from "@solana/spl-token-metadata";
import { Keypair, type PublicKey } from "@solana/web3.js";
import { type Token2022MintPlan, token2022MintPlan } from "../../../programs/distribution/tests/harness/token-2022.ts";

/** Where tokens keep their metadata outside the mint, as the programs that own those accounts write them. */

function borshString(text: string, paddedTo: number): Uint8Array {
  const bytes = new Uint8Array(paddedTo);
  bytes.set(new TextEncoder().encode(text));
  const out = new Uint8Array(4 + paddedTo);
  new DataView(out.buffer).setUint32(0, paddedTo, true);
  out.set(bytes, 4);
  return out;
}

/** A Metaplex MetadataV1 account as the program writes it: fixed-width, NUL-padded strings, then more fields. */
export function metaplexAccount(mint: PublicKey, name: string, symbol: string, uri: string): Uint8Array {
  return new Uint8Array([
    4,
    ...Keypair.generate().publicKey.toBytes(),
    ...mint.toBytes(),
    ...borshString(name, 32),
    ...borshString(symbol, 10),
    ...borshString(uri, 200),
    // seller_fee_basis_points, creators: None, primary_sale_happened, is_mutable ...
    0xf4,
    0x01,
    0,
    0,
    1,
  ]);
}

/** An interface's discriminator by its own rule, so the tests do not take the library's word for it. */
function discriminator(hashInput: string): Uint8Array {
  return createHash("sha256").update(hashInput).digest().subarray(0, 8);
}

/** An spl-type-length-value entry: 8-byte discriminator, u32 length, value. */
function tlvEntry(type: Uint8Array, value: Uint8Array): Uint8Array {
  const entry = new Uint8Array(12 + value.length);
  entry.set(type);
  new DataView(entry.buffer).setUint32(8, value.length, true);
  entry.set(value, 12);
  return entry;
}

/** The metadata interface's TokenMetadata for `mint` as one spl-type-length-value entry. */
export function interfaceMetadataEntry(mint: PublicKey, name: string, symbol: string, uri = ""): Uint8Array {
  const metadata = pack({ mint, updateAuthority: Keypair.generate().publicKey, name, symbol, uri, additionalMetadata: [] });
  return tlvEntry(discriminator("spl_token_metadata_interface:token_metadata"), Uint8Array.from(metadata));
}

/** An account of a metadata-interface program: a token group member entry, TokenMetadata for `mint`, then unused space. */
export function interfaceAccount(mint: PublicKey, name: string, symbol: string, uri = ""): Uint8Array {
  const groupMember = tlvEntry(discriminator("spl_token_group_interface:member"), new Uint8Array(72).fill(7));
  return new Uint8Array([...groupMember, ...interfaceMetadataEntry(mint, name, symbol, uri), ...new Uint8Array(40)]);
}

/**
 * pump.fun's mint, made with the real instructions and "Fake" stored inside it, whose metadata pointer the
 * same transaction then moves to `metadataAddress(mint)`: the metadata left in the mint is no longer the token's.
 */
export function repointedMintPlan(
  authority: PublicKey,
  metadataAddress: (mint: PublicKey) => PublicKey | null,
): Token2022MintPlan {
  const plan = token2022MintPlan(authority, ["metadata"], { metadata: { name: "Fake", symbol: "FAKE", uri: "" } });
  const mint = plan.mint.publicKey;
  const repoint = createUpdateMetadataPointerInstruction(mint, authority, metadataAddress(mint));
  return { ...plan, instructions: (rentLamports) => [...plan.instructions(rentLamports), repoint] };
}
