// @vitest-environment happy-dom
import { getAssociatedTokenAddressSync, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { act } from "react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { postIdBucket } from "../../shared/post-bucket.ts";
import { findDistributionAddress } from "../../shared/program/pda.ts";
import { UNREAD_TOKEN_WARNING } from "../../shared/tokens/token-label.ts";
import { decodeTransaction, summarizeTransaction } from "../background/approvals/transaction-summary.ts";
import { claimWidget } from "./claim-widget.tsx";
import { composerGiveaway } from "./composer-giveaway.tsx";
import { readTokenAmount, UNKNOWN_DECIMALS_PROBLEM } from "./create-amounts.ts";
import { creationCost, creationTotalText, rentExemptLamports } from "./create-cost.ts";
import { type CreateForm, claimRulesFrom, defaultForm, shortfallOf, validateForm } from "./create-dialog.tsx";
import { createDistribution } from "./create-distribution.tsx";
import { buildCreateTransaction, registerTransactionBuilder } from "./create-transaction.ts";
import { eventually, startOverlay, widgetsOf } from "./testing/overlay-harness.ts";
import { BONK_MINT, CREATOR, distributionFixture, lookupOf, workerDouble } from "./testing/worker-double.ts";
import { fixtureHtml, inCell, withTextLink } from "./testing/x-fixtures.ts";
import { timelineWatch } from "./timeline-watch.ts";

const PROGRAM = "MFansDist1111111111111111111111111111111111";
const VERIFIER = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
const BLOCKHASH = "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k";
const terms = { programId: PROGRAM, verifier: VERIFIER, feePerClaimLamports: 5000n };
const NOW = new Date("2026-11-22T12:00:00Z");
const nowSeconds = Math.floor(NOW.getTime() / 1000);
const FEE_PER_CLAIM = 5000n;
/** 100 payouts' fees, and a token account's rent for each. */
/** The default priority fee cap, lamports per claim, which the budget reserves for every claim. */
const CAP = 1_000n;
const FULL_BUDGET = (5000n + CAP) * 100n + 2_039_280n * 100n;

function form(overrides: Partial<CreateForm> = {}): CreateForm {
  return { ...defaultForm(NOW, BONK_MINT), amount: "1.5", ...overrides };
}

describe("the create form", () => {
  it("reads amounts in the token's own units and names each kind of mistake", () => {
    expect(readTokenAmount("1.5", 6)).toEqual({ raw: 1_500_000n });
    expect(readTokenAmount("12", 0)).toEqual({ raw: 12n });
    expect(readTokenAmount("1,000", 2)).toEqual({ raw: 100_000n });
    expect(readTokenAmount(".5", 1)).toEqual({ raw: 5n });
    expect(readTokenAmount("abc", 6)).toEqual({ problem: '"abc" is not a number: type an amount such as 10 or 2.5' });
    expect(readTokenAmount("-1", 6)).toEqual({ problem: "the amount cannot be negative" });
    expect(readTokenAmount("0.0000001", 6)).toEqual({ problem: 'this token has 6 decimals; "0.0000001" has more' });
    expect(readTokenAmount("0", 6)).toEqual({ problem: "the amount must be above zero" });
    expect(readTokenAmount(" ", 6)).toEqual({ problem: "enter an amount" });
  });

  it('gives "abc" and "-1" their own messages on the amount field', () => {
    const errorsFor = (amount: string) => validateForm(form({ amount }), "1", 5, nowSeconds, FEE_PER_CLAIM).errors;
    expect(errorsFor("abc")).toEqual({ amountPerClaim: '"abc" is not a number: type an amount such as 10 or 2.5' });
    expect(errorsFor("-1")).toEqual({ amountPerClaim: "the amount cannot be negative" });
  });

  it("takes the token to hold by pick, and its amount in that token's units", () => {
    const { draft, errors } = validateForm(
      form({ holdToken: true, holdMint: BONK_MINT, holdMin: "2.5", holdDecimals: 5 }),
      "1",
      5,
      nowSeconds,
      FEE_PER_CLAIM,
    );
    expect(errors).toEqual({});
    expect(draft?.requirements).toContainEqual({ type: "hold_token", mint: BONK_MINT, minAmount: 250_000n });
    expect(validateForm(form({ holdToken: true }), "1", 5, nowSeconds, FEE_PER_CLAIM).errors).toMatchObject({
      holdMint: "pick the token fans must hold",
      holdMin: "enter an amount",
    });
  });

  it("converts no amount of a token whose decimals are unknown, and names why on the token field", () => {
    expect(readTokenAmount("1", null)).toEqual({ problem: UNKNOWN_DECIMALS_PROBLEM });
    const { draft, errors } = validateForm(form({ amount: "1" }), "1841834132160077852", null, nowSeconds, FEE_PER_CLAIM);
    expect(draft).toBeNull();
    expect(errors).toMatchObject({ mint: UNKNOWN_DECIMALS_PROBLEM, amountPerClaim: UNKNOWN_DECIMALS_PROBLEM });
    const holding = validateForm(
      form({ holdToken: true, holdMint: BONK_MINT, holdMin: "5", holdDecimals: null }),
      "1841834132160077852",
      5,
      nowSeconds,
      FEE_PER_CLAIM,
    );
    expect(holding.draft).toBeNull();
    expect(holding.errors).toEqual({ holdMin: UNKNOWN_DECIMALS_PROBLEM });
  });

  it("with no token picked, says to pick one rather than that its decimals are unknown", () => {
    const { errors } = validateForm(form({ mint: "", amount: "0" }), "1841834132160077852", null, nowSeconds, FEE_PER_CLAIM);
    expect(errors).toMatchObject({
      mint: "must be a Solana address (base58 text of 32 bytes)",
      amountPerClaim: "pick the token first",
    });
  });

  it("asks for an explicit yes before a giveaway with no requirement at all", () => {
    const open = form({ follow: false, like: false, accountAge: false, minFollowers: false });
    expect(validateForm(open, "1", 5, nowSeconds, FEE_PER_CLAIM)).toMatchObject({
      draft: null,
      errors: { botsAcknowledged: "with no requirement at all, anyone can claim, bots too: confirm that this is what you want" },
    });
    const acknowledged = validateForm({ ...open, botsAcknowledged: true }, "1", 5, nowSeconds, FEE_PER_CLAIM);
    expect(acknowledged.errors).toEqual({});
    expect(acknowledged.draft?.requirements).toEqual([]);
  });

  it("names what the wallet lacks for amount × claims and the SOL, and nothing when it has enough", () => {
    const { draft } = validateForm(form({ amount: "10", maxClaims: "3" }), "1", 5, nowSeconds, FEE_PER_CLAIM);
    if (!draft) throw new Error("the form should be valid");
    const cost = creationCost(draft);
    expect(shortfallOf(cost, { tokenRaw: 25n * 10n ** 5n, lamports: cost.totalLamports })).toEqual({
      tokens: 5n * 10n ** 5n,
      lamports: 0n,
    });
    expect(shortfallOf(cost, { tokenRaw: 30n * 10n ** 5n, lamports: cost.totalLamports - 1n })).toEqual({
      tokens: 0n,
      lamports: 1n,
    });
    expect(shortfallOf(cost, { tokenRaw: 30n * 10n ** 5n, lamports: cost.totalLamports })).toBeNull();
  });

  it("says the total in one sentence: tokens and SOL sent, and what comes back", () => {
    // 5,000 $WIF: 500 claims of 10 at 6 decimals, every fee and account rent in the budget. Rent: the
    // distribution account (244 + 4 + 63 bytes of bitmap) and the vault (165), each (128 + size) × 6,960.
    const cost = creationCost({ amountPerClaim: 10_000_000n, maxClaims: 500, feeBudgetLamports: 500n * (5000n + 2_039_280n) });
    expect(creationTotalText(cost, { name: "$WIF", decimals: 6 })).toBe(
      "You send 5,000 $WIF and 1.0272954 SOL (0.0051504 SOL rent and the unused fee budget come back when you close)",
    );
  });

  it("accepts a complete form", () => {
    const { draft, errors } = validateForm(form(), "1841834132160077852", 5, nowSeconds, FEE_PER_CLAIM);
    expect(errors).toEqual({});
    expect(draft).toMatchObject({
      amountPerClaim: 150_000n,
      maxClaims: 100,
      feeBudgetLamports: FULL_BUDGET,
      priorityFeeCapLamports: CAP,
    });
    expect(draft?.requirements).toEqual([
      { type: "follow" },
      { type: "like" },
      { type: "account_age", minDays: 30 },
      { type: "min_followers", minFollowers: 10 },
    ]);
  });

  it("keeps bots out by default: account age, followers and a pace limit; the cross-giveaway rule on request", () => {
    expect(claimRulesFrom(form())).toEqual({ oncePerCreator: false, maxClaimsPerMinute: 120 });
    expect(claimRulesFrom(form({ paceLimit: false, oncePerCreator: true }))).toEqual({
      oncePerCreator: true,
      maxClaimsPerMinute: null,
    });
    const withoutDefences = validateForm(form({ accountAge: false, minFollowers: false }), "1", 5, nowSeconds, FEE_PER_CLAIM);
    expect(withoutDefences.draft?.requirements).toEqual([{ type: "follow" }, { type: "like" }]);
    expect(validateForm(form({ maxClaimsPerMinute: "0" }), "1", 5, nowSeconds, FEE_PER_CLAIM).errors).toEqual({
      maxClaimsPerMinute: "allow at least 1 claim a minute, or no limit",
    });
  });

  it("computes the fee budget from the number of claims: every fee, plus each token account's rent unless declined", () => {
    const budget = (overrides: Partial<CreateForm>) =>
      validateForm(form(overrides), "1", 5, nowSeconds, FEE_PER_CLAIM).draft?.feeBudgetLamports;
    expect(budget({ maxClaims: "100" })).toBe(FULL_BUDGET);
    expect(budget({ maxClaims: "3" })).toBe(3n * (5000n + CAP) + 3n * 2_039_280n);
    // A Token-2022 coin's fans get 170-byte accounts (ImmutableOwner): more rent each.
    expect(validateForm(form({ maxClaims: "3" }), "1", 5, nowSeconds, FEE_PER_CLAIM, "token-2022").draft?.feeBudgetLamports).toBe(
      3n * (5000n + CAP) + 3n * 2_074_080n,
    );
    expect(budget({ maxClaims: "100", coverTokenAccounts: false })).toBe(600_000n);
    // The least the program accepts: a budget below (fee + priority fee cap) × claims is refused on chain.
    expect(budget({ maxClaims: "65536", coverTokenAccounts: false })).toBe(65_536n * (5000n + CAP));
    expect(budget({ maxClaims: "100", coverTokenAccounts: false, priorityFeeCap: "0" })).toBe(500_000n);
    expect(validateForm(form({ priorityFeeCap: "lots" }), "1", 5, nowSeconds, FEE_PER_CLAIM).errors).toHaveProperty(
      "priorityFeeCapLamports",
    );
  });

  it("puts each shared-schema message on its own field", () => {
    const { draft, errors } = validateForm(
      form({ mint: "", amount: "0", maxClaims: "70000", endsAt: "2026-11-20T10:00" }),
      "1841834132160077852",
      5,
      nowSeconds,
      FEE_PER_CLAIM,
    );
    expect(draft).toBeNull();
    expect(errors).toEqual({
      mint: "must be a Solana address (base58 text of 32 bytes)",
      amountPerClaim: "the amount must be above zero",
      maxClaims: "there can be at most 65,536 claims",
      endsAt: "the end must be after the start",
    });
    expect(
      validateForm(form({ holdToken: true, holdMint: "nope", holdMin: "5", holdDecimals: 0 }), "1", 5, nowSeconds, FEE_PER_CLAIM)
        .errors,
    ).toEqual({
      requirements: "must be a Solana address (base58 text of 32 bytes)",
    });
  });

  it("refuses an end already past against the clock", () => {
    const { errors } = validateForm(
      form({ startsAt: "2026-11-01T10:00", endsAt: "2026-11-02T10:00" }),
      "1841834132160077852",
      5,
      nowSeconds,
      FEE_PER_CLAIM,
    );
    expect(errors).toEqual({ endsAt: "the end is already in the past" });
  });

  it("refuses a start more than 30 days ahead, under the start field", () => {
    const startsAt = new Date((nowSeconds + 31 * 86_400) * 1000);
    const endsAt = new Date((nowSeconds + 32 * 86_400) * 1000);
    const local = (date: Date) =>
      `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}T10:00`;
    const { errors } = validateForm(
      form({ startsAt: local(startsAt), endsAt: local(endsAt) }),
      "1841834132160077852",
      5,
      nowSeconds,
      FEE_PER_CLAIM,
    );
    expect(errors).toEqual({ startsAt: "a giveaway can start at most 30 days from now" });
  });

  it("shows the cost before signing: escrow, rent for both accounts, fee budget, network fee", () => {
    const { draft } = validateForm(form(), "1841834132160077852", 5, nowSeconds, FEE_PER_CLAIM);
    if (!draft) throw new Error("the form should be valid");
    const cost = creationCost(draft);
    // 244-byte header + 4-byte length + 13 bytes of bitmap for 100 slots; a token account is 165 bytes.
    expect(cost.rentLamports).toBe(rentExemptLamports(252 + 4 + 13) + rentExemptLamports(165));
    expect(cost).toMatchObject({ tokensEscrowed: 15_000_000n, feeBudgetLamports: FULL_BUDGET, networkFeeLamports: 5000n });
    expect(cost.totalLamports).toBe(cost.rentLamports + FULL_BUDGET + 5000n);
  });
});

describe("the create_distribution transaction", () => {
  it("is what the service worker's approval window decodes: one create instruction, signed by the creator", () => {
    const { draft } = validateForm(form(), "1841834132160077852", 5, nowSeconds, FEE_PER_CLAIM);
    if (!draft) throw new Error("the form should be valid");
    const built = buildCreateTransaction(draft, CREATOR, terms, BLOCKHASH, { distributionId: 42n });
    expect(built.address).toBe(findDistributionAddress(new PublicKey(CREATOR), 42n, new PublicKey(PROGRAM)).address.toBase58());
    const transaction = decodeTransaction(built.transactionBase64);
    expect(transaction.message.recentBlockhash).toBe(BLOCKHASH);
    const summary = summarizeTransaction(transaction, { signer: CREATOR, distributionProgramId: PROGRAM, tokens: new Map() });
    expect(summary.instructions).toHaveLength(1);
    expect(summary.instructions[0]?.programId).toBe(PROGRAM);
    expect(summary.mints).toEqual([BONK_MINT]);
    expect(summary.feeLamports).toBe(5000n);
    expect(summary.warnings.filter((warning) => warning.includes("fee payer"))).toEqual([]);
  });

  it("names the mint's own token program, so a Token-2022 coin's vault and deposit use Token-2022", () => {
    const { draft } = validateForm(form(), "1841834132160077852", 5, nowSeconds, FEE_PER_CLAIM);
    if (!draft) throw new Error("the form should be valid");
    const accountsOf = (tokenProgram: "spl-token" | "token-2022") => {
      const built = buildCreateTransaction(draft, CREATOR, terms, BLOCKHASH, { tokenProgram, distributionId: 42n });
      const { message } = decodeTransaction(built.transactionBase64);
      const keys = message.staticAccountKeys.map((key) => key.toBase58());
      return message.compiledInstructions[0]?.accountKeyIndexes.map((index) => keys[index] ?? "") ?? [];
    };
    const classic = accountsOf("spl-token");
    const token2022 = accountsOf("token-2022");
    expect(classic[5]).toBe(TOKEN_PROGRAM_ID.toBase58());
    expect(token2022[5]).toBe(TOKEN_2022_PROGRAM_ID.toBase58());
    // The creator's source account is the associated account under the mint's program.
    expect(token2022[4]).toBe(
      getAssociatedTokenAddressSync(new PublicKey(BONK_MINT), new PublicKey(CREATOR), false, TOKEN_2022_PROGRAM_ID).toBase58(),
    );
    expect(classic[4]).not.toBe(token2022[4]);
  });
});

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  // In the extension the builder's own file registers it when the dialog first imports it.
  registerTransactionBuilder();
});

