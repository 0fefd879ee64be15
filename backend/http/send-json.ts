import type { Response } from "express";
import { z } from "zod";

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

/**
 * Answers with the route's response schema, as fastify's demo declares one per response: the compiler
 * checks `body` against the schema's decoded side, and encoding writes its JSON side (bigints as
 * decimal text) with only the declared fields, so nothing undeclared leaks and no copy can drift.
 */
export function answer<Schema extends z.ZodType>(response: Response, schema: Schema, body: z.output<Schema>, status = 200): void {
  response.status(status).json(z.encode(schema, body));
}
