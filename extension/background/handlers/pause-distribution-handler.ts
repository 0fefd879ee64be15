import { PublicKey, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import { pauseInstruction, resumeInstruction } from "../../../shared/program/creator-controls.ts";
import { BUILT_IN_PROGRAM_ID } from "../../build-settings.ts";
import { toBase64 } from "../../messaging/base64.ts";
import { MessagingError } from "../../messaging/errors.ts";
import type { Handlers } from "../router.ts";
import { type BackgroundServices, rpcClient } from "../services.ts";
import { chosenSigner, signAndSendWithChosenWallet } from "./chosen-wallet.ts";
import { readOwnDistribution } from "./creator-distribution.ts";

/** Pause stops payouts until resume; both are signed by the creator's chosen wallet after the approval window. */
export function pauseDistributionHandler(services: BackgroundServices): Pick<Handlers, "distributions/set-paused"> {
  return {
    "distributions/set-paused": async ({ address, paused }, context) => {
      const creator = await chosenSigner(services);
      const rpc = await rpcClient(services);
      const distribution = await readOwnDistribution(rpc, address, creator);
      if (distribution.paused === paused)
        throw new MessagingError("bad_request", `the giveaway is already ${paused ? "paused" : "running"}`);
      const keys = { creator, distribution: address, programId: BUILT_IN_PROGRAM_ID };
      const { blockhash } = await rpc.getLatestBlockhash();
      const message = new TransactionMessage({
        payerKey: new PublicKey(creator),
        recentBlockhash: blockhash,
        instructions: [paused ? pauseInstruction(keys) : resumeInstruction(keys)],
      }).compileToLegacyMessage();
      const signature = await signAndSendWithChosenWallet(
        services,
        toBase64(new VersionedTransaction(message).serialize()),
        paused ? "pause the giveaway's payouts" : "resume the giveaway's payouts",
        context,
      );
      await rpc.confirmTransaction(signature);
      return { signature };
    },
  };
}
