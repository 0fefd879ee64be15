import { createAsyncThunk, createSlice, type ThunkDispatch, type UnknownAction } from "@reduxjs/toolkit";
import { z } from "zod";
import { claimResponseSchema } from "../../shared/api/claims.ts";
import type { ReceivedErrorCode } from "../../shared/api/errors.ts";
import { backendApi, describeApiError, type OverlayApiError, type OverlayExtra } from "../api/backend-api.ts";
import type { ErrorCode } from "../messaging/contract.ts";
import type { ExternalWalletChoice, WalletChoice } from "../messaging/shapes.ts";
import { requirementLabel } from "../ui/requirement-label.ts";

/**
 * The claim button's walk: connect X, connect a wallet, claim; then the claim's status. Each click
 * runs the step the fan is on, so every popup (X's consent, the wallet's approval) answers a click.
 */

/** "open-account": the fan's wallet opens its own token account for the giveaway's token, then claims. */
export type ClaimStep = "connect-x" | "connect-wallet" | "claim" | "open-account";

export interface ClaimFlow {
  busy: ClaimStep | null;
  /** Set once the backend took the claim or answered with the fan's earlier one; the widget then follows its status. */
  claimId?: string;
  /** Set while the claim waits in the service worker's outbox (offline). */
  queuedOutboxId?: string;
  error?: { code: ClaimStepErrorCode; message: string; unmet?: string[] };
}

/** Phantom and Solflare, reached through the page-world bridge relay. */
export interface ExternalWallets {
  /** The wallets on the page now: Phantom, Solflare and any wallet-standard wallet. */
  detect(): Promise<{ choice: ExternalWalletChoice; name: string; icon?: string | undefined }[]>;
  /** `name` picks one of several wallet-standard wallets; without it, the first of that choice. */
  connect(choice: ExternalWalletChoice, name?: string): Promise<{ address: string; name: string }>;
  signMessage(choice: ExternalWalletChoice, message: string): Promise<{ address: string; signature: string }>;
}

export interface ClaimExtra extends OverlayExtra {
  externalWallets?: ExternalWallets;
}

/** Why a step failed: the service worker's code, or the backend's when it refused the claim. */
export type ClaimStepErrorCode = ErrorCode | ReceivedErrorCode;

class StepError extends Error {
  constructor(
    readonly code: ClaimStepErrorCode,
    message: string,
    readonly unmet?: string[],
  ) {
    super(message);
  }
}

const refusalChecksSchema = z.object({
  checks: z.array(z.object({ requirement: z.unknown(), met: z.boolean(), detail: z.string().optional() })),
});

function asStepError(error: unknown): StepError {
  if (error instanceof StepError) return error;
  const apiError = error as Partial<OverlayApiError> | undefined;
  return new StepError(apiError?.code ?? "internal", describeApiError(error));
}

export const runClaimStep = createAsyncThunk<
  { step: ClaimStep; claimId?: string; queuedOutboxId?: string },
  { address: string; step: ClaimStep; walletChoice?: WalletChoice },
  { extra: ClaimExtra; rejectValue: ClaimFlow["error"] }
