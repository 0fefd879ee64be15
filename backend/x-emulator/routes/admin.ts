import express, { type NextFunction, type Request, type Response, Router } from "express";
import { z } from "zod";
import type { EmulatorContext } from "../context.ts";
import { SEED } from "../seed.ts";
import { EmulatorConflict, EmulatorNotFound } from "../store.ts";

const DAY = 24 * 60 * 60 * 1000;
const xId = z.string().regex(/^\d{1,19}$/, "must be an X id (digits)");
/** An account by id or by @username, so scripts can say "@newcomer". */
const accountRef = z.string().min(1);
const pair = z.object({ userId: accountRef, postId: xId });
const follow = z.object({ followerId: accountRef, followedId: accountRef });
const text = z.string().min(1).max(280);

/**
 * The emulator's back door under /__emulator/: the end-to-end story uses it to make a fan meet a
 * requirement (like, follow, reply...) between two claim attempts, or to mint a token directly.
 */
export function adminRouter(context: EmulatorContext, reset: () => void): Router {
  const router = Router();
  const { store } = context;
  router.use(express.json({ limit: "16kb" }));
  const userId = (ref: string) => {
    const user = store.users.get(ref) ?? store.userByUsername(ref.replace(/^@/, ""));
    if (!user) throw new EmulatorNotFound(`no account ${ref}`);
    return user.id;
  };

  router.get("/__emulator/seed", (_request, response) => {
    response.json(SEED);
  });

  router.post("/__emulator/reset", (_request, response) => {
    reset();
    response.json({ reset: true });
  });

  router.post("/__emulator/users", (request, response) => {
    const body = z
      .object({
        username: z.string().regex(/^[A-Za-z0-9_]{1,15}$/, "1-15 letters, digits or _"),
        name: z.string().min(1).max(50).optional(),
        ageDays: z.number().nonnegative().optional(),
        followers: z.number().int().nonnegative().optional(),
      })
      .parse(request.body);
    const user = store.addUser({
      username: body.username,
      name: body.name ?? body.username,
      createdAt: context.now() - (body.ageDays ?? 0) * DAY,
      extraFollowers: body.followers ?? 0,
    });
    response.status(201).json({ data: { id: user.id, username: user.username } });
  });

  router.post("/__emulator/posts", (request, response) => {
    const body = z.object({ authorId: accountRef, text }).parse(request.body);
    const tweet = store.post({ authorId: userId(body.authorId), text: body.text });
    response.status(201).json({ data: { id: tweet.id } });
  });

  router.post("/__emulator/likes", (request, response) => {
    const body = pair.parse(request.body);
    store.like(userId(body.userId), body.postId);
    response.status(201).json({ data: { liked: true } });
  });
  router.delete("/__emulator/likes", (request, response) => {
    const body = pair.parse(request.body);
    store.unlike(userId(body.userId), body.postId);
    response.json({ data: { liked: false } });
  });

  router.post("/__emulator/follows", (request, response) => {
    const body = follow.parse(request.body);
    store.follow(userId(body.followerId), userId(body.followedId));
    response.status(201).json({ data: { following: true } });
  });
  router.delete("/__emulator/follows", (request, response) => {
    const body = follow.parse(request.body);
    store.unfollow(userId(body.followerId), userId(body.followedId));
    response.json({ data: { following: false } });
  });

  router.post("/__emulator/reposts", (request, response) => {
    const body = pair.parse(request.body);
    const repost = store.repost({ authorId: userId(body.userId), tweetId: body.postId });
    response.status(201).json({ data: { id: repost.id } });
  });
  router.delete("/__emulator/reposts", (request, response) => {
    const body = pair.parse(request.body);
    store.unrepost(userId(body.userId), body.postId);
    response.json({ data: { reposted: false } });
  });

  router.post("/__emulator/replies", (request, response) => {
    const body = pair.extend({ text }).parse(request.body);
    const reply = store.reply({ authorId: userId(body.userId), tweetId: body.postId, text: body.text });
    response.status(201).json({ data: { id: reply.id } });
  });

  router.post("/__emulator/quotes", (request, response) => {
    const body = pair.extend({ text }).parse(request.body);
    const quote = store.quote({ authorId: userId(body.userId), tweetId: body.postId, text: body.text });
    response.status(201).json({ data: { id: quote.id } });
  });

  /** Mints a user token without the consent page; expiresInSeconds lets a test reach the 401 path. */
  router.post("/__emulator/tokens", (request, response) => {
    const body = z
      .object({
        userId: accountRef,
        clientId: z.string().min(1).optional(),
        scopes: z.array(z.string().min(1)).optional(),
        expiresInSeconds: z.number().int().positive().optional(),
      })
      .parse(request.body);
    const clientId = body.clientId ?? [...context.clients.keys()][0] ?? "";
    const scopes = new Set(body.scopes ?? ["tweet.read", "users.read", "follows.read", "like.read", "offline.access"]);
    response.status(201).json(context.tokens.issue(userId(body.userId), clientId, scopes, body.expiresInSeconds));
  });

  router.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (error instanceof z.ZodError) {
      return response
        .status(400)
        .json({ error: "invalid_body", issues: error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) });
    }
    if (error instanceof SyntaxError) return response.status(400).json({ error: "invalid_json", message: error.message });
    if (error instanceof EmulatorNotFound) return response.status(404).json({ error: "not_found", message: error.message });
    if (error instanceof EmulatorConflict) return response.status(409).json({ error: "conflict", message: error.message });
    next(error);
  });
  return router;
}
