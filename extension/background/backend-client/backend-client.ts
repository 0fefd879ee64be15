import { IDEMPOTENCY_KEY_HEADER } from "../../../shared/api/claims.ts";
import { type ReceivedError, type ReceivedErrorCode, receivedErrorOf } from "../../../shared/api/errors.ts";
import { MessagingError } from "../../messaging/errors.ts";

export interface BackendRequest {
  method?: "GET" | "POST";
  path: string;
  body?: unknown;
  sessionToken?: string;
  idempotencyKey?: string;
}

/** A reply the backend gave (any status), as opposed to no reply at all. */
export class BackendHttpError extends MessagingError {
  constructor(
    readonly status: number,
    readonly apiCode: ReceivedErrorCode,
    message: string,
    details?: unknown,
  ) {
    super(status === 401 ? "not_signed_in" : "backend_error", message, { status, code: apiCode, details });
  }
}

/**
 * One call to the backend's HTTP contract. Throws BackendHttpError for an error reply and a
 * MessagingError "network_error" when the backend could not be reached; the outbox treats the two
 * differently (stop on a 4xx, retry on the rest).
 */
export async function callBackend(baseUrl: string, request: BackendRequest, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (request.body !== undefined) headers["content-type"] = "application/json";
  if (request.sessionToken) headers.authorization = `Bearer ${request.sessionToken}`;
  if (request.idempotencyKey) headers[IDEMPOTENCY_KEY_HEADER] = request.idempotencyKey;
  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl}${request.path}`, {
      method: request.method ?? (request.body === undefined ? "GET" : "POST"),
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
  } catch (error) {
    throw new MessagingError("network_error", `the backend at ${baseUrl} is unreachable (${(error as Error).message})`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (response.ok) return json;
  const apiError: ReceivedError = receivedErrorOf(json) ?? {
    code: "unrecognized",
    message: `HTTP ${response.status}: ${text.slice(0, 200) || response.statusText}`,
  };
  throw new BackendHttpError(response.status, apiError.code, apiError.message, apiError.details);
}
