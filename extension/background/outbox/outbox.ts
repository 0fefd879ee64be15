import { MessagingError } from "../../messaging/errors.ts";
import type { DeliveryError, OutboxItemView, OutboxOutcome } from "../../messaging/shapes.ts";
import { BackendHttpError } from "../backend-client/backend-client.ts";
import type { MemefansDatabase, OutboxRecord } from "../storage/database.ts";

export const OUTBOX_ALARM = "memefans-outbox";

export interface OutboxOptions {
  db: MemefansDatabase;
  /** Sends one item to the backend with its id as the Idempotency-Key; throws as callBackend does. */
  send: (item: OutboxRecord) => Promise<unknown>;
  /** Told about every final outcome, so claim history and caches follow. */
  onSettled?: (item: OutboxRecord) => Promise<void>;
  now?: () => number;
  retry?: { baseMs: number; maxMs: number };
  /** How long one delivery attempt owns an item; a worker killed mid-send frees it after this. */
  leaseMs?: number;
}

export interface NewOutboxItem {
  kind: OutboxRecord["kind"];
  path: string;
  body: unknown;
  label: string;
}

export interface DeliveryCounts {
  delivered: number;
  pending: number;
  failed: number;
}

/** Status codes that say "try again later" although they are 4xx. */
const RETRYABLE_CLIENT_STATUSES = new Set([408, 425, 429]);

/**
 * Writes for the backend that must happen exactly once even if the network, the service worker or
 * the browser goes away in between. Each item's id is its idempotency key: a retry after a lost
 * reply is the same request again, and the backend answers it without doing it twice. Items live in
 * IndexedDB, so a new Outbox over the same database (a restarted worker) picks them up.
 */
export class Outbox {
  private readonly now: () => number;
  private readonly retry: { baseMs: number; maxMs: number };
  private readonly leaseMs: number;
  private running: Promise<DeliveryCounts> | undefined;

  constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? Date.now;
    this.retry = options.retry ?? { baseMs: 5_000, maxMs: 10 * 60_000 };
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  async enqueue(item: NewOutboxItem): Promise<OutboxRecord> {
    const record: OutboxRecord = {
      ...item,
      id: crypto.randomUUID(),
      status: "pending",
      attempts: 0,
      nextAttemptAt: 0,
      leaseUntil: 0,
      createdAt: this.now(),
    };
    await this.options.db.add("outbox", record);
    return record;
  }

  /** Queues an item and tries it at once; the answer tells the caller whether it went, waits, or was refused. */
  async submit(item: NewOutboxItem): Promise<OutboxOutcome> {
    return this.attemptNow((await this.enqueue(item)).id);
  }

  /** Tries one queued item now (if it is due and free) and says where it stands. */
  async attemptNow(id: string): Promise<OutboxOutcome> {
    const settled = await this.attempt(id);
    if (!settled) throw new Error(`outbox item ${id} does not exist`);
    return outcomeOf(settled);
  }

