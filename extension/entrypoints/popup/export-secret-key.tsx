import Button from "@mui/material/Button";
import { useState } from "react";
import { callBackground } from "../../messaging/client.ts";
import { TextInput } from "./text-input.tsx";

/** The built-in wallet's secret key, for importing it into Phantom or Solflare; only with the password. */
export function ExportSecretKey() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [secretKey, setSecretKey] = useState<string>();
  const [error, setError] = useState<string>();
  if (!open) {
    return (
      <Button size="small" color="error" onClick={() => setOpen(true)}>
        Export private key
      </Button>
    );
  }
  return (
    <section className="flex flex-col gap-2 rounded border border-[#f4212e] p-3" data-testid="export-secret-key">
      <p className="text-sm font-bold">Anyone with this key controls the wallet. Never paste it into a website.</p>
      {secretKey ? (
        <>
          <p className="break-all font-mono text-xs" data-testid="exported-secret-key">
            {secretKey}
          </p>
          <Button
            size="small"
            onClick={() => {
              setSecretKey(undefined);
              setOpen(false);
            }}
          >
            Hide
          </Button>
        </>
      ) : (
        <form
          className="flex flex-col gap-2"
          onSubmit={async (event) => {
            event.preventDefault();
            try {
              setSecretKey((await callBackground("wallet/export-secret", { password })).secretKey);
              setPassword("");
              setError(undefined);
            } catch (caught) {
              setError((caught as Error).message);
            }
          }}
        >
          <TextInput
            label="Password"
            type="password"
            value={password}
            onChange={setPassword}
            error={Boolean(error)}
            helper={error}
          />
          <Button type="submit" variant="outlined" color="error" disabled={!password}>
            Show private key
          </Button>
        </form>
      )}
    </section>
  );
}
