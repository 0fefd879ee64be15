import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "wxt";

// The extension's source lives in extension/ so that the repository's top level stays
// extension/ backend/ programs/ shared/.
export default defineConfig({
  srcDir: "extension",
  outDir: ".output",
  modules: ["@wxt-dev/module-react"],
  vite: () => ({
    plugins: [tailwindcss()],
  }),
  manifest: {
    name: "MEMEFANS",
    description: "Claim and create Solana token giveaways inside X posts.",
    permissions: ["storage", "alarms", "identity"],
    host_permissions: ["https://x.com/*", "https://twitter.com/*", "http://127.0.0.1/*", "http://localhost/*"],
    // The overlay's create dialog imports its transaction builder (web3.js) only when a creator signs.
    web_accessible_resources: [{ resources: ["create-transaction.js"], matches: ["https://x.com/*", "https://twitter.com/*"] }],
  },
});
