import type { Request, Response } from "express";
import { sendInvalidRequest } from "../wire.ts";

/** The :id path parameter if it is an X id; otherwise sends X's 400 and returns undefined. */
export function idParameter(request: Request, response: Response): string | undefined {
  const id = String(request.params.id);
  if (/^\d{1,19}$/.test(id)) return id;
  sendInvalidRequest(response, "id", id, `The \`id\` query parameter value [${id}] does not match ^[0-9]{1,19}$`);
  return undefined;
}
