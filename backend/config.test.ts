import { describe, expect, it } from "vitest";
import { readConfig } from "./config.ts";

describe("configuration", () => {
  it("runs on embedded defaults with no environment", () => {
    const config = readConfig({});
    expect(config.PORT).toBe(8787);
    expect(config.PUBLIC_URL).toBe("http://127.0.0.1:8787");
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SOLANA_RPC_URL).toBeUndefined();
    expect(config.X_API_BASE_URL).toBeUndefined();
    expect(config.DATA_DIR).toBe("./data");
    expect(config.EXTENSION_ORIGINS).toEqual([]);
    expect(config.FEE_PER_CLAIM_LAMPORTS).toBe(5_000n);
    expect(config.TRUST_PROXY_HOPS).toBe(0);
  });

  it("reads lists, amounts and URLs, treating empty values as unset", () => {
    const config = readConfig({
      PUBLIC_URL: "https://memefans.example/",
      DATABASE_URL: "",
      EXTENSION_ORIGINS: "chrome-extension://abcdefghijklmnopabcdefghijklmnop, http://localhost:3000",
      FEE_PER_CLAIM_LAMPORTS: "18446744073709551615",
    });
    expect(config.PUBLIC_URL).toBe("https://memefans.example");
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.EXTENSION_ORIGINS).toEqual(["chrome-extension://abcdefghijklmnopabcdefghijklmnop", "http://localhost:3000"]);
    expect(config.FEE_PER_CLAIM_LAMPORTS).toBe(18_446_744_073_709_551_615n);
  });

  it("caps connections per socket address only where that address is the client's: off behind a proxy unless set", () => {
    expect(readConfig({}).MAX_CONNECTIONS_PER_ADDRESS).toBe(256);
    expect(readConfig({ MAX_CONNECTIONS_PER_ADDRESS: "" }).MAX_CONNECTIONS_PER_ADDRESS).toBe(256);
    // Every connection comes from the proxy's address: 256 would be the whole site's cap.
    expect(readConfig({ TRUST_PROXY_HOPS: "1" }).MAX_CONNECTIONS_PER_ADDRESS).toBe(0);
    expect(readConfig({ TRUST_PROXY_HOPS: "1", MAX_CONNECTIONS_PER_ADDRESS: "3" }).MAX_CONNECTIONS_PER_ADDRESS).toBe(3);
    expect(readConfig({ MAX_CONNECTIONS_PER_ADDRESS: "0" }).MAX_CONNECTIONS_PER_ADDRESS).toBe(0);
    expect(() => readConfig({ MAX_CONNECTIONS_PER_ADDRESS: "-1" })).toThrow(
      /MAX_CONNECTIONS_PER_ADDRESS must be 0 \(no cap\) or more/,
    );
    expect(() => readConfig({ MAX_CONNECTIONS_PER_ADDRESS: "1.5" })).toThrow(
      /MAX_CONNECTIONS_PER_ADDRESS must be a whole number/,
    );
  });

  it("names each bad setting", () => {
    expect(() => readConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL must be a postgres/);
    expect(() => readConfig({ EXTENSION_ORIGINS: "*" })).toThrow(/EXTENSION_ORIGINS/);
    expect(() => readConfig({ FEE_PER_CLAIM_LAMPORTS: "-1" })).toThrow(/FEE_PER_CLAIM_LAMPORTS/);
    expect(() => readConfig({ SOLANA_RPC_URL: "not a url" })).toThrow(/SOLANA_RPC_URL must be an absolute URL/);
    expect(() => readConfig({ TRUST_PROXY_HOPS: "yes" })).toThrow(/TRUST_PROXY_HOPS/);
  });
});
