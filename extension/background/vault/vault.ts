import bs58 from "bs58";
import { fromBase64, toBase64 } from "../../messaging/base64.ts";
import { MessagingError } from "../../messaging/errors.ts";
import type { MemefansDatabase } from "../storage/database.ts";
import { generateRecoveryPhrase, keypairFromRecoveryPhrase, recoveryPhraseWords } from "./recovery-phrase.ts";
import { type KeypairBytes, keypairFromSecretText } from "./secret-key-input.ts";
import { decryptRecoveryPhrase, decryptSecretKey, encryptSecretKey } from "./vault-crypto.ts";
import { encryptedVaultSchema } from "./vault-format.ts";

export const AUTO_LOCK_ALARM = "memefans-auto-lock";
const VAULT_KEY = "builtin";

/**
 * Where the unlocked key waits between service-worker wake-ups: chrome.storage.session, which lives
 * in memory only, is gone after a browser restart, and is closed to content scripts.
 */
export interface UnlockedKeyStore {
  read(): Promise<{ secretKey: string; lockAt: number } | undefined>;
  write(value: { secretKey: string; lockAt: number }): Promise<void>;
  clear(): Promise<void>;
}

/** The subset of chrome.alarms the auto-lock needs. */
export interface AlarmScheduler {
  create(name: string, info: { when: number }): Promise<void> | void;
  clear(name: string): Promise<unknown> | unknown;
}

export interface VaultOptions {
  db: MemefansDatabase;
  unlockedKeys: UnlockedKeyStore;
  alarms: AlarmScheduler;
  autoLockMinutes: () => Promise<number>;
  now?: () => number;
}

/** "pending": the phrase has not been shown and checked yet; "none": imported from a raw key, nothing to back up but the key. */
export type BackupState = "pending" | "confirmed" | "none";

export type VaultState = { state: "absent" } | { state: "locked" | "unlocked"; address: string; backup: BackupState };

/** One word the user typed back from the phrase, by its 1-based position. */
export interface BackupAnswer {
  position: number;
  word: string;
}

/**
 * The built-in wallet. The secret key exists in three forms only: encrypted in IndexedDB, in this
 * object's memory, and in session storage while unlocked. No method returns it; callers get to use
 * it inside `withSecretKey`, which also pushes the auto-lock back.
 */
export class Vault {
  private unlocked: { secretKey: Uint8Array; address: string } | undefined;
  private readonly now: () => number;

  constructor(private readonly options: VaultOptions) {
    this.now = options.now ?? Date.now;
  }

  async status(): Promise<VaultState> {
    const stored = await this.options.db.get("vault", VAULT_KEY);
    if (!stored) return { state: "absent" };
    const address = stored.publicKey;
    const backup: BackupState = !stored.recoveryPhrase ? "none" : stored.backupConfirmed ? "confirmed" : "pending";
    return { state: (await this.restoreUnlocked()) ? "unlocked" : "locked", address, backup };
  }

  /** A new wallet from a fresh 12-word phrase; the phrase waits, encrypted, for the backup check. */
  async create(password: string): Promise<string> {
    const phrase = generateRecoveryPhrase();
    return this.store(await keypairFromRecoveryPhrase(phrase), password, { phrase, backupConfirmed: false });
  }

  /** The wallet a phrase from MEMEFANS, Phantom or Solflare derives; the user already holds the phrase. */
  async restore(phraseText: string, password: string): Promise<string> {
    const keypair = await keypairFromRecoveryPhrase(phraseText);
    return this.store(keypair, password, { phrase: recoveryPhraseWords(phraseText).join(" "), backupConfirmed: true });
  }

  async importSecret(secretText: string, password: string): Promise<string> {
    return this.store(keypairFromSecretText(secretText), password);
  }

  /**
   * The words, for the one-time backup screen of our own popup. Once the backup is confirmed the
   * phrase stays sealed; the secret key export remains for moving the wallet elsewhere.
   */
  async recoveryPhrase(password: string): Promise<string[]> {
    const stored = await this.requireStored();
    if (stored.backupConfirmed) {
      throw new MessagingError("bad_request", "the recovery phrase was already backed up; export the secret key instead");
    }
    const phrase = await decryptRecoveryPhrase(stored, password);
    if (phrase === undefined)
      throw new MessagingError("unsupported", "this wallet was imported from a secret key: it has no phrase");
    return recoveryPhraseWords(phrase);
  }

