import { z } from "zod";
import { publicKeySchema } from "../../../shared/primitives.ts";

/** OWASP's 2023 floor for PBKDF2-HMAC-SHA256; a stored vault claiming fewer is refused, not weakened. */
export const MIN_PBKDF2_ITERATIONS = 600_000;
export const PBKDF2_ITERATIONS = 600_000;

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64");

/**
 * The at-rest form of the built-in wallet's secret key. Versioned so a later KDF or cipher can be
 * added without guessing what an old record means. The public key is bound into AES-GCM as
 * additional data, so swapping the shown address for another one breaks decryption.
 */
export const encryptedVaultSchema = z.object({
  version: z.literal(1),
  publicKey: publicKeySchema,
  kdf: z.object({
    name: z.literal("PBKDF2"),
    hash: z.literal("SHA-256"),
    iterations: z
      .number()
      .int()
      .min(MIN_PBKDF2_ITERATIONS, `the vault must use at least ${MIN_PBKDF2_ITERATIONS} PBKDF2 iterations`),
    salt: base64,
  }),
  cipher: z.object({ name: z.literal("AES-GCM"), iv: base64 }),
  ciphertext: base64,
  /**
   * The BIP-39 phrase the key was derived from, under the same password-derived key with its own
   * IV. Absent for a wallet imported from a raw secret key.
   */
  recoveryPhrase: z.object({ iv: base64, ciphertext: base64 }).optional(),
  /** Set once the user proved the phrase was written down; until then the popup asks for the backup. */
  backupConfirmed: z.boolean().optional(),
});
export type EncryptedVault = z.infer<typeof encryptedVaultSchema>;
