import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from "idb";
import type { ClaimRecord, DeliveryError, DiagnosticEntry } from "../../messaging/shapes.ts";
import { legacyDeliveryError } from "../outbox/delivery-error.ts";
import type { EncryptedVault } from "../vault/vault-format.ts";

export const DATABASE_NAME = "memefans";

export interface OutboxRecord {
  /** Also the Idempotency-Key the backend sees, so a retried delivery is recognised as the same write. */
  id: string;
  kind: "claim" | "register-distribution";
  path: string;
  body: unknown;
  label: string;
  status: "pending" | "delivering" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: number;
  /** While delivering: until when this attempt owns the item; past it, another attempt may take over. */
  leaseUntil: number;
  lastError?: DeliveryError;
  response?: unknown;
  createdAt: number;
  deliveredAt?: number;
}

export interface CachedDistribution {
  address: string;
  postId: string;
  distribution: unknown;
  fetchedAt: number;
}

export interface MemefansSchema extends DBSchema {
  settings: { key: string; value: unknown };
  distributions: { key: string; value: CachedDistribution; indexes: { "by-post": string } };
  claims: { key: string; value: ClaimRecord; indexes: { "by-created": number } };
  outbox: { key: string; value: OutboxRecord; indexes: { "by-status": string } };
  diagnostics: { key: string; value: DiagnosticEntry & { key: string } };
  vault: { key: string; value: EncryptedVault };
}

type UpgradeTransaction = IDBPTransaction<MemefansSchema, StoreNames<MemefansSchema>[], "versionchange">;
type Migration = (db: IDBPDatabase<MemefansSchema>, transaction: UpgradeTransaction) => Promise<void> | void;

/**
 * Migration i turns version i into version i + 1. Never edit a released one: add a new step, so a
 * profile on any older version walks forward through every step and keeps its data.
 */
export const migrations: readonly Migration[] = [
  // v1: the first release kept settings, the distribution cache, claim history and a plain outbox.
  (db) => {
    db.createObjectStore("settings");
    db.createObjectStore("distributions", { keyPath: "address" });
    db.createObjectStore("claims", { keyPath: "key" });
    db.createObjectStore("outbox", { keyPath: "id" });
  },
  // v2: indexes for the popup's lists, diagnostics and the vault; outbox items gain retry bookkeeping.
  async (db, transaction) => {
    transaction.objectStore("distributions").createIndex("by-post", "postId");
    transaction.objectStore("claims").createIndex("by-created", "createdAt");
    const outbox = transaction.objectStore("outbox");
    outbox.createIndex("by-status", "status");
    db.createObjectStore("diagnostics", { keyPath: "key" });
    db.createObjectStore("vault");
    let cursor = await outbox.openCursor();
    while (cursor) {
      const old = cursor.value as Partial<OutboxRecord> & { id: string; createdAt?: number };
      await cursor.update({
        ...old,
        status: old.status ?? "pending",
        attempts: old.attempts ?? 0,
        nextAttemptAt: old.nextAttemptAt ?? 0,
        leaseUntil: 0,
        label: old.label ?? old.kind ?? "queued request",
        createdAt: old.createdAt ?? Date.now(),
      } as OutboxRecord);
      cursor = await cursor.continue();
    }
  },
  // v3: an outbox item's last error is data ({ kind, code, message }), no longer "code: message" text.
  async (_db, transaction) => {
    let cursor = await transaction.objectStore("outbox").openCursor();
    while (cursor) {
      const old = cursor.value as Omit<OutboxRecord, "lastError"> & { lastError?: unknown };
      if (typeof old.lastError === "string") {
        await cursor.update({ ...old, lastError: legacyDeliveryError(old.lastError, old.status === "failed") });
      }
      cursor = await cursor.continue();
    }
  },
];

export const DATABASE_VERSION = migrations.length;

export type MemefansDatabase = IDBPDatabase<MemefansSchema>;

/** Opens (and migrates) the database; `version` lets a test stop at an older schema. */
export function openMemefansDatabase(name = DATABASE_NAME, version = DATABASE_VERSION): Promise<MemefansDatabase> {
  return openDB<MemefansSchema>(name, version, {
    async upgrade(db, oldVersion, newVersion, transaction) {
      for (let step = oldVersion; step < (newVersion ?? version); step++) {
        const migration = migrations[step];
        if (!migration) throw new Error(`no migration from database version ${step}`);
        await migration(db, transaction);
      }
    },
  });
}
