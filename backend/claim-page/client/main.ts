import type { MessageSignerWalletAdapter } from "@solana/wallet-adapter-base";
import { Transaction } from "@solana/web3.js";
import bs58 from "bs58";
import { z } from "zod";
import { type Claim, type ClaimStage, claimSchema } from "../../../shared/api/claims.ts";
import { type EligibilityCheck, RECHECK_AFTER_RETURN_MS } from "../../../shared/api/distributions.ts";
import type { XUserProfile } from "../../../shared/api/identity.ts";
import { claimAgainHint, claimFailureWords, OPEN_TOKEN_ACCOUNT_WORDS } from "../../../shared/claim-failure-words.ts";
import { shortAddress } from "../../../shared/tokens/token-label.ts";
import { claimPageDataSchema } from "../page-data.ts";
import { ApiError, api, saveSession, sessionToken } from "./api.ts";
import { h } from "./dom.ts";
import { followAccount, walletBrowserLinks, watchWallets } from "./wallets.ts";

/** How often the slots left and a claim's status are read again while the page is open. */
const LIVE_COUNT_MS = 5_000;
/** A claim is paid within about a second: its status is asked often until then. */
const CLAIM_STATUS_MS = 500;

const giveaway = claimPageDataSchema.parse(JSON.parse(document.getElementById("giveaway")?.textContent ?? "null"));
const root = document.getElementById("claim-app") as HTMLElement;
const mobile = /Android|iPhone|iPad|iPod/i.test(navigator.userAgent);

interface PageState {
  me: { xUser: XUserProfile; wallets: string[] } | null;
  wallets: MessageSignerWalletAdapter[];
  wallet: MessageSignerWalletAdapter | null;
  /** The wallet's account the page shows: every step acts for it, and it follows the fan's switches in the wallet. */
  account: string | null;
  checks: EligibilityCheck[] | null;
  claim: Claim | null;
  /** The account the claim route refused for having no token account (the budget opens no more). */
  needsTokenAccount: string | null;
  /** A blink's sign-in asks to bind this wallet to the signed-in account (its flow names the request). */
  blinkLink: { flow: string; wallet: string } | null;
  busy: string | null;
  error: { message: string; retry?: () => void } | null;
  notice: string | null;
  remaining: number;
  open: boolean;
}
const state: PageState = {
  me: null,
  wallets: [],
  wallet: null,
  account: null,
  checks: null,
  claim: null,
  needsTokenAccount: null,
  blinkLink: null,
  busy: null,
  error: null,
  notice: null,
  remaining: giveaway.remaining,
  open: giveaway.state === "open",
};

/**
 * The wallet switched accounts while a step waited on it: the step was for the account the page showed
 * when it began, so it stops, with no Retry (a retry would act for the old account again).
 */
class AccountSwitched extends Error {}

/** Runs one step of the flow with its busy text, and shows its failure in words with a Retry. */
async function step(busy: string, action: () => Promise<void>): Promise<void> {
  state.busy = busy;
  state.error = null;
  render();
  try {
    await action();
  } catch (error) {
    if (error instanceof ApiError && error.code === "unauthorized") {
      // The session ended (expired, or signed out elsewhere): the page must stop saying "Signed in".
      state.me = null;
      state.checks = null;
      state.error = { message: "Your sign-in with X has ended: sign in again to go on." };
      return;
    }
    if (error instanceof AccountSwitched) {
      state.error = { message: error.message };
      return;
    }
    const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
    state.error = { message, retry: () => void step(busy, action) };
  } finally {
    state.busy = null;
    render();
  }
}

/** What a sign-in left in the fragment: its session, to be kept once it proves to be this browser's, and a blink's flow. */
const signedIn: { session: string | null; blinkFlow: string | null } = { session: null, blinkFlow: null };

function readFragment(): void {
  const fragment = new URLSearchParams(location.hash.slice(1));
  signedIn.session = fragment.get("session");
  signedIn.blinkFlow = fragment.get("blink");
  const loginError = fragment.get("login_error");
  if (loginError) state.error = { message: `Sign in with X did not finish (${loginError}). Try again.` };
  // The token leaves the address bar (and the history entry) at once.
  if (fragment.size) history.replaceState(null, "", location.pathname + location.search);
}

const walletAddress = () => state.account;
/** No claim yet, or a failed one the fan may claim again: the page still works towards a claim. */
const claimable = () => !state.claim || state.claim.retryable === true;
const bound = () => {
  const address = walletAddress();
  return Boolean(address && state.me?.wallets.includes(address));
};

