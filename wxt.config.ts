import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "wxt";
import { hostPermissions, storeBackendOrigin, storeProgramId, X_HOST_PERMISSIONS } from "./extension/listing/store-build.ts";

// A store build (`BACKEND_URL=https://… npm run zip:extension`) bakes its backend in and may reach
// only x.com, twitter.com and that backend; a development build talks to the local `npm start`.
const backendOrigin = storeBackendOrigin(process.env.BACKEND_URL);
// The program id of the cluster that backend serves (its DISTRIBUTION_PROGRAM_ID); localnet's when unset.
const programId = storeProgramId(process.env.DISTRIBUTION_PROGRAM_ID);

// The extension's source lives in extension/ so that the repository's top level stays
// extension/ backend/ programs/ shared/.
export default defineConfig({
  srcDir: "extension",
  // Icons at 16, 32, 48 and 128 px (extension/listing/render-assets.ts draws them from icon.svg).
  publicDir: "extension/public",
  // A store build goes beside, not over, the development build the e2e tests load.
  outDir: backendOrigin ? ".output/store" : ".output",
  modules: ["@wxt-dev/module-react"],
  vite: () => ({
    plugins: [tailwindcss()],
    define: {
      "import.meta.env.WXT_BACKEND_URL": JSON.stringify(backendOrigin ?? ""),
      "import.meta.env.WXT_DISTRIBUTION_PROGRAM_ID": JSON.stringify(programId ?? ""),
    },
  }),
  manifest: {
    name: "MEMEFANS",
    description: "Claim and create Solana token giveaways inside X posts.",
    permissions: ["storage", "alarms", "identity"],
    host_permissions: hostPermissions(backendOrigin),
    ...(backendOrigin ? { homepage_url: backendOrigin } : {}),
    // The overlay's create dialog imports its transaction builder (web3.js) only when a creator signs.
    web_accessible_resources: [{ resources: ["create-transaction.js"], matches: X_HOST_PERMISSIONS }],
  },
});