  /** Checks the words the user typed back; only all of them right marks the backup done. */
  async confirmBackup(password: string, answers: BackupAnswer[]): Promise<void> {
    const stored = await this.requireStored();
    const phrase = await decryptRecoveryPhrase(stored, password);
    if (phrase === undefined)
      throw new MessagingError("unsupported", "this wallet was imported from a secret key: it has no phrase");
    const words = recoveryPhraseWords(phrase);
    const wrong = answers.filter((answer) => words[answer.position - 1] !== answer.word.trim().toLowerCase());
    if (answers.length === 0 || wrong.length > 0) {
      throw new MessagingError(
        "bad_request",
        `word ${wrong.map((answer) => `#${answer.position}`).join(", ") || "check"} does not match: look at your written copy again`,
      );
    }
    await this.options.db.put("vault", { ...stored, backupConfirmed: true }, VAULT_KEY);
  }

  /** The 64-byte secret key in base58 (what Phantom's "Import private key" takes), only with the password. */
  async exportSecretKey(password: string): Promise<string> {
    const secretKey = await decryptSecretKey(await this.requireStored(), password);
    const text = bs58.encode(secretKey);
    secretKey.fill(0);
    return text;
  }

  async unlock(password: string): Promise<string> {
    const stored = await this.options.db.get("vault", VAULT_KEY);
    if (!stored) throw new MessagingError("no_wallet", "there is no built-in wallet yet: create or import one");
    const secretKey = await decryptSecretKey(stored, password);
    await this.remember(secretKey, stored.publicKey);
    return stored.publicKey;
  }

  async lock(): Promise<void> {
    this.unlocked?.secretKey.fill(0);
    this.unlocked = undefined;
    await this.options.unlockedKeys.clear();
    await this.options.alarms.clear(AUTO_LOCK_ALARM);
  }

  /** Runs `use` with the secret key and restarts the idle countdown; refuses while locked. */
  async withSecretKey<T>(use: (secretKey: Uint8Array, address: string) => Promise<T> | T): Promise<T> {
    const unlocked = await this.restoreUnlocked();
    if (!unlocked) {
      const stored = await this.options.db.get("vault", VAULT_KEY);
      throw stored
        ? new MessagingError("locked", "the wallet is locked: unlock it in the MEMEFANS popup")
        : new MessagingError("no_wallet", "there is no built-in wallet yet: create or import one in the MEMEFANS popup");
    }
    await this.touch();
    return use(unlocked.secretKey, unlocked.address);
  }

  /** Called on the auto-lock alarm and on every wake-up: locks once the idle deadline has passed. */
  async lockIfIdle(): Promise<boolean> {
    const saved = await this.options.unlockedKeys.read();
    if (saved && saved.lockAt > this.now()) return false;
    await this.lock();
    return true;
  }

  private async requireStored() {
    const stored = await this.options.db.get("vault", VAULT_KEY);
    if (!stored) throw new MessagingError("no_wallet", "there is no built-in wallet yet: create or restore one");
    return stored;
  }

  private async store(
    keypair: KeypairBytes,
    password: string,
    recovery?: { phrase: string; backupConfirmed: boolean },
  ): Promise<string> {
    if (await this.options.db.get("vault", VAULT_KEY)) {
      throw new MessagingError("bad_request", "a built-in wallet already exists; this version keeps one");
    }
    const encrypted = encryptedVaultSchema.parse({
      ...(await encryptSecretKey(keypair.secretKey, keypair.publicKey, password, recovery?.phrase)),
      ...(recovery ? { backupConfirmed: recovery.backupConfirmed } : {}),
    });
    await this.options.db.put("vault", encrypted, VAULT_KEY);
    await this.remember(keypair.secretKey, keypair.publicKey);
    return keypair.publicKey;
  }

  private async remember(secretKey: Uint8Array, address: string): Promise<void> {
    this.unlocked = { secretKey, address };
    await this.touch();
  }

  private async touch(): Promise<void> {
    if (!this.unlocked) return;
    const lockAt = this.now() + (await this.options.autoLockMinutes()) * 60_000;
    await this.options.unlockedKeys.write({ secretKey: toBase64(this.unlocked.secretKey), lockAt });
    await this.options.alarms.create(AUTO_LOCK_ALARM, { when: lockAt });
  }

  /** A service worker restarted by Chrome starts with empty memory; the session copy brings the key back until the deadline. */
  private async restoreUnlocked(): Promise<{ secretKey: Uint8Array; address: string } | undefined> {
    const saved = await this.options.unlockedKeys.read();
    if (!saved || saved.lockAt <= this.now()) {
      if (this.unlocked || saved) await this.lock();
      return undefined;
    }
    if (!this.unlocked) {
      const stored = await this.options.db.get("vault", VAULT_KEY);
      if (!stored) return undefined;
      this.unlocked = { secretKey: fromBase64(saved.secretKey), address: stored.publicKey };
    }
    return this.unlocked;
  }
}
