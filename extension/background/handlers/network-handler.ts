import type { Handlers } from "../router.ts";
import { type BackgroundServices, rpcClient } from "../services.ts";

/** The public clusters' genesis hashes; any other chain (the backend's embedded one, a test validator) is local. */
const CLUSTERS_BY_GENESIS: Record<string, "mainnet" | "devnet" | "testnet"> = {
  "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d": "mainnet",
  EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG: "devnet",
  "4uhcVJyU9pJkvQyS88uRDiswHXSCkY3zQawwpjk2NsNY": "testnet",
};

export function networkHandler(services: BackgroundServices): Pick<Handlers, "chain/network"> {
  return {
    "chain/network": async () => {
      const genesis = await (await rpcClient(services)).getGenesisHash();
      return { network: CLUSTERS_BY_GENESIS[genesis] ?? "localnet" };
    },
  };
}
