import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";

/**
 * Fetches what a token's metadata URI points to (its JSON, then its image) for the backend to serve
 * from its own origin, so fans' browsers never contact hosts a token's author chose. The URI is
 * attacker-controlled, so every fetch is bounded: https only (ipfs:// through a gateway), a public
 * address checked at connect time (no loopback, private, link-local or metadata-service addresses,
 * which also stops DNS rebinding), a few redirects each checked again, a byte limit and a deadline.
 */

export class OffchainFetchError extends Error {
  override readonly name = "OffchainFetchError";
  constructor(
    readonly reason: "not_allowed" | "too_large" | "timeout" | "bad_status" | "bad_type" | "network",
    message: string,
  ) {
    super(message);
  }
}

export interface OffchainFetchOptions {
  /** Where ipfs://<cid>/<path> is fetched from. */
  ipfsGateway: string;
  /** Development and tests only: allow http and loopback hosts (a local metadata server). */
  allowLoopback?: boolean;
  timeoutMs?: number;
  maxRedirects?: number;
}

export interface FetchedBody {
  bytes: Buffer;
  contentType: string;
  finalUrl: string;
}

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(network, prefix, "ipv6");

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

/** True for an address a server on the public internet may have. */
export function isPublicAddress(address: string, allowLoopback = false): boolean {
  // An IPv4-mapped IPv6 address reaches the IPv4 host it maps: judge that one.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPublicAddress(mapped, allowLoopback);
  const family = isIP(address) === 6 ? "ipv6" : "ipv4";
  if (allowLoopback && loopback.check(address, family)) return true;
  return !blocked.check(address, family);
}

/** Resolves like dns.lookup, then refuses any address that is not public (checked for the connection actually made). */
function guardedLookup(allowLoopback: boolean) {
  return (
    hostname: string,
    options: object,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const refused = list.find((entry) => !isPublicAddress(entry.address, allowLoopback));
      if (refused || list.length === 0) {
        const denial: NodeJS.ErrnoException = new Error(`${hostname} resolves to a non-public address`);
        denial.code = "ENOTPUBLIC";
        return callback(denial, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      const [first] = list;
      callback(null, first?.address ?? "", first?.family);
    });
  };
}

/** The URL to fetch for a metadata URI: https as is, ipfs:// through the gateway, anything else refused. */
export function resolveMetadataUrl(uri: string, options: Pick<OffchainFetchOptions, "ipfsGateway" | "allowLoopback">): URL {
  const ipfs = /^ipfs:\/\/(?:ipfs\/)?(.+)$/i.exec(uri.trim());
  let url: URL;
  try {
    url = ipfs
      ? new URL(ipfs[1] ?? "", options.ipfsGateway.endsWith("/") ? options.ipfsGateway : `${options.ipfsGateway}/`)
      : new URL(uri.trim());
  } catch {
    throw new OffchainFetchError("not_allowed", "the metadata URI is not a URL");
  }
  const secure = url.protocol === "https:";
  const localHttp = options.allowLoopback && url.protocol === "http:";
  if (!secure && !localHttp)
    throw new OffchainFetchError("not_allowed", `only https metadata URIs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new OffchainFetchError("not_allowed", "metadata URIs with credentials are not fetched");
  return url;
}

function requestOnce(url: URL, maxBytes: number, options: OffchainFetchOptions, deadline: number) {
  return new Promise<{ status: number; location?: string; contentType: string; bytes: Buffer }>((resolve, reject) => {
    // An address written into the URL is connected to without any lookup, so it is judged here.
    const literal = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(literal) && !isPublicAddress(literal, options.allowLoopback ?? false)) {
      reject(new OffchainFetchError("not_allowed", `${literal} is not a public address`));
      return;
    }
    const client = url.protocol === "https:" ? https : http;
    const remaining = Math.max(1, deadline - Date.now());
    const request = client.get(
      url,
      {
        lookup: guardedLookup(options.allowLoopback ?? false) as never,
        headers: { accept: "application/json, image/*;q=0.9", "user-agent": "memefans-token-metadata/1" },
        timeout: remaining,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const contentType =
          String(response.headers["content-type"] ?? "")
            .split(";")[0]
            ?.trim()
            .toLowerCase() ?? "";
        if (status >= 300 && status < 400) {
          response.resume();
          resolve({ status, location: response.headers.location, contentType, bytes: Buffer.alloc(0) });
          return;
        }
        const declared = Number(response.headers["content-length"] ?? 0);
        if (declared > maxBytes) {
          response.destroy();
          reject(new OffchainFetchError("too_large", `the body is ${declared} bytes, over the ${maxBytes}-byte limit`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            response.destroy();
            reject(new OffchainFetchError("too_large", `the body is over the ${maxBytes}-byte limit`));
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => resolve({ status, contentType, bytes: Buffer.concat(chunks) }));
        response.on("error", (error) => reject(new OffchainFetchError("network", error.message)));
      },
    );
    const timer = setTimeout(
      () => request.destroy(new OffchainFetchError("timeout", "the host did not answer in time")),
      remaining,
    );
    request.on("close", () => clearTimeout(timer));
    request.on("timeout", () => request.destroy(new OffchainFetchError("timeout", "the host did not answer in time")));
    request.on("error", (error) => {
      if (error instanceof OffchainFetchError) return reject(error);
      const code = (error as NodeJS.ErrnoException).code;
      reject(new OffchainFetchError(code === "ENOTPUBLIC" ? "not_allowed" : "network", error.message));
    });
  });
}

/** GETs `url` within the limits, following at most `maxRedirects` redirects, each checked like the first. */
export async function fetchBounded(url: URL, maxBytes: number, options: OffchainFetchOptions): Promise<FetchedBody> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  let current = resolveMetadataUrl(url.toString(), options);
  for (let hop = 0; hop <= (options.maxRedirects ?? 3); hop++) {
    const answer = await requestOnce(current, maxBytes, options, deadline);
    if (answer.location !== undefined) {
      current = resolveMetadataUrl(new URL(answer.location, current).toString(), options);
      continue;
    }
    if (answer.status !== 200) throw new OffchainFetchError("bad_status", `the host answered ${answer.status}`);
    return { bytes: answer.bytes, contentType: answer.contentType, finalUrl: current.toString() };
  }
  throw new OffchainFetchError("not_allowed", "too many redirects");
}

/** The image types served, recognised by their first bytes rather than by what the host claims. */
export function sniffImageType(bytes: Uint8Array): "image/png" | "image/jpeg" | "image/gif" | "image/webp" | undefined {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50)
    return "image/webp";
  return undefined;
}
