import Button from "@mui/material/Button";
import { useEffect, useState } from "react";
import { callBackground } from "../../messaging/client.ts";
import type { WalletStatus } from "../../messaging/shapes.ts";
import { TextInput } from "./text-input.tsx";

/** Three different positions, 1-based, for the "type these words back" check. */
function pickPositions(count: number): number[] {
  const positions = new Set<number>();
  const random = new Uint32Array(1);
  while (positions.size < 3) {
    crypto.getRandomValues(random);
    positions.add(((random[0] ?? 0) % count) + 1);
  }
  return [...positions].sort((a, b) => a - b);
}

function PasswordStep({ onPassword }: { onPassword: (password: string) => void }) {
  const [password, setPassword] = useState("");
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        onPassword(password);
      }}
    >
      <TextInput label="Password" type="password" autoFocus value={password} onChange={setPassword} />
      <Button type="submit" variant="contained" disabled={!password}>
        Show my recovery phrase
      </Button>
    </form>
  );
}

/**
 * The one-time backup: the twelve words, a promise they are written down, then three of them typed
 * back. The service worker checks the answers; the words leave this page's memory when it closes.
 */
export function BackupCheck({ password: known, onDone }: { password?: string; onDone: (status: WalletStatus) => void }) {
  const [password, setPassword] = useState(known);
  const [words, setWords] = useState<string[]>();
  const [writtenDown, setWrittenDown] = useState(false);
  const [step, setStep] = useState<"show" | "check">("show");
  const [positions, setPositions] = useState<number[]>([]);
  const [answers, setAnswers] = useState<Record<number, string>>({});
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!password) return;
    callBackground("wallet/recovery-phrase", { password })
      .then((answer) => {
        setWords(answer.words);
        setPositions(pickPositions(answer.words.length));
      })
      .catch((caught: Error) => {
        setError(caught.message);
        setPassword(undefined);
      });
  }, [password]);

  return (
    <section className="flex flex-col gap-3 p-4" data-testid="backup-check">
      <h2 className="text-xl font-extrabold">Back up your recovery phrase</h2>
      <p className="text-sm text-[#536471]">
        These words are the wallet. Anyone who has them can take your tokens; without them a forgotten password loses the wallet.
        Write them on paper, in order, and keep them offline. MEMEFANS shows them this once.
      </p>
      {error ? (
        <p className="text-sm text-[#f4212e]" role="alert">
          {error}
        </p>
      ) : null}
      {!password ? <PasswordStep onPassword={setPassword} /> : null}
      {words && step === "show" ? (
        <>
          <ol className="grid grid-cols-3 gap-2 font-mono text-sm" data-testid="recovery-phrase">
            {words.map((word, index) => (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: a phrase may repeat a word; the position is its identity.
                key={index}
                className="rounded border border-[#cfd9de] px-2 py-1 dark:border-[#2f3336]"
              >
                <span className="text-[#536471]">{index + 1}.</span> <span data-word>{word}</span>
              </li>
            ))}
          </ol>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={writtenDown} onChange={(event) => setWrittenDown(event.target.checked)} />I wrote the
            12 words down, in order
          </label>
          <Button variant="contained" disabled={!writtenDown} onClick={() => setStep("check")}>
            Continue
          </Button>
        </>
      ) : null}
      {words && step === "check" ? (
        <form
          className="flex flex-col gap-3"
          onSubmit={async (event) => {
            event.preventDefault();
            setError(undefined);
            try {
              const status = await callBackground("wallet/confirm-backup", {
                password: password ?? "",
                answers: positions.map((position) => ({ position, word: answers[position] ?? "" })),
              });
              setWords(undefined);
              onDone(status);
            } catch (caught) {
              setError((caught as Error).message);
            }
          }}
        >
          <p className="text-sm">From your written copy, type these words:</p>
          {positions.map((position) => (
            <TextInput
              key={position}
              label={`Word #${position}`}
              value={answers[position] ?? ""}
              onChange={(word) => setAnswers({ ...answers, [position]: word })}
            />
          ))}
          <div className="flex gap-2">
            <Button onClick={() => setStep("show")}>Show the words again</Button>
            <Button type="submit" variant="contained" disabled={positions.some((position) => !answers[position]?.trim())}>
              Confirm backup
            </Button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
