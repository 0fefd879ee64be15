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
  view: ApprovalView;
  windowId?: number;
  /** Approving hands over to a page wallet: the window stays open beside the wallet's own until done. */
  handoff: boolean;
  settle: (approved: boolean, reason?: MessagingError) => void;
}

/**
 * Signing waits here until a person answers in the approval window. Rejecting, closing the
 * window and running out of time all end in a refusal; there is no path to a signature that
 * skips `request`.
 */
export class ApprovalQueue {
  private readonly pending = new Map<string, Pending>();
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
    const id = crypto.randomUUID();
    const view = { ...request, id, expiresAt: this.now() + this.timeoutMs } as ApprovalView;
    const decision = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => entry.settle(false, new MessagingError("timeout", "nobody approved the request in time, so it was rejected")),
        this.timeoutMs,
      );
      const entry: Pending = {
        view,
        handoff,
        settle: (approved, reason) => {
          if (!this.pending.delete(id)) return;
          clearTimeout(timer);
          const keepOpen = approved && entry.handoff;
          if (entry.windowId !== undefined && !keepOpen) this.windows.close(entry.windowId).catch(() => undefined);
          if (approved) resolve();
          else reject(reason ?? new MessagingError("rejected", "you rejected the request"));
        },
      };
      this.pending.set(id, entry);
    });
    const entry = this.pending.get(id);
    try {
      const windowId = await this.windows.open(id);
      if (entry) entry.windowId = windowId;
    } catch (error) {
      entry?.settle(false, new MessagingError("internal", `the approval window could not open: ${(error as Error).message}`));
    }
    await decision;
    return entry?.windowId;
  }

  view(id: string): ApprovalView {
    const entry = this.pending.get(id);
    if (!entry)
      throw new MessagingError("bad_request", "this approval request is no longer waiting (answered, timed out or cancelled)");
    return entry.view;
  }

  decide(id: string, approved: boolean): void {
    const entry = this.pending.get(id);
    if (!entry)
      throw new MessagingError("bad_request", "this approval request is no longer waiting (answered, timed out or cancelled)");
    entry.settle(approved);
  }

  /** A closed approval window is a rejection. */
  windowClosed(windowId: number): void {
    for (const entry of this.pending.values()) {
      if (entry.windowId === windowId) entry.settle(false, new MessagingError("rejected", "the approval window was closed"));
    }
  }

  get size(): number {
    return this.pending.size;
  }
}
