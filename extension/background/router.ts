import { ZodError, z } from "zod";
import { describeIssues } from "../../shared/distribution.ts";
import {
  type Audience,
  type ErrorCode,
  type MessageType,
  messages,
  type ParsedRequestOf,
  type ResponseOf,
  type WireResponse,
  wireRequestSchema,
} from "../messaging/contract.ts";
import { MessagingError } from "../messaging/errors.ts";
import { classifySender, type MessageSenderInfo } from "./sender.ts";

export interface HandlerContext {
  audience: Audience;
  sender: MessageSenderInfo;
}

export type Handlers = {
  [T in MessageType]: (payload: ParsedRequestOf<T>, context: HandlerContext) => Promise<ResponseOf<T>>;
};

function failure(code: ErrorCode, message: string, details?: unknown): WireResponse {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * The service worker's single entry for runtime messages: sender first, then shape, then the
 * message's audience, then the handler, whose answer is encoded with the contract's response schema
 * (which checks it, and lets only declared fields through, so nothing extra leaks by accident).
 */
export function createRouter(extensionId: string, handlers: Handlers) {
  return async function route(message: unknown, sender: MessageSenderInfo): Promise<WireResponse> {
    const verdict = classifySender(sender, extensionId);
    if ("refused" in verdict) return failure("forbidden_sender", `refused: ${verdict.refused}`);
    const wire = wireRequestSchema.safeParse(message);
    if (!wire.success) return failure("bad_request", `not a MEMEFANS message: ${describeIssues(wire.error).join("; ")}`);
    const type = wire.data.type;
    const definition = messages[type];
    if (!definition.audience.includes(verdict.audience)) {
      return failure("forbidden_sender", `refused: ${type} is only answered for ${definition.audience.join(" and ")} senders`);
    }
    const payload = definition.request.safeParse(wire.data.payload);
    if (!payload.success) return failure("bad_request", `${type}: ${describeIssues(payload.error).join("; ")}`);
    try {
      const handler = handlers[type] as (payload: unknown, context: HandlerContext) => Promise<unknown>;
      const result = await handler(payload.data, { audience: verdict.audience, sender });
      // Encoding checks the answer and writes it as JSON can carry it (bigints back to decimal text).
      const checked = z.safeEncode(definition.response as z.ZodType, result);
      if (!checked.success)
        return failure("internal", `${type}: the answer broke the contract: ${describeIssues(checked.error).join("; ")}`);
      return { ok: true, data: checked.data };
    } catch (error) {
      if (error instanceof MessagingError) return failure(error.code, error.message, error.details);
      if (error instanceof ZodError) return failure("bad_request", `${type}: ${describeIssues(error).join("; ")}`);
      return failure("internal", `${type}: ${(error as Error).message ?? String(error)}`);
    }
  };
}
