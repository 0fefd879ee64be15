import type { Request, Response } from "express";
import { decodePageToken, encodePageToken, sendInvalidRequest } from "../wire.ts";

export interface PageRules {
  minResults: number;
  maxResults: number;
  defaultResults: number;
  /** search/recent calls it next_token (and accepts pagination_token); the rest call it pagination_token. */
  tokenParameters: readonly string[];
  /** search/recent adds newest_id/oldest_id to meta. */
  idRange?: boolean;
}

/** Sends one page of `items` with X's meta (result_count, next_token, previous_token), or a 400 for a bad max_results or page token. */
export function sendPage(request: Request, response: Response, items: Record<string, unknown>[], rules: PageRules): void {
  const rawSize = request.query.max_results;
  let size = rules.defaultResults;
  if (rawSize !== undefined) {
    const parsed = typeof rawSize === "string" && /^\d+$/.test(rawSize) ? Number(rawSize) : Number.NaN;
    if (!(parsed >= rules.minResults && parsed <= rules.maxResults)) {
      sendInvalidRequest(
        response,
        "max_results",
        String(rawSize),
        `The \`max_results\` query parameter value [${String(rawSize)}] is not between ${rules.minResults} and ${rules.maxResults}`,
      );
      return;
    }
    size = parsed;
  }
  let offset = 0;
  for (const parameter of rules.tokenParameters) {
    const raw = request.query[parameter];
    if (raw === undefined) continue;
    const decoded = typeof raw === "string" ? decodePageToken(raw) : undefined;
    if (decoded === undefined) {
      sendInvalidRequest(
        response,
        parameter,
        String(raw),
        `The \`${parameter}\` query parameter value [${String(raw)}] is invalid`,
      );
      return;
    }
    offset = decoded;
  }

  const page = items.slice(offset, offset + size);
  const meta: Record<string, unknown> = {};
  if (rules.idRange && page.length > 0) {
    meta.newest_id = page[0]?.id;
    meta.oldest_id = page[page.length - 1]?.id;
  }
  meta.result_count = page.length;
  if (offset + size < items.length) meta.next_token = encodePageToken(offset + size);
  if (offset > 0 && !rules.idRange) meta.previous_token = encodePageToken(Math.max(0, offset - size));
  response.json(page.length > 0 ? { data: page, meta } : { meta });
}
