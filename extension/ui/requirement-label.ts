import { requirementWords } from "../../shared/requirement-words.ts";
import { requirementSchema } from "../../shared/requirements.ts";

/**
 * A requirement as the checklist names it (the backend sends shared/requirements.ts shapes), with
 * the creator's @handle when it is known; the same words as the claim page.
 */
export function requirementLabel(requirement: unknown, creatorUsername?: string): string {
  const parsed = requirementSchema.safeParse(requirement);
  if (parsed.success) return requirementWords(parsed.data, "0", creatorUsername).text;
  const type = (requirement as { type?: unknown } | null)?.type;
  return typeof type === "string" ? type : "a requirement";
}
