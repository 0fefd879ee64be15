import { PublicKey, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import { LAMPORTS_PER_SIGNATURE, type TokenProgramName, tokenAccountRent } from "../../../shared/fee-budget.ts";
import { decodeDistributionAccount } from "../../../shared/program/distribution-account.ts";
import { openedAccount, openingRentText, tokenAccountOpeningInstruction } from "../../../shared/token-account-opening.ts";
import { BUILT_IN_PROGRAM_ID } from "../../build-settings.ts";
import { toBase64 } from "../../messaging/base64.ts";
import { MessagingError } from "../../messaging/errors.ts";
import { formatSol } from "../../messaging/format.ts";
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from "../chain/program-ids.ts";
import type { Handlers } from "../router.ts";
import { type BackgroundServices, rpcClient } from "../services.ts";
import { chosenSigner, signAndSendWithChosenWallet } from "./chosen-wallet.ts";
import { tokenSymbolOf } from "./wallet-handlers.ts";

const TOKEN_PROGRAMS: Record<string, TokenProgramName> = { [TOKEN_PROGRAM]: "spl-token", [TOKEN_2022_PROGRAM]: "token-2022" };

/**
 * Opens the fan's own token account for a giveaway's token, paid by the chosen wallet after the approval
 * window: what the card offers a fan refused `needs_token_account` (the budget opens no more accounts).
 * The giveaway and its mint are read from the chain, never taken from the page; the wallet must be the
 * chosen one, which the claim that follows names. An account already there is answered as it is, and
 * nothing is signed; a wallet short of the rent and fee is told so before any approval window.
 */
export function openTokenAccountHandler(services: BackgroundServices): Pick<Handlers, "claims/open-token-account"> {
  return {
    "claims/open-token-account": async ({ distribution, wallet }, context) => {
      // The card names the wallet it read as chosen when the fan pressed; another one chosen since is not asked.
      const signer = await chosenSigner(services);
      if (signer !== wallet) throw new MessagingError("wrong_account", "the chosen wallet changed: press again");
      const rpc = await rpcClient(services);
      const giveaway = await rpc.getAccountData(distribution);
      if (!giveaway || giveaway.owner !== BUILT_IN_PROGRAM_ID)
        throw new MessagingError("bad_request", "this giveaway is not on chain any more");
      const mint = decodeDistributionAccount(giveaway.data).mint;
      // The mint's owner is its token program: the one the fan's account must belong to.
      const mintOwner = (await rpc.getAccountData(mint.toBase58()))?.owner ?? "";
      const tokenProgram = TOKEN_PROGRAMS[mintOwner];
      if (!tokenProgram) throw new MessagingError("bad_request", "the giveaway's token is not a mint of SPL Token or Token-2022");
      const opening = { wallet: new PublicKey(wallet), mint, tokenProgram };
      const account = openedAccount(opening).toBase58();
      if ((await rpc.getAccountData(account))?.owner === mintOwner) return { account };

      // Before the approval window: an empty wallet (every new MEMEFANS wallet) would only fail on chain.
      // One signature at the base fee: the opening carries no priority fee.
      const needed = tokenAccountRent(tokenProgram) + LAMPORTS_PER_SIGNATURE;
      const held = await rpc.getBalance(wallet);
      if (held < needed) {
        throw new MessagingError(
          "insufficient_funds",
          `your wallet needs ${openingRentText(tokenProgram)} of rent and the fee to open the account, and holds ${formatSol(held)}: add SOL, then press again`,
        );
      }
      const { blockhash } = await rpc.getLatestBlockhash();
      const message = new TransactionMessage({
        payerKey: opening.wallet,
        recentBlockhash: blockhash,
        instructions: [tokenAccountOpeningInstruction(opening)],
      }).compileToLegacyMessage();
      // Only for the purpose line: the approval window names the token from the chain itself.
      const symbol = await tokenSymbolOf(services, mint.toBase58()).catch(() => undefined);
      const signature = await signAndSendWithChosenWallet(
        services,
        toBase64(new VersionedTransaction(message).serialize()),
        `open your ${symbol ?? "token"} account to receive the giveaway (${openingRentText(tokenProgram)} of rent, which stays yours)`,
        context,
      );
      await rpc.confirmTransaction(signature);
      return { account, signature };
    },
  };
}
