import type { Audience } from "../messaging/contract.ts";

/** The fields of chrome.runtime.MessageSender the router looks at. */
export interface MessageSenderInfo {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number; url?: string };
}

/** Hosts our content scripts run on (the manifest's matches); nothing else counts as "content". */
const X_HOSTS = new Set(["x.com", "www.x.com", "mobile.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"]);

function parseUrl(text: string | undefined): URL | undefined {
  if (!text) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

export type SenderVerdict = { audience: Audience } | { refused: string };

/**
 * Decides who sent a message. Only our own extension (sender.id) counts; within it, a message from
 * our own chrome-extension:// page is "page", and one from a frame on an https x.com/twitter.com tab
 * is "content". Anything else — another extension, a web page through externally_connectable, our
 * content script on some other site — is refused.
 */
export function classifySender(sender: MessageSenderInfo, extensionId: string): SenderVerdict {
  if (sender.id !== extensionId) return { refused: "the message does not come from the MEMEFANS extension" };
  const url = parseUrl(sender.url);
  if (!url) return { refused: "the sender has no URL" };
  if (url.protocol === "chrome-extension:" && url.host === extensionId) {
    if (sender.origin !== undefined && sender.origin !== `chrome-extension://${extensionId}`) {
      return { refused: "the sender's origin is not the extension's" };
    }
    return { audience: "page" };
  }
  if (url.protocol === "https:" && X_HOSTS.has(url.hostname)) {
    if (!sender.tab) return { refused: "a content-script message must come from a tab" };
    const tabUrl = parseUrl(sender.tab.url);
    // The tab's URL is only visible with a host permission for it; when shown, it must be X too.
    if (tabUrl && !(tabUrl.protocol === "https:" && X_HOSTS.has(tabUrl.hostname))) {
      return { refused: `content scripts may only call from x.com or twitter.com, not ${tabUrl.hostname}` };
    }
    if (sender.origin !== undefined && sender.origin !== url.origin)
      return { refused: "the sender's origin does not match its URL" };
    return { audience: "content" };
  }
  return { refused: `messages from ${url.protocol}//${url.hostname} are not accepted` };
}
