import type { HandlerContext } from "../router.ts";
import { type BackgroundServices, requireSession } from "../services.ts";
import { originLabel } from "./origin-label.ts";

/**
 * Binding a wallet decides where the signed-in X account's claims are paid, so a content script's
 * binding waits for the person's Approve in our own window. The address and its signature come from
 * x.com's page, where any script (an XSS, another extension's) can pose as Phantom and answer with
 * its own; only the person can tell it from the one their wallet app shows. Our own pages show what
 * they bind themselves. Who asks is the router's sender verdict, never something the message says.
 */
export async function approveContentWalletLink(
  services: BackgroundServices,
  address: string,
  context: HandlerContext,
): Promise<void> {
  if (context.audience === "page") return;
  const { xUser } = await requireSession(services);
  await services.approvals.request({ kind: "wallet-link", origin: originLabel(context), address, xUsername: xUser.username });
}
