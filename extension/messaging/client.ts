import { browser } from "wxt/browser";
import { type MessageType, messages, type RequestOf, type ResponseOf, type WireRequest, wireResponseSchema } from "./contract.ts";
import { MessagingError } from "./errors.ts";

/** How a request reaches the service worker; chrome.runtime.sendMessage in the extension, a stub-free router call in tests. */
export type Transport = (request: WireRequest) => Promise<unknown>;

const chromeTransport: Transport = (request) => browser.runtime.sendMessage(request);

/**
 * Sends one typed message to the service worker and returns its checked answer, or throws a
 * MessagingError carrying the worker's code ("locked", "rejected", "forbidden_sender"…).
 */
export async function callBackground<T extends MessageType>(
  type: T,
  payload: RequestOf<T>,
  transport: Transport = chromeTransport,
): Promise<ResponseOf<T>> {
  // Checking here too gives the caller the field-level error before anything leaves the page.
  const request = messages[type].request.safeParse(payload);
  if (!request.success)
    throw new MessagingError("bad_request", `${type}: ${request.error.issues.map((issue) => issue.message).join("; ")}`);
  const raw = await transport({ channel: "memefans", type, payload });
  if (raw === undefined) throw new MessagingError("internal", `${type}: the service worker did not answer`);
  const wire = wireResponseSchema.safeParse(raw);
  if (!wire.success) throw new MessagingError("internal", `${type}: the service worker's answer is malformed`);
  if (!wire.data.ok) throw new MessagingError(wire.data.error.code, wire.data.error.message, wire.data.error.details);
  // Decoding turns the JSON form back into values (u64 decimal text into bigints).
  const response = messages[type].response.safeParse(wire.data.data);
  if (!response.success) throw new MessagingError("internal", `${type}: the service worker's answer does not match the contract`);
  return response.data as ResponseOf<T>;
}