/**
 * Keeps the fragment's session only when this browser's own sign-in put it there: a link carrying
 * someone else's session would sign the visitor in as them, and a wallet bound then would be theirs.
 */
async function adoptSession(): Promise<void> {
  const candidate = signedIn.session;
  if (!candidate) return;
  try {
    await api.handoff(candidate);
    saveSession(candidate);
    signedIn.session = null;
  } catch (error) {
    // Unreachable, or busy: the candidate stays for the step's Retry.
    if (!(error instanceof ApiError && (error.code === "oauth_state_invalid" || error.code === "unauthorized"))) throw error;
    signedIn.session = null;
    signedIn.blinkFlow = null;
    state.error = {
      message: "This sign-in link did not come from signing in in this browser, so it was ignored. Sign in with X here.",
    };
  }
}

/** A blink's sign-in asks to bind its wallet to this X account: the page asks the account's holder first. */
async function loadBlinkLink(): Promise<void> {
  const flow = signedIn.blinkFlow;
  if (!flow || !state.me) return;
  try {
    state.blinkLink = { flow, ...(await api.blinkLink(flow)) };
  } catch (error) {
    if (!(error instanceof ApiError && error.code === "not_found")) throw error;
    signedIn.blinkFlow = null;
    state.notice = error.message;
  }
}

async function answerBlinkLink(confirmed: boolean): Promise<void> {
  const link = state.blinkLink;
  if (!link) return;
  await step(confirmed ? "Confirming the wallet…" : "Declining…", async () => {
    await api.answerBlinkLink(link.flow, link.wallet, confirmed);
    state.blinkLink = null;
    signedIn.blinkFlow = null;
    state.notice = confirmed
      ? `Wallet ${shortAddress(link.wallet)} confirmed. Go back to the blink and press its button to sign with your wallet and claim.`
      : "Nothing was linked. The blink cannot bind that wallet to your X account.";
  });
}

/** The holder's answer to a blink's request, before anything else on the page. */
function blinkLinkStep(): HTMLElement | "" {
  const link = state.blinkLink;
  if (!link || !state.me) return "";
  return h(
    "section",
    { class: "step", "data-testid": "blink-link" },
    h("h2", {}, "Link the blink's wallet?"),
    h("p", {}, `A blink asks to link this wallet to @${state.me.xUser.username}:`),
    h("p", { class: "address" }, link.wallet),
    h(
      "p",
      {},
      "Confirm only if you pressed Claim in a blink with this wallet a moment ago. Whoever holds it would claim giveaways as you.",
    ),
    h(
      "button",
      { type: "button", class: "button primary", disabled: Boolean(state.busy), onclick: () => void answerBlinkLink(true) },
      "Yes, it's my wallet",
    ),
    " ",
    h(
      "button",
      { type: "button", class: "link", disabled: Boolean(state.busy), onclick: () => void answerBlinkLink(false) },
      "No, it isn't mine",
    ),
  );
}

async function loadMe(): Promise<void> {
  if (!sessionToken()) return;
  try {
    state.me = await api.me();
  } catch (error) {
    if (error instanceof ApiError && error.code === "unauthorized") state.me = null;
    else throw error;
  }
}

/** With `recheckUnmet`, X is asked again about what it last found unmet (the fan may have just done it). */
async function checkRequirements(recheckUnmet = false): Promise<void> {
  const address = walletAddress();
  if (!state.me || !address || !bound()) return;
  const report = await api.eligibility(giveaway.address, address, recheckUnmet);
  // The fan may have switched accounts while X was asked: then this checklist is the old account's.
  if (walletAddress() === address) state.checks = report.checks;
}

const someUnmet = () => Boolean(state.checks?.some((check) => !check.met));
/** Set once the fan opens one of X's intents from the checklist: coming back to the page then means "I did it". */
let wentToX = false;
let pendingRechecks: ReturnType<typeof setTimeout>[] = [];

/**
 * Back from an X intent (the tab or window regains focus or visibility): the checklist asks again about
 * what was unmet, no reload, now and a few seconds later. A second return restarts the schedule.
 */
function recheckAfterReturn(): void {
  if (!wentToX || document.hidden || !someUnmet()) return;
  for (const timer of pendingRechecks) clearTimeout(timer);
  pendingRechecks = RECHECK_AFTER_RETURN_MS.map((delay) =>
    setTimeout(async () => {
      if (!someUnmet()) return;
      try {
        await checkRequirements(true);
      } catch {
        // "Check again" stays there; the next scheduled ask may reach MEMEFANS.
      }
      render();
    }, delay),
  );
}

