import { MessagingError } from "../../messaging/errors.ts";
import { ApprovalQueue } from "../approvals/approval-queue.ts";
import { callBackend } from "../backend-client/backend-client.ts";
import { applyOutboxOutcome } from "../history/claim-history.ts";
import { Outbox } from "../outbox/outbox.ts";
import type { BackgroundServices } from "../services.ts";
import { currentSession } from "../services.ts";
import { openMemefansDatabase } from "../storage/database.ts";
import { readSettings } from "../storage/settings-store.ts";
import { Vault } from "../vault/vault.ts";
import type { PageWalletTabs } from "../wallets/page-wallet-signing.ts";
import { browserStandIns } from "./browser-stand-ins.ts";

const noXTabs: PageWalletTabs = {
  sign: async () => {
    throw new MessagingError("no_wallet", "your wallet signs on x.com: open x.com in a tab, then try again");
  },
};

/** The worker's real services over a fresh fake-indexeddb database and the browser stand-ins. */
export async function testServices(
  databaseName: string,
  clock = { now: 1_700_000_000_000 },
  /** The x.com tabs page wallets sign in; by default none is open, as in a browser without x.com. */
  pageWallets: PageWalletTabs = noXTabs,
) {
  const db = await openMemefansDatabase(databaseName);
  const browser = browserStandIns();
  const now = () => clock.now;
  const services: BackgroundServices = {
    db,
    now,
    fetch: (input, init) => fetch(input, init),
    approvals: new ApprovalQueue(browser.windows, 5_000, now),
    pageWallets,
    openUnlockWindow: browser.openUnlockWindow,
    identity: {
      redirectUrl: (path) => `https://${"a".repeat(32)}.chromiumapp.org/${path}`,
      launchWebAuthFlow: async () => {
        throw new Error("no browser in unit tests");
      },
    },
    vault: new Vault({ db, unlockedKeys: browser.unlockedKeys, alarms: browser.scheduler, autoLockMinutes: async () => 15, now }),
    outbox: new Outbox({
      db,
      now,
      send: async (item) => {
        const session = await currentSession(services);
        return callBackend((await readSettings(db)).backendUrl, {
          path: item.path,
          body: item.body,
          idempotencyKey: item.id,
          ...(session ? { sessionToken: session.sessionToken } : {}),
        });
      },
      onSettled: (item) => applyOutboxOutcome(db, item, now()),
    }),
    scheduleOutbox: async () => undefined,
    openDashboard: async () => {
      throw new Error("no options page in unit tests");
    },
  };
  return { services, browser, clock };
}
