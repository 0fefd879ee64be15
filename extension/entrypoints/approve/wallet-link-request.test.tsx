import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { WalletLinkRequest } from "./wallet-link-request.tsx";

const text = (markup: string) => markup.replace(/<[^>]+>/g, "");
const address = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";

describe("the approval window's description of a wallet link", () => {
  const shown = text(
    renderToStaticMarkup(
      <WalletLinkRequest
        view={{ kind: "wallet-link", id: "1", origin: "https://x.com", address, xUsername: "fan", expiresAt: 0 }}
      />,
    ),
  );

  it("names the full address, the X account and what linking means for the person's claims", () => {
    expect(shown).toContain(`Link wallet ${address} to @fan — giveaway tokens you claim will be paid to this wallet.`);
  });

  it("names the site that asks and tells the person to compare the address with their wallet app", () => {
    expect(shown).toContain("https://x.com asks to link a wallet to your X account.");
    expect(shown).toContain("Check that this address matches the one your wallet app shows.");
  });
});
