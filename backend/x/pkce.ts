import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** An unguessable OAuth `state`, tying the callback to the login the backend started. */
export function generateOAuthState(): string {
  return randomBytes(32).toString("base64url");
}

/** A PKCE code verifier: 43 characters of base64url, inside RFC 7636's 43 to 128. */
export function generateCodeVerifier(): string {
  return randomBytes(32).toString("base64url");
}

/** The S256 code challenge: base64url(sha256(verifier)), without padding. */
export function codeChallengeS256(codeVerifier: string): string {
  return createHash("sha256").update(codeVerifier, "ascii").digest("base64url");
}

/** Compares a returned state with the stored one in constant time. */
export function oauthStatesMatch(expected: string, received: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}
