import { browser } from "wxt/browser";
import { dashboardPath } from "../../ui/dashboard-link.ts";
import type { Handlers } from "../router.ts";

/**
 * Opens a giveaway's dashboard in a tab for the creator's card on X: x.com cannot link to an
 * extension page itself (Chrome blocks the navigation unless the page is web-accessible, which
 * would let any site frame it).
 */
export function dashboardHandler(): Pick<Handlers, "creator/open-dashboard"> {
  return {
    "creator/open-dashboard": async ({ address }) => {
      // dashboardPath builds "/options.html#/d/<address>" from a checked address; WXT types getURL's argument by its pages.
      await browser.tabs.create({ url: browser.runtime.getURL(dashboardPath(address) as "/options.html") });
      return { opened: true };
    },
  };
}
