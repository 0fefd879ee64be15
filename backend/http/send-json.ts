import type { Response } from "express";

/**
 * Answers `body` as JSON on a hot route without Express's res.json, which hashes every body for an
 * ETag (of no use on the answer to a POST) and hands Node headers and body as two buffers. Here Node
 * writes them in one go and sets Content-Length itself.
 */
export function sendJson(response: Response, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader("Content-Type", "application/json; charset=utf-8");
  response.end(JSON.stringify(body));
}
