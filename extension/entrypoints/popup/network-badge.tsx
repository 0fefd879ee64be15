import { useBackground } from "./use-background.ts";

const networkStyles = {
  mainnet: ["Mainnet", "bg-[#00ba7c]"],
  devnet: ["Devnet", "bg-[#7856ff]"],
  testnet: ["Testnet", "bg-[#7856ff]"],
  localnet: ["Localnet", "bg-[#536471]"],
} as const;

/** Which cluster the RPC is: money on Devnet or a local chain is not money on Mainnet. Shown with a wallet only. */
export function NetworkBadge() {
  const network = useBackground("chain/network", {});
  if (!network.data) return null;
  const [label, color] = networkStyles[network.data.network];
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-bold text-white ${color}`} data-testid="network-badge">
      {label}
    </span>
  );
}
