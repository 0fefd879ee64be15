import type { Browser } from "@playwright/test";
import { PublicKey } from "@solana/web3.js";
import { fund, type TestDistribution, tokenBalance } from "../../../backend/claims/testing/chain-fixtures.ts";
import { type RegistrationOptions, registeredTestDistribution } from "../../../backend/claims/testing/registered-distribution.ts";
import { backendClient } from "../../../backend/http/testing/test-backend.ts";
import type { RequirementInput } from "../../../shared/requirements.ts";
import { type DemoBackend, startDemoBackend } from "../../demo/demo-backend.ts";
import { launchBrowser } from "../extension-context.ts";

export interface WebGiveaway {
  backend: DemoBackend;
  /** Chromium without the extension. */
  browser: Browser;
  distribution: TestDistribution;
  /** `<PUBLIC_URL>/d/<address>`. */
  pageUrl: string;
  /** The fan's balance of the giveaway's token, from the chain. */
  balance(wallet: string): Promise<bigint>;
  close(): Promise<void>;
}

/**
 * The demo backend (embedded chain, X emulator, batcher, a fee payer funded to send batches), a live
 * giveaway on the emulator's giveaway post registered by its author, and Chromium for fans who never
 * installed the extension.
 */
export async function startWebGiveaway(
  requirements: RequirementInput[],
  maxClaims: number,
  options: RegistrationOptions = {},
): Promise<WebGiveaway> {
  const backend = await startDemoBackend({ logLevel: "error" });
  try {
    await fund(backend.context.connection, backend.feePayer.publicKey, 100);
    const distribution = await registeredTestDistribution(
      { ...backend, ...backendClient(backend.url) },
      { requirements, maxClaims, ...options },
    );
    const browser = await launchBrowser();
    return {
      backend,
      browser,
      distribution,
      pageUrl: `${backend.url}/d/${distribution.address.toBase58()}`,
      balance: (wallet) => tokenBalance(backend.context.connection, distribution.mint, new PublicKey(wallet)),
      close: async () => {
        await browser.close();
        await backend.close();
      },
    };
  } catch (error) {
    await backend.close();
    throw error;
  }
}
