import { MessagingError } from "../../messaging/errors.ts";
import type { ApprovalView } from "../../messaging/shapes.ts";

export type ApprovalRequest = ApprovalView extends infer View
  ? View extends ApprovalView
    ? Omit<View, "id" | "expiresAt">
    : never
  : never;

export interface ApprovalWindows {
  /** Opens approve.html?id=<id>; returns the window id so closing it can count as "reject". */
  open(id: string): Promise<number | undefined>;
  close(windowId: number): Promise<void>;
}

interface Pending {
  /** Its deadline is set again when it comes on screen: it runs from then. */
  view: ApprovalView;
  windowId?: number;
  /** Approving hands over to a page wallet: the window stays open beside the wallet's own until done. */
  handoff: boolean;
  /** Opens the request's window and starts its deadline. */
  show: () => void;
  settle: (approved: boolean, reason?: MessagingError) => void;
}

/**
 * Signing waits here until a person answers in the approval window. Rejecting, closing the
 * window and running out of time all end in a refusal; there is no path to a signature that
 * skips `request`.
 *
 * One request is on screen at a time; the others wait, in the order they came, until it is
 * answered. A site that sent a second request while the person reached for Approve on the first
 * would otherwise have its window open on top and take the click.
 */
/** A site may line up this many requests (the one on screen included); more would bury the person in windows. */
export const MAX_WAITING_PER_ORIGIN = 3;

export class ApprovalQueue {
  /** In the order they came; only `shown` has a window. */
  private readonly pending = new Map<string, Pending>();
  private shown: string | undefined;
  private readonly now: () => number;

  constructor(
    private readonly windows: ApprovalWindows,
    private readonly timeoutMs = 120_000,
    now: () => number = Date.now,
  ) {
    this.now = now;
  }

  /** Resolves when approved; throws MessagingError "rejected" or "timeout" otherwise. */
  async request(request: ApprovalRequest): Promise<void> {
    await this.ask(request, false);
  }

  /**
   * For a page wallet (Phantom, Solflare, a wallet-standard wallet): once approved, the window keeps
   * showing the decoded transaction beside the wallet's own approval screen; `done()` closes it when
   * the wallet has answered.
   */
  async requestHandoff(request: ApprovalRequest): Promise<{ done(): void }> {
    const windowId = await this.ask(request, true);
    return { done: () => windowId !== undefined && void this.windows.close(windowId).catch(() => undefined) };
  }

  private async ask(request: ApprovalRequest, handoff: boolean): Promise<number | undefined> {
    const waitingFromOrigin = [...this.pending.values()].filter((entry) => entry.view.origin === request.origin).length;
    if (waitingFromOrigin >= MAX_WAITING_PER_ORIGIN) {
      throw new MessagingError(
        "busy",
        `${request.origin} already has ${MAX_WAITING_PER_ORIGIN} requests waiting for you; answer those first`,
      );
    }
    const id = crypto.randomUUID();
    const deadline = () => this.now() + this.timeoutMs;
    let resolve: () => void = () => undefined;
    let reject: (reason: MessagingError) => void = () => undefined;
    const decision = new Promise<void>((onApproved, onRefused) => {
      resolve = onApproved;
      reject = onRefused;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const entry: Pending = {
      view: { ...request, id, expiresAt: deadline() } as ApprovalView,
      handoff,
      show: () => {
        entry.view = { ...entry.view, expiresAt: deadline() };
        timer = setTimeout(
          () => entry.settle(false, new MessagingError("timeout", "nobody approved the request in time, so it was rejected")),
          this.timeoutMs,
        );
        this.windows.open(id).then(
          (windowId) => {
            entry.windowId = windowId;
          },
          (error: Error) =>
            entry.settle(false, new MessagingError("internal", `the approval window could not open: ${error.message}`)),
        );
      },
      settle: (approved, reason) => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        const keepOpen = approved && entry.handoff;
        if (entry.windowId !== undefined && !keepOpen) this.windows.close(entry.windowId).catch(() => undefined);
        if (approved) resolve();
        else reject(reason ?? new MessagingError("rejected", "you rejected the request"));
        if (this.shown === id) {
          this.shown = undefined;
          this.showNext();
        }
      },
    };
    this.pending.set(id, entry);
    this.showNext();
    await decision;
    return entry.windowId;
  }

  /** Puts the oldest waiting request on screen, unless one already is. */
  private showNext(): void {
    if (this.shown !== undefined) return;
    const [next] = this.pending;
    if (!next) return;
    this.shown = next[0];
    next[1].show();
  }

  /** Only the request on screen can be read or answered: the waiting ones have no window yet. */
  private onScreen(id: string): Pending {
    const entry = this.pending.get(id);
    if (!entry)
      throw new MessagingError("bad_request", "this approval request is no longer waiting (answered, timed out or cancelled)");
    if (this.shown !== id)
      throw new MessagingError("bad_request", "this approval request waits for the one on screen to be answered");
    return entry;
  }

  view(id: string): ApprovalView {
    return this.onScreen(id).view;
  }

  decide(id: string, approved: boolean): void {
    this.onScreen(id).settle(approved);
  }

  /** A closed approval window is a rejection. */
  windowClosed(windowId: number): void {
    for (const entry of this.pending.values()) {
      if (entry.windowId === windowId) entry.settle(false, new MessagingError("rejected", "the approval window was closed"));
    }
  }

  /** Requests waiting for an answer, the one on screen included. */
  get size(): number {
    return this.pending.size;
  }
}