let stopOverlay: (() => void) | undefined;
afterEach(() => {
  act(() => stopOverlay?.());
  stopOverlay = undefined;
  document.body.innerHTML = "";
});

/** X's side navigation names the signed-in account. */
const signedInAs = (handle: string) => `<nav><a data-testid="AppTabBar_Profile_Link" href="/${handle}">Profile</a></nav>`;

/**
 * Stands in for X's composer: clicking a post's reply button opens a Draft.js-like editor that takes
 * pasted text into its own model, as x.com's does.
 */
function replyComposerOnClick(article: Element): void {
  article.querySelector('[data-testid="reply"]')?.addEventListener("click", () => {
    const editor = document.createElement("div");
    editor.setAttribute("data-testid", "tweetTextarea_0");
    editor.contentEditable = "true";
    takesPastes(editor);
    document.body.append(editor);
  });
}

/** Makes `editor` take pasted text into its own model, as X's Draft.js editor does. */
function takesPastes(editor: Element): void {
  editor.addEventListener("paste", (event) => {
    event.preventDefault();
    editor.textContent = `${editor.textContent ?? ""}${(event as ClipboardEvent).clipboardData?.getData("text/plain") ?? ""}`;
  });
}

/** Fills the open create dialog with 1.5 BONK a claim, signs and registers; resolves once it says it is done. */
async function createInDialog(shadow: ShadowRoot): Promise<void> {
  await eventually(() => expect(shadow.textContent).toContain("$BONK · 1,000,000 held"));
  const amount = shadow.querySelector('input[data-field="amount"]') as HTMLInputElement;
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set?.call(amount, "1.5");
    amount.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await eventually(() =>
    expect(shadow.querySelector('[data-testid="memefans-create-cost"]')?.textContent).toContain("150 $BONK"),
  );
  await act(async () => (shadow.querySelector('[data-testid="memefans-create-submit"]') as HTMLElement).click());
  await eventually(() => expect(shadow.querySelector('[data-testid="memefans-create-done"]')).not.toBeNull(), 5000);
}

