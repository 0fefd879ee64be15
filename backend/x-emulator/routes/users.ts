import { type Request, type Response, Router } from "express";
import type { EmulatorContext } from "../context.ts";
import type { EmulatedUser } from "../store.ts";
import { notFoundEntry, renderTweet, renderUser, requestedFields, sendInvalidRequest } from "../wire.ts";
import { grantOf, guard } from "./guard.ts";
import { idParameter } from "./id-parameter.ts";
import { serveList } from "./list-route.ts";

const READ = ["tweet.read", "users.read"];

export function usersRouter(context: EmulatorContext): Router {
  const router = Router();
  const { store } = context;
  const user = (request: Request, response: Response, value: EmulatedUser) =>
    renderUser(store, value, requestedFields(request.query["user.fields"]), grantOf(response).userId);

  router.get(
    "/2/users/me",
    guard(context, { endpoint: "users/me", scopes: READ, userContextOnly: true }),
    (request, response) => {
      const me = store.users.get(grantOf(response).userId ?? "");
      if (!me) return response.json({ errors: [notFoundEntry("user", "id", grantOf(response).userId ?? "")] });
      response.json({ data: user(request, response, me) });
    },
  );

  router.get(
    "/2/users/by/username/:username",
    guard(context, { endpoint: "users/by/username/:username", scopes: READ }),
    (request, response) => {
      const username = String(request.params.username);
      if (!/^[A-Za-z0-9_]{1,15}$/.test(username)) {
        return sendInvalidRequest(
          response,
          "username",
          username,
          `The \`username\` query parameter value [${username}] is not valid`,
        );
      }
      const found = store.userByUsername(username);
      response.json(found ? { data: user(request, response, found) } : { errors: [notFoundEntry("user", "username", username)] });
    },
  );

  router.get("/2/users/:id", guard(context, { endpoint: "users/:id", scopes: READ }), (request, response) => {
    const id = idParameter(request, response);
    if (id === undefined) return;
    const found = store.users.get(id);
    response.json(found ? { data: user(request, response, found) } : { errors: [notFoundEntry("user", "id", id)] });
  });

  serveList(router, context, {
    path: "/2/users/:id/liked_tweets",
    rules: { endpoint: "users/:id/liked_tweets", scopes: ["like.read", ...READ], userContextOnly: true },
    parent: "user",
    page: { minResults: 5, maxResults: 100, defaultResults: 100, tokenParameters: ["pagination_token"] },
    list: (id, request) => {
      const fields = requestedFields(request.query["tweet.fields"]);
      return store.likedBy(id).map((tweet) => renderTweet(tweet, fields));
    },
  });

  serveList(router, context, {
    path: "/2/users/:id/following",
    rules: { endpoint: "users/:id/following", scopes: ["follows.read", ...READ] },
    parent: "user",
    page: { minResults: 1, maxResults: 1000, defaultResults: 100, tokenParameters: ["pagination_token"] },
    list: (id, request, response) => store.followedBy(id).map((followed) => user(request, response, followed)),
  });

  serveList(router, context, {
    path: "/2/users/:id/tweets",
    rules: { endpoint: "users/:id/tweets", scopes: READ },
    parent: "user",
    page: { minResults: 5, maxResults: 100, defaultResults: 10, tokenParameters: ["pagination_token"] },
    list: (id, request) => {
      const fields = requestedFields(request.query["tweet.fields"]);
      return store.postsBy(id).map((tweet) => renderTweet(tweet, fields));
    },
  });

  return router;
}
