import "fake-indexeddb/auto";
import { openDB } from "idb";
import { describe, expect, it } from "vitest";
import { DATABASE_VERSION, openMemefansDatabase } from "./database.ts";
import { defaultSettings, readSettings, rpcUrlOf, updateSettings } from "./settings-store.ts";

describe("IndexedDB schema", () => {
  it("upgrades a v1 database with data in it to the current version without losing anything", async () => {
    const name = "migrate-v1";
    const v1 = await openMemefansDatabase(name, 1);
    expect([...v1.objectStoreNames].sort()).toEqual(["claims", "distributions", "outbox", "settings"]);
    await v1.put("settings", { ...defaultSettings, backendUrl: "http://127.0.0.1:9999" }, "settings");
    await v1.put("distributions", { address: "Dist1", postId: "42", distribution: { symbol: "BONK" }, fetchedAt: 5 });
    await v1.put("claims", { key: "c1", distribution: "Dist1", wallet: "W", status: "pending", createdAt: 1, updatedAt: 1 });
    // A v1 outbox item had no retry bookkeeping yet.
    const v1Outbox = { id: "key-1", kind: "claim", path: "/claims", body: { distribution: "Dist1", wallet: "W" }, createdAt: 3 };
    await v1.put("outbox", v1Outbox as never);
    v1.close();

    const current = await openMemefansDatabase(name);
    expect(current.version).toBe(DATABASE_VERSION);
    expect(DATABASE_VERSION).toBeGreaterThanOrEqual(2);
    expect([...current.objectStoreNames].sort()).toEqual([
      "claims",
      "diagnostics",
      "distributions",
      "outbox",
      "settings",
      "vault",
    ]);
    expect((await readSettings(current)).backendUrl).toBe("http://127.0.0.1:9999");
    expect(await current.getAllFromIndex("distributions", "by-post", "42")).toEqual([
      { address: "Dist1", postId: "42", distribution: { symbol: "BONK" }, fetchedAt: 5 },
    ]);
    expect(await current.getAllFromIndex("claims", "by-created")).toHaveLength(1);
    expect(await current.get("outbox", "key-1")).toEqual({
      ...v1Outbox,
      status: "pending",
      attempts: 0,
      nextAttemptAt: 0,
      leaseUntil: 0,
      label: "claim",
    });
    expect(await current.getAllKeysFromIndex("outbox", "by-status", "pending")).toEqual(["key-1"]);
    current.close();
  });

  it('upgrades v2 outbox errors kept as "code: message" text to data', async () => {
    const name = "migrate-v2-errors";
    const v2 = await openMemefansDatabase(name, 2);
    const item = {
      kind: "claim",
      path: "/claims",
      body: {},
      label: "claim",
      attempts: 1,
      nextAttemptAt: 0,
      leaseUntil: 0,
      createdAt: 1,
    };
    const rows = [
      { ...item, id: "refused", status: "failed", lastError: "requirements_not_met: follow the creator first: then retry" },
      { ...item, id: "newer-code", status: "failed", lastError: "some_future_code: a newer backend said no" },
      { ...item, id: "offline", status: "pending", lastError: "network: the backend at http://x is unreachable (fetch failed)" },
      { ...item, id: "server", status: "pending", lastError: "http 503: the chain is not ready" },
      { ...item, id: "other", status: "pending", lastError: "error: boom" },
      { ...item, id: "fine", status: "delivered" },
    ];
    for (const row of rows) await v2.put("outbox", row as never);
    v2.close();

    const current = await openMemefansDatabase(name);
    const lastErrors = Object.fromEntries((await current.getAll("outbox")).map((row) => [row.id, row.lastError]));
    expect(lastErrors).toEqual({
      refused: { kind: "refused", code: "requirements_not_met", message: "follow the creator first: then retry" },
      "newer-code": { kind: "refused", code: "unrecognized", message: "a newer backend said no" },
      offline: { kind: "network", message: "the backend at http://x is unreachable (fetch failed)" },
      server: { kind: "http", status: 503, message: "the chain is not ready" },
      other: { kind: "internal", message: "boom" },
      fine: undefined,
    });
    current.close();
  });

  it("opening the current version again changes nothing", async () => {
    const first = await openMemefansDatabase("reopen");
    await first.put("claims", { key: "c1", distribution: "D", wallet: "W", status: "pending", createdAt: 1, updatedAt: 1 });
    first.close();
    const again = await openMemefansDatabase("reopen");
    expect(await again.count("claims")).toBe(1);
    again.close();
  });

  it("refuses to open a database from a newer release instead of damaging it", async () => {
    const newer = await openDB("from-the-future", DATABASE_VERSION + 1);
    newer.close();
    await expect(openMemefansDatabase("from-the-future")).rejects.toThrow();
  });
});

describe("settings", () => {
  it("defaults to the local backend and its embedded RPC", async () => {
    const db = await openMemefansDatabase("settings-defaults");
    const settings = await readSettings(db);
    expect(settings).toEqual({ backendUrl: "http://127.0.0.1:8787", rpcUrl: "", walletChoice: "builtin", autoLockMinutes: 15 });
    expect(rpcUrlOf(settings)).toBe("http://127.0.0.1:8787/rpc");
    db.close();
  });

  it("validates updates and keeps the previous value on a bad one", async () => {
    const db = await openMemefansDatabase("settings-update");
    const updated = await updateSettings(db, { backendUrl: "https://api.memefans.example/", rpcUrl: "https://rpc.example/" });
    expect(updated.backendUrl).toBe("https://api.memefans.example");
    expect(rpcUrlOf(updated)).toBe("https://rpc.example/");
    await expect(updateSettings(db, { backendUrl: "javascript:alert(1)" })).rejects.toThrow(
      /backend URL must be an http\(s\) URL/,
    );
    await expect(updateSettings(db, { autoLockMinutes: 0 })).rejects.toThrow(/at least 1 minute/);
    expect((await readSettings(db)).backendUrl).toBe("https://api.memefans.example");
    db.close();
  });
});
