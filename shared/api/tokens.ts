import { z } from "zod";
import { publicKeySchema } from "../primitives.ts";
import { DISTRIBUTION_ERRORS, type DistributionErrorName } from "../program/errors.ts";

/**
 * A token as the chain describes it: decimals and authorities from the mint, name and symbol from the
 * Token-2022 metadata extension or Metaplex Token Metadata. A token without metadata has name and
 * symbol null, and is shown as "Unknown token" with its short address. Nothing comes from creators.
 */
export const tokenIdentitySchema = z.object({
  mint: publicKeySchema,
  /**
   * False when the chain could not be read just now (an RPC error): then the program, name, symbol and
   * authorities are unknown, not absent, and a null freeze authority says nothing about the risk.
   */
  verified: z.boolean(),
  /** Null when not verified. */
  tokenProgram: z.enum(["spl-token", "token-2022"]).nullable(),
  decimals: z.number().int().min(0).max(255),
  name: z.string().nullable(),
  symbol: z.string().nullable(),
  metadataSource: z.enum(["token-2022", "metaplex"]).nullable(),
  /**
   * The token's image as this backend serves it (GET /tokens/:mint/logo), when its metadata names one;
   * it answers 404 when the image could not be fetched as a PNG, JPEG, GIF or WebP.
   */
  logoUrl: z.string().nullable(),
  /** Can freeze any account of the mint, a giveaway's vault included: a risk shown to creator and fans. */
  freezeAuthority: publicKeySchema.nullable(),
  mintAuthority: publicKeySchema.nullable(),
  /** A trusted ticker ("USDC") this token calls itself without being that token. */
  impersonates: z.string().nullable(),
  /**
   * The distribution program's refusal of this mint at create, for a Token-2022 extension it refuses (a
   * transfer fee, an amount its authority can rescale…): a creator is told before signing. A name this
   * client does not know yet reads as none rather than failing the whole token.
   */
  giveawayRefusal: z
    .enum(DISTRIBUTION_ERRORS.map((error) => error.name) as [DistributionErrorName, ...DistributionErrorName[]])
    .nullable()
    .catch(null),
});

export type TokenIdentity = z.infer<typeof tokenIdentitySchema>;

export const tokenResponseSchema = z.object({ token: tokenIdentitySchema });
export const tokenParamsSchema = z.object({ mint: publicKeySchema });

/** A mint this backend could not read from the chain right now: decimals from the registration, nothing else known. */
export function unverifiedToken(mint: string, decimals: number): TokenIdentity {
  return {
    mint,
    verified: false,
    tokenProgram: null,
    decimals,
    name: null,
    symbol: null,
    metadataSource: null,
    logoUrl: null,
    freezeAuthority: null,
    mintAuthority: null,
    impersonates: null,
    giveawayRefusal: null,
  };
}
