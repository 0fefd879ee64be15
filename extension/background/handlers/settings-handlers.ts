import type { Handlers } from "../router.ts";
import type { BackgroundServices } from "../services.ts";
import { readSettings, updateSettings } from "../storage/settings-store.ts";

export function settingsHandlers(
  services: BackgroundServices,
): Pick<Handlers, "settings/get" | "dashboard/open" | "settings/update"> {
  return {
    "settings/get": () => readSettings(services.db),
    "dashboard/open": async ({ address }) => {
      await services.openDashboard(address);
      return { opened: true };
    },
    "settings/update": (patch) => updateSettings(services.db, patch),
  };
}