>("claimFlow/runStep", async ({ address, step, walletChoice }, { dispatch, extra, rejectWithValue }) => {
  const api = backendApi.endpoints;
  try {
    if (step === "connect-x") {
      await dispatch(api.connectX.initiate()).unwrap();
      return { step };
    }
    if (step === "connect-wallet") {
      await connectWallet(walletChoice ?? "builtin", dispatch, extra);
      return { step };
    }
    /**
     * The card follows claim `claimId`, read again first: a failed claim claimed again keeps its id, and
     * the cached answer (failed, polling stopped) would stand for a claim back in the queue. A failed
     * read does not fail the step: the backend has the claim either way.
     */
    const follow = async (claimId: string) => {
      await dispatch(api.claimsGet.initiate({ id: claimId }, { subscribe: false, forceRefetch: true }));
      return { step, claimId };
    };
    const status = await dispatch(api.walletStatus.initiate(undefined, { forceRefetch: true, subscribe: false })).unwrap();
    if (!status.activeAddress) {
      // A claim on the card shows no wallet step: the press that found the wallet locked opens its unlock window.
      if (status.choice === "builtin" && status.builtin.state === "locked") {
        await dispatch(api.openWalletUnlock.initiate()).unwrap();
        throw new StepError("locked", "unlock your MEMEFANS wallet in the window that opened, then press again");
      }
      throw new StepError("no_wallet", "connect a wallet first");
    }
    if (step === "open-account") {
      await dispatch(api.openTokenAccount.initiate({ distribution: address, wallet: status.activeAddress })).unwrap();
    }
    const outcome = await dispatch(api.submitClaim.initiate({ distribution: address, wallet: status.activeAddress })).unwrap();
    if (outcome.outcome === "queued") return { step, queuedOutboxId: outcome.outboxId };
    if (outcome.outcome === "refused") {
      // A claim the fan made earlier (on another device, the claim page, a blink, before a reload) is
      // theirs to follow, not an error. The details come from the network: only a claim is followed.
      const earlier = claimResponseSchema.safeParse(outcome.error.details);
      if (outcome.error.code === "already_claimed" && earlier.success) {
        return follow(earlier.data.claim.id);
      }
      const checks = refusalChecksSchema.safeParse(outcome.error.details);
      const unmet = checks.success
        ? checks.data.checks.filter((check) => !check.met).map((check) => requirementLabel(check.requirement))
        : undefined;
      throw new StepError(outcome.error.code, outcome.error.message, unmet);
    }
    const claim = claimResponseSchema.safeParse(outcome.response);
    if (!claim.success) throw new StepError("internal", "the backend's answer to the claim is not a claim");
    return follow(claim.data.claim.id);
  } catch (error) {
    const failure = asStepError(error);
    return rejectWithValue({ code: failure.code, message: failure.message, unmet: failure.unmet });
  }
});

async function connectWallet(
  choice: WalletChoice,
  dispatch: ThunkDispatch<unknown, ClaimExtra, UnknownAction>,
  extra: ClaimExtra,
): Promise<void> {
  const api = backendApi.endpoints;
  if (choice === "builtin") {
    const status = await dispatch(api.chooseWallet.initiate({ choice })).unwrap();
    if (status.builtin.state === "absent")
      throw new StepError("no_wallet", "create your MEMEFANS wallet in the extension's popup first");
    if (status.builtin.state === "locked")
      throw new StepError("locked", "unlock your MEMEFANS wallet in the extension's popup, then try again");
    await dispatch(api.bindWalletToX.initiate()).unwrap();
    return;
  }
  if (choice === "standard") throw new StepError("unsupported", "pick Phantom, Solflare or the built-in wallet");
  const wallets = extra.externalWallets;
  if (!wallets) throw new StepError("unsupported", `${choice} is not reachable on this page`);
  const { address, name } = await wallets.connect(choice);
  await dispatch(api.externalWalletConnected.initiate({ choice, address, name })).unwrap();
  // The backend pays claims only to a wallet bound to the fan's X account: prove ownership once.
  const challenge = await dispatch(api.authWalletChallenge.initiate({ address })).unwrap();
  const signed = await wallets.signMessage(choice, challenge.message);
  await dispatch(api.authWalletVerify.initiate({ message: challenge.message, signature: signed.signature, address })).unwrap();
}

const initialFlow: ClaimFlow = { busy: null };

export const claimFlowSlice = createSlice({
  name: "claimFlow",
  initialState: {} as Record<string, ClaimFlow>,
  reducers: {},
  extraReducers: (builder) => {
    builder
      .addCase(runClaimStep.pending, (state, action) => {
        const { address, step } = action.meta.arg;
        state[address] = { ...(state[address] ?? initialFlow), busy: step, error: undefined };
      })
      .addCase(runClaimStep.fulfilled, (state, action) => {
        const { address } = action.meta.arg;
        const flow = state[address] ?? { ...initialFlow };
        flow.busy = null;
        if (action.payload.claimId) flow.claimId = action.payload.claimId;
        if (action.payload.queuedOutboxId) flow.queuedOutboxId = action.payload.queuedOutboxId;
        state[address] = flow;
      })
      .addCase(runClaimStep.rejected, (state, action) => {
        const { address } = action.meta.arg;
        state[address] = {
          ...(state[address] ?? initialFlow),
          busy: null,
          error: action.payload ?? { code: "internal", message: action.error.message ?? "the step failed" },
        };
      });
  },
});
