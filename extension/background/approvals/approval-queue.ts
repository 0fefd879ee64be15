import { MessagingError } from "../../messaging/errors.ts";
import type { ApprovalView } from "../../messaging/shapes.ts";

type ApprovalRequest = ApprovalView extends infer View
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
    const id = crypto.randomUUID();
    const view = { ...request, id, expiresAt: this.now() + this.timeoutMs } as ApprovalView;
    const decision = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => entry.settle(false, new MessagingError("timeout", "nobody approved the request in time, so it was rejected")),
        this.timeoutMs,
      );
      const entry: Pending = {
        view,
        settle: (approved, reason) => {
          if (!this.pending.delete(id)) return;
          clearTimeout(timer);
          if (entry.windowId !== undefined) this.windows.close(entry.windowId).catch(() => undefined);
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
    return decision;
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
