import type { Handlers } from "../router.ts";
import type { BackgroundServices } from "../services.ts";
import { readSettings, updateSettings } from "../storage/settings-store.ts";

export function settingsHandlers(services: BackgroundServices): Pick<Handlers, "settings/get" | "settings/update"> {
  return {
    "settings/get": () => readSettings(services.db),
    "settings/update": (patch) => updateSettings(services.db, patch),
  };
}
