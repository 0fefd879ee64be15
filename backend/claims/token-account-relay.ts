import { type Connection, SendTransactionError, Transaction } from "@solana/web3.js";
import bs58 from "bs58";
import { Router } from "express";
import { openAccountSendBodySchema, openAccountSentSchema } from "../../shared/api/claims.ts";
import { openedAccount, openingRentText, type TokenAccountOpening } from "../../shared/token-account-opening.ts";
import type { Database } from "../db/database.ts";
import { conflict, HttpError } from "../http/errors.ts";
import type { OpenApiRegistry } from "../http/openapi.ts";
import { answer } from "../http/send-json.ts";
import { requireSession, sessionRequired } from "../identity/sessions.ts";
import { requireOwnWallet } from "../identity/wallet-binding.ts";
import { type ClaimsRouterDependencies, type ClaimTarget, refuseGiveawayOver } from "./claims-router.ts";
import { isSignedOpening, openingFor, refuseNothingToOpen } from "./token-account-opening.ts";

/** A blockhash lives 150 blocks; one more, and a transaction that named it can never land. */
const BLOCKHASH_LIFETIME_BLOCKS = 151;
/** The wait's bound by the clock, for a chain whose block height stands still (the embedded one when idle). */
const CONFIRM_TIMEOUT_MS = 90_000;
const CONFIRM_POLL_MS = 1_000;
/** Openings one instance waits on at once: each holds a request open until its transaction settles. */
const MAX_OPENINGS_IN_FLIGHT = 64;

export interface TokenAccountRelayDependencies {
  database: Database;
  connection: Connection;
  openapi: OpenApiRegistry;
  distribution: ClaimsRouterDependencies["distribution"];
  tokenAccountOf: NonNullable<ClaimsRouterDependencies["tokenAccountOf"]>;
  now: () => number;
}

const chainUnreachable = () =>
  new HttpError(503, "chain_unavailable", "the chain could not be reached to send the opening; try again");

/** What a failed send's simulation said, its logs included; nothing for a failure that never reached it. */
function simulationSaid(error: unknown): string | undefined {
  return error instanceof SendTransactionError ? `${error.message} ${(error.logs ?? []).join(" ")}` : undefined;
}

/** Why the chain would not take the opening, in words the fan can act on, from the simulation's own error. */
function sendRefusal(error: unknown, opening: TokenAccountOpening): HttpError {
  const said = simulationSaid(error);
  if (said === undefined) return chainUnreachable();
  if (/blockhash not found/i.test(said)) {
    return conflict("opening_expired", "the signature came after its transaction expired: press again to sign a fresh one");
  }
  if (/insufficient (lamports|funds)|no record of a prior credit|AccountNotFound/i.test(said)) {
    return conflict(
      "opening_refused",
      `the chain refused to open the account: your wallet needs ${openingRentText(opening.tokenProgram)} and the fee`,
    );
  }
  // The simulation's own text is long (its logs, advice to call getLogs): the fan gets the gist.
  return conflict("opening_refused", "the chain refused to open the account: its simulation failed");
}

/** The chain already has this very transaction (a second send of the same signed bytes): it is waited on as sent. */
function alreadySent(error: unknown): boolean {
  return /already been processed/i.test(simulationSaid(error) ?? "");
}

/**
 * Waits until the opening confirms, fails, or can no longer land: its blockhash expired (counted from
 * the block height when it was sent), or the clock's bound passed. Stops as soon as the fan's request
 * is gone. A failed status read is read again: the transaction was sent either way.
 */
