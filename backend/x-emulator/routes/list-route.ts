import type { Request, Response, Router } from "express";
import type { EmulatorContext } from "../context.ts";
import { notFoundEntry } from "../wire.ts";
import { type EndpointRules, guard } from "./guard.ts";
import { idParameter } from "./id-parameter.ts";
import { type PageRules, sendPage } from "./paging.ts";

/** Page sizes of the account lists (liking_users, retweeted_by): 1 to 100, 100 by default. */
export const ACCOUNT_LIST_PAGES: PageRules = {
  minResults: 1,
  maxResults: 100,
  defaultResults: 100,
  tokenParameters: ["pagination_token"],
};

export interface ListRoute {
  path: string;
  rules: EndpointRules;
  /** What :id names; an unknown one gets X's 200 with a not-found entry. */
  parent: "tweet" | "user";
  page: PageRules;
  list(id: string, request: Request, response: Response): Record<string, unknown>[];
}

/** GET <path> for a paged list hanging off a post or a user: guard, id check, not-found, then one page. */
export function serveList(router: Router, context: EmulatorContext, route: ListRoute): void {
  router.get(route.path, guard(context, route.rules), (request, response) => {
    const id = idParameter(request, response);
    if (id === undefined) return;
    const exists = route.parent === "tweet" ? context.store.tweets.has(id) : context.store.users.has(id);
    if (!exists) {
      response.json({ errors: [notFoundEntry(route.parent, "id", id)] });
      return;
    }
    sendPage(request, response, route.list(id, request, response), route.page);
  });
}
