import { BUILT_IN_BACKEND_URL } from "../../build-settings.ts";
import { type Settings, settingsPatchSchema, settingsSchema } from "../../messaging/shapes.ts";
import type { MemefansDatabase } from "./database.ts";

export const defaultSettings: Settings = {
  backendUrl: BUILT_IN_BACKEND_URL,
  rpcUrl: "",
  walletChoice: "builtin",
  autoLockMinutes: 15,
};

const SETTINGS_KEY = "settings";

export async function readSettings(db: MemefansDatabase): Promise<Settings> {
  const stored = settingsPatchSchema.safeParse(await db.get("settings", SETTINGS_KEY));
  // A stored value that no longer parses (an older or damaged record) falls back field by field.
  return settingsSchema.parse({ ...defaultSettings, ...(stored.success ? stored.data : {}) });
}

export async function updateSettings(db: MemefansDatabase, patch: unknown): Promise<Settings> {
  const next = settingsSchema.parse({ ...(await readSettings(db)), ...settingsPatchSchema.parse(patch) });
  next.backendUrl = next.backendUrl.replace(/\/+$/, "");
  await db.put("settings", next, SETTINGS_KEY);
  return next;
}

/** An empty RPC URL means the backend's embedded chain at <backend>/rpc. */
export function rpcUrlOf(settings: Settings): string {
  return settings.rpcUrl || `${settings.backendUrl}/rpc`;
}

/** Small values kept beside the settings: the X session token and the external wallet's address. */
export async function readValue<T>(db: MemefansDatabase, key: string): Promise<T | undefined> {
  return (await db.get("settings", key)) as T | undefined;
}

export async function writeValue(db: MemefansDatabase, key: string, value: unknown): Promise<void> {
  if (value === undefined) await db.delete("settings", key);
  else await db.put("settings", value, key);
}
