import type { Handlers } from "../router.ts";
import type { BackgroundServices } from "../services.ts";

/** Distinct (feature, selector) misses kept, so a page that misses on every frame cannot fill the disk. */
const MAX_DIAGNOSTIC_ENTRIES = 200;

export function diagnosticsHandlers(
  services: BackgroundServices,
): Pick<Handlers, "diagnostics/report" | "diagnostics/list" | "diagnostics/clear"> {
  return {
    "diagnostics/report": async (report) => {
      const key = `${report.feature}\u0000${report.selector}`;
      const transaction = services.db.transaction("diagnostics", "readwrite");
      const existing = await transaction.store.get(key);
      const now = services.now();
      if (existing) {
        await transaction.store.put({ ...existing, ...report, key, count: existing.count + 1, lastSeen: now });
      } else if ((await transaction.store.count()) < MAX_DIAGNOSTIC_ENTRIES) {
        await transaction.store.put({ ...report, key, count: 1, firstSeen: now, lastSeen: now });
      }
      await transaction.done;
      return { recorded: true as const };
    },
    "diagnostics/list": async () => {
      const entries = await services.db.getAll("diagnostics");
      return { entries: entries.sort((a, b) => b.lastSeen - a.lastSeen).map(({ key: _key, ...entry }) => entry) };
    },
    "diagnostics/clear": async () => {
      const cleared = await services.db.count("diagnostics");
      await services.db.clear("diagnostics");
      return { cleared };
    },
  };
}
