import Button from "@mui/material/Button";
import { useState } from "react";
import { callBackground } from "../../messaging/client.ts";
import { TextInput } from "./text-input.tsx";

/** First run: create a new keypair or import one; either way it is encrypted under the password at once. */
export function WalletSetup({ onDone }: { onDone: () => void }) {
  const [mode, setMode] = useState<"create" | "import">("create");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const mismatch = confirm.length > 0 && confirm !== password;
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      if (mode === "create") await callBackground("wallet/create", { password });
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
      <h2 className="text-xl font-extrabold">Set up your wallet</h2>
      <div className="flex gap-2 text-sm font-bold">
        {(["create", "import"] as const).map((option) => (
          <button
            key={option}
            type="button"
            onClick={() => setMode(option)}
            className={`border-b-4 pb-1 ${mode === option ? "border-[#1d9bf0]" : "border-transparent text-[#536471]"}`}
          >
            {option === "create" ? "Create new" : "Import key"}
          </button>
        ))}
      </div>
      {mode === "import" ? (
        <TextInput label="Secret key (base58 or JSON array)" multiline value={secret} onChange={setSecret} />
      ) : null}
      <TextInput label="Password (8+ characters)" type="password" value={password} onChange={setPassword} />
      <TextInput
        label="Repeat password"
        type="password"
        value={confirm}
        onChange={setConfirm}
        error={mismatch}
        helper={mismatch ? "the passwords differ" : "it encrypts the key on this device; it cannot be recovered"}
      />
      {error ? (
        <p className="text-sm text-[#f4212e]" role="alert">
          {error}
        </p>
      ) : null}
      <Button
        type="submit"
        variant="contained"
        disabled={busy || password.length < 8 || confirm !== password || (mode === "import" && !secret)}
      >
        {busy ? "Encrypting…" : mode === "create" ? "Create wallet" : "Import wallet"}
      </Button>
    </form>
  );
}
