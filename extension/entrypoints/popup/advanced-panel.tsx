import Button from "@mui/material/Button";
import TextField from "@mui/material/TextField";
import { useEffect, useState } from "react";
import { browser } from "wxt/browser";
import { callBackground } from "../../messaging/client.ts";
import type { Settings } from "../../messaging/shapes.ts";
import { ExportSecretKey } from "./export-secret-key.tsx";
import { useBackground } from "./use-background.ts";

/**
 * Advanced: the backend and RPC URLs (most people never change them), the auto-lock time, and the
 * built-in wallet's key export. The service worker validates and stores the settings.
 */
export default function AdvancedPanel({ builtin }: { builtin: boolean }) {
  const settings = useBackground("settings/get", {});
  const [draft, setDraft] = useState<Settings>();
  const [message, setMessage] = useState<string>();
  useEffect(() => setDraft(settings.data), [settings.data]);
  if (!draft) return <p className="text-sm">Loading…</p>;
  return (
    <div className="flex flex-col gap-3 py-2">
      <form
        className="flex flex-col gap-3"
        onSubmit={async (event) => {
          event.preventDefault();
          try {
            setDraft(await callBackground("settings/update", draft));
            setMessage("Saved");
          } catch (caught) {
            setMessage((caught as Error).message);
          }
        }}
      >
        <TextField
          label="Backend URL"
          size="small"
          value={draft.backendUrl}
          onChange={(event) => setDraft({ ...draft, backendUrl: event.target.value })}
        />
        <TextField
          label="RPC URL"
          size="small"
          placeholder={`${draft.backendUrl}/rpc`}
          helperText="empty: the backend's embedded chain"
          value={draft.rpcUrl}
          onChange={(event) => setDraft({ ...draft, rpcUrl: event.target.value })}
        />
        <TextField
          label="Auto-lock after (minutes)"
          type="number"
          size="small"
          value={draft.autoLockMinutes}
          onChange={(event) => setDraft({ ...draft, autoLockMinutes: Number(event.target.value) })}
        />
        <Button type="submit" variant="contained">
          Save
        </Button>
        {message ? (
          <p className="text-sm" role="status">
            {message}
          </p>
        ) : null}
      </form>
      <Button size="small" onClick={() => browser.runtime.openOptionsPage()}>
        Diagnostics (in the creator dashboard's Advanced section)
      </Button>
      {builtin ? <ExportSecretKey /> : null}
    </div>
  );
}
