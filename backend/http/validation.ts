import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { z } from "zod";
import { HttpError, validationFailed } from "./errors.ts";

export interface RequestSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

type Output<Schema> = Schema extends z.ZodType ? z.output<Schema> : undefined;

/** What a validated handler receives: each part parsed by its schema (bigints, defaults and trims applied). */
export interface ValidatedInput<Schemas extends RequestSchemas> {
  body: Output<Schemas["body"]>;
  query: Output<Schemas["query"]>;
  params: Output<Schemas["params"]>;
}

const parts = ["params", "query", "body"] as const;

/** Parses each part the schemas name; the first part that fails answers 400 validation_failed with field messages. */
function parseRequest<Schemas extends RequestSchemas>(schemas: Schemas, request: Request): ValidatedInput<Schemas> {
  const input: Record<string, unknown> = {};
  for (const part of parts) {
    const schema = schemas[part];
    if (!schema) continue;
    // A request without a JSON body leaves request.body undefined; validate it as {} so "required" messages name fields.
    const raw = part === "body" ? (request.body ?? {}) : request[part];
    const result = schema.safeParse(raw);
    if (!result.success) throw validationFailed(result.error, part);
    input[part] = result.data;
  }
  return input as unknown as ValidatedInput<Schemas>;
}

/**
 * A zod-validating handler: the schemas are checked before `handler` runs, and a thrown or rejected
 * error goes to the error handler (Express 5 forwards rejected promises).
 */
export function validated<Schemas extends RequestSchemas>(
  schemas: Schemas,
  handler: (input: ValidatedInput<Schemas>, request: Request, response: Response, next: NextFunction) => unknown,
): RequestHandler {
  return async (request, response, next) => {
    await handler(parseRequest(schemas, request), request, response, next);
  };
}

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > 64 || value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([key, field]) => key.includes("\u0000") || containsNul(field, depth + 1));
}

/**
 * Refuses text with NUL characters anywhere in the body or query up front: PostgreSQL cannot store them,
 * and no field of this API has a use for them.
 */
export const rejectNulCharacters: RequestHandler = (request, _response, next) => {
  if (containsNul(request.body) || containsNul(request.query) || request.url.toLowerCase().includes("%00")) {
    throw new HttpError(400, "bad_request", "the request contains a NUL character, which no field accepts");
  }
  next();
};
