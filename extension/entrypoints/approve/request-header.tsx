import type { ApprovalView } from "../../messaging/shapes.ts";
import { shortAddress } from "../../ui/format.ts";

/**
 * Whether one of MEMEFANS's own pages asked. The worker labels those "MEMEFANS <page>"
 * (background/handlers/origin-label.ts); a content script is labelled with its page's web origin
 * ("https://x.com"), which Chrome sets and which never takes that form.
 */
export function askedByExtensionPage(origin: string): boolean {
  return origin.startsWith("MEMEFANS ");
}

/** A request for a signature: every kind but a wallet link, which has its own description (wallet-link-request.tsx). */
export type SignatureRequestView = Exclude<ApprovalView, { kind: "wallet-link" }>;

/**
 * Who asks, why, and who signs. A site's words for why (`purpose`) and a page wallet's name for
 * itself are its own, not checked by MEMEFANS: they are quoted and labelled as such, never worded
 * as the window's own description of the request.
 */
export function RequestHeader({ view }: { view: SignatureRequestView }) {
  const wallet = view.kind === "transaction" ? view.wallet : undefined;
  return (
    <header>
      <h1 className="text-xl font-extrabold">{view.kind === "transaction" ? "Approve transaction" : "Sign message"}</h1>
      {askedByExtensionPage(view.origin) ? (
        <p className="text-sm text-[#536471]">
          <strong>{view.origin}</strong> asks to {view.purpose}
        </p>
      ) : (
        <>
          <p className="text-sm text-[#536471]">
            <strong>{view.origin}</strong> asks for your signature.
          </p>
          <p className="text-sm text-[#536471]" data-testid="approval-site-text">
            The site says (not checked by MEMEFANS): <q className="break-words italic">{view.purpose}</q>
          </p>
        </>
      )}
      <p className="text-sm text-[#536471]" title={view.signer}>
        Signer: <span className="font-mono">{shortAddress(view.signer)}</span>{" "}
        {wallet ? (
          <>
            (your page wallet, which calls itself <q className="break-words italic">{wallet}</q>)
          </>
        ) : (
          "(built-in wallet)"
        )}
      </p>
    </header>
  );
}
