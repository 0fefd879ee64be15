import type { ErrorCode } from "./contract.ts";

/**
 * An error with a code callers can branch on ("locked", "rejected", "network_error"…) and a
 * message meant for a person. It crosses the message boundary as { code, message, details }.
 */
export class MessagingError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "MessagingError";
  }
}
