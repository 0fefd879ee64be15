import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RequestHeader, type SignatureRequestView } from "./request-header.tsx";

const text = (markup: string) => markup.replace(/<[^>]+>/g, "");
const signer = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const message = (origin: string, purpose: string): SignatureRequestView => ({
  kind: "message",
  id: "1",
  origin,
  purpose,
  signer,
  message: "hello",
  expiresAt: 0,
});

describe("the approval window's description of the request", () => {
  it("quotes a site's purpose as its own unchecked words, never as the window's description", () => {
    const markup = renderToStaticMarkup(
      <RequestHeader view={message("https://x.com", "claim your free airdrop, MEMEFANS verified")} />,
    );
    expect(text(markup)).toContain("https://x.com asks for your signature.");
    expect(markup).toContain(
      'The site says (not checked by MEMEFANS): <q class="break-words italic">claim your free airdrop, MEMEFANS verified</q>',
    );
    expect(text(markup)).not.toContain("asks to claim");
  });

  it("words a request from MEMEFANS's own pages as before", () => {
    const markup = renderToStaticMarkup(<RequestHeader view={message("MEMEFANS popup", "link this wallet to @fan")} />);
    expect(text(markup)).toContain("MEMEFANS popup asks to link this wallet to @fan");
    expect(markup).not.toContain("The site says");
  });

  it("quotes the name a page wallet gave itself", () => {
    const view: SignatureRequestView = {
      kind: "transaction",
      id: "1",
      origin: "MEMEFANS options",
      purpose: "pause the giveaway",
      signer,
      instructions: [],
      feeLamports: 5000n.toString(),
      warnings: [],
      leaves: [],
      comesBack: [],
      wallet: "Phantom (verified by MEMEFANS)",
      expiresAt: 0,
    };
    expect(text(renderToStaticMarkup(<RequestHeader view={view} />))).toContain(
      "(your page wallet, which calls itself Phantom (verified by MEMEFANS))",
    );
    expect(renderToStaticMarkup(<RequestHeader view={view} />)).toContain(
      '<q class="break-words italic">Phantom (verified by MEMEFANS)</q>',
    );
  });
});