  /** Delivers every item that is due. Concurrent calls share one run, so nothing is sent twice in parallel. */
  deliverDue(): Promise<DeliveryCounts> {
    this.running ??= this.deliverAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async list(): Promise<OutboxItemView[]> {
    const items = await this.options.db.getAll("outbox");
    return items
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(({ id, kind, label, status, attempts, nextAttemptAt, lastError, createdAt }) => ({
        id,
        kind,
        label,
        status,
        attempts,
        nextAttemptAt,
        createdAt,
        ...(lastError ? { lastError } : {}),
      }));
  }

  async get(id: string): Promise<OutboxRecord | undefined> {
    return this.options.db.get("outbox", id);
  }

  /** The earliest time a waiting item becomes due, for scheduling the next alarm. */
  async nextDueAt(): Promise<number | undefined> {
    const waiting = [
      ...(await this.options.db.getAllFromIndex("outbox", "by-status", "pending")),
      ...(await this.options.db.getAllFromIndex("outbox", "by-status", "delivering")),
    ];
    if (waiting.length === 0) return undefined;
    return Math.min(...waiting.map((item) => Math.max(item.nextAttemptAt, item.status === "delivering" ? item.leaseUntil : 0)));
  }

  private async deliverAll(): Promise<DeliveryCounts> {
    const candidates = [
      ...(await this.options.db.getAllKeysFromIndex("outbox", "by-status", "pending")),
      ...(await this.options.db.getAllKeysFromIndex("outbox", "by-status", "delivering")),
    ];
    for (const id of candidates) {
      const settled = await this.attempt(id);
      // One unreachable backend means all of them are; the rest wait for the next trigger.
      if (settled?.status === "pending" && settled.lastError?.kind === "network") break;
    }
    const all = await this.options.db.getAll("outbox");
    return {
      delivered: all.filter((item) => item.status === "delivered").length,
      pending: all.filter((item) => item.status === "pending" || item.status === "delivering").length,
      failed: all.filter((item) => item.status === "failed").length,
    };
  }

  /** Takes the item if it is due and nobody else holds it; the readwrite transaction makes the take atomic. */
  private async claim(id: string): Promise<OutboxRecord | undefined> {
    const transaction = this.options.db.transaction("outbox", "readwrite");
    const item = await transaction.store.get(id);
    const now = this.now();
    const free = item?.status === "pending" || (item?.status === "delivering" && item.leaseUntil <= now);
    if (!item || !free || item.nextAttemptAt > now) {
      await transaction.done;
      return undefined;
    }
    const taken: OutboxRecord = { ...item, status: "delivering", leaseUntil: now + this.leaseMs, attempts: item.attempts + 1 };
    await transaction.store.put(taken);
    await transaction.done;
    return taken;
  }

  private async attempt(id: string): Promise<OutboxRecord | undefined> {
    const item = await this.claim(id);
    if (!item) return this.options.db.get("outbox", id);
    let next: OutboxRecord;
    try {
      const response = await this.options.send(item);
      next = { ...item, status: "delivered", response, deliveredAt: this.now(), leaseUntil: 0 };
      delete next.lastError;
    } catch (error) {
      next = this.afterFailure(item, error);
    }
    await this.options.db.put("outbox", next);
    if (next.status !== "pending") await this.options.onSettled?.(next);
    return next;
  }

  private afterFailure(item: OutboxRecord, error: unknown): OutboxRecord {
    if (error instanceof BackendHttpError && error.status < 500 && !RETRYABLE_CLIENT_STATUSES.has(error.status)) {
      return {
        ...item,
        status: "failed",
        leaseUntil: 0,
        lastError: { kind: "refused", code: error.apiCode, message: error.message },
        response: error.details,
      };
    }
    const reason: DeliveryError =
      error instanceof BackendHttpError
        ? { kind: "http", status: error.status, message: error.message }
        : error instanceof MessagingError && error.code === "network_error"
          ? { kind: "network", message: error.message }
          : { kind: "internal", message: error instanceof Error ? error.message : String(error) };
    const delay = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (item.attempts - 1));
    return { ...item, status: "pending", leaseUntil: 0, nextAttemptAt: this.now() + delay, lastError: reason };
  }
}

export function outcomeOf(item: OutboxRecord): OutboxOutcome {
  if (item.status === "delivered") return { outcome: "delivered", outboxId: item.id, response: item.response };
  if (item.status === "failed") {
    const refusal = item.lastError?.kind === "refused" ? item.lastError : undefined;
    return {
      outcome: "refused",
      outboxId: item.id,
      error: {
        code: refusal?.code ?? "unrecognized",
        message: item.lastError?.message ?? "the backend refused",
        details: item.response,
      },
    };
  }
  return { outcome: "queued", outboxId: item.id, reason: item.lastError?.message ?? "waiting to be sent" };
}
