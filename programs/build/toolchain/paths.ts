import { fileURLToPath } from "node:url";

export const REPOSITORY_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const TARGET_DIRECTORY = `${REPOSITORY_ROOT}target`;
/** Where `npm run build:program` puts the deployable shared objects, as `cargo build-sbf` does. */
export const DEPLOY_DIRECTORY = `${TARGET_DIRECTORY}/deploy`;
export const SYSROOT_CACHE = `${TARGET_DIRECTORY}/sbf-sysroot`;
export const BUILD_DIRECTORY = `${TARGET_DIRECTORY}/sbf-build`;
