import { useEffect, useState } from "react";

/** How long Approve stays inert after the window is shown or refocused, or its request changes. */
export const APPROVE_DELAY_MS = 1_000;

/**
 * False until the window has been visible for APPROVE_DELAY_MS with `shown` (the id of the request
 * on screen) unchanged; focusing the window again or a new request starts the wait over. A
 * window that pops up under the pointer must not take a click meant for something else.
 */
export function useApproveReady(shown: string | undefined): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    setReady(false);
    if (shown === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const restart = () => {
      setReady(false);
      clearTimeout(timer);
      if (document.visibilityState === "visible") timer = setTimeout(() => setReady(true), APPROVE_DELAY_MS);
    };
    restart();
    window.addEventListener("focus", restart);
    document.addEventListener("visibilitychange", restart);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("focus", restart);
      document.removeEventListener("visibilitychange", restart);
    };
  }, [shown]);
  return ready;
}
