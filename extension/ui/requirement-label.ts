import { z } from "zod";
import { shortAddress } from "./format.ts";

/** A requirement as the checklist names it (the backend sends shared/requirements.ts shapes). */
export function requirementLabel(requirement: unknown): string {
  const parsed = z.object({ type: z.string() }).passthrough().safeParse(requirement);
  if (!parsed.success) return "a requirement";
  const r = parsed.data as Record<string, unknown> & { type: string };
  switch (r.type) {
    case "follow":
      return "Follow the creator";
    case "like":
      return "Like this post";
    case "repost":
      return "Repost this post";
    case "quote":
      return "Quote this post";
    case "reply":
      return typeof r.mustContain === "string" ? `Reply with “${r.mustContain}”` : "Reply to this post";
    case "hold_token":
      return `Hold at least ${String(r.minAmount)} units of token ${shortAddress(String(r.mint))}`;
    case "account_age":
      return `X account at least ${String(r.minDays)} days old`;
    case "min_followers":
      return `At least ${String(r.minFollowers)} followers`;
    default:
      return r.type;
  }
}
