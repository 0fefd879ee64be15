import Button from "@mui/material/Button";
import { useState } from "react";
import type { CreatorDistribution as Distribution } from "../../../shared/api/distributions.ts";
import { callBackground } from "../../messaging/client.ts";
import type { CloseResult } from "../../messaging/shapes.ts";
import { CloseResultNote } from "../../ui/close-result.tsx";
import { localTime } from "./giveaway-facts.tsx";

type Action = "pause" | "resume" | "close";

const PENDING_WORDS: Record<Action, string> = {
  pause: "Pausing… approve in the window that opened",
  resume: "Resuming… approve in the window that opened",
  close: "Closing… approve in the window that opened",
};

type Toggle = Exclude<Action, "close">;

const DONE_WORDS: Record<Toggle, string> = {
  pause: "Paused: no payouts until you resume. Claims already accepted wait in the queue.",
  resume: "Resumed: payouts go out again.",
};

/**
 * Pause, resume and close (the clawback), each signed by the creator's wallet through the approval
 * window. Close is offered once the program allows it: after the end, or when every slot is taken.
 */
export function GiveawayControls({ distribution, onChanged }: { distribution: Distribution; onChanged: () => void }) {
  const [state, setState] = useState<{ busy?: Action; error?: string; done?: Toggle; closed?: CloseResult }>({});
  // What came back, measured on chain, stays in view after the close: "Returned 2,000 $WIF and 0.05 SOL".
  if (state.closed) {
    return (
      <span className="flex flex-col items-end gap-1">
        <span className="text-sm text-[#536471]">closed</span>
        <CloseResultNote result={state.closed} />
      </span>
    );
  }
  if (distribution.closed) return <span className="text-sm text-[#536471]">closed</span>;
  const ended = Date.now() / 1000 >= distribution.endsAt || distribution.claimedCount >= distribution.maxClaims;
  const run = async (action: Action) => {
    setState({ busy: action });
    try {
      if (action === "close") {
        setState({ closed: await callBackground("distributions/close", { address: distribution.address }) });
      } else {
        await callBackground("distributions/set-paused", { address: distribution.address, paused: action === "pause" });
        setState({ done: action });
      }
      onChanged();
    } catch (caught) {
      setState({ error: (caught as Error).message });
    }
  };
  return (
    <div className="flex flex-col items-end gap-1" data-testid="giveaway-controls">
      <div className="flex gap-2">
        {!ended && !distribution.paused ? (
          <Button variant="outlined" size="small" disabled={state.busy !== undefined} onClick={() => run("pause")}>
            Pause
          </Button>
        ) : null}
        {distribution.paused ? (
          <Button variant="contained" size="small" disabled={state.busy !== undefined} onClick={() => run("resume")}>
            Resume
          </Button>
        ) : null}
        {ended ? (
          <Button variant="outlined" color="error" size="small" disabled={state.busy !== undefined} onClick={() => run("close")}>
            Close and reclaim
          </Button>
        ) : null}
      </div>
      {!ended ? (
        <span className="text-xs text-[#536471]">Can be closed after the end ({localTime(distribution.endsAt)})</span>
      ) : null}
      {state.busy ? (
        <span className="text-xs" role="status">
          {PENDING_WORDS[state.busy]}
        </span>
      ) : null}
      {state.done ? (
        <span className="text-xs" role="status">
          {DONE_WORDS[state.done]}
        </span>
      ) : null}
      {state.error ? (
        <span className="max-w-80 text-right text-xs text-[#f4212e]" role="alert">
          {state.error}
        </span>
      ) : null}
    </div>
  );
}
