import { randomBytes } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import bs58 from "bs58";
import { formatSignInMessage, parseSignInMessage } from "../../shared/api/identity.ts";
import type { Database, Queryable } from "../db/database.ts";
import { HttpError } from "../http/errors.ts";

/** A challenge must be signed within this time. */
const CHALLENGE_TTL_MS = 10 * 60_000;
/** A challenge handed out again keeps at least this long to be signed in. */
const SIGNING_TIME_MS = 5 * 60_000;

export function newBlinkFlow(): string {
  return randomBytes(16).toString("hex");
}

export interface WalletBindingSettings {
  /** The site that asks for the signature: PUBLIC_URL. Its host is the message's domain. */
  publicUrl: string;
  /** The chain id written in the message, e.g. "solana:localnet". */
  chainId: string;
  now?: () => number;
}

/**
 * Binds a wallet to the signed-in X account with a Sign-In-With-Solana style message: the backend writes
 * the message (domain, address, statement, URI, version, chain id, nonce, issued-at, expiration-time),
 * the wallet signs it, and the backend accepts the exact text it issued, once, before it expires.
 */
export class WalletBinding {
  readonly #now: () => number;
  readonly #domain: string;

  constructor(
    private readonly database: Database,
    private readonly settings: WalletBindingSettings,
  ) {
    this.#now = settings.now ?? Date.now;
    this.#domain = new URL(settings.publicUrl).host;
  }

