// `BACKEND_URL=https://… [DISTRIBUTION_PROGRAM_ID=…] npm run zip:extension`: the zip a Chrome Web
// Store submission takes. The backend URL (and the cluster's program id) is baked in, host permissions are x.com, twitter.com and that backend only, the icons
// come from extension/public/icon, and the listing screenshots from extension/listing/screenshots.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DISTRIBUTION_PROGRAM_ID } from "../../shared/program/program-id.ts";
import { hostPermissions, StoreBuildError, storeBackendOrigin, storeProgramId } from "./store-build.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const STORE_OUTPUT_DIRECTORY = join(root, ".output/store");
const ICON_SIZES = ["16", "32", "48", "128"];
/** The Chrome Web Store's limit on a manifest description. */
const MAX_DESCRIPTION_LENGTH = 132;

const manifestSchema = z.looseObject({
  manifest_version: z.literal(3),
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().min(1).max(MAX_DESCRIPTION_LENGTH),
  host_permissions: z.array(z.string()),
  icons: z.record(z.string(), z.string()),
});

/** What a store submission needs of the built manifest; throws naming what is missing. */
export function checkStoreManifest(buildDirectory: string, backendOrigin: string): z.output<typeof manifestSchema> {
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(join(buildDirectory, "manifest.json"), "utf8")));
  if (!parsed.success) {
    throw new StoreBuildError(
      `the manifest is not store-ready: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
    );
  }
  const manifest = parsed.data;
  const expected = hostPermissions(backendOrigin);
  if (JSON.stringify([...manifest.host_permissions].sort()) !== JSON.stringify([...expected].sort())) {
    throw new StoreBuildError(`host_permissions are ${manifest.host_permissions.join(", ")}; expected ${expected.join(", ")}`);
  }
  for (const size of ICON_SIZES) {
    const icon = manifest.icons[size];
    if (!icon || !existsSync(join(buildDirectory, icon))) throw new StoreBuildError(`the ${size}px icon is missing`);
  }
  return manifest;
}

function main(): void {
  const backendOrigin = storeBackendOrigin(process.env.BACKEND_URL);
  if (!backendOrigin) {
    throw new StoreBuildError("BACKEND_URL is required: BACKEND_URL=https://your-backend.example npm run zip:extension");
  }
  // wxt reports on stderr, so the one JSON line on stdout is this command's answer.
  const zip = spawnSync("npx", ["--no-install", "wxt", "zip"], { cwd: root, stdio: ["ignore", process.stderr, "inherit"] });
  if (zip.status !== 0) throw new StoreBuildError(`wxt zip failed (exit ${zip.status ?? zip.signal})`);
  const manifest = checkStoreManifest(join(STORE_OUTPUT_DIRECTORY, "chrome-mv3"), backendOrigin);
  const archive = readdirSync(STORE_OUTPUT_DIRECTORY).find((name) => name.endsWith("-chrome.zip"));
  if (!archive) throw new StoreBuildError(`no zip in ${STORE_OUTPUT_DIRECTORY}`);
  console.log(
    JSON.stringify({
      zip: join(STORE_OUTPUT_DIRECTORY, archive),
      version: manifest.version,
      backend: backendOrigin,
      program_id: storeProgramId(process.env.DISTRIBUTION_PROGRAM_ID) ?? DISTRIBUTION_PROGRAM_ID,
      host_permissions: manifest.host_permissions,
      privacy_policy: `${backendOrigin}/privacy`,
      screenshots: join(root, "extension/listing/screenshots"),
    }),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (error) {
    if (!(error instanceof StoreBuildError)) throw error;
    console.error(`zip:extension: ${error.message}`);
    process.exit(1);
  }
}