/** Stops following the selected wallet's account. */
let unfollow = () => {};

/** The wallet the page acts through from now on (null: none), followed as the fan switches accounts in it. */
function selectWallet(adapter: MessageSignerWalletAdapter | null): void {
  unfollow();
  unfollow = () => {};
  state.wallet = adapter;
  state.account = adapter?.publicKey?.toBase58() ?? null;
  if (adapter) unfollow = followAccount(adapter, (address) => accountChanged(adapter, address));
}

/**
 * The fan switched accounts inside the wallet, or it has none left for the page (null). The page shows
 * the wallet's account at once, and nothing it knew for the old one is used for the new one: the old
 * checklist and a failed step's Retry go, and whether the new account is linked comes from the sign-in,
 * so an account not linked yet gets the link step (its own signature) before it can claim. A claim
 * already made stays as it is: it names the wallet it pays, and the claim step says which.
 */
function accountChanged(adapter: MessageSignerWalletAdapter, address: string | null): void {
  // Events of a wallet no longer selected (destroyed, or the fan connected another) say nothing about this page.
  if (adapter !== state.wallet || (address && address === state.account)) return;
  if (address) state.account = address;
  // No account left: back to the connect step, still signed in with X.
  else selectWallet(null);
  state.error = null;
  if (claimable()) {
    state.checks = null;
    for (const timer of pendingRechecks) clearTimeout(timer);
    pendingRechecks = [];
    if (bound()) {
      void step("Checking the requirements for this account…", checkRequirements);
      return;
    }
  }
  render();
}

async function connect(adapter: MessageSignerWalletAdapter): Promise<void> {
  await step(`Connecting ${adapter.name}…`, async () => {
    await adapter.connect();
    selectWallet(adapter);
    await checkRequirements();
  });
}

/** Throws AccountSwitched when the page no longer shows `address` of `wallet`. */
function stillOn(wallet: MessageSignerWalletAdapter, address: string, nothingDone = "nothing was linked"): void {
  if (state.wallet !== wallet || walletAddress() !== address)
    throw new AccountSwitched(`Your wallet switched accounts meanwhile, so ${nothingDone} for ${shortAddress(address)}.`);
}

async function bindWallet(): Promise<void> {
  const wallet = state.wallet;
  const address = walletAddress();
  if (!wallet || !address) return;
  await step("Waiting for your wallet's signature…", async () => {
    const { message } = await api.challenge(address);
    stillOn(wallet, address);
    const signature = await wallet.signMessage(new TextEncoder().encode(message));
    // Switched while the wallet asked: which account signed is unknown, so nothing is linked.
    stillOn(wallet, address);
    await api.verify({ message, signature: bs58.encode(signature), address });
    await loadMe();
    await checkRequirements();
  });
}

/** What a 409 already_claimed carries: the claim made earlier, which names the wallet it pays. */
const alreadyClaimedSchema = z.object({ claim: claimSchema });

/**
 * One key per giveaway and wallet, kept across reloads: a retried request is the same claim. Claiming a
 * failed claim again is a new attempt, so it takes a `fresh` key.
 */
function idempotencyKey(wallet: string, fresh = false): string {
  const name = `memefans.claim.${giveaway.address}.${wallet}`;
  const existing = fresh ? null : localStorage.getItem(name);
  if (existing) return existing;
  const key = crypto.randomUUID();
  localStorage.setItem(name, key);
  return key;
}

async function submitClaim(again = false): Promise<void> {
  const address = walletAddress();
  if (!address) return;
  await step("Checking the requirements and claiming…", () => claimFor(address, again));
}

/** The claim request for `address` (`again`: a new attempt at a failed claim), followed until it settles. */
async function claimFor(address: string, again: boolean): Promise<void> {
  try {
    state.claim = await api.claim(giveaway.address, address, idempotencyKey(address, again));
  } catch (error) {
    if (error instanceof ApiError && error.code === "requirements_not_met") {
      state.checks = (error.details as { checks: EligibilityCheck[] }).checks;
      throw new ApiError(error.code, "Not yet: do the steps marked ✗ above, then claim again.");
    }
    if (error instanceof ApiError && error.code === "needs_token_account") {
      // Not an error to retry: the claim step offers to open the account.
      state.needsTokenAccount = address;
      return;
    }
    if (error instanceof ApiError && error.code === "already_claimed") {
      // Made earlier (the extension, a blink, another browser, another account of this wallet): follow it to
      // the wallet it names as this page's own.
      const earlier = alreadyClaimedSchema.safeParse(error.details);
      if (!earlier.success) throw error;
      state.claim = earlier.data.claim;
      followClaim();
      return;
    }
    throw error;
  }
  void refreshCount();
  followClaim();
}

