import type { Request, RequestHandler, Response, Router } from "express";
import { z } from "zod";
import { errorBodySchema } from "../../shared/api/errors.ts";
import { type RequestSchemas, type ValidatedInput, validated } from "./validation.ts";

type Method = "get" | "post" | "put" | "patch" | "delete";

export interface RouteDefinition<Schemas extends RequestSchemas = RequestSchemas> {
  method: Method;
  /** Express path, e.g. /distributions/:address. */
  path: string;
  summary: string;
  /** Needs `Authorization: Bearer <sessionToken>`. */
  auth?: boolean;
  request: Schemas;
  /** Success responses by status; error responses are the shared error shape and are added for every route. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  /** Extra middleware that runs before validation (auth, rate limits). */
  before?: RequestHandler[];
}

interface Operation {
  method: Method;
  path: string;
  definition: RouteDefinition;
}

/** Collects every route's zod schemas so /openapi.json is generated from the same schemas that validate requests. */
export class OpenApiRegistry {
  readonly #operations: Operation[] = [];

  /**
   * Mounts `handler` on `router` behind validation and records the route for the document. `prefix` is
   * where `router` is mounted. Returns the handlers it mounted, so a hot route can also be served directly.
   */
  route<Schemas extends RequestSchemas>(
    router: Router,
    definition: RouteDefinition<Schemas>,
    handler: (input: ValidatedInput<Schemas>, request: Request, response: Response) => unknown,
    prefix = "",
  ): RequestHandler[] {
    const handlers = [...(definition.before ?? []), validated(definition.request, handler)];
    router[definition.method](definition.path, ...handlers);
    this.#operations.push({ method: definition.method, path: prefix + definition.path, definition });
    return handlers;
  }

  /** Records a route mounted by other means (e.g. raw JSON-RPC, HTML pages). */
  describe(definition: Omit<RouteDefinition, "before">): void {
    this.#operations.push({ method: definition.method, path: definition.path, definition });
  }

  document(info: { title: string; version: string; serverUrl?: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const { method, path, definition } of this.#operations) {
      const openApiPath = path.replace(/:([A-Za-z_]+)/g, "{$1}");
      paths[openApiPath] ??= {};
      const pathItem = paths[openApiPath];
      pathItem[method] = operation(definition);
    }
    return {
      openapi: "3.1.0",
      info: { title: info.title, version: info.version },
      ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
      components: {
        securitySchemes: {
          session: { type: "http", scheme: "bearer", description: "the sessionToken from POST /auth/x/callback" },
        },
        schemas: { Error: jsonSchema(errorBodySchema) },
      },
      paths,
    };
  }
}

function operation(definition: RouteDefinition): Record<string, unknown> {
  const parameters = [
    ...objectParameters(definition.request.params, "path"),
    ...objectParameters(definition.request.query, "query"),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(definition.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema || response.contentType
        ? {
            content: {
              [response.contentType ?? "application/json"]: response.schema ? { schema: jsonSchema(response.schema) } : {},
            },
          }
        : {}),
    };
  }
  const errorResponse = (description: string) => ({
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  });
  responses["400"] ??= errorResponse("invalid input (validation_failed, malformed_json)");
  if (definition.auth) responses["401"] ??= errorResponse("missing or expired session (unauthorized)");
  responses["429"] ??= errorResponse("too many requests (rate_limited)");
  responses.default = errorResponse("any other error, in the same shape");
  return {
    summary: definition.summary,
    ...(definition.auth ? { security: [{ session: [] }] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(definition.request.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(definition.request.body) } },
          },
        }
      : {}),
    responses,
  };
}

function objectParameters(schema: z.ZodType | undefined, location: "path" | "query"): Record<string, unknown>[] {
  if (!schema) return [];
  const json = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || (json.required ?? []).includes(name),
    schema: property,
  }));
}

/**
 * The wire form of a schema. Schemas parse JSON into richer values (u64 text into bigint), so what
 * travels, in requests and responses alike, is the schema's input side.
 */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Record<string, unknown>;
  return rest;
}
