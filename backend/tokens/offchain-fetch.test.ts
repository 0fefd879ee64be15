import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchBounded, isPublicAddress, OffchainFetchError, resolveMetadataUrl, sniffImageType } from "./offchain-fetch.ts";
import { type LoopbackServer, startLoopbackServer } from "./testing/loopback-server.ts";

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

let server: LoopbackServer;
let base: string;

beforeAll(async () => {
  server = await startLoopbackServer((request, response) => {
    const path = request.url ?? "/";
    if (path === "/logo.png") return response.writeHead(200, { "content-type": "image/png" }).end(PNG);
    if (path === "/huge") return response.writeHead(200).end(Buffer.alloc(10_000));
    if (path === "/loop") return response.writeHead(302, { location: "/loop" }).end();
    if (path === "/to-logo") return response.writeHead(301, { location: "/logo.png" }).end();
    if (path === "/to-file") return response.writeHead(302, { location: "file:///etc/passwd" }).end();
    if (path === "/slow") return; // never answers
    response.writeHead(404).end();
  });
  base = server.base;
});

afterAll(() => server.close());

const local = { ipfsGateway: "https://ipfs.io/ipfs/", allowLoopback: true, timeoutMs: 2_000 };

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OffchainFetchError) return error.reason;
    throw error;
  }
  throw new Error("the fetch was expected to fail");
}

describe("which metadata URIs are fetched", () => {
  it("takes https, sends ipfs:// through the gateway, and refuses the rest", () => {
    const options = { ipfsGateway: "https://gateway.example/ipfs" };
    expect(resolveMetadataUrl("ipfs://bafkabc/meta.json", options).toString()).toBe(
      "https://gateway.example/ipfs/bafkabc/meta.json",
    );
    expect(resolveMetadataUrl("ipfs://ipfs/bafkabc", options).toString()).toBe("https://gateway.example/ipfs/bafkabc");
    expect(resolveMetadataUrl("https://arweave.net/x", options).hostname).toBe("arweave.net");
    for (const uri of ["http://example.com/x", "file:///etc/passwd", "data:text/plain,hi", "javascript:alert(1)", "not a url"]) {
      expect(() => resolveMetadataUrl(uri, options), uri).toThrow(OffchainFetchError);
    }
    expect(() => resolveMetadataUrl("https://user:pass@example.com/x", options)).toThrow(/credentials/);
  });

  it("knows which addresses are public", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "fe80::1",
      "0.0.0.0",
      "::ffff:127.0.0.1",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ["1.1.1.1", "151.101.1.140", "2606:4700::1111"]) expect(isPublicAddress(address), address).toBe(true);
    expect(isPublicAddress("127.0.0.1", true)).toBe(true);
    expect(isPublicAddress("10.0.0.1", true)).toBe(false);
  });
});

describe("fetching within limits", () => {
  it("fetches, following a redirect", async () => {
    const fetched = await fetchBounded(new URL(`${base}/to-logo`), 1_000, local);
    expect(fetched.bytes).toEqual(PNG);
    expect(fetched.finalUrl).toBe(`${base}/logo.png`);
    expect(sniffImageType(fetched.bytes)).toBe("image/png");
  });

  it("refuses loopback hosts unless development allows them, at connect time", async () => {
    expect(await reason(fetchBounded(new URL(`${base}/logo.png`), 1_000, { ...local, allowLoopback: false }))).toBe(
      "not_allowed",
    );
    expect(
      await reason(
        fetchBounded(new URL(`http://localhost:${new URL(base).port}/logo.png`), 1_000, { ...local, allowLoopback: false }),
      ),
    ).toBe("not_allowed");
  });

  it("stops at the byte limit, the redirect limit, a redirect to another scheme, a bad status and the deadline", async () => {
    expect(await reason(fetchBounded(new URL(`${base}/huge`), 1_000, local))).toBe("too_large");
    expect(await reason(fetchBounded(new URL(`${base}/loop`), 1_000, local))).toBe("not_allowed");
    expect(await reason(fetchBounded(new URL(`${base}/to-file`), 1_000, local))).toBe("not_allowed");
    expect(await reason(fetchBounded(new URL(`${base}/missing`), 1_000, local))).toBe("bad_status");
    expect(await reason(fetchBounded(new URL(`${base}/slow`), 1_000, { ...local, timeoutMs: 300 }))).toBe("timeout");
  });

  it("recognises images by their bytes, not by what the host claims", () => {
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImageType(Buffer.from("GIF89a"))).toBe("image/gif");
    expect(sniffImageType(Buffer.from("RIFF\0\0\0\0WEBPVP8 "))).toBe("image/webp");
    expect(sniffImageType(Buffer.from("<svg onload=alert(1)>"))).toBeUndefined();
    expect(sniffImageType(Buffer.from("<html>"))).toBeUndefined();
  });
});