  /**
   * A new challenge for the signed-in X account: its message names the account the wallet binds to.
   * `blinkFlow` names the blink sign-in it was issued for: such a challenge waits for the account's
   * holder to confirm the wallet on the claim page (confirmBlinkLink) before a blink may offer it.
   */
  async challenge(xUserId: string, username: string, address: string, blinkFlow?: string) {
    return this.#issue(xUserId, address, {
      statement: `Bind this wallet to @${username} on MEMEFANS so its giveaway claims are paid here. Signing sends no transaction and costs nothing.`,
      blinkFlow,
    });
  }

  /**
   * The challenge a blink offers whoever presses Claim for a wallet already bound to `owner`: signing it
   * proves the press is the wallet's holder. The press proves nothing, so the message names no X
   * account, and the unused one is handed out again rather than a row written per press.
   */
  async boundWalletChallenge(owner: string, address: string): Promise<{ message: string; nonce: string }> {
    const unused = await this.database.query<{ message: string; nonce: string }>(
      `SELECT message, nonce FROM wallet_challenges
        WHERE address = $1 AND x_user_id = $2 AND for_bound_wallet AND used_at IS NULL AND expires_at > $3
        ORDER BY expires_at DESC LIMIT 1`,
      [address, owner, new Date(this.#now() + SIGNING_TIME_MS)],
    );
    return (
      unused.rows[0] ??
      this.#issue(owner, address, {
        statement: "Claim with this wallet on MEMEFANS. Signing sends no transaction and costs nothing.",
        forBoundWallet: true,
      })
    );
  }

  async #issue(
    xUserId: string,
    address: string,
    { statement, blinkFlow, forBoundWallet = false }: { statement: string; blinkFlow?: string; forBoundWallet?: boolean },
  ) {
    const nonce = randomBytes(16).toString("hex");
    const issuedAt = new Date(this.#now());
    const expiresAt = new Date(issuedAt.getTime() + CHALLENGE_TTL_MS);
    const message = formatSignInMessage({
      domain: this.#domain,
      address,
      statement,
      uri: this.settings.publicUrl,
      version: "1",
      chainId: this.settings.chainId,
      nonce,
      issuedAt: issuedAt.toISOString(),
      expirationTime: expiresAt.toISOString(),
    });
    await this.database.query("DELETE FROM wallet_challenges WHERE expires_at < $1", [new Date(this.#now() - CHALLENGE_TTL_MS)]);
    // A blink flow asks for one wallet, once: its start link can be anyone's, and a second sign-in
    // through a link reusing the flow must not add a wallet that the holder's answer to the first would
    // confirm too.
    await this.database.query(
      `INSERT INTO wallet_challenges (nonce, x_user_id, address, message, expires_at, blink_flow, for_bound_wallet)
       SELECT $1, $2, $3, $4, $5, $6, $7
        WHERE $6::text IS NULL OR NOT EXISTS (SELECT 1 FROM wallet_challenges WHERE blink_flow = $6::text)`,
      [nonce, xUserId, address, message, expiresAt, blinkFlow ?? null, forBoundWallet],
    );
    return { message, nonce, expiresAt: expiresAt.toISOString() };
  }

  /** The unused, unexpired challenge of this blink flow and wallet, once the X account's holder confirmed it. */
  async blinkChallenge(address: string, blinkFlow: string): Promise<{ message: string; nonce: string } | undefined> {
    const found = await this.database.query<{ message: string; nonce: string }>(
      `SELECT message, nonce FROM wallet_challenges
       WHERE blink_flow = $1 AND address = $2 AND used_at IS NULL AND expires_at > $3 AND confirmed_at IS NOT NULL
       ORDER BY expires_at DESC LIMIT 1`,
      [blinkFlow, address, new Date(this.#now())],
    );
    return found.rows[0];
  }

  /** The wallet a blink sign-in of this X account asks to bind, while it waits for the holder's word. */
  async pendingBlinkLink(xUserId: string, blinkFlow: string): Promise<{ wallet: string; expiresAt: string } | undefined> {
    const found = await this.database.query<{ address: string; expires_at: Date }>(
      `SELECT address, expires_at FROM wallet_challenges
       WHERE blink_flow = $1 AND x_user_id = $2 AND used_at IS NULL AND confirmed_at IS NULL AND expires_at > $3
       ORDER BY expires_at DESC LIMIT 1`,
      [blinkFlow, xUserId, new Date(this.#now())],
    );
    const row = found.rows[0];
    return row && { wallet: row.address, expiresAt: row.expires_at.toISOString() };
  }

  /**
   * The X account's holder answers a blink sign-in's request to bind `wallet`, the one the page showed
   * them: confirmed, the blink may offer that wallet the challenge; declined, it never will. Only that
   * wallet's request is answered, whatever else waits under the flow.
   */
  async answerBlinkLink(xUserId: string, blinkFlow: string, wallet: string, confirmed: boolean): Promise<{ wallet: string }> {
    const answered = await this.database.query<{ address: string }>(
      `UPDATE wallet_challenges SET ${confirmed ? "confirmed_at" : "used_at"} = $4
        WHERE blink_flow = $1 AND x_user_id = $2 AND address = $3 AND used_at IS NULL AND confirmed_at IS NULL
          AND expires_at > $4
        RETURNING address`,
      [blinkFlow, xUserId, wallet, new Date(this.#now())],
    );
    const row = answered.rows[0];
    if (!row) {
      throw new HttpError(404, "not_found", "this blink sign-in asks for no wallet any more: press Claim in the blink again");
    }
    return { wallet: row.address };
  }

  /**
   * The X account a blink's challenge binds to: one issued here for this wallet, and for a blink sign-in
   * only once its X account's holder confirmed the wallet. Undefined for any other text.
   */
  async blinkChallengeOwner(message: string, address: string): Promise<string | undefined> {
    const nonce = parseSignInMessage(message)?.nonce;
    if (!nonce) return undefined;
    const issued = await this.database.query<{ x_user_id: string }>(
      `SELECT x_user_id FROM wallet_challenges
        WHERE nonce = $1 AND address = $2 AND message = $3 AND (blink_flow IS NULL OR confirmed_at IS NOT NULL)`,
      [nonce, address, message],
    );
    return issued.rows[0]?.x_user_id;
  }

  async verify(xUserId: string, input: { message: string; signature: string; address: string }): Promise<{ address: string }> {
    const fields = parseSignInMessage(input.message);
    if (!fields) throw invalidMessage("the message is not a MEMEFANS sign-in message; request a new challenge");
    if (fields.address !== input.address) throw invalidMessage("the message was issued for another wallet address");
    if (fields.domain !== this.#domain) throw invalidMessage(`the message is for ${fields.domain}, not ${this.#domain}`);
    if (!verifySignature(input.message, input.signature, input.address)) {
      throw new HttpError(
        400,
        "invalid_signature",
        "the signature does not match this message and wallet; sign the message again",
      );
    }
    return this.database.transaction(async (transaction) => {
      const used = await transaction.query<{ x_user_id: string; address: string; message: string; expires_at: Date }>(
        `UPDATE wallet_challenges SET used_at = $2 WHERE nonce = $1 AND used_at IS NULL
         RETURNING x_user_id, address, message, expires_at`,
        [fields.nonce, new Date(this.#now())],
      );
      const challenge = used.rows[0];
      if (!challenge) {
        const known = await transaction.query("SELECT 1 FROM wallet_challenges WHERE nonce = $1", [fields.nonce]);
        throw known.rowCount
          ? new HttpError(409, "challenge_used", "this message was already used; request a new challenge")
          : invalidMessage("this message was not issued here; request a new challenge");
      }
      // The stored text is the authority: any edited field (statement, times, domain) fails here.
      if (challenge.message !== input.message || challenge.x_user_id !== xUserId || challenge.address !== input.address) {
        throw invalidMessage("the message differs from the one issued to you; request a new challenge");
      }
      if (challenge.expires_at.getTime() <= this.#now()) {
        throw new HttpError(400, "challenge_expired", "the message expired; request a new challenge and sign within 10 minutes");
      }
      await bindWallet(transaction, input.address, xUserId);
      return { address: input.address };
    });
  }
}

/** The X account a wallet is bound to, if any. */
export async function walletOwner(database: Queryable, address: string): Promise<string | undefined> {
  const owner = await database.query<{ x_user_id: string }>("SELECT x_user_id FROM wallets WHERE address = $1", [address]);
  return owner.rows[0]?.x_user_id;
}

/** Refuses (403) a wallet that is not bound to the signed-in fan's X account. */
export async function requireOwnWallet(database: Queryable, xUserId: string, wallet: string): Promise<void> {
  if ((await walletOwner(database, wallet)) !== xUserId) {
    throw new HttpError(403, "forbidden", "this wallet is not bound to your X account; bind it first");
  }
}

/** A wallet binds to exactly one X account; binding it again to the same account is harmless. */
async function bindWallet(transaction: Queryable, address: string, xUserId: string): Promise<void> {
  await transaction.query("INSERT INTO wallets (address, x_user_id) VALUES ($1, $2) ON CONFLICT (address) DO NOTHING", [
    address,
    xUserId,
  ]);
  if ((await walletOwner(transaction, address)) !== xUserId) {
    throw new HttpError(409, "wallet_bound_elsewhere", "this wallet is already bound to another X account; use another wallet");
  }
}

function verifySignature(message: string, signature: string, address: string): boolean {
  try {
    return ed25519.verify(bs58.decode(signature), new TextEncoder().encode(message), bs58.decode(address));
  } catch {
    return false;
  }
}

function invalidMessage(message: string): HttpError {
  return new HttpError(400, "validation_failed", message, { issues: [{ path: "body.message", message }] });
}
