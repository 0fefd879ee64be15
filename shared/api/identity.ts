import bs58 from "bs58";
import { z } from "zod";
import { publicKeySchema, xIdSchema } from "../primitives.ts";

/** Chrome's identity API redirects to https://<extension id>.chromiumapp.org/<anything>. */
export const extensionRedirectUriSchema = z
  .string()
  .max(2048, "redirect_uri is too long")
  .refine((text) => /^https:\/\/[a-p]{32}\.chromiumapp\.org\/[^\s#]*$/.test(text), {
    message: "redirect_uri must be https://<extension id>.chromiumapp.org/…, as chrome.identity.getRedirectURL() returns",
  });

export const authStartQuerySchema = z.object({ redirect_uri: extensionRedirectUriSchema });
export const authStartResponseSchema = z.object({ authorizeUrl: z.url(), state: z.string() });

/** What X appended to the redirect URI; the extension forwards both. */
export const authCallbackBodySchema = z.object({
  code: z.string().min(1, "code is required").max(2048, "code is too long"),
  state: z.string().min(1, "state is required").max(256, "state is too long"),
});

export const xUserSchema = z.object({
  id: xIdSchema,
  username: z.string(),
  name: z.string(),
  profileImageUrl: z.string().optional(),
});
export type XUserProfile = z.infer<typeof xUserSchema>;

export const authCallbackResponseSchema = z.object({ sessionToken: z.string(), xUser: xUserSchema });
export const logoutResponseSchema = z.object({ signedOut: z.literal(true) });
export const meResponseSchema = z.object({ xUser: xUserSchema, wallets: z.array(publicKeySchema) });

export const walletChallengeBodySchema = z.object({ address: publicKeySchema });
export const walletChallengeResponseSchema = z.object({
  message: z.string(),
  nonce: z.string(),
  /** ISO 8601. */
  expiresAt: z.string(),
});

/** An ed25519 signature: base58 text of 64 bytes. */
export const signatureSchema = z.string().refine(
  (text) => {
    try {
      return text.length <= 100 && bs58.decode(text).length === 64;
    } catch {
      return false;
    }
  },
  { message: "must be an ed25519 signature: base58 text of 64 bytes" },
);

export const walletVerifyBodySchema = z.object({
  message: z.string().min(1, "message is required").max(2000, "message is too long"),
  signature: signatureSchema,
  address: publicKeySchema,
});
export const walletVerifyResponseSchema = z.object({ address: publicKeySchema });

/**
 * A blink's sign-in flow: an unguessable id the blink carries from its "Sign in with X" link to the
 * steps after it. The challenge the web login issues for the blink's wallet carries it, and the blink
 * asks the wallet to sign only a challenge of its own flow: knowing the wallet's address is not enough
 * to put a message of one's own in front of its holder.
 */
export const blinkFlowSchema = z.string().regex(/^[0-9a-f]{32}$/, "a blink flow id is 32 hex characters");

/** POST /auth/x/web/handoff: the fragment's session is this browser's own. */
export const webHandoffResponseSchema = z.object({ handedOff: z.literal(true) });

/** A blink's sign-in asks to bind this wallet to the signed-in account, until the holder answers. */
export const blinkLinkParamsSchema = z.object({ flow: blinkFlowSchema });
export const blinkLinkResponseSchema = z.object({
  wallet: publicKeySchema,
  /** ISO 8601. */
  expiresAt: z.string(),
});
/** The holder's answer, naming the wallet the page showed them: only that wallet's request is answered. */
export const blinkLinkAnswerBodySchema = z.object({ wallet: publicKeySchema, confirmed: z.boolean() });
export const blinkLinkAnswerResponseSchema = z.object({ wallet: publicKeySchema, confirmed: z.boolean() });

/** The fields of a Sign-In-With-Solana style message, in the order they are written. */
export interface SignInMessageFields {
  domain: string;
  address: string;
  statement: string;
  uri: string;
  version: "1";
  chainId: string;
  nonce: string;
  issuedAt: string;
  expirationTime: string;
}

/**
 * The text a wallet signs to bind itself to an X account. The wallet shows it verbatim, so the first
 * line names the site asking and the statement says what signing does.
 */
export function formatSignInMessage(fields: SignInMessageFields): string {
  return [
    `${fields.domain} wants you to sign in with your Solana account:`,
    fields.address,
    "",
    fields.statement,
    "",
    `URI: ${fields.uri}`,
    `Version: ${fields.version}`,
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt}`,
    `Expiration Time: ${fields.expirationTime}`,
  ].join("\n");
}

const MESSAGE_PATTERN =
  /^(?<domain>[^\s]+) wants you to sign in with your Solana account:\n(?<address>[1-9A-HJ-NP-Za-km-z]{32,44})\n\n(?<statement>[^\n]+)\n\nURI: (?<uri>[^\n]+)\nVersion: (?<version>1)\nChain ID: (?<chainId>[^\n]+)\nNonce: (?<nonce>[A-Za-z0-9]{8,64})\nIssued At: (?<issuedAt>[^\n]+)\nExpiration Time: (?<expirationTime>[^\n]+)$/;

/** Reads a sign-in message back into its fields, or undefined when it is not exactly in that form. */
export function parseSignInMessage(message: string): SignInMessageFields | undefined {
  const groups = MESSAGE_PATTERN.exec(message)?.groups;
  if (!groups) return undefined;
  const fields = groups as unknown as SignInMessageFields;
  if (Number.isNaN(Date.parse(fields.issuedAt)) || Number.isNaN(Date.parse(fields.expirationTime))) return undefined;
  return fields;
}
