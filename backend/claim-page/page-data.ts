import { z } from "zod";
import { requirementSchema } from "../../shared/requirements.ts";

/** One checklist line of the claim page, with X's web intent that fulfils it when there is one. */
export const pageRequirementSchema = z.object({
  requirement: requirementSchema,
  text: z.string(),
  action: z.object({ label: z.string(), url: z.string() }).optional(),
});
export type PageRequirement = z.output<typeof pageRequirementSchema>;

/**
 * What the server hands the claim page's script, inside a JSON script element the CSP does not run.
 * The script reads it with this schema: the page's own data, checked at the boundary all the same.
 */
export const claimPageDataSchema = z.object({
  address: z.string(),
  postId: z.string(),
  postUrl: z.string(),
  amountText: z.string(),
  remaining: z.number().int(),
  maxClaims: z.number().int(),
  endsAt: z.number().int(),
  state: z.string(),
  requirements: z.array(pageRequirementSchema),
  /** Appended to an explorer.solana.com transaction URL: the cluster this backend pays on. */
  explorerQuery: z.string(),
  extensionUrl: z.string().optional(),
});
export type ClaimPageData = z.output<typeof claimPageDataSchema>;
