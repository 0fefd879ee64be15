import { receivedErrorCodeSchema } from "../../../shared/api/errors.ts";
import type { DeliveryError } from "../../messaging/shapes.ts";

/**
 * Reads a delivery error written by a release that kept it as one string: "<api code>: <message>"
 * for a refused item, "network: …", "http <status>: …" or "error: …" for one still waiting. Only the
 * IndexedDB upgrade to v3 calls this, once per stored item.
 */
export function legacyDeliveryError(text: string, refused: boolean): DeliveryError {
  const separator = text.indexOf(": ");
  const head = separator < 0 ? "" : text.slice(0, separator);
  const message = separator < 0 ? text : text.slice(separator + 2);
  if (refused) return { kind: "refused", code: receivedErrorCodeSchema.parse(head), message };
  if (head === "network") return { kind: "network", message };
  const status = /^http (\d{3})$/.exec(head)?.[1];
  if (status) return { kind: "http", status: Number(status), message };
  return { kind: "internal", message: head === "error" ? message : text };
}