/** The worker as it signs and registers a giveaway for a creator holding 1,000,000 BONK. */
const signingWorker = () =>
  creatorWorker("100000000000", () => "unlocked", {
    "chain/latest-blockhash": () => ({ blockhash: BLOCKHASH, lastValidBlockHeight: 100 }),
    "wallet/sign-and-send": () => ({ signature: "5".repeat(88) }),
    "distributions/register": () => ({ outcome: "delivered", outboxId: "o-9", response: {} }),
  });

/** The worker as a creator's dialog finds it: `heldRaw` of BONK, 2 SOL, the built-in wallet in `walletState()`. */
function creatorWorker(heldRaw: string, walletState: () => "locked" | "unlocked", more: Parameters<typeof workerDouble>[0] = {}) {
  return workerDouble({
    "x/session": () => ({ xUser: null }),
    "wallet/balances": () => ({
      owner: CREATOR,
      lamports: "2000000000",
      tokens: [{ mint: BONK_MINT, amount: heldRaw, decimals: 5, tokenProgram: "spl-token", symbol: "BONK", risks: [] }],
    }),
    "settings/get": () => ({ backendUrl: "http://127.0.0.1:8787", rpcUrl: "", walletChoice: "builtin", autoLockMinutes: 15 }),
    "wallet/status": () => ({
      choice: "builtin",
      builtin: { state: walletState(), address: CREATOR, autoLockMinutes: 15 },
      activeAddress: CREATOR,
      activeAddressBound: false,
      xUser: null,
    }),
    "distributions/creation-terms": () => terms,
    ...more,
  });
}

