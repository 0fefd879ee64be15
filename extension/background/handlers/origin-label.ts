import type { HandlerContext } from "../router.ts";

/** Names the requester in the approval window: the x.com page, or which of our own pages. */
export function originLabel(context: HandlerContext): string {
  const url = context.sender.tab?.url ?? context.sender.url ?? "";
  try {
    const parsed = new URL(url);
    return context.audience === "page" ? `MEMEFANS ${parsed.pathname.replace(/^\/|\.html$/g, "") || "extension"}` : parsed.origin;
  } catch {
    return context.audience === "page" ? "MEMEFANS extension" : "unknown page";
  }
}
