import { readFileSync } from "node:fs";

/**
 * Checks a JSON value against a schema of X's OpenAPI document (shared/fixtures/x-api-v2/openapi),
 * strictly: every key must be declared, required keys present, types, enums, minItems and patterns
 * respected. Enough of OpenAPI 3.0 for X's response schemas ($ref, allOf, oneOf/anyOf, discriminator),
 * so the emulator's tests catch a response that drifts from what X documents.
 */
type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  minItems?: number;
  pattern?: string;
  additionalProperties?: boolean | Schema;
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
};

export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

export function loadOpenApi(path: string): OpenApiDocument {
  return JSON.parse(readFileSync(path, "utf8")) as OpenApiDocument;
}

/** The JSON schema of an operation's response, e.g. ("/2/users/{id}", "get", "200"). */
export function responseSchema(document: OpenApiDocument, path: string, method: string, status: string): Schema {
  const schema = document.paths[path]?.[method]?.responses[status]?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`the OpenAPI document has no ${method.toUpperCase()} ${path} ${status} JSON response`);
  return schema;
}

export function componentSchema(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}

/** Every mismatch as "path: message"; empty when the value conforms. */
export function conformanceErrors(document: OpenApiDocument, schema: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(document, schema, value, "$", errors);
  return errors;
}

function resolve(document: OpenApiDocument, schema: Schema): Schema {
  let current = schema;
  while (current.$ref) {
    const name = current.$ref.replace("#/components/schemas/", "");
    const target = document.components.schemas[name];
    if (!target) throw new Error(`unresolvable $ref ${current.$ref}`);
    current = target;
  }
  return current;
}

/** Properties declared by a schema and everything it extends through allOf. */
function declaredProperties(document: OpenApiDocument, schema: Schema): Set<string> {
  const resolved = resolve(document, schema);
  const names = new Set(Object.keys(resolved.properties ?? {}));
  for (const part of resolved.allOf ?? []) for (const name of declaredProperties(document, part)) names.add(name);
  return names;
}

/** `strict` is off for allOf parts: the whole decides which keys are declared, and a part must not dispatch again. */
function check(document: OpenApiDocument, raw: Schema, value: unknown, path: string, errors: string[], strict = true): void {
  const schema = resolve(document, raw);
  const discriminator = schema.discriminator;
  if (strict && discriminator?.mapping && value !== null && typeof value === "object") {
    const key = (value as Record<string, unknown>)[discriminator.propertyName];
    const target = typeof key === "string" ? discriminator.mapping[key] : undefined;
    if (target && resolve(document, { $ref: target }) !== schema) {
      check(document, { $ref: target }, value, path, errors, strict);
      return;
    }
  }
  if (schema.allOf) {
    for (const part of schema.allOf) check(document, part, value, path, errors, false);
    if (strict) rejectUndeclared(document, schema, value, path, errors);
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    const fits = alternatives.some((alternative) => conformanceErrors(document, alternative, value).length === 0);
    if (!fits) errors.push(`${path}: matches none of ${alternatives.length} alternatives`);
  }
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);

  switch (schema.type) {
    case "object": {
      if (value === null || typeof value !== "object" || Array.isArray(value))
        return void errors.push(`${path}: expected an object`);
      const record = value as Record<string, unknown>;
      for (const name of schema.required ?? []) if (!(name in record)) errors.push(`${path}: missing required "${name}"`);
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (name in record) check(document, property, record[name], `${path}.${name}`, errors);
      }
      if (strict && !schema.allOf && schema.additionalProperties === undefined)
        rejectUndeclared(document, schema, value, path, errors);
      return;
    }
    case "array": {
      if (!Array.isArray(value)) return void errors.push(`${path}: expected an array`);
      if (schema.minItems !== undefined && value.length < schema.minItems)
        errors.push(`${path}: fewer than ${schema.minItems} items`);
      const items = schema.items;
      if (items) {
        for (const [index, item] of value.entries()) check(document, items, item, `${path}[${index}]`, errors);
      }
      return;
    }
    case "string":
      if (typeof value !== "string") return void errors.push(`${path}: expected a string`);
      if (schema.pattern && !new RegExp(schema.pattern).test(value))
        errors.push(`${path}: "${value}" does not match ${schema.pattern}`);
      return;
    case "integer":
      if (!Number.isInteger(value)) errors.push(`${path}: expected an integer`);
      return;
    case "number":
      if (typeof value !== "number") errors.push(`${path}: expected a number`);
      return;
    case "boolean":
      if (typeof value !== "boolean") errors.push(`${path}: expected a boolean`);
      return;
  }
}

function rejectUndeclared(document: OpenApiDocument, schema: Schema, value: unknown, path: string, errors: string[]): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  const declared = declaredProperties(document, schema);
  for (const name of Object.keys(value)) if (!declared.has(name)) errors.push(`${path}: "${name}" is not declared by X's schema`);
}