export async function settleOpening(
  connection: Pick<Connection, "getSignatureStatuses" | "getBlockHeight">,
  signature: string,
  sentAtHeight: number,
  fanLeft: AbortSignal,
): Promise<"confirmed" | "fan_left"> {
  const deadline = Date.now() + CONFIRM_TIMEOUT_MS;
  for (;;) {
    // Nobody to answer: the chain is asked nothing more for this opening.
    if (fanLeft.aborted) return "fan_left";
    try {
      const [status] = (await connection.getSignatureStatuses([signature])).value;
      if (status?.err) throw conflict("opening_refused", "the chain refused the transaction that opens your account");
      if (status?.confirmationStatus === "confirmed" || status?.confirmationStatus === "finalized") return "confirmed";
      if ((await connection.getBlockHeight("confirmed")) > sentAtHeight + BLOCKHASH_LIFETIME_BLOCKS) {
        throw conflict("opening_expired", "the opening did not land before it expired: press again to sign a fresh one");
      }
    } catch (error) {
      if (error instanceof HttpError) throw error;
    }
    if (Date.now() > deadline) {
      throw new HttpError(
        504,
        "opening_unconfirmed",
        `the opening (${signature}) is not confirmed yet; press again in a minute (if it landed, that costs only the fee)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, CONFIRM_POLL_MS));
  }
}

/**
 * POST /claims/token-account-openings: sends a fan's signed opening of their own token account (built by
 * the blink's …/open-account) for the claim page, which has no RPC of its own. Only for a signed-in fan,
 * for a wallet bound to them, for a giveaway not yet over, where the wallet has no account; only that
 * transaction, signed and paid by that wallet (isSignedOpening, checked before the chain is read); one
 * at a time per wallet, and a bounded number at once.
 */
export function tokenAccountRelayRouter(dependencies: TokenAccountRelayDependencies): Router {
  const { database, connection, openapi } = dependencies;
  const router = Router();
  const inFlight = new Set<string>();

  openapi.route(
    router,
    {
      method: "post",
      path: "/claims/token-account-openings",
      summary:
        "Sends the signed-in fan's signed transaction that opens their own token account for a giveaway's token (paid by their wallet), and answers once it is confirmed",
      auth: true,
      before: [sessionRequired],
      request: { body: openAccountSendBodySchema },
      responses: { 200: { description: "the account is open", schema: openAccountSentSchema } },
    },
    async ({ body }, _request, response) => {
      const { xUserId } = requireSession(response);
      // The response closes unfinished only when the fan's connection went away.
      const left = new AbortController();
      response.once("close", () => {
        if (!response.writableFinished) left.abort();
      });
      const fanLeft = left.signal;
      await requireOwnWallet(database, xUserId, body.account);
      // Before any chain read: a second press while the first opening is on its way costs nothing.
      if (inFlight.has(body.account)) {
        throw new HttpError(429, "rate_limited", "an opening of this wallet's account is already on its way: wait for it");
      }
      if (inFlight.size >= MAX_OPENINGS_IN_FLIGHT) {
        throw new HttpError(503, "chain_unavailable", "too many openings are on their way right now; try again in a few seconds");
      }
      inFlight.add(body.account);
      try {
        const sent = await relayOpening(body);
        // A fan who left gets no answer: there is nobody to give it to.
        if (sent) answer(response, openAccountSentSchema, sent);
      } finally {
        inFlight.delete(body.account);
      }

      async function relayOpening({ distribution, account, transaction }: typeof body) {
        const target: ClaimTarget = await dependencies.distribution(distribution);
        // A paused, sold-out or not yet started giveaway may still pay this fan; one that is over cannot.
        refuseGiveawayOver(target, Math.floor(dependencies.now() / 1000));
        const opening = openingFor(target, account);
        let signed: Transaction;
        try {
          signed = Transaction.from(Buffer.from(transaction, "base64"));
        } catch {
          throw new HttpError(400, "validation_failed", "transaction is not a Solana transaction");
        }
        if (!isSignedOpening(signed, opening)) {
          throw new HttpError(
            400,
            "not_an_opening",
            "this is not the transaction that opens your token account, signed by your wallet",
          );
        }
        await refuseNothingToOpen(dependencies.tokenAccountOf, opening);

        const sentAtHeight = await connection.getBlockHeight("confirmed").catch(() => {
          throw chainUnreachable();
        });
        const signature = bs58.encode(signed.signature ?? new Uint8Array());
        await connection.sendRawTransaction(signed.serialize()).catch((error: unknown) => {
          if (!alreadySent(error)) throw sendRefusal(error, opening);
        });
        if ((await settleOpening(connection, signature, sentAtHeight, fanLeft)) === "fan_left") return undefined;
        return { signature, account: openedAccount(opening).toBase58() };
      }
    },
  );
  return router;
}
