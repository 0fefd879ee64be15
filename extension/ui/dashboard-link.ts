import { publicKeySchema } from "../../shared/primitives.ts";

/**
 * Where a creator's dashboard lives: the options page, and one giveaway at options.html#/d/<address>.
 * The popup and the creator's card on X link here (the card through browser.runtime.getURL).
 */
export const DASHBOARD_PAGE = "/options.html";
const GIVEAWAY_ROUTE = /^#\/d\/([^/?#]+)$/;

export function dashboardPath(address?: string): string {
  return address ? `${DASHBOARD_PAGE}#/d/${address}` : DASHBOARD_PAGE;
}

/** The giveaway a hash names, or undefined for the list (and for anything that is not an address). */
export function dashboardAddress(hash: string): string | undefined {
  const address = GIVEAWAY_ROUTE.exec(hash)?.[1];
  return address && publicKeySchema.safeParse(address).success ? address : undefined;
}
