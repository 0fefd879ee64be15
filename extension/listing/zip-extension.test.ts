import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { LISTING_HEIGHT, LISTING_WIDTH } from "./listing-size.ts";
import { hostPermissions, storeBackendOrigin, storeProgramId } from "./store-build.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** Any address other than localnet's default, as a devnet deploy would give. */
const DEVNET_PROGRAM_ID = "Dev1Distribution111111111111111111111111111";

/** Each entry of a zip archive by name, inflated, read from its central directory. */
function unzip(archive: Buffer): Map<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let index = 0; index < count; index++) {
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localHeader = archive.readUInt32LE(offset + 42);
    const name = archive.subarray(offset + 46, offset + 46 + nameLength).toString("utf8");
    const dataStart = localHeader + 30 + archive.readUInt16LE(localHeader + 26) + archive.readUInt16LE(localHeader + 28);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    entries.set(name, method === 8 ? inflateRawSync(data) : data);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Width and height from a PNG's IHDR. */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe("the Chrome Web Store package", () => {
  it("takes an https backend origin only", () => {
    expect(storeBackendOrigin("https://memefans.example/")).toBe("https://memefans.example");
    expect(storeBackendOrigin(undefined)).toBeUndefined();
    expect(() => storeBackendOrigin("http://memefans.example")).toThrow(/must be https:\/\//);
    expect(() => storeBackendOrigin("https://memefans.example/api")).toThrow(/origin only/);
    expect(() => storeBackendOrigin("memefans.example")).toThrow(/absolute URL/);
    expect(hostPermissions(undefined)).toContain("http://127.0.0.1/*");
    expect(() => storeProgramId("not-an-address!")).toThrow(/base58 program address/);
  });

  it("`BACKEND_URL=https://… npm run zip:extension` bakes the backend in and asks for x.com, twitter.com and that backend only", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "extension/listing/zip-extension.ts"], {
      cwd: root,
      env: { ...process.env, BACKEND_URL: "https://memefans.example", DISTRIBUTION_PROGRAM_ID: DEVNET_PROGRAM_ID },
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as { zip: string; privacy_policy: string };
    expect(result.privacy_policy).toBe("https://memefans.example/privacy");
    const files = unzip(readFileSync(result.zip));
    const manifest = JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}") as {
      host_permissions: string[];
      description: string;
      icons: Record<string, string>;
    };
    expect(manifest.host_permissions).toEqual(["https://x.com/*", "https://twitter.com/*", "https://memefans.example/*"]);
    expect(manifest.description.length).toBeGreaterThan(20);
    for (const size of [16, 32, 48, 128]) {
      const icon = files.get(manifest.icons[String(size)] ?? "");
      expect(icon && pngSize(icon)).toEqual({ width: size, height: size });
    }
    const background = files.get("background.js")?.toString("utf8");
    expect(background).toContain("https://memefans.example");
    // The approval window decodes, and close checks, the program of the backend's cluster.
    expect(background).toContain(DEVNET_PROGRAM_ID);

    const refused = spawnSync(process.execPath, ["--import", "tsx", "extension/listing/zip-extension.ts"], {
      cwd: root,
      env: { ...process.env, BACKEND_URL: "http://memefans.example" },
      encoding: "utf8",
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("BACKEND_URL must be https://");
  }, 240_000);

  it("has listing screenshots at 1280×800 made from the demo's", () => {
    const directory = join(root, "extension/listing/screenshots");
    const screenshots = readdirSync(directory).filter((name) => name.endsWith(".png"));
    expect(screenshots.sort()).toEqual(
      readdirSync(join(root, "extension/demo/screenshots"))
        .filter((name) => name.endsWith(".png"))
        .sort(),
    );
    for (const name of screenshots) {
      expect(pngSize(readFileSync(join(directory, name)))).toEqual({ width: LISTING_WIDTH, height: LISTING_HEIGHT });
    }
  });
});