/**
 * Opens the shown account's token account for the giveaway's token: the backend builds the transaction
 * (the fan's wallet pays the rent and the fee), the wallet signs it, the backend sends it (this page has
 * no RPC of its own) and answers once it is confirmed; then the page claims, or claims again.
 */
async function openTokenAccount(): Promise<void> {
  const wallet = state.wallet;
  const address = walletAddress();
  if (!wallet || !address) return;
  await step("Waiting for your wallet to sign the opening of your token account…", async () => {
    if (!("signTransaction" in wallet) || typeof wallet.signTransaction !== "function") {
      throw new Error(
        `${wallet.name} cannot sign a transaction for this page: open the account in your wallet app, or claim with a wallet that holds the token.`,
      );
    }
    try {
      const offer = await api.tokenAccountOpening(giveaway.address, address);
      stillOn(wallet, address, "no account was opened");
      const unsigned = Transaction.from(Uint8Array.from(atob(offer.transaction), (char) => char.charCodeAt(0)));
      const signed: Transaction = await wallet.signTransaction(unsigned);
      stillOn(wallet, address, "no account was opened");
      state.busy = "Opening your token account…";
      render();
      const bytes = signed.serialize({ requireAllSignatures: false });
      await api.sendTokenAccountOpening(giveaway.address, address, btoa(String.fromCharCode(...bytes)));
    } catch (error) {
      // Open already (another tab, the wallet app, an answer lost on the way back): on to the claim.
      if (!(error instanceof ApiError && error.code === "token_account_exists")) throw error;
    }
    state.needsTokenAccount = null;
    // The wait can be long: a switch meanwhile leaves the claim to the account the page now shows.
    stillOn(wallet, address, "the account was opened, but nothing was claimed");
    state.busy = "Checking the requirements and claiming…";
    render();
    await claimFor(address, state.claim?.retryable === true);
  });
}

/** Offered where a claim was refused, or failed, for want of a token account the budget no longer opens. */
function openTokenAccountOffer(): HTMLElement {
  return h(
    "div",
    { "data-testid": "needs-token-account" },
    h("p", {}, OPEN_TOKEN_ACCOUNT_WORDS),
    h(
      "button",
      {
        type: "button",
        class: "button primary",
        "data-testid": "open-token-account",
        disabled: Boolean(state.busy),
        onclick: () => void openTokenAccount(),
      },
      "Open my token account and claim",
    ),
  );
}

function followClaim(): void {
  const current = state.claim;
  if (!current || current.status === "confirmed" || current.status === "failed") return;
  setTimeout(async () => {
    try {
      state.claim = await api.claimStatus(current.id);
    } catch {
      // The next poll tries again; the claim itself is safe on the server.
    }
    render();
    followClaim();
  }, CLAIM_STATUS_MS);
}

async function refreshCount(): Promise<void> {
  try {
    const distribution = await api.distribution(giveaway.address);
    state.remaining = distribution.remaining;
    state.open = state.open && distribution.remaining > 0 && !distribution.paused && !distribution.closed;
    render();
  } catch {
    // A missed update shows the last count; the next one corrects it.
  }
}

function liveCount(): void {
  setInterval(() => {
    if (!document.hidden) void refreshCount();
  }, LIVE_COUNT_MS);
}

function renderChecklist(): void {
  const list = document.getElementById("checklist");
  if (list?.tagName !== "UL") return;
  giveaway.requirements.forEach((line, index) => {
    const item = list.querySelector<HTMLElement>(`li[data-index="${index}"]`);
    if (!item) return;
    const check = state.checks?.[index];
    const met = check?.met;
    item.replaceChildren(
      h(
        "span",
        { class: `mark ${met === true ? "met" : met === false ? "unmet" : ""}`, "aria-hidden": "true" },
        met === true ? "✓" : met === false ? "✗" : "•",
      ),
      h("span", { class: "sr-only" }, met === true ? "Done: " : met === false ? "Not done yet: " : ""),
      h("span", { class: "requirement-text" }, line.text),
      met !== true && line.action
        ? h(
            "a",
            {
              class: "intent",
              href: line.action.url,
              target: "_blank",
              rel: "noopener noreferrer",
              onclick: () => {
                wentToX = true;
              },
            },
            line.action.label,
          )
        : "",
    );
  });
}

