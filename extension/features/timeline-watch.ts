import { everywhere, type Feature } from "./overlay.ts";
import { scanPosts } from "./post-scanner.ts";
import { watchTimelineHealth } from "./selector-health.ts";

/**
 * Feeds every other feature: scans the page for posts (see post-scanner.ts) and checks that the
 * timeline's cells still hold posts the scanner recognises.
 *
 * Test URLs: https://x.com/home, https://x.com/explore, https://x.com/<user>/status/<id>
 */
export const timelineWatch: Feature = {
  runsOn: everywhere,
  init(signal, overlay) {
    scanPosts({ root: overlay.doc.body, hub: overlay.hub, hosts: overlay.linkHosts, reportMiss: overlay.reportMiss }, signal);
    watchTimelineHealth(overlay.doc, overlay.reportMiss, signal);
  },
};
