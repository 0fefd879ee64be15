import { deflateSync } from "node:zlib";
import { startLoopbackServer } from "../../../backend/tokens/testing/loopback-server.ts";

/**
 * Where the story's coin keeps its off-chain metadata, as pump.fun coins keep theirs on IPFS: a JSON
 * document naming an image. Served on loopback, which the backend fetches from only on the embedded
 * chain.
 */
export interface TokenMetadataServer {
  /** The URI to write into the coin's on-chain metadata. */
  uri: string;
  close(): Promise<void>;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  return crc >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A size × size PNG: a disc of `rgb` on white, enough to tell a logo from a letter avatar. */
export function discPng(size: number, rgb: [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows: number[] = [];
  const middle = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    rows.push(0); // no filter
    for (let x = 0; x < size; x++) {
      const inside = (x - middle) ** 2 + (y - middle) ** 2 <= middle ** 2;
      rows.push(...(inside ? rgb : [255, 255, 255]));
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.from(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export async function startTokenMetadataServer(token: { name: string; symbol: string }): Promise<TokenMetadataServer> {
  const image = discPng(64, [236, 72, 153]);
  let base = "";
  const server = await startLoopbackServer((request, response) => {
    if (request.url === "/coin.json") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ ...token, description: "A story coin", image: `${base}/coin.png` }));
      return;
    }
    if (request.url === "/coin.png") return void response.writeHead(200, { "content-type": "image/png" }).end(image);
    response.writeHead(404).end();
  });
  base = server.base;
  return { uri: `${base}/coin.json`, close: () => server.close() };
}
