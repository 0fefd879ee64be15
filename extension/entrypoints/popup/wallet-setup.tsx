import Button from "@mui/material/Button";
import { useState } from "react";
import { callBackground } from "../../messaging/client.ts";
import type { WalletStatus } from "../../messaging/shapes.ts";
import { BackupCheck } from "./backup-check.tsx";
import { TextInput } from "./text-input.tsx";

type SetupMode = "create" | "restore" | "import";

const modeLabels: Record<SetupMode, string> = {
  create: "Create new",
  restore: "Recovery phrase",
  import: "Private key",
};

/**
 * A new wallet from a fresh recovery phrase (then the backup check), or an existing one from its
 * phrase (MEMEFANS, Phantom, Solflare) or raw key. Either way the password encrypts it at once.
 */
export function WalletSetup({ onDone }: { onDone: (status?: WalletStatus) => void }) {
  const [mode, setMode] = useState<SetupMode>("create");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState(false);
  const mismatch = confirm.length > 0 && confirm !== password;
  if (created) return <BackupCheck password={password} onDone={onDone} />;
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      if (mode === "create") {
        await callBackground("wallet/create", { password });
        setCreated(true);
        return;
      }
      if (mode === "restore") await callBackground("wallet/restore", { phrase: secret, password });
      else await callBackground("wallet/import", { secret, password });
      onDone();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="flex flex-col gap-3 p-4"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2 className="text-xl font-extrabold">Set up your MEMEFANS wallet</h2>
      <div className="flex gap-3 text-sm font-bold" role="tablist">
        {(["create", "restore", "import"] as const).map((option) => (
          <button
            key={option}
            type="button"
            role="tab"
            aria-selected={mode === option}
            onClick={() => {
              setMode(option);
              setSecret("");
            }}
            className={`border-b-4 pb-1 ${mode === option ? "border-[#1d9bf0]" : "border-transparent text-[#536471]"}`}
          >
            {modeLabels[option]}
          </button>
        ))}
      </div>
      {mode === "restore" ? (
        <TextInput label="Recovery phrase (12 or 24 words)" multiline value={secret} onChange={setSecret} />
      ) : null}
      {mode === "import" ? (
        <TextInput label="Private key (base58 or JSON array)" multiline value={secret} onChange={setSecret} />
      ) : null}
      <TextInput label="Password (8+ characters)" type="password" value={password} onChange={setPassword} />
      <TextInput
        label="Repeat password"
        type="password"
        value={confirm}
        onChange={setConfirm}
        error={mismatch}
        helper={
          mismatch
            ? "the passwords differ"
            : "it unlocks the wallet on this device; a forgotten password is replaced by restoring from the recovery phrase"
        }
      />
      {error ? (
        <p className="text-sm text-[#f4212e]" role="alert">
          {error}
        </p>
      ) : null}
      <Button
        type="submit"
        variant="contained"
        disabled={busy || password.length < 8 || confirm !== password || (mode !== "create" && !secret.trim())}
      >
        {busy ? "Encrypting…" : mode === "create" ? "Create wallet" : mode === "restore" ? "Restore wallet" : "Import wallet"}
      </Button>
    </form>
  );
}
