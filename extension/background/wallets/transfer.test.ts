import {
  createAssociatedTokenAccountInstruction,
  createInitializeMint2Instruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import {
  Keypair,
  PublicKey,
  SystemProgram,
  type TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import { beforeAll, describe, expect, it } from "vitest";
import { EmbeddedChain } from "../../../backend/chain/embedded-chain.ts";
import { IN_PROCESS_RPC_URL, inProcessFetch } from "../../../backend/chain/in-process-fetch.ts";
import { token2022MintPlan } from "../../../programs/distribution/tests/harness/token-2022.ts";
import { MessagingError } from "../../messaging/errors.ts";
import { RpcClient } from "../chain/rpc-client.ts";
import { buildTransfer, quoteTransfer } from "./transfer.ts";

const DECIMALS = 6;
let chain: EmbeddedChain;
let rpc: RpcClient;
const sender = Keypair.generate();

/** Signs and lands a transaction on the LiteSVM chain behind the RPC (preflight on: a failure throws). */
function land(instructions: TransactionInstruction[], signers: Keypair[]): void {
  const [payer] = signers;
  if (!payer) throw new Error("a transaction needs a payer");
  const message = new TransactionMessage({
    payerKey: payer.publicKey,
    recentBlockhash: chain.latestBlockhash().blockhash,
    instructions,
  }).compileToLegacyMessage();
  const transaction = new VersionedTransaction(message);
  transaction.sign(signers);
  chain.send(transaction.serialize());
}

/** A mint of `tokenProgram` with 1,000 tokens in the sender's associated token account. */
function mintHeldBySender(tokenProgram: PublicKey): PublicKey {
  const mint = Keypair.generate();
  const source = getAssociatedTokenAddressSync(mint.publicKey, sender.publicKey, false, tokenProgram);
  land(
    [
      SystemProgram.createAccount({
        fromPubkey: sender.publicKey,
        newAccountPubkey: mint.publicKey,
        lamports: Number(chain.minimumBalanceForRentExemption(MINT_SIZE)),
        space: MINT_SIZE,
        programId: tokenProgram,
      }),
      createInitializeMint2Instruction(mint.publicKey, DECIMALS, sender.publicKey, null, tokenProgram),
      createAssociatedTokenAccountInstruction(sender.publicKey, source, sender.publicKey, mint.publicKey, tokenProgram),
      createMintToInstruction(mint.publicKey, source, sender.publicKey, 1_000_000_000n, [], tokenProgram),
    ],
    [sender, mint],
  );
  return mint.publicKey;
}

async function sendSigned(request: { to: string; mint?: string; amount: string }): Promise<void> {
  const { transaction } = await buildTransfer(rpc, { from: sender.publicKey.toBase58(), ...request });
  transaction.sign([sender]);
  await rpc.sendTransaction(transaction.serialize());
}

async function refusal(request: { to: string; mint?: string; amount: string }): Promise<string> {
  const error = await buildTransfer(rpc, { from: sender.publicKey.toBase58(), ...request }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof MessagingError)) throw new Error(`expected a MessagingError, got ${String(error)}`);
  return error.message;
}

beforeAll(() => {
  chain = new EmbeddedChain();
  rpc = new RpcClient(IN_PROCESS_RPC_URL, inProcessFetch(chain));
  chain.airdrop(sender.publicKey.toBase58(), 10_000_000_000n);
});

describe("sending from the built-in wallet", () => {
  it.each([
    ["SPL Token", TOKEN_PROGRAM_ID],
    ["Token-2022", TOKEN_2022_PROGRAM_ID],
  ])("sends %s to a wallet without a token account, opening one with the mint's program", async (_name, program) => {
    const mint = mintHeldBySender(program);
    const recipient = Keypair.generate().publicKey.toBase58();
    const quote = await quoteTransfer(rpc, sender.publicKey.toBase58(), recipient, mint.toBase58());
    expect(quote).toMatchObject({ decimals: DECIMALS, maxAmount: 1_000_000_000n, feeLamports: 5_000n });
    expect(quote.recipientAccountRentLamports).toBeGreaterThan(0n);

    await sendSigned({ to: recipient, mint: mint.toBase58(), amount: "1.5" });
    const tokenProgram = program.equals(TOKEN_2022_PROGRAM_ID) ? "token-2022" : "spl-token";
    expect(await rpc.getTokenHoldings(recipient)).toEqual([{ mint: mint.toBase58(), amount: 1_500_000n, tokenProgram }]);
    const destination = getAssociatedTokenAddressSync(mint, new PublicKey(recipient), false, program);
    expect((await rpc.getAccountData(destination.toBase58()))?.owner).toBe(program.toBase58());
    // The second send finds the account open: no rent, and the balances move by exactly the amount.
    expect((await quoteTransfer(rpc, sender.publicKey.toBase58(), recipient, mint.toBase58())).recipientAccountRentLamports).toBe(
      0n,
    );
    await sendSigned({ to: recipient, mint: mint.toBase58(), amount: "998.5" });
    expect(await rpc.getTokenHoldings(recipient)).toEqual([{ mint: mint.toBase58(), amount: 1_000_000_000n, tokenProgram }]);
    expect((await quoteTransfer(rpc, sender.publicKey.toBase58(), recipient, mint.toBase58())).maxAmount).toBe(0n);
  });

  it("sends SOL, and Max leaves exactly the fee", async () => {
    const recipient = Keypair.generate().publicKey.toBase58();
    await sendSigned({ to: recipient, amount: "0.25" });
    expect(await rpc.getBalance(recipient)).toBe(250_000_000n);
    const quote = await quoteTransfer(rpc, sender.publicKey.toBase58(), recipient);
    expect(quote.maxAmount).toBe((await rpc.getBalance(sender.publicKey.toBase58())) - 5_000n);
  });

  it("refuses bad addresses and amounts with a reason, before anything is signed", async () => {
    const mint = mintHeldBySender(TOKEN_PROGRAM_ID);
    const recipient = Keypair.generate().publicKey.toBase58();
    const ownTokenAccount = getAssociatedTokenAddressSync(mint, sender.publicKey).toBase58();
    expect(await refusal({ to: sender.publicKey.toBase58(), amount: "1" })).toContain("own address");
    expect(await refusal({ to: ownTokenAccount, mint: mint.toBase58(), amount: "1" })).toContain("not a wallet");
    expect(await refusal({ to: recipient, mint: mint.toBase58(), amount: "1.0000001" })).toContain("6 decimals");
    expect(await refusal({ to: recipient, mint: mint.toBase58(), amount: "1000.000001" })).toContain("more than this wallet");
    expect(await refusal({ to: recipient, mint: mint.toBase58(), amount: "0" })).toContain("more than zero");
    expect(await refusal({ to: recipient, mint: mint.toBase58(), amount: "1e3" })).toContain("not an amount");
    expect(await refusal({ to: recipient, amount: "0.0000001" })).toContain("at least 0.00089088 SOL");
    const programAddress = PublicKey.findProgramAddressSync([Buffer.from("x")], TOKEN_PROGRAM_ID)[0].toBase58();
    expect(await refusal({ to: programAddress, mint: mint.toBase58(), amount: "1" })).toContain("belongs to a program");
    // SOL to a program's address is refused the same way: nobody holds a key to take it back.
    expect(await refusal({ to: programAddress, amount: "0.1" })).toContain("belongs to a program");
  });

  it("refuses a Token-2022 token whose transfer would land other than shown: a fee, a hook, no transfers at all", async () => {
    const recipient = Keypair.generate().publicKey.toBase58();
    const reasons: Record<string, string> = {};
    for (const extension of ["transferFee", "transferHook", "nonTransferable"] as const) {
      const plan = token2022MintPlan(sender.publicKey, [extension], { decimals: DECIMALS });
      land(plan.instructions(chain.minimumBalanceForRentExemption(plan.finalSize)), [sender, plan.mint]);
      const source = getAssociatedTokenAddressSync(plan.mint.publicKey, sender.publicKey, false, TOKEN_2022_PROGRAM_ID);
      land(
        [
          createAssociatedTokenAccountInstruction(
            sender.publicKey,
            source,
            sender.publicKey,
            plan.mint.publicKey,
            TOKEN_2022_PROGRAM_ID,
          ),
          createMintToInstruction(plan.mint.publicKey, source, sender.publicKey, 1_000_000n, [], TOKEN_2022_PROGRAM_ID),
        ],
        [sender],
      );
      reasons[extension] = await refusal({ to: recipient, mint: plan.mint.publicKey.toBase58(), amount: "1" });
    }
    expect(reasons).toEqual({
      transferFee: expect.stringContaining("keeps a fee out of every transfer"),
      transferHook: expect.stringContaining("runs its own program on every transfer"),
      nonTransferable: expect.stringContaining("cannot be transferred"),
    });
  });
});
