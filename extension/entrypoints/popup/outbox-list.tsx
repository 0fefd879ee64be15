import Button from "@mui/material/Button";
import { callBackground } from "../../messaging/client.ts";
import { useBackground } from "./use-background.ts";

/** Writes still waiting for the backend; "Retry now" skips the backoff wait. */
export function OutboxList() {
  const outbox = useBackground("outbox/list", {});
  const waiting = (outbox.data?.items ?? []).filter((item) => item.status !== "delivered");
  return (
    <div data-testid="outbox-list">
      {outbox.data && waiting.length === 0 ? <p className="text-sm text-[#536471]">Nothing waiting to be sent.</p> : null}
      <ul className="flex flex-col gap-2">
        {waiting.map((item) => (
          <li key={item.id} className="rounded-2xl border border-[#cfd9de] p-2 text-sm dark:border-[#2f3336]">
            <div className="font-bold">{item.label}</div>
            <div className="text-xs text-[#536471]">
              {item.status === "failed"
                ? "refused"
                : `attempt ${item.attempts}, next ${new Date(item.nextAttemptAt).toLocaleTimeString()}`}
            </div>
            {item.lastError ? <div className="break-all text-xs text-[#f4212e]">{item.lastError.message}</div> : null}
          </li>
        ))}
      </ul>
      {waiting.some((item) => item.status !== "failed") ? (
        <Button
          size="small"
          onClick={async () => {
            await callBackground("outbox/flush", {});
            await outbox.reload();
          }}
        >
          Retry now
        </Button>
      ) : null}
    </div>
  );
}
