import "fake-indexeddb/auto";
import {
  AuthorityType,
  createApproveCheckedInstruction,
  createApproveInstruction,
  createAssociatedTokenAccountIdempotentInstruction,
  createCloseAccountInstruction,
  createSetAuthorityInstruction,
  createTransferCheckedInstruction,
  getAssociatedTokenAddressSync,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import {
  ComputeBudgetProgram,
  Keypair,
  PublicKey,
  SystemProgram,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedChain } from "../../../backend/chain/embedded-chain.ts";
import { inProcessFetch } from "../../../backend/chain/in-process-fetch.ts";
import { closeDistributionInstruction } from "../../../shared/program/close-distribution.ts";
import { createDistributionInstruction } from "../../../shared/program/create-distribution.ts";
import { DISTRIBUTION_PROGRAM_ID } from "../../../shared/program/program-id.ts";
import { creationCost, creationTotalText, rentExemptLamports } from "../../features/create-cost.ts";
import { toBase64 } from "../../messaging/base64.ts";
import { formatSol } from "../../messaging/format.ts";
import { formatLocalTime, shortAddress } from "../../ui/format.ts";
import { RpcClient } from "../chain/rpc-client.ts";
import { testServices } from "../testing/test-services.ts";
import { signAndSendWithBuiltin, signMessageWithBuiltin } from "../wallets/builtin-signing.ts";
import { ApprovalQueue, type ApprovalWindows, MAX_WAITING_PER_ORIGIN } from "./approval-queue.ts";
import type { TokenInfo } from "./instruction-decoders.ts";
import { summarizeTransaction } from "./transaction-summary.ts";

const BONK = new PublicKey("DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263");
const creator = Keypair.generate().publicKey;
const blockhash = "11111111111111111111111111111111";

function transactionOf(payer: PublicKey, instructions: TransactionInstruction[]): VersionedTransaction {
  return new VersionedTransaction(
    new TransactionMessage({ payerKey: payer, recentBlockhash: blockhash, instructions }).compileToLegacyMessage(),
  );
}

function summarize(transaction: VersionedTransaction, tokens = new Map<string, TokenInfo>()) {
  return summarizeTransaction(transaction, {
    signer: creator.toBase58(),
    distributionProgramId: DISTRIBUTION_PROGRAM_ID,
    tokens,
  });
}

describe("approval summaries", () => {
  const create = createDistributionInstruction({
    creator,
    mint: BONK,
    verifier: Keypair.generate().publicKey,
    distributionId: 7n,
    amountPerClaim: 100n * 10n ** 5n,
    maxClaims: 50,
    startTs: 1_800_000_000n,
    endTs: 1_800_086_400n,
    feePerClaimLamports: 1_000_000n,
    feeBudgetLamports: 50_000_000n,
    priorityFeeCapLamports: 20_000n,
    requirementsHash: new Uint8Array(32),
    postId: 1849123456789012345n,
  });

  it("names the token by the ticker its on-chain metadata gives, beside its short address", () => {
    const summary = summarize(transactionOf(creator, [create]), new Map([[BONK.toBase58(), { decimals: 5, symbol: "BONK" }]]));
    expect(summary.instructions[0]?.action).toBe(
      "create_distribution: escrow 100 $BONK (DezX…B263) × 50 claims, fee budget 0.05 SOL",
    );
    expect(summary.leaves).toContain("5,000 $BONK (DezX…B263)");
    // The create dialog's sentence, from the same function and the same figures.
    const cost = creationCost({ amountPerClaim: 100n * 10n ** 5n, maxClaims: 50, feeBudgetLamports: 50_000_000n });
    expect(summary.headline).toBe(creationTotalText(cost, { name: "$BONK", decimals: 5 }));
    expect(summary.headline).toBe(
      `You send 5,000 $BONK and ${formatSol(cost.totalLamports)} (${formatSol(cost.rentLamports)} rent and the unused fee budget come back when you close)`,
    );
  });

  it("states in its headline everything that leaves the wallet, a transfer beside the creation included, and warns", () => {
    const stranger = Keypair.generate().publicKey;
    const summary = summarize(
      transactionOf(creator, [
        create,
        SystemProgram.transfer({ fromPubkey: creator, toPubkey: stranger, lamports: 25n * 10n ** 9n }),
      ]),
      new Map([[BONK.toBase58(), { decimals: 5, symbol: "BONK" }]]),
    );
    const { rentLamports } = creationCost({ amountPerClaim: 100n * 10n ** 5n, maxClaims: 50, feeBudgetLamports: 50_000_000n });
    const total = formatSol(5_000n + rentLamports + 50_000_000n + 25n * 10n ** 9n);
    expect(summary.leaves[0]).toMatch(new RegExp(`^${total.replace(".", "\\.")} `));
    expect(summary.headline).toBe(`You send 5,000 $BONK (DezX…B263) and ${total} in all, more than creating the giveaway takes`);
    expect(summary.warnings[0]).toBe(
      `this transaction does more than create the giveaway: transfer 25 SOL to ${shortAddress(stranger.toBase58())}. Approve only if you meant all of it`,
    );
  });

  it("keeps the create dialog's sentence beside harmless companions, with their costs in its total", () => {
    const ownAccount = getAssociatedTokenAddressSync(BONK, creator);
    const summary = summarize(
      transactionOf(creator, [
        ComputeBudgetProgram.setComputeUnitLimit({ units: 100_000 }),
        ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 10_000 }),
        createAssociatedTokenAccountIdempotentInstruction(creator, ownAccount, creator, BONK),
        create,
      ]),
      new Map([[BONK.toBase58(), { decimals: 5, symbol: "BONK" }]]),
    );
    const cost = creationCost({ amountPerClaim: 100n * 10n ** 5n, maxClaims: 50, feeBudgetLamports: 50_000_000n });
    // 1,000 lamports of priority fee and the rent of the creator's own token account, beside the creation's figures.
    const total = cost.totalLamports + 1_000n + rentExemptLamports(165);
    expect(summary.headline).toBe(creationTotalText({ ...cost, totalLamports: total }, { name: "$BONK", decimals: 5 }));
    expect(summary.leaves[0]?.startsWith(`${formatSol(total)} (`)).toBe(true);
    expect(summary.warnings).toEqual([]);
  });

  it("counts a Token-2022 account's rent as the larger one it is, and says it may be more", () => {
    const mint = Keypair.generate().publicKey;
    const account = getAssociatedTokenAddressSync(mint, creator, true, TOKEN_2022_PROGRAM_ID);
    const opening = createAssociatedTokenAccountIdempotentInstruction(creator, account, creator, mint, TOKEN_2022_PROGRAM_ID);
    const summary = summarize(transactionOf(creator, [opening]));
    expect(summary.instructions[0]?.details).toContain(
      `rent ${formatSol(2_074_080n)} or more (the mint's extensions may need room in the account) paid by ${creator.toBase58()}`,
    );
    expect(summary.leaves).toEqual([
      `${formatSol(5_000n + 2_074_080n)} (network fee 0.000005 SOL, rent of new accounts ${formatSol(2_074_080n)})`,
    ]);
  });

  it("spells out create_distribution with the token, the claims and the fee budget", () => {
    const summary = summarize(transactionOf(creator, [create]), new Map([[BONK.toBase58(), { decimals: 5 }]]));
    expect(summary.instructions).toHaveLength(1);
    const [instruction] = summary.instructions;
    expect(instruction?.program).toBe("MEMEFANS distribution");
    expect(instruction?.action).toBe("create_distribution: escrow 100 DezX…B263 × 50 claims, fee budget 0.05 SOL");
    expect(instruction?.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^total deposit 5,000 DezX…B263 from token account \w+$/),
        `mint ${BONK.toBase58()}`,
        "fee per claim 0.001 SOL",
        "priority fee per paid claim: the fee budget reimburses the operator at most 0.00002 SOL",
        // In the creator's own time zone, as the create dialog shows it.
        `runs ${formatLocalTime(1_800_000_000)} → ${formatLocalTime(1_800_086_400)}`,
        "for post 1849123456789012345",
      ]),
    );
    expect(summary.feeLamports).toBe(5_000n);
    expect(summary.warnings).toEqual([]);
    expect(summary.mints).toEqual([BONK.toBase58()]);
    // Rent for the distribution account (50 claims) and the vault, as the create dialog shows it.
    const rent = creationCost({ amountPerClaim: 100n * 10n ** 5n, maxClaims: 50, feeBudgetLamports: 50_000_000n }).rentLamports;
    expect(summary.leaves).toEqual([
      `${formatSol(5_000n + rent + 50_000_000n)} (network fee 0.000005 SOL, rent of new accounts ${formatSol(rent)}, fee budget 0.05 SOL)`,
      "5,000 DezX…B263",
    ]);
    expect(summary.comesBack).toEqual([
      `when you close the giveaway after its end: the rent (${formatSol(rent)}), the unused fee budget (up to 0.05 SOL) and the unclaimed tokens`,
    ]);
  });

  it("shows raw units when the mint's decimals are unknown rather than guessing", () => {
    const summary = summarize(transactionOf(creator, [create]));
    expect(summary.instructions[0]?.action).toBe(
      `create_distribution: escrow 10,000,000 raw units of DezX…B263 × 50 claims, fee budget 0.05 SOL`,
    );
  });

  it("names close_distribution, SOL transfers, and adds the priority fee", () => {
    const close = closeDistributionInstruction({
      creator,
      distribution: Keypair.generate().publicKey,
      mint: Keypair.generate().publicKey,
      creatorTokenAccount: Keypair.generate().publicKey,
    });
    const recipient = Keypair.generate().publicKey;
    const summary = summarize(
      transactionOf(creator, [
        ComputeBudgetProgram.setComputeUnitLimit({ units: 100_000 }),
        ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 2_000 }),
        SystemProgram.transfer({ fromPubkey: creator, toPubkey: recipient, lamports: 1_500_000_000 }),
        close,
      ]),
    );
    expect(summary.instructions.map((instruction) => instruction.action)).toEqual([
      "compute limit 100,000 units",
      "priority fee 2000 micro-lamports per unit",
      `transfer 1.5 SOL to ${recipient.toBase58().slice(0, 4)}…${recipient.toBase58().slice(-4)}`,
      "close_distribution: return the unclaimed tokens, the unused fee budget and the rent",
    ]);
    expect(summary.feeLamports).toBe(5_000n + 200n);
    expect(summary.leaves).toEqual(["1.5000052 SOL (network fee 0.0000052 SOL, transfer 1.5 SOL)"]);
    expect(summary.comesBack).toEqual([expect.stringMatching(/^now: the unclaimed tokens .*the unused fee budget and the rent/)]);
  });

  it("names where a closed token account's SOL goes, and warns when it is not the signer's wallet", () => {
    const wrappedSol = Keypair.generate().publicKey;
    const stranger = Keypair.generate().publicKey;
    const summary = summarize(
      transactionOf(creator, [
        createCloseAccountInstruction(wrappedSol, stranger, creator),
        createCloseAccountInstruction(wrappedSol, creator, creator),
      ]),
    );
    const short = (key: PublicKey) => `${key.toBase58().slice(0, 4)}…${key.toBase58().slice(-4)}`;
    expect(summary.instructions.map((instruction) => instruction.action)).toEqual([
      `close token account ${short(wrappedSol)}, its SOL to ${short(stranger)}`,
      `close token account ${short(wrappedSol)}, its SOL to your wallet`,
    ]);
    expect(summary.instructions[0]?.details).toContain(`its SOL goes to ${stranger.toBase58()}`);
    expect(summary.warnings).toEqual([
      `closing token account ${short(wrappedSol)} sends its SOL (the rent, or all of it for wrapped SOL) to ${stranger.toBase58()}, not your wallet`,
    ]);
    expect(summary.comesBack).toEqual([`now: the SOL in token account ${short(wrappedSol)}`]);
  });

  it("labels a transfer with the mint it names, never with a label a creator typed, and counts it as leaving", () => {
    const usdc = new PublicKey("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
    const source = Keypair.generate().publicKey;
    const destination = Keypair.generate().publicKey;
    const summary = summarize(
      transactionOf(creator, [createTransferCheckedInstruction(source, usdc, destination, creator, 500_000_000n, 6)]),
    );
    expect(summary.instructions[0]?.action).toBe(
      `transfer 500 EPjF…Dt1v to token account ${destination.toBase58().slice(0, 4)}…${destination.toBase58().slice(-4)}`,
    );
    expect(summary.instructions[0]?.details).toEqual(
      expect.arrayContaining([`to token account ${destination.toBase58()}`, `mint ${usdc.toBase58()}`]),
    );
    expect(summary.leaves).toEqual(["0.000005 SOL (network fee 0.000005 SOL)", "500 EPjF…Dt1v"]);
  });

  it("warns about every instruction it cannot read, system TransferWithSeed included", () => {
    const base = Keypair.generate().publicKey;
    const withSeed = SystemProgram.transfer({
      fromPubkey: base,
      basePubkey: creator,
      seed: "x",
      programId: SystemProgram.programId,
      toPubkey: Keypair.generate().publicKey,
      lamports: 10n ** 9n,
    });
    const mintTo = new TransactionInstruction({
      programId: TOKEN_PROGRAM_ID,
      keys: [{ pubkey: creator, isSigner: true, isWritable: true }],
      data: Buffer.from([7, 1, 0, 0, 0, 0, 0, 0, 0]),
    });
    const summary = summarize(transactionOf(creator, [withSeed, mintTo]));
    expect(summary.instructions.map((instruction) => instruction.action)).toEqual([
      "system instruction #11 (TransferWithSeed)",
      "token instruction #7",
    ]);
    expect(summary.warnings).toEqual([
      expect.stringMatching(/^MEMEFANS cannot read system instruction #11 \(TransferWithSeed\): it may move your SOL or tokens/),
      expect.stringMatching(/^MEMEFANS cannot read token instruction #7: it may move your SOL or tokens/),
    ]);
  });

  it("warns about unknown programs, token delegation and a foreign fee payer", () => {
    const stranger = Keypair.generate().publicKey;
    const unknownProgram = Keypair.generate().publicKey;
    const tokenApprove = new TransactionInstruction({
      programId: new PublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"),
      keys: [
        { pubkey: Keypair.generate().publicKey, isSigner: false, isWritable: true },
        { pubkey: stranger, isSigner: false, isWritable: false },
        { pubkey: creator, isSigner: true, isWritable: false },
      ],
      data: Buffer.from([4, 1, 0, 0, 0, 0, 0, 0, 0]),
    });
    const mystery = new TransactionInstruction({
      programId: unknownProgram,
      keys: [{ pubkey: creator, isSigner: true, isWritable: true }],
      data: Buffer.from([1, 2, 3]),
    });
    const summary = summarize(transactionOf(stranger, [tokenApprove, mystery]));
    const source = tokenApprove.keys[0]?.pubkey.toBase58() ?? "";
    expect(summary.warnings).toEqual([
      `the fee payer is ${stranger.toBase58()}, not your wallet`,
      `this lets ${stranger.toBase58()} move up to 1 raw units of a token the instruction does not name out of token account ${source} whenever it wants, without asking again`,
      `an instruction calls a program MEMEFANS does not know (${unknownProgram.toBase58()})`,
    ]);
    expect(summary.feeLamports).toBe(10_000n);
  });

  it("shows a delegate approval's amount, source and delegate, and counts the allowance as leaving", () => {
    const source = Keypair.generate().publicKey;
    const delegate = Keypair.generate().publicKey;
    const summary = summarize(
      transactionOf(creator, [
        createApproveCheckedInstruction(source, BONK, delegate, creator, 1_000n * 10n ** 5n, 5),
        createApproveInstruction(source, delegate, creator, 42n),
      ]),
      new Map([[BONK.toBase58(), { decimals: 5, symbol: "BONK" }]]),
    );
    const [checked, plain] = summary.instructions;
    expect(checked?.action).toBe(
      `let ${shortAddress(delegate.toBase58())} spend up to 1,000 $BONK (DezX…B263) from token account ${shortAddress(source.toBase58())}`,
    );
    expect(checked?.details).toEqual([
      `from token account ${source.toBase58()}`,
      `delegate ${delegate.toBase58()}`,
      `mint ${BONK.toBase58()}`,
      `authority ${creator.toBase58()}`,
    ]);
    expect(plain?.action).toMatch(
      /^let \S+ spend up to 42 raw units of a token the instruction does not name from token account/,
    );
    expect(summary.leaves).toEqual([
      "0.000005 SOL (network fee 0.000005 SOL)",
      `up to 1,000 $BONK (DezX…B263) from token account ${shortAddress(source.toBase58())}, whenever delegate ${shortAddress(delegate.toBase58())} takes it`,
      `up to 42 raw units of a token the instruction does not name from token account ${shortAddress(source.toBase58())}, whenever delegate ${shortAddress(delegate.toBase58())} takes it`,
    ]);
  });

  it("shows SetAuthority's account, authority type and new authority, and counts a handed-over token account", () => {
    const tokenAccount = Keypair.generate().publicKey;
    const newOwner = Keypair.generate().publicKey;
    const summary = summarize(
      transactionOf(creator, [
        createSetAuthorityInstruction(tokenAccount, creator, AuthorityType.AccountOwner, newOwner),
        createSetAuthorityInstruction(BONK, creator, AuthorityType.MintTokens, null),
      ]),
    );
    const [owner, mint] = summary.instructions;
    expect(owner?.action).toBe(
      `hand the AccountOwner authority of ${shortAddress(tokenAccount.toBase58())} to ${shortAddress(newOwner.toBase58())}`,
    );
    expect(owner?.details).toEqual([
      `account ${tokenAccount.toBase58()}`,
      "authority type AccountOwner",
      `new authority ${newOwner.toBase58()}`,
      `current authority ${creator.toBase58()}`,
    ]);
    expect(mint?.action).toBe("hand the MintTokens authority of DezX…B263 to nobody, for good");
    expect(mint?.details).toContain("new authority none: the authority is removed for good");
    expect(summary.warnings).toEqual([
      `this hands the AccountOwner authority of ${tokenAccount.toBase58()} to ${newOwner.toBase58()}`,
      `this hands the MintTokens authority of ${BONK.toBase58()} to nobody, for good`,
    ]);
    expect(summary.leaves).toContain(
      `everything in token account ${shortAddress(tokenAccount.toBase58())}: ${shortAddress(newOwner.toBase58())} becomes its owner`,
    );
  });
});

describe("approval queue", () => {
  const windows = () => {
    const closed: number[] = [];
    return { closed, windows: { open: async () => 41, close: async (id: number) => void closed.push(id) } };
  };
  const request = {
    kind: "message" as const,
    origin: "https://x.com",
    purpose: "test",
    signer: creator.toBase58(),
    message: "hello",
  };

  it("resolves on approval and closes the window", async () => {
    const { closed, windows: opened } = windows();
    const queue = new ApprovalQueue(opened, 10_000);
    const decision = queue.request(request);
    await Promise.resolve();
    const [id] = [...(queue as unknown as { pending: Map<string, unknown> }).pending.keys()];
    expect(queue.view(id ?? "")).toMatchObject({ kind: "message", message: "hello" });
    queue.decide(id ?? "", true);
    await expect(decision).resolves.toBeUndefined();
    expect(closed).toEqual([41]);
    expect(() => queue.decide(id ?? "", true)).toThrow(/no longer waiting/);
  });

  /** Windows that record which requests they were opened for, each its own window id. */
  const recordingWindows = () => {
    const opened: string[] = [];
    const closed: number[] = [];
    const windows: ApprovalWindows = {
      open: async (id) => opened.push(id),
      close: async (id) => void closed.push(id),
    };
    return { opened, closed, windows };
  };
  const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

  it("shows one request at a time: the next waits without a window until the one on screen is answered", async () => {
    const { opened, closed, windows: recorded } = recordingWindows();
    const queue = new ApprovalQueue(recorded, 10_000);
    const first = queue.request(request);
    const second = queue.request({ ...request, message: "second" });
    await settled();
    expect(opened).toHaveLength(1);
    expect(queue.size).toBe(2);
    const [firstId, secondId] = [...(queue as unknown as { pending: Map<string, unknown> }).pending.keys()];
    // The waiting request can be neither read nor answered until it is on screen.
    expect(() => queue.view(secondId ?? "")).toThrow(/waits for the one on screen/);
    expect(() => queue.decide(secondId ?? "", true)).toThrow(/waits for the one on screen/);
    queue.decide(firstId ?? "", false);
    await expect(first).rejects.toMatchObject({ code: "rejected" });
    await settled();
    expect(closed).toEqual([1]);
    expect(opened).toEqual([firstId, secondId]);
    expect(queue.view(secondId ?? "")).toMatchObject({ message: "second" });
    queue.decide(secondId ?? "", true);
    await expect(second).resolves.toBeUndefined();
    expect(closed).toEqual([1, 2]);
  });

  it("refuses a site's request beyond the few it may line up, and not another site's", async () => {
    const { windows: recorded } = recordingWindows();
    // Each request times out soon after it comes on screen, so the test ends without answering them.
    const queue = new ApprovalQueue(recorded, 20);
    const lined = Array.from({ length: MAX_WAITING_PER_ORIGIN }, () => queue.request(request).catch((error) => error.code));
    await expect(queue.request(request)).rejects.toMatchObject({ code: "busy" });
    expect(queue.size).toBe(MAX_WAITING_PER_ORIGIN);
    const fromPopup = queue.request({ ...request, origin: "MEMEFANS popup" }).catch((error) => error.code);
    expect(queue.size).toBe(MAX_WAITING_PER_ORIGIN + 1);
    expect(await Promise.all([...lined, fromPopup])).toEqual(Array(MAX_WAITING_PER_ORIGIN + 1).fill("timeout"));
  });

  it("gives a waiting request its full time from when it comes on screen", async () => {
    let now = 1_000;
    const { windows: recorded } = recordingWindows();
    const queue = new ApprovalQueue(recorded, 10_000, () => now);
    void queue.request(request).catch(() => undefined);
    const second = queue.request({ ...request, message: "second" });
    await settled();
    const [firstId, secondId] = [...(queue as unknown as { pending: Map<string, unknown> }).pending.keys()];
    expect(queue.view(firstId ?? "").expiresAt).toBe(11_000);
    now = 6_000;
    queue.windowClosed(1);
    await settled();
    expect(queue.view(secondId ?? "").expiresAt).toBe(16_000);
    queue.decide(secondId ?? "", true);
    await second;
  });

  it("refuses a request whose window cannot open, and shows the next", async () => {
    const opened: string[] = [];
    const queue = new ApprovalQueue({
      open: async (id) => {
        if (opened.push(id) === 1) throw new Error("no display");
        return 7;
      },
      close: async () => undefined,
    });
    const first = queue.request(request);
    const second = queue.request(request);
    await expect(first).rejects.toMatchObject({ code: "internal", message: "the approval window could not open: no display" });
    await settled();
    expect(opened).toHaveLength(2);
    queue.decide(opened[1] ?? "", true);
    await expect(second).resolves.toBeUndefined();
  });

  it("rejects on a closed window and on timeout", async () => {
    const queue = new ApprovalQueue(windows().windows, 50);
    const closedWindow = queue.request(request);
    await new Promise((resolve) => setTimeout(resolve, 0));
    queue.windowClosed(41);
    await expect(closedWindow).rejects.toMatchObject({ code: "rejected", message: "the approval window was closed" });
    await expect(queue.request(request)).rejects.toMatchObject({ code: "timeout" });
    expect(queue.size).toBe(0);
  });
});

describe("signing with the built-in wallet through the approval window", () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  async function setup(name: string) {
    const { services, browser } = await testServices(name);
    close = () => services.db.close();
    const chain = new EmbeddedChain();
    const rpc = new RpcClient("http://embedded.chain.invalid/rpc", inProcessFetch(chain));
    const dependencies = {
      vault: services.vault,
      approvals: services.approvals,
      rpc,
    };
    return { services, browser, chain, dependencies };
  }

  function transfer(address: string, to: PublicKey) {
    return toBase64(
      transactionOf(new PublicKey(address), [
        SystemProgram.transfer({ fromPubkey: new PublicKey(address), toPubkey: to, lamports: 100_000_000 }),
      ]).serialize(),
    );
  }

  it("sends nothing until approved, then signs and lands the transaction", async () => {
    const { services, browser, chain, dependencies } = await setup("sign-approve");
    const address = await services.vault.create("a long password");
    chain.airdrop(address, 1_000_000_000n);
    const recipient = Keypair.generate().publicKey;
    const sending = signAndSendWithBuiltin(transfer(address, recipient), "tip", "https://x.com", dependencies);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(browser.openedApprovals).toHaveLength(1);
    const [approvalId] = browser.openedApprovals;
    const view = services.approvals.view(approvalId ?? "");
    expect(view).toMatchObject({
      kind: "transaction",
      origin: "https://x.com",
      purpose: "tip",
      signer: address,
      feeLamports: "5000",
    });
    expect(chain.balance(recipient.toBase58())).toBe(0n);
    services.approvals.decide(approvalId ?? "", true);
    const signature = await sending;
    expect(chain.status(signature)?.err).toBeNull();
    expect(chain.balance(recipient.toBase58())).toBe(100_000_000n);
  });

  it("a rejection sends nothing, and a locked wallet never opens the window", async () => {
    const { services, browser, chain, dependencies } = await setup("sign-reject");
    const address = await services.vault.create("a long password");
    chain.airdrop(address, 1_000_000_000n);
    const recipient = Keypair.generate().publicKey;
    const sending = signAndSendWithBuiltin(transfer(address, recipient), "tip", "https://x.com", dependencies);
    await new Promise((resolve) => setTimeout(resolve, 20));
    services.approvals.decide(browser.openedApprovals[0] ?? "", false);
    await expect(sending).rejects.toMatchObject({ code: "rejected" });
    expect(chain.balance(recipient.toBase58())).toBe(0n);

    await services.vault.lock();
    await expect(
      signAndSendWithBuiltin(transfer(address, recipient), "tip", "https://x.com", dependencies),
    ).rejects.toMatchObject({
      code: "locked",
    });
    expect(browser.openedApprovals).toHaveLength(1);
  });

  it("signs a SIWS message only after showing it, with a signature the address verifies", async () => {
    const { services, browser, dependencies } = await setup("sign-message");
    const address = await services.vault.create("a long password");
    const message = `127.0.0.1 wants you to sign in with your Solana account:\n${address}`;
    const signing = signMessageWithBuiltin(message, "link wallet", "https://x.com", dependencies);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(services.approvals.view(browser.openedApprovals[0] ?? "")).toMatchObject({ kind: "message", message });
    services.approvals.decide(browser.openedApprovals[0] ?? "", true);
    const signed = await signing;
    const { ed25519 } = await import("@noble/curves/ed25519.js");
    const bs58 = (await import("bs58")).default;
    expect(ed25519.verify(bs58.decode(signed.signature), new TextEncoder().encode(message), bs58.decode(address))).toBe(true);
  });
});
