import { useEffect, useRef, useState } from "react";
import { type Distribution, type Eligibility, RECHECK_AFTER_RETURN_MS } from "../../shared/api/distributions.ts";
import { requirementWords } from "../../shared/requirement-words.ts";
import { requirementSchema } from "../../shared/requirements.ts";
import { backendApi } from "../api/backend-api.ts";
import { requirementLabel } from "../ui/requirement-label.ts";

/**
 * The fan's checklist: ✓ or ✗ for each requirement, with screen-reader words for each, and X's own
 * button (a web intent in a small window) beside each one not met yet. When the fan comes back after
 * pressing one (the tab regains focus or visibility, or the intent window closes), the list asks the
 * backend again, past its 30 s memory of unmet answers.
 */

/** X's intent window: a popup the fan closes to come back, as X's own share buttons open it. */
const INTENT_WINDOW = "popup,width=600,height=700";
/** How often the card looks whether the intent window is closed yet. */
const WINDOW_WATCH_MS = 500;

export function Checklist({ distribution, signedIn }: { distribution: Distribution; signedIn: boolean }) {
  const eligibility = backendApi.useDistributionsEligibilityQuery({ address: distribution.address }, { skip: !signedIn });
  const [recheck] = backendApi.useRecheckEligibilityMutation();
  const [acted, setActed] = useState(false);
  const [returns, setReturns] = useState(0);
  const intentWindow = useRef<Window | null>(null);
  const checks = signedIn ? eligibility.data : undefined;
  const allMet = checks?.eligible ?? false;
  const address = distribution.address;

  useEffect(() => {
    if (!acted || allMet || !signedIn) return;
    const onReturn = () => {
      if (document.visibilityState === "visible") setReturns((count) => count + 1);
    };
    window.addEventListener("focus", onReturn);
    document.addEventListener("visibilitychange", onReturn);
    // Focus is not always reported (a browser that never lost it): the intent window closing says the same.
    const watch = setInterval(() => {
      if (!intentWindow.current?.closed) return;
      intentWindow.current = null;
      onReturn();
    }, WINDOW_WATCH_MS);
    return () => {
      clearInterval(watch);
      window.removeEventListener("focus", onReturn);
      document.removeEventListener("visibilitychange", onReturn);
    };
  }, [acted, allMet, signedIn]);

  useEffect(() => {
    if (returns === 0 || allMet) return;
    const timers = RECHECK_AFTER_RETURN_MS.map((delay) => setTimeout(() => recheck(address), delay));
    return () => {
      for (const timer of timers) clearTimeout(timer);
    };
  }, [returns, allMet, recheck, address]);

  if (!distribution.requirements.length) {
    return <p className="m-0 text-sm text-[var(--mf-muted)]">No requirements: anyone signed in with X can claim.</p>;
  }
  const done = checks?.checks.filter((check) => check.met).length ?? 0;
  return (
    <>
      <p className="sr-only" aria-live="polite">
        {checks ? `${done} of ${distribution.requirements.length} requirements done` : ""}
      </p>
      <ul className="m-0 flex list-none flex-col gap-2 p-0" data-testid="memefans-checklist" aria-label="Requirements">
        {distribution.requirements.map((requirement) => {
          const line = lineFor(requirement, distribution);
          const check = findCheck(checks, requirement);
          return (
            <li key={line.text} className="flex min-h-8 items-center gap-2 text-[15px]" data-met={check?.met ?? "unknown"}>
              <CheckMark met={check?.met} />
              <span className="min-w-0 flex-1">
                {line.text}
                {check && !check.met && !line.action && check.detail ? (
                  <span className="text-sm text-[var(--mf-muted)]"> — {check.detail}</span>
                ) : null}
              </span>
              {line.action && check?.met !== true && (
                <a
                  href={line.action.url}
                  target="_blank"
                  rel="noopener noreferrer"
                  data-testid="memefans-action"
                  onClick={(event) => {
                    setActed(true);
                    const opened = window.open(line.action?.url, "_blank", INTENT_WINDOW);
                    if (!opened) return; // Popups blocked: the link opens a tab instead.
                    // The intent window cannot reach back into x.com's page.
                    opened.opener = null;
                    intentWindow.current = opened;
                    event.preventDefault();
                  }}
                  className="shrink-0 rounded-full border border-solid border-[var(--mf-border)] px-3 py-1 text-sm font-bold text-[var(--mf-text)] no-underline hover:bg-[#1d9bf01a]"
                >
                  {line.action.label}
                </a>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

function lineFor(requirement: unknown, distribution: Distribution) {
  const parsed = requirementSchema.safeParse(requirement);
  return parsed.success
    ? requirementWords(parsed.data, distribution.postId, distribution.creatorUsername)
    : { text: requirementLabel(requirement) };
}

/** The backend may list its checks in its own (canonical) order: pair them by requirement. */
function findCheck(eligibility: Eligibility | undefined, requirement: unknown) {
  const label = requirementLabel(requirement);
  return eligibility?.checks.find((candidate) => requirementLabel(candidate.requirement) === label);
}

function CheckMark({ met }: { met: boolean | undefined }) {
  const [mark, words, colour] =
    met === undefined
      ? ["•", "not checked yet", "text-[var(--mf-muted)]"]
      : met
        ? ["✓", "done", "text-[var(--mf-success)]"]
        : ["✗", "not done yet", "text-[var(--mf-danger)]"];
  return (
    <span className={`w-4 shrink-0 text-center font-bold ${colour}`}>
      <span aria-hidden>{mark}</span>
      <span className="sr-only">{words}: </span>
    </span>
  );
}
