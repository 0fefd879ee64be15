import "fake-indexeddb/auto";
import bs58 from "bs58";
import { afterEach, describe, expect, it } from "vitest";
import { UNREAD_TOKEN_WARNING } from "../../../shared/tokens/token-label.ts";
import { toBase64 } from "../../messaging/base64.ts";
import { callBackground } from "../../messaging/client.ts";
import { TOKEN_PROGRAM } from "../chain/program-ids.ts";
import { createRouter } from "../router.ts";
import { testServices } from "../testing/test-services.ts";
import { allHandlers } from "./all-handlers.ts";

const EXTENSION_ID = "abcdefghijklmnopabcdefghijklmnop";
const popup = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/popup.html` };
const OWNER = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const MINT = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

/** A classic token account holding `amount` raw units of MINT. */
function tokenAccount(amount: bigint) {
  const data = new Uint8Array(165);
  data.set(bs58.decode(MINT), 0);
  new DataView(data.buffer).setBigUint64(64, amount, true);
  return { pubkey: OWNER, account: { data: [toBase64(data), "base64"], owner: TOKEN_PROGRAM, lamports: 2_039_280 } };
}

let close: (() => void) | undefined;
afterEach(() => close?.());

/** The worker with a backend that cannot describe tokens and an RPC whose mint reads (getAccountInfo) fail. */
async function walletWithUnreadableMint() {
  const { services } = await testServices("balances-unreadable-mint");
  close = () => services.db.close();
  services.fetch = async (input, init) => {
    if (!String(input).endsWith("/rpc")) return new Response("busy", { status: 503 });
    const { id, method, params } = JSON.parse(String(init?.body)) as { id: number; method: string; params: unknown[] };
    const answer = (result: unknown) => Response.json({ jsonrpc: "2.0", id, result });
    if (method === "getBalance") return answer({ value: 5_000_000 });
    if (method === "getTokenAccountsByOwner")
      return answer({
        value: (params[1] as { programId: string }).programId === TOKEN_PROGRAM ? [tokenAccount(1_000_000n)] : [],
      });
    return new Response("Too Many Requests", { status: 429 });
  };
  return createRouter(EXTENSION_ID, allHandlers(services));
}

describe("the wallet's balances", () => {
  it("keeps decimals no one could read unknown, not 0, and marks the token unread rather than riskless", async () => {
    const route = await walletWithUnreadableMint();
    const balances = await callBackground("wallet/balances", { owner: OWNER }, (request) => route(request, popup));
    expect(balances.tokens).toEqual([
      { mint: MINT, amount: "1000000", tokenProgram: "spl-token", decimals: null, risks: [UNREAD_TOKEN_WARNING] },
    ]);
  });
});
