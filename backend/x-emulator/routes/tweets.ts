import { Router } from "express";
import type { EmulatorContext } from "../context.ts";
import { parseSearchQuery, SearchQueryError } from "../search-query.ts";
import { notFoundEntry, renderTweet, renderUser, requestedFields, sendInvalidRequest } from "../wire.ts";
import { guard } from "./guard.ts";
import { idParameter } from "./id-parameter.ts";
import { ACCOUNT_LIST_PAGES, serveList } from "./list-route.ts";
import { sendPage } from "./paging.ts";

const READ = ["tweet.read", "users.read"];
/** X's cap: liking_users and retweeted_by list only the latest 100 accounts of a post. */
const ACCOUNT_LIST_CAP = 100;
const RECENT_SEARCH_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export function tweetsRouter(context: EmulatorContext): Router {
  const router = Router();
  const { store } = context;

  router.get(
    "/2/tweets/search/recent",
    guard(context, { endpoint: "tweets/search/recent", scopes: READ }),
    (request, response) => {
      const query = request.query.query;
      if (typeof query !== "string" || query.trim() === "") {
        return sendInvalidRequest(response, "query", String(query ?? ""), "The `query` query parameter can not be empty");
      }
      let matches: ReturnType<typeof parseSearchQuery>;
      try {
        matches = parseSearchQuery(query, store);
      } catch (error) {
        if (error instanceof SearchQueryError) return sendInvalidRequest(response, "query", query, error.message);
        throw error;
      }
      const since = context.now() - RECENT_SEARCH_WINDOW_MS;
      const fields = requestedFields(request.query["tweet.fields"]);
      const items = store
        .timeline()
        // X's search leaves out protected accounts' posts, whoever asks.
        .filter((tweet) => tweet.createdAt >= since && !store.users.get(tweet.authorId)?.protected && matches(tweet))
        .map((tweet) => renderTweet(tweet, fields));
      sendPage(request, response, items, {
        minResults: 10,
        maxResults: 100,
        defaultResults: 10,
        tokenParameters: ["next_token", "pagination_token"],
        idRange: true,
      });
    },
  );

  router.get("/2/tweets/:id", guard(context, { endpoint: "tweets/:id", scopes: READ }), (request, response) => {
    const id = idParameter(request, response);
    if (id === undefined) return;
    const tweet = store.tweets.get(id);
    response.json(
      tweet
        ? { data: renderTweet(tweet, requestedFields(request.query["tweet.fields"])) }
        : { errors: [notFoundEntry("tweet", "id", id)] },
    );
  });

  serveList(router, context, {
    path: "/2/tweets/:id/liking_users",
    rules: { endpoint: "tweets/:id/liking_users", scopes: ["like.read", ...READ], userContextOnly: true },
    parent: "tweet",
    page: ACCOUNT_LIST_PAGES,
    list: (id, request) => {
      const fields = requestedFields(request.query["user.fields"]);
      return store
        .likersOf(id)
        .slice(0, ACCOUNT_LIST_CAP)
        .map((user) => renderUser(store, user, fields));
    },
  });

  serveList(router, context, {
    path: "/2/tweets/:id/retweeted_by",
    rules: { endpoint: "tweets/:id/retweeted_by", scopes: READ },
    parent: "tweet",
    page: ACCOUNT_LIST_PAGES,
    list: (id, request) => {
      const fields = requestedFields(request.query["user.fields"]);
      return store
        .repostsOf(id)
        .slice(0, ACCOUNT_LIST_CAP)
        .flatMap((repost) => {
          const user = store.users.get(repost.authorId);
          return user ? [renderUser(store, user, fields)] : [];
        });
    },
  });

  serveList(router, context, {
    path: "/2/tweets/:id/quote_tweets",
    rules: { endpoint: "tweets/:id/quote_tweets", scopes: READ },
    parent: "tweet",
    page: { minResults: 10, maxResults: 100, defaultResults: 10, tokenParameters: ["pagination_token"] },
    list: (id, request) => {
      const fields = requestedFields(request.query["tweet.fields"]);
      return store.quotesOf(id).map((quote) => renderTweet(quote, fields));
    },
  });

  return router;
}
