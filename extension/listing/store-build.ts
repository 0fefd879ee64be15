/** The hosts the extension reads and overlays. */
export const X_HOST_PERMISSIONS = ["https://x.com/*", "https://twitter.com/*"];
/** A development build also reaches a backend on this machine. */
const LOOPBACK_HOST_PERMISSIONS = ["http://127.0.0.1/*", "http://localhost/*"];

export class StoreBuildError extends Error {
  override name = "StoreBuildError";
}

/**
 * BACKEND_URL as a store build takes it: an https origin (no path, query or credentials), returned
 * without a trailing slash. Undefined when unset: a development build.
 */
export function storeBackendOrigin(text: string | undefined): string | undefined {
  if (!text?.trim()) return undefined;
  if (!URL.canParse(text.trim())) throw new StoreBuildError(`BACKEND_URL must be an absolute URL, not "${text}"`);
  const url = new URL(text.trim());
  if (url.protocol !== "https:") {
    throw new StoreBuildError(`BACKEND_URL must be https:// for a store build (it is ${url.protocol}//…)`);
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== "/") {
    throw new StoreBuildError(`BACKEND_URL must be the backend's origin only, e.g. https://memefans.example (not ${text})`);
  }
  return url.origin;
}

/** x.com, twitter.com and the backend; loopback only in a development build. */
export function hostPermissions(backendOrigin: string | undefined): string[] {
  return backendOrigin ? [...X_HOST_PERMISSIONS, `${backendOrigin}/*`] : [...X_HOST_PERMISSIONS, ...LOOPBACK_HOST_PERMISSIONS];
}

/** DISTRIBUTION_PROGRAM_ID as a build takes it: a base58 address, or undefined when unset (localnet's). */
export function storeProgramId(text: string | undefined): string | undefined {
  if (!text?.trim()) return undefined;
  if (!/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(text.trim())) {
    throw new StoreBuildError(`DISTRIBUTION_PROGRAM_ID must be a base58 program address, not "${text}"`);
  }
  return text.trim();
}