function section(title: string, ...children: (Node | string | null | false)[]): HTMLElement {
  return h("section", { class: "step" }, h("h2", {}, title), ...children);
}

function signInStep(): HTMLElement {
  if (state.me) {
    return section(
      "Sign in with X",
      h("p", { "data-testid": "signed-in" }, `Signed in as @${state.me.xUser.username}. `),
      h(
        "button",
        {
          type: "button",
          class: "link",
          onclick: () => {
            saveSession(null);
            state.me = null;
            state.checks = null;
            render();
          },
        },
        "Sign out",
      ),
    );
  }
  const start = `/auth/x/web/start?distribution=${encodeURIComponent(giveaway.address)}`;
  return section("Sign in with X", h("a", { class: "button", href: start, "data-testid": "sign-in-x" }, "Sign in with X"));
}

function walletStep(): HTMLElement {
  const address = walletAddress();
  if (address) {
    return section(
      "Choose a wallet",
      h("p", { "data-testid": "wallet-connected", "data-address": address }, `${state.wallet?.name}: ${shortAddress(address)}`),
      // Once claimed there is nothing to link for, unless the claim failed and may be claimed again.
      state.me && !bound() && claimable()
        ? h(
            "button",
            { type: "button", class: "button", "data-testid": "bind-wallet", onclick: () => void bindWallet() },
            `Sign to link this wallet to @${state.me.xUser.username}`,
          )
        : null,
    );
  }
  const connectButtons = state.wallets.map((adapter) =>
    h(
      "button",
      { type: "button", class: "button wallet", onclick: () => void connect(adapter) },
      h("img", { src: adapter.icon, alt: "", width: "20", height: "20" }),
      `Connect ${adapter.name}`,
    ),
  );
  const deepLinks = walletBrowserLinks(location.href).map((link) =>
    h("a", { class: "button secondary", href: link.url, rel: "noopener" }, `Open in ${link.name}`),
  );
  return section(
    "Choose a wallet",
    ...connectButtons,
    connectButtons.length === 0
      ? h("p", {}, mobile ? "Open this page in your wallet's browser to claim:" : "No Solana wallet in this browser.")
      : null,
    ...(connectButtons.length === 0 && mobile ? deepLinks : []),
    !mobile && giveaway.extensionUrl
      ? h(
          "p",
          {},
          "Or claim right under the post: ",
          h("a", { href: giveaway.extensionUrl, rel: "noopener" }, "Get the MEMEFANS extension"),
        )
      : null,
  );
}

function explorerUrl(signature: string): string {
  return `https://explorer.solana.com/tx/${signature}${giveaway.explorerQuery}`;
}

/** The stage a claim answer without one (POST /claims) is at. */
const stageOfStatus: Record<Claim["status"], ClaimStage> = {
  queued: "queued",
  sent: "sending",
  confirmed: "paid",
  failed: "failed",
};

/**
 * The wallet a claim pays, always named: the fan may have switched accounts in the wallet since, and the
 * claim stays with the account it was made for.
 */
function claimWallet(claim: Claim): HTMLElement {
  const shown = state.account;
  return h(
    "p",
    { class: "claim-wallet", "data-testid": "claim-wallet", "data-wallet": claim.wallet },
    shown && shown !== claim.wallet
      ? `For wallet ${shortAddress(claim.wallet)}, the account you claimed with (your wallet now shows ${shortAddress(shown)}).`
      : `For wallet ${shortAddress(claim.wallet)}.`,
  );
}

/**
 * A failed claim the fan can mend is claimed again from here, for the account the page shows (linked
 * first, as for a first claim); any other failure is final, and the page says so.
 */
function claimAgain(claim: Claim): HTMLElement | null {
  if (!claim.retryable) return h("p", { "data-testid": "claim-final" }, "This claim cannot be tried again.");
  // Offered even when every slot is taken: the claim keeps its own. A giveaway that ended or is paused
  // answers the attempt with its reason.
  const ready = Boolean(state.me && bound());
  const missingAccount =
    state.needsTokenAccount === state.account ||
    (claim.failureReason === "needs_token_account" && claim.wallet === state.account);
  if (ready && missingAccount) return openTokenAccountOffer();
  return h(
    "div",
    {},
    h("p", {}, claimAgainHint(claim.failureReason)),
    h(
      "button",
      {
        type: "button",
        class: "button primary",
        "data-testid": "claim-again",
        disabled: !ready || Boolean(state.busy),
        onclick: () => void submitClaim(true),
      },
      "Claim again",
    ),
  );
}