describe("create a giveaway from the creator's own post", () => {
  it("offers the button on own posts only, never on a post that already has a giveaway", async () => {
    document.body.innerHTML = `${signedInAs("thechosenberg")}${inCell(fixtureHtml("image"))}${inCell(fixtureHtml("basic"))}${inCell(
      withTextLink(fixtureHtml("image"), "https://memefans.app/d/7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU"),
    )}`;
    // The linked giveaway is the creator's, registered for a post of theirs not on screen.
    const linked = distributionFixture("7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU", "1983130065320780162", {
      creatorUsername: "thechosenberg",
    });
    const worker = workerDouble({
      "x/session": () => ({ xUser: null }),
      "distributions/lookup": lookupOf([linked]),
      "distributions/get": () => ({ distribution: linked }),
    });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, createDistribution, claimWidget], worker).stop;
    });
    const articles = [...document.querySelectorAll('article[data-testid="tweet"]')];
    expect(articles.map((article) => widgetsOf("create-distribution", article).length)).toEqual([1, 0, 0]);
    await eventually(() => expect(articles.map((article) => widgetsOf("claim-widget", article).length)).toEqual([0, 0, 1]));
    expect(articles.map((article) => widgetsOf("create-distribution", article).length)).toEqual([1, 0, 0]);
  });

  it("looks up the creator's own posts: a registered one shows the creator's card, not the button again", async () => {
    document.body.innerHTML = `${signedInAs("thechosenberg")}${inCell(fixtureHtml("image"))}`;
    const registered = distributionFixture("7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU", "1841834132160077852", {
      creatorUsername: "thechosenberg",
    });
    const worker = workerDouble({
      "x/session": () => ({ xUser: { id: "1001", username: "thechosenberg", name: "Berg" } }),
      "wallet/status": () => ({
        choice: "builtin",
        builtin: { state: "absent", autoLockMinutes: 15 },
        activeAddressBound: false,
        xUser: null,
      }),
      "distributions/lookup": lookupOf([registered]),
      "dashboard/open": () => ({ opened: true }),
    });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, createDistribution, claimWidget], worker).stop;
    });
    const [post] = [...document.querySelectorAll<HTMLElement>('article[data-testid="tweet"]')];
    await eventually(() => expect(widgetsOf("claim-widget", post)).toHaveLength(1));
    // The creator's own post by id (create-distribution.tsx), and, linking nothing, by its bucket too (claim-widget.tsx).
    expect(worker.callsOf("distributions/lookup")).toEqual([
      { postIds: ["1841834132160077852"], buckets: [postIdBucket("1841834132160077852")] },
    ]);
    await eventually(() => expect(widgetsOf("create-distribution", post)).toHaveLength(0));
    await eventually(() =>
      expect(
        widgetsOf("claim-widget", post)[0]?.shadowRoot?.querySelector('[data-testid="memefans-creator-view"]'),
      ).not.toBeNull(),
    );
  });

  it("offers the button in the reply composer under the creator's own post, on the post's page only", async () => {
    const composer =
      '<div data-testid="inline_reply_offscreen"><div data-testid="tweetTextarea_0" contenteditable="true"></div><div data-testid="toolBar"></div></div>';
    const worker = workerDouble({ "x/session": () => ({ xUser: null }) });
    document.body.innerHTML = `${signedInAs("thechosenberg")}${inCell(fixtureHtml("image"))}${composer}`;
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, createDistribution, composerGiveaway], worker, "https://x.com/home").stop;
    });
    // The home timeline's composer writes a new post, not a reply: no button there.
    expect(widgetsOf("create-distribution")).toHaveLength(1);
    act(() => stopOverlay?.());

    document.body.innerHTML = `${signedInAs("thechosenberg")}${inCell(fixtureHtml("image"))}`;
    await act(async () => {
      const statusPage = "https://x.com/thechosenberg/status/1841834132160077852";
      stopOverlay = startOverlay([timelineWatch, createDistribution, composerGiveaway], worker, statusPage).stop;
    });
    // X renders the inline reply composer later, below the post.
    document.body.insertAdjacentHTML("beforeend", composer);
    await eventually(() => expect(widgetsOf("create-distribution")).toHaveLength(2));
    const toolBar = document.querySelector('[data-testid="toolBar"]');
    expect(toolBar?.nextElementSibling?.getAttribute("data-memefans-feature")).toBe("create-distribution");
  });

  it("in a thread, offers it for the post right above the composer, not the thread's first post", async () => {
    const composer =
      '<div data-testid="inline_reply_offscreen"><div data-testid="tweetTextarea_0" contenteditable="true"></div><div data-testid="toolBar"></div></div>';
    const worker = workerDouble({ "x/session": () => ({ xUser: null }) });
    const statusPage = "https://x.com/thechosenberg/status/1841834132160077852";
    // The creator's post answers someone else's: X shows that post first, then the creator's, then the composer.
    document.body.innerHTML = `${signedInAs("thechosenberg")}${inCell(fixtureHtml("basic"))}${inCell(fixtureHtml("image"))}${composer}`;
    await act(async () => {
      stopOverlay = startOverlay([composerGiveaway], worker, statusPage).stop;
    });
    await eventually(() => expect(widgetsOf("create-distribution")).toHaveLength(1));
    act(() => stopOverlay?.());

    // Someone else's reply page, where the creator's post is only the thread's start: no button.
    document.body.innerHTML = `${signedInAs("thechosenberg")}${inCell(fixtureHtml("image"))}${inCell(fixtureHtml("basic"))}${composer}`;
    await act(async () => {
      stopOverlay = startOverlay([composerGiveaway], worker, "https://x.com/jarvis_best/status/1841842569182929401").stop;
    });
    // The composer is there from the start, so the feature decided while starting.
    expect(widgetsOf("create-distribution")).toHaveLength(0);
  });

  it("offers no second giveaway in the reply composer under an own post that already has one", async () => {
    const registered = distributionFixture("7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU", "1841834132160077852", {
      creatorUsername: "thechosenberg",
    });
    const composer =
      '<div data-testid="inline_reply_offscreen"><div data-testid="tweetTextarea_0" contenteditable="true"></div><div data-testid="toolBar"></div></div>';
    document.body.innerHTML = `${signedInAs("thechosenberg")}${inCell(fixtureHtml("image"))}${composer}`;
    const worker = workerDouble({ "x/session": () => ({ xUser: null }), "distributions/lookup": lookupOf([registered]) });
    await act(async () => {
      const statusPage = "https://x.com/thechosenberg/status/1841834132160077852";
      stopOverlay = startOverlay([timelineWatch, createDistribution, composerGiveaway], worker, statusPage).stop;
    });
    // Offered at first, as under the post, until the lookup finds the giveaway the post already has.
    await eventually(() => expect(worker.callsOf("distributions/lookup")).toHaveLength(1));
    await eventually(() => expect(widgetsOf("create-distribution")).toHaveLength(0));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(widgetsOf("create-distribution")).toHaveLength(0);
  });

  it("types the link into the composer the button sits in, not another one earlier on the page", async () => {
    const composer = (id: string) =>
      `<div id="${id}"><div data-testid="tweetTextarea_0" contenteditable="true"></div><div data-testid="toolBar"></div></div>`;
    // X's side composer comes first in the page; the inline reply box sits under the creator's post.
    document.body.innerHTML = `${signedInAs("thechosenberg")}${composer("side")}${inCell(fixtureHtml("image"))}${composer("inline")}`;
    for (const editor of document.querySelectorAll('[data-testid="tweetTextarea_0"]')) takesPastes(editor);
    const worker = signingWorker();
    await act(async () => {
      stopOverlay = startOverlay([composerGiveaway], worker, "https://x.com/thechosenberg/status/1841834132160077852").stop;
    });
    const button = widgetsOf("create-distribution")[0] as HTMLElement;
    expect(button.previousElementSibling?.closest("#inline")).not.toBeNull();
    const open = button.shadowRoot?.querySelector("button") as HTMLElement;
    await act(async () => open.click());
    const shadow = widgetsOf("create-dialog")[0]?.shadowRoot as ShadowRoot;
    await createInDialog(shadow);
    const [registration] = worker.callsOf("distributions/register") as { address: string }[];
    expect(document.querySelector('#inline [data-testid="tweetTextarea_0"]')?.textContent).toBe(
      `http://127.0.0.1:8787/d/${registration?.address}`,
    );
    expect(document.querySelector('#side [data-testid="tweetTextarea_0"]')?.textContent).toBe("");
    expect(shadow.querySelector('[data-testid="memefans-create-done"]')?.textContent).toContain("Its link is in your reply");
  });

  it("validates, signs through the service worker, registers, and types the link into the reply", async () => {
    document.body.innerHTML = `${signedInAs("thechosenberg")}${inCell(fixtureHtml("image"))}`;
    const article = document.querySelector('article[data-testid="tweet"]') as HTMLElement;
    replyComposerOnClick(article);
    const worker = signingWorker();
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, createDistribution], worker).stop;
    });
    const open = widgetsOf("create-distribution", article)[0]?.shadowRoot?.querySelector("button") as HTMLElement;
    await act(async () => open.click());
    const dialogHost = widgetsOf("create-dialog")[0] as HTMLElement;
    expect(dialogHost.parentElement).toBe(document.body);
    const shadow = dialogHost.shadowRoot as ShadowRoot;
    // The dialog portals into its own shadow root, never into X's document.body.
    await eventually(() => expect(shadow.querySelector('[role="dialog"]')).not.toBeNull());
    expect(document.body.querySelector(':scope > [role="presentation"]')).toBeNull();
    await createInDialog(shadow);

    const [signRequest] = worker.callsOf("wallet/sign-and-send") as { transaction: string; purpose: string }[];
    const summary = summarizeTransaction(decodeTransaction(signRequest?.transaction ?? ""), {
      signer: CREATOR,
      distributionProgramId: PROGRAM,
      tokens: new Map(),
    });
    expect(summary.instructions[0]?.programId).toBe(PROGRAM);
    const [registration] = worker.callsOf("distributions/register") as {
      address: string;
      postId: string;
      requirements: unknown[];
    }[];
    expect(registration).toMatchObject({
      postId: "1841834132160077852",
      requirements: [
        { type: "follow" },
        { type: "like" },
        { type: "account_age", minDays: 30 },
        { type: "min_followers", minFollowers: 10 },
      ],
      claimRules: { oncePerCreator: false, maxClaimsPerMinute: 120 },
      creationSignature: "5".repeat(88),
    });
    // The defences were on the dialog for the creator to see and change.
    const defences = [...shadow.querySelectorAll('[data-testid="memefans-create-defences"] label')];
    expect(defences.map((label) => [label.textContent, label.querySelector("input")?.checked])).toEqual([
      ["Account old enough", true],
      ["Enough followers", true],
      ["Limit claims per minute", true],
      ["One claim per account and wallet across my giveaways", false],
    ]);
    const editor = document.querySelector('[data-testid="tweetTextarea_0"]');
    expect(editor?.textContent).toBe(`http://127.0.0.1:8787/d/${registration?.address}`);
    expect(shadow.querySelector('[data-testid="memefans-create-done"]')?.textContent).toContain("Its link is in your reply");

    // An open dialog goes with the feature that opened it, so no React root outlives the overlay.
    act(() => stopOverlay?.());
    stopOverlay = undefined;
    expect(widgetsOf("create-dialog")).toHaveLength(0);
  });

  it("shows the link instead of saying it is in a reply when X showed another post in the article meanwhile", async () => {
    document.body.innerHTML = `${signedInAs("thechosenberg")}${inCell(fixtureHtml("image"))}`;
    const article = document.querySelector('article[data-testid="tweet"]') as HTMLElement;
    const worker = signingWorker();
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, createDistribution], worker).stop;
    });
    const open = widgetsOf("create-distribution", article)[0]?.shadowRoot?.querySelector("button") as HTMLElement;
    await act(async () => open.click());
    const shadow = widgetsOf("create-dialog")[0]?.shadowRoot as ShadowRoot;
    // While the creator signs, X recycles the article for jarvis_best's post, whose reply button opens a composer.
    const template = document.createElement("template");
    template.innerHTML = fixtureHtml("basic");
    article.replaceChildren(...(template.content.querySelector('article[data-testid="tweet"]') as HTMLElement).childNodes);
    replyComposerOnClick(article);
    await createInDialog(shadow);
    const [registration] = worker.callsOf("distributions/register") as { address: string }[];
    expect(shadow.querySelector('[data-testid="memefans-create-done"]')?.textContent).toContain(
      `Post this link in a reply: http://127.0.0.1:8787/d/${registration?.address}`,
    );
    expect(document.querySelector('[data-testid="tweetTextarea_0"]')).toBeNull();
  });

  it("shows a token of unknown decimals in raw units with its warnings, and will not sign a giveaway of it", async () => {
    document.body.innerHTML = `${signedInAs("thechosenberg")}${inCell(fixtureHtml("image"))}`;
    const article = document.querySelector('article[data-testid="tweet"]') as HTMLElement;
    const worker = creatorWorker("1000000", () => "unlocked", {
      "wallet/balances": () => ({
        owner: CREATOR,
        lamports: "2000000000",
        tokens: [
          { mint: BONK_MINT, amount: "1000000", decimals: null, tokenProgram: "spl-token", risks: [UNREAD_TOKEN_WARNING] },
        ],
      }),
    });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, createDistribution], worker).stop;
    });
    const open = widgetsOf("create-distribution", article)[0]?.shadowRoot?.querySelector("button") as HTMLElement;
    await act(async () => open.click());
    const shadow = widgetsOf("create-dialog")[0]?.shadowRoot as ShadowRoot;
    await eventually(() => expect(shadow.textContent).toContain("DezX…B263 · 1,000,000 raw units (decimals unknown) held"));
    expect(shadow.querySelector('[data-testid="memefans-unknown-decimals"]')?.textContent).toContain(UNKNOWN_DECIMALS_PROBLEM);
    expect(shadow.querySelector('[data-testid="memefans-token-risks"]')?.textContent).toContain(UNREAD_TOKEN_WARNING);
    const amount = shadow.querySelector('input[data-field="amount"]') as HTMLInputElement;
    await act(async () => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set?.call(amount, "1");
      amount.dispatchEvent(new Event("input", { bubbles: true }));
    });
    const submit = shadow.querySelector('[data-testid="memefans-create-submit"]') as HTMLButtonElement;
    await act(async () => submit.click());
    expect(shadow.querySelector('[data-testid="memefans-create-cost"]')).toBeNull();
    expect(submit.disabled).toBe(true);
    expect(worker.callsOf("wallet/sign-and-send")).toHaveLength(0);
  });

  it("unlocks a locked wallet in the extension's window, and keeps Sign and create off while the wallet is short", async () => {
    document.body.innerHTML = `${signedInAs("thechosenberg")}${inCell(fixtureHtml("image"))}`;
    const article = document.querySelector('article[data-testid="tweet"]') as HTMLElement;
    let unlocked = false;
    const worker = creatorWorker("10000000", () => (unlocked ? "unlocked" : "locked"), {
      // The person types the password in the popup's own window; the worker's wallet is then unlocked.
      "wallet/open-unlock": () => {
        unlocked = true;
        return { opened: true } as const;
      },
    });
    await act(async () => {
      stopOverlay = startOverlay([timelineWatch, createDistribution], worker).stop;
    });
    const open = widgetsOf("create-distribution", article)[0]?.shadowRoot?.querySelector("button") as HTMLElement;
    await act(async () => open.click());
    const shadow = widgetsOf("create-dialog")[0]?.shadowRoot as ShadowRoot;
    await eventually(() => expect(shadow.querySelector('[data-testid="memefans-wallet-locked"]')).not.toBeNull());
    await act(async () => (shadow.querySelector('[data-testid="memefans-unlock-wallet"]') as HTMLElement).click());
    expect(worker.callsOf("wallet/open-unlock")).toHaveLength(1);
    // The dialog re-reads the wallet while it is locked: no reload, no second click.
    await eventually(() => expect(shadow.querySelector('[data-testid="memefans-wallet-locked"]')).toBeNull(), 5000);

    const type = async (field: string, value: string) => {
      const input = shadow.querySelector(`input[data-field="${field}"]`) as HTMLInputElement;
      await act(async () => {
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set?.call(input, value);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
    };
    const submit = () => shadow.querySelector('[data-testid="memefans-create-submit"]') as HTMLButtonElement;
    // 100 $BONK held; 2 × 100 claims needs 200.
    await type("amount", "2");
    await eventually(() =>
      expect(shadow.querySelector('[data-testid="memefans-shortfall"]')?.textContent).toContain("short of 100 $BONK"),
    );
    expect(submit().disabled).toBe(true);
    await type("amount", "0.5");
    await eventually(() => expect(shadow.querySelector('[data-testid="memefans-shortfall"]')).toBeNull());
    expect(submit().disabled).toBe(false);
    expect(shadow.querySelector('[data-testid="memefans-create-total"]')?.textContent).toMatch(/^You send 50 \$BONK and /);
    expect(shadow.querySelector('[data-testid="memefans-fee-budget"]')?.textContent).toContain(
      "it covers all 100 payouts (0.000005 SOL network fee each, and up to 0.000001 SOL of priority fee each on a busy network), every one of them even when the fan has no token account yet",
    );
  });
});
