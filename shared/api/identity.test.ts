import { describe, expect, it } from "vitest";
import { extensionRedirectUriSchema, formatSignInMessage, parseSignInMessage, type SignInMessageFields } from "./identity.ts";

const fields: SignInMessageFields = {
  domain: "memefans.example",
  address: "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
  statement: "Bind this wallet to @fan on MEMEFANS.",
  uri: "https://memefans.example",
  version: "1",
  chainId: "solana:mainnet",
  nonce: "0123456789abcdef0123456789abcdef",
  issuedAt: "2026-11-21T00:00:00.000Z",
  expirationTime: "2026-11-21T00:10:00.000Z",
};

describe("sign-in message", () => {
  it("reads back every field it writes", () => {
    const message = formatSignInMessage(fields);
    expect(message.split("\n")[0]).toBe("memefans.example wants you to sign in with your Solana account:");
    expect(parseSignInMessage(message)).toEqual(fields);
  });

  it("refuses text that is not exactly a sign-in message", () => {
    const message = formatSignInMessage(fields);
    expect(parseSignInMessage(`${message}\nResources: evil`)).toBeUndefined();
    expect(parseSignInMessage(message.replace("Version: 1", "Version: 2"))).toBeUndefined();
    expect(parseSignInMessage(message.replace(fields.issuedAt, "yesterday"))).toBeUndefined();
  });

  it("accepts only chromiumapp.org redirect URIs of an extension id", () => {
    expect(extensionRedirectUriSchema.safeParse("https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/cb").success).toBe(
      true,
    );
    expect(
      extensionRedirectUriSchema.safeParse("https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org.evil.example/").success,
    ).toBe(false);
    expect(extensionRedirectUriSchema.safeParse("http://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/").success).toBe(false);
  });
});
