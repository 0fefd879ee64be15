import Button from "@mui/material/Button";
import { useState } from "react";
import { callBackground } from "../../messaging/client.ts";
import type { WalletStatus } from "../../messaging/shapes.ts";
import { shortAddress } from "../../ui/format.ts";
import { TextInput } from "./text-input.tsx";

export function UnlockForm({ address, onUnlocked }: { address: string; onUnlocked: (status: WalletStatus) => void }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="flex flex-col gap-3 p-4"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        try {
          onUnlocked(await callBackground("wallet/unlock", { password }));
        } catch (caught) {
          setError((caught as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 className="text-xl font-extrabold">Wallet locked</h2>
      <p className="text-sm text-[#536471]">
        <span className="font-mono">{shortAddress(address)}</span> locks itself when idle. Enter your password to unlock it.
      </p>
      <TextInput
        label="Password"
        type="password"
        autoFocus
        value={password}
        onChange={setPassword}
        error={Boolean(error)}
        helper={error}
      />
      <Button type="submit" variant="contained" disabled={busy || !password}>
        {busy ? "Unlocking…" : "Unlock"}
      </Button>
    </form>
  );
}
