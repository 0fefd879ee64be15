import type { ApprovalWindows } from "../approvals/approval-queue.ts";
import type { UnlockedKeyStore } from "../vault/vault.ts";

/**
 * In-memory stand-ins for the browser APIs the worker uses (chrome.alarms, chrome.storage.session,
 * chrome.windows). They replace Chrome, not our code: the vault, outbox and router under test are real.
 */
export function browserStandIns() {
  const alarms = new Map<string, number>();
  let session: { secretKey: string; lockAt: number } | undefined;
  const unlockedKeys: UnlockedKeyStore = {
    read: async () => session,
    write: async (value) => {
      session = value;
    },
    clear: async () => {
      session = undefined;
    },
  };
  const openedApprovals: string[] = [];
  /** Popup windows opened for unlocking the built-in wallet. */
  let unlockWindows = 0;
  const closedWindows: number[] = [];
  const windows: ApprovalWindows = {
    open: async (id) => {
      openedApprovals.push(id);
      return openedApprovals.length;
    },
    close: async (windowId) => {
      closedWindows.push(windowId);
    },
  };
  return {
    alarms,
    unlockedKeys,
    windows,
    openedApprovals,
    openUnlockWindow: async () => {
      unlockWindows++;
    },
    unlockWindowsOpened: () => unlockWindows,
    closedWindows,
    sessionValue: () => session,
    scheduler: {
      create: (name: string, info: { when: number }) => {
        alarms.set(name, info.when);
      },
      clear: (name: string) => alarms.delete(name),
    },
    /** A browser restart empties session storage. */
    restartBrowser: () => {
      session = undefined;
    },
  };
}