function claimStep(): HTMLElement | null {
  const claim = state.claim;
  if (claim) {
    const stage = claim.stage ?? stageOfStatus[claim.status];
    const words = {
      queued:
        claim.estimateSeconds === undefined
          ? "Queued: your payment goes out in the next batch…"
          : `Queued: many fans are claiming, about ${claim.estimateSeconds} s…`,
      sending: "Sending…",
      confirming: "Confirming…",
      paid: `In your wallet: ${giveaway.amountText}.`,
      failed: `Not paid. ${claim.failureReason ? claimFailureWords(claim.failureReason) : "The payout failed."}`,
    }[stage];
    return section(
      "Claim",
      h("p", { "data-testid": "claim-status", "data-status": claim.status, "data-stage": stage, role: "status" }, words),
      claimWallet(claim),
      claim.status === "failed" ? claimAgain(claim) : null,
      claim.signature && claim.status === "confirmed"
        ? h(
            "a",
            { href: explorerUrl(claim.signature), target: "_blank", rel: "noopener noreferrer", "data-testid": "explorer-link" },
            "View the payment on Solana Explorer",
          )
        : null,
    );
  }
  if (!state.open) return null;
  const ready = Boolean(state.me && bound());
  if (ready && state.needsTokenAccount === state.account) return section("Claim", openTokenAccountOffer());
  return section(
    "Claim",
    h(
      "button",
      {
        type: "button",
        class: "button primary",
        "data-testid": "claim",
        disabled: !ready || Boolean(state.busy),
        onclick: () => void submitClaim(),
      },
      `Claim ${giveaway.amountText}`,
    ),
    ready && state.checks
      ? h(
          "button",
          { type: "button", class: "link", onclick: () => void step("Checking again…", () => checkRequirements(true)) },
          "Check again",
        )
      : null,
  );
}

function retryButton(retry: (() => void) | undefined): HTMLElement | null {
  return retry ? h("button", { type: "button", class: "link", onclick: () => retry() }, "Retry") : null;
}

function render(): void {
  const slots = document.getElementById("slots");
  if (slots)
    slots.textContent = state.open
      ? `${state.remaining} of ${giveaway.maxClaims} left`
      : state.remaining === 0
        ? "All claimed"
        : (slots.textContent ?? "");
  renderChecklist();
  root.replaceChildren(
    state.notice ? h("p", { class: "notice", role: "status" }, state.notice) : "",
    blinkLinkStep(),
    ...(state.open || state.claim ? [signInStep(), walletStep()] : []),
    claimStep() ?? "",
    state.busy ? h("p", { class: "busy", role: "status" }, state.busy) : "",
    state.error ? h("p", { class: "error", role: "alert" }, state.error.message, " ", retryButton(state.error.retry)) : "",
  );
}

function showLocalDeadline(): void {
  const deadline = document.getElementById("deadline");
  if (!deadline) return;
  deadline.textContent = new Date(giveaway.endsAt * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** An avatar or logo that cannot load (X's image host unreachable) becomes its initial, not a broken image. */
function replaceBrokenImages(): void {
  for (const image of document.querySelectorAll<HTMLImageElement>("img.avatar, img.logo")) {
    const replace = () =>
      image.replaceWith(
        h("span", { class: `${image.className} avatar-initial`, "aria-hidden": "true" }, image.dataset.initial ?? "?"),
      );
    if (image.complete && image.naturalWidth === 0) replace();
    else image.addEventListener("error", replace, { once: true });
  }
}

readFragment();
showLocalDeadline();
replaceBrokenImages();
render();
watchWallets((wallets) => {
  state.wallets = wallets;
  // The selected wallet left the page (its adapter is destroyed without a word): as if it had disconnected.
  if (state.wallet && !wallets.includes(state.wallet)) accountChanged(state.wallet, null);
  render();
});
window.addEventListener("focus", recheckAfterReturn);
document.addEventListener("visibilitychange", recheckAfterReturn);
// Every button works from here on: what the claim page benchmark measures as time to interactive.
void step("Loading…", async () => {
  await adoptSession();
  await loadMe();
  await loadBlinkLink();
}).then(() => performance.mark("memefans:interactive"));
liveCount();
