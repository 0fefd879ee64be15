import type { ApprovalView } from "../../messaging/shapes.ts";
import type { ApprovalQueue } from "../approvals/approval-queue.ts";

/**
 * Runs a handler and answers the one approval window it opens, as the person would in approve.html;
 * a handler that fails or answers before asking opens none. Gives the handler's answer, and what the
 * window showed.
 */
export function approvalAnswerer(openedApprovals: readonly string[], approvals: Pick<ApprovalQueue, "view" | "decide">) {
  return async <T>(run: () => Promise<T>, approve = true): Promise<{ answer: Promise<T>; view: ApprovalView | undefined }> => {
    const opened = openedApprovals.length;
    const answer = run();
    let settled = false;
    answer.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (openedApprovals.length === opened && !settled) await new Promise((resolve) => setTimeout(resolve, 20));
    const id = openedApprovals[opened];
    const view = id ? approvals.view(id) : undefined;
    if (id) approvals.decide(id, approve);
    return { answer, view };
  };
}
