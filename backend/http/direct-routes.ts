import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response, Router } from "express";

/** A route served without Express's router: the exact method and path, and its handlers after the app's middleware. */
export interface DirectRoute {
  method: "GET" | "POST";
  /** A literal path without parameters, e.g. /claims. */
  path: string;
  handlers: RequestHandler[];
}

/**
 * One step of what the app does before its API routes: middleware that every request passes, or
 * routes only Express serves (health, metrics, the development /rpc), whose paths no direct route has.
 */
export type AppStep = { middleware: RequestHandler[] } | { routes: Router[] };

/**
 * Mounts the steps on the app in order and returns their middleware, in the same order, for the
 * direct routes: the one list both paths are built from, so a middleware cannot reach one and not
 * the other (direct-routes.test.ts checks the app has no other).
 */
export function mountSteps(app: Express, steps: AppStep[]): RequestHandler[] {
  const middleware: RequestHandler[] = [];
  for (const step of steps) {
    if ("middleware" in step) {
      app.use(step.middleware);
      middleware.push(...step.middleware);
    } else {
      for (const router of step.routes) app.use(router);
    }
  }
  return middleware;
}

export interface DirectDispatch {
  /** Everything the app runs before its routes, in the order the app mounts it: mountSteps' answer. */
  middleware: RequestHandler[];
  routes: DirectRoute[];
  errorHandler: ErrorRequestHandler;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/**
 * The HTTP server's request listener: hot routes run their chain straight, everything else goes to
 * Express. On 2 cores, Express's router (a path match and a closure per layer, per request) costs
 * about as much as taking a claim does, so POST /claims skips it.
 *
 * A direct route runs the same handler functions the app mounts, in the same order, on requests and
 * responses that carry Express's prototypes (already theirs when the server makes them with
 * appServerClasses, see server-classes.ts) and the fields its router sets (`route`, `baseUrl`,
 * `params`), with a rejected promise passed on as an error, as Express 5 does. The route is also
 * mounted in Express, so another spelling of the path (a trailing slash, other letter case) is served
 * the same way, just slower.
 */
export function directDispatch(app: Express, dispatch: DirectDispatch): RequestListener {
  const routes = new Map(
    dispatch.routes.map((route) => [
      `${route.method} ${route.path}`,
      { path: route.path, chain: [...dispatch.middleware, ...route.handlers] },
    ]),
  );
  return (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const url = incoming.url ?? "";
    const queryStart = url.indexOf("?");
    const key = `${incoming.method} ${queryStart < 0 ? url : url.slice(0, queryStart)}`;
    const route = routes.get(key);
    if (!route) {
      app(incoming, outgoing);
      return;
    }
    const request = Object.setPrototypeOf(incoming, app.request) as Request;
    const response = Object.setPrototypeOf(outgoing, app.response) as Response;
    Object.assign(request, { res: response, originalUrl: request.url, baseUrl: "", params: {}, route: { path: route.path } });
    Object.assign(response, { req: request, locals: Object.create(null) });
    runChain(route.chain, dispatch.errorHandler, request, response);
  };
}

function runChain(chain: RequestHandler[], onError: ErrorRequestHandler, request: Request, response: Response): void {
  let index = 0;
  let failed = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    try {
      onError(error, request, response, () => response.socket?.destroy());
    } catch {
      response.socket?.destroy();
    }
  };
  const next: NextFunction = (error?: unknown) => {
    if (error) {
      fail(error);
      return;
    }
    const handler = chain[index++];
    if (!handler) {
      fail(new Error(`the direct route ${request.method} ${request.url} ended without answering`));
      return;
    }
    try {
      const result = handler(request, response, next);
      if (isPromise(result)) result.then(undefined, (rejection: unknown) => fail(rejection ?? new Error("rejected promise")));
    } catch (error) {
      fail(error);
    }
  };
  next();
}
