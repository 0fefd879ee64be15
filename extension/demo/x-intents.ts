import { z } from "zod";
import type { EmulatedUser, EmulatorStore } from "../../backend/x-emulator/store.ts";

/**
 * X's web intents on the local x.com (/intent/follow, /intent/like, /intent/retweet, /intent/post),
 * as X shows them: a small page asking to confirm, signed in as the viewer. Confirming records the
 * follow, like, repost or reply in the X API emulator, which is what the backend's checks then read.
 */

const idSchema = z.string().regex(/^\d{1,19}$/);
const handleSchema = z.string().regex(/^[A-Za-z0-9_]{1,15}$/);
export const intentActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("follow"), screenName: handleSchema }),
  z.object({ action: z.literal("like"), postId: idSchema }),
  z.object({ action: z.literal("retweet"), postId: idSchema }),
]);

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(title: string, body: string, action: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} / X</title>
<style>
  body { margin: 0; font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: rgb(15, 20, 25); }
  main { max-width: 420px; margin: 40px auto; padding: 0 24px; }
  h1 { font-size: 23px; } p { color: rgb(83, 100, 113); }
  textarea { width: 100%; min-height: 90px; font: inherit; font-size: 18px; border: 1px solid rgb(207, 217, 222); border-radius: 8px; padding: 8px; box-sizing: border-box; }
  button { margin-top: 16px; width: 100%; background: rgb(15, 20, 25); color: #fff; border: 0; border-radius: 9999px; padding: 12px; font-size: 15px; font-weight: bold; cursor: pointer; }
</style></head><body><main>${body}
<button type="button" data-testid="confirmationSheetConfirm">${escapeHtml(action)}</button>
<p role="status" id="done"></p></main>
<script>
document.querySelector('[data-testid="confirmationSheetConfirm"]').addEventListener("click", async () => {
  const form = JSON.parse(document.getElementById("intent").textContent);
  const text = document.querySelector("textarea");
  const body = text ? { postId: form.inReplyTo, text: text.value } : form;
  const answer = await fetch(text ? "/i/api/reply" : "/i/api/intent", {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  document.getElementById("done").textContent = answer.ok ? "Done. You can close this window." : await answer.text();
});
</script></body></html>`;
}

function intentData(value: unknown): string {
  return `<script type="application/json" id="intent">${JSON.stringify(value).replace(/</g, "\\u003c")}</script>`;
}

/** The intent page for `url`, or null when `url` is not an intent this site knows. */
export function intentPage(url: URL, store: EmulatorStore): string | null {
  const query = url.searchParams;
  switch (url.pathname) {
    case "/intent/follow": {
      const screenName = handleSchema.safeParse(query.get("screen_name"));
      const user = screenName.success ? store.userByUsername(screenName.data) : undefined;
      if (!user) return null;
      return page(
        `Follow @${user.username}`,
        `<h1>Follow ${escapeHtml(user.name)}</h1><p>@${escapeHtml(user.username)}</p>${intentData({ action: "follow", screenName: user.username })}`,
        "Follow",
      );
    }
    case "/intent/like":
    case "/intent/retweet": {
      const postId = idSchema.safeParse(query.get("tweet_id"));
      if (!postId.success) return null;
      const like = url.pathname === "/intent/like";
      return page(
        like ? "Like post" : "Repost",
        `<h1>${like ? "Like this post?" : "Repost this post?"}</h1>${intentData({ action: like ? "like" : "retweet", postId: postId.data })}`,
        like ? "Like" : "Repost",
      );
    }
    case "/intent/post": {
      const inReplyTo = idSchema.safeParse(query.get("in_reply_to"));
      if (!inReplyTo.success) return null;
      return page(
        "Post your reply",
        `<h1>Post your reply</h1><textarea aria-label="Post text">${escapeHtml(query.get("text") ?? "")}</textarea>${intentData({ inReplyTo: inReplyTo.data })}`,
        "Reply",
      );
    }
    default:
      return null;
  }
}

/** Records a confirmed follow, like or repost as `viewer` in the emulator. */
export function applyIntent(
  body: unknown,
  viewer: EmulatedUser,
  store: EmulatorStore,
): { ok: true } | { ok: false; error: string } {
  const parsed = intentActionSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: "not an intent this site knows" };
  const intent = parsed.data;
  if (intent.action === "follow") {
    const followed = store.userByUsername(intent.screenName);
    if (!followed) return { ok: false, error: `no account @${intent.screenName}` };
    store.follow(viewer.id, followed.id);
  } else if (intent.action === "like") store.like(viewer.id, intent.postId);
  else store.repost({ authorId: viewer.id, tweetId: intent.postId });
  return { ok: true };
}
