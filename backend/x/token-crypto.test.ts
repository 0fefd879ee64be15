import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTokenCipher, parseTokenKey, TokenDecryptionError } from "./token-crypto.ts";

const key = (id: string) => ({ id, key: new Uint8Array(randomBytes(32)) });

describe("token encryption at rest", () => {
  it("round-trips a token and never stores it in the clear", () => {
    const cipher = createTokenCipher(key("k1"));
    const sealed = cipher.encrypt("access-token-123", "user:42");
    expect(sealed).toMatch(/^v1\.k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("access-token-123");
    expect(cipher.encrypt("access-token-123", "user:42")).not.toBe(sealed);
    expect(cipher.decrypt(sealed, "user:42")).toBe("access-token-123");
  });

  it("refuses a tampered ciphertext", () => {
    const cipher = createTokenCipher(key("k1"));
    const sealed = cipher.encrypt("access-token-123");
    const parts = sealed.split(".");
    const body = Buffer.from(parts[3] ?? "", "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString("base64url");
    expect(() => cipher.decrypt(parts.join("."))).toThrow(TokenDecryptionError);
    const tag = Buffer.from(parts[4] ?? "", "base64url");
    tag[0] = (tag[0] ?? 0) ^ 1;
    expect(() => cipher.decrypt([...sealed.split(".").slice(0, 4), tag.toString("base64url")].join("."))).toThrow(/altered/);
  });

  it("refuses a ciphertext moved to another row", () => {
    const cipher = createTokenCipher(key("k1"));
    const sealed = cipher.encrypt("access-token-123", "user:42");
    expect(() => cipher.decrypt(sealed, "user:43")).toThrow(TokenDecryptionError);
  });

  it("decrypts with a previous key during rotation and names a missing key", () => {
    const old = key("old");
    const sealed = createTokenCipher(old).encrypt("refresh-token");
    const rotated = createTokenCipher(key("new"), [old]);
    expect(rotated.decrypt(sealed)).toBe("refresh-token");
    expect(rotated.encrypt("x").startsWith("v1.new.")).toBe(true);
    expect(() => createTokenCipher(key("new")).decrypt(sealed)).toThrow(/no key "old"/);
    // Relabelling the key id is caught too: it is part of the authenticated data.
    const relabelled = sealed.replace("v1.old.", "v1.new.");
    expect(() => createTokenCipher({ id: "new", key: old.key }).decrypt(relabelled)).toThrow(/altered/);
  });

  it("refuses garbage and an unknown version", () => {
    const cipher = createTokenCipher(key("k1"));
    expect(() => cipher.decrypt("plain-token")).toThrow(/not a v1/);
    expect(() => cipher.decrypt(cipher.encrypt("t").replace(/^v1/, "v2"))).toThrow(/not a v1/);
  });

  it("reads a 32-byte key from hex or base64 and refuses anything else", () => {
    const bytes = randomBytes(32);
    expect(parseTokenKey(bytes.toString("hex"))).toEqual(new Uint8Array(bytes));
    expect(parseTokenKey(bytes.toString("base64"))).toEqual(new Uint8Array(bytes));
    expect(() => parseTokenKey("too-short")).toThrow(/32 bytes/);
    expect(() => createTokenCipher({ id: "bad id!", key: new Uint8Array(32) })).toThrow(/key id/);
  });
});
