import { MessagingError } from "../../messaging/errors.ts";
import type { HandlerContext, Handlers } from "../router.ts";
import type { BackgroundServices } from "../services.ts";

/** Only the approval window itself may read or answer a request; the popup and options page cannot. */
function requireApprovalWindow(context: HandlerContext): void {
  const path = context.sender.url ? new URL(context.sender.url).pathname : "";
  if (path !== "/approve.html")
    throw new MessagingError("forbidden_sender", "refused: only the approval window answers signature requests");
}

export function approvalHandlers(services: BackgroundServices): Pick<Handlers, "approval/get" | "approval/decide"> {
  return {
    "approval/get": async ({ id }, context) => {
      requireApprovalWindow(context);
      return services.approvals.view(id);
    },
    "approval/decide": async ({ id, approved }, context) => {
      requireApprovalWindow(context);
      services.approvals.decide(id, approved);
      return { decided: true as const };
    },
  };
}
