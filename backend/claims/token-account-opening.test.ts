import { ComputeBudgetProgram, Keypair, PublicKey, SystemProgram, TransactionInstruction } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { type TokenAccountOpening, tokenAccountOpeningInstruction } from "../../shared/token-account-opening.ts";
import { isSignedOpening, tokenAccountOpeningTransaction } from "./token-account-opening.ts";

const fan = Keypair.generate();
const opening: TokenAccountOpening = { wallet: fan.publicKey, mint: Keypair.generate().publicKey, tokenProgram: "token-2022" };
const blockhash = { blockhash: Keypair.generate().publicKey.toBase58(), lastValidBlockHeight: 100 };
/** A Lighthouse assertion as Phantom and Solflare add one: the program's id, an account, some data. */
const lighthouse = new TransactionInstruction({
  programId: new PublicKey("L2TExMFKdjpN9kozasaurPirfHy9P8sbXoAN1qA3S95"),
  keys: [{ pubkey: fan.publicKey, isSigner: false, isWritable: false }],
  data: Buffer.from([2, 0, 0, 0]),
});

function signed(...extra: TransactionInstruction[]) {
  const transaction = tokenAccountOpeningTransaction(opening, blockhash);
  if (extra.length > 0) transaction.add(...extra);
  transaction.sign(fan);
  return transaction;
}

describe("the opening the relay sends", () => {
  it("is the fan's signed opening, with what wallets add: a priority fee and Lighthouse assertions", () => {
    expect(isSignedOpening(signed(), opening)).toBe(true);
    const priority = ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 10_000 });
    expect(isSignedOpening(signed(priority, lighthouse, lighthouse), opening)).toBe(true);
  });

  it("is nothing else: another instruction, a second create, another mint or token program, another wallet", () => {
    const transfer = SystemProgram.transfer({ fromPubkey: fan.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1 });
    expect(isSignedOpening(signed(transfer), opening)).toBe(false);
    expect(isSignedOpening(signed(tokenAccountOpeningInstruction(opening)), opening)).toBe(false);
    expect(isSignedOpening(signed(), { ...opening, mint: Keypair.generate().publicKey })).toBe(false);
    expect(isSignedOpening(signed(), { ...opening, tokenProgram: "spl-token" })).toBe(false);
    expect(isSignedOpening(signed(), { ...opening, wallet: Keypair.generate().publicKey })).toBe(false);
    expect(isSignedOpening(signed(lighthouse), opening)).toBe(true);
    // Lighthouse's memory write is no assertion: it would put the fan's SOL in an account of its own.
    const memoryWrite = new TransactionInstruction({ ...lighthouse, data: Buffer.from([0, 0, 255]) });
    expect(isSignedOpening(signed(memoryWrite), opening)).toBe(false);
    // Only compute-budget and Lighthouse instructions: no create at all is no opening.
    const empty = tokenAccountOpeningTransaction(opening, blockhash);
    empty.instructions = [lighthouse];
    empty.sign(fan);
    expect(isSignedOpening(empty, opening)).toBe(false);
  });

  it("is signed by the fan's wallet alone, and validly", () => {
    expect(isSignedOpening(tokenAccountOpeningTransaction(opening, blockhash), opening)).toBe(false);
    const tampered = signed();
    const signature = tampered.signatures[0]?.signature;
    if (!signature) throw new Error("the opening has no signature");
    signature[0] = (signature[0] ?? 0) ^ 1;
    expect(isSignedOpening(tampered, opening)).toBe(false);
    // A second signer rides on nothing of ours: refused.
    const cosigner = Keypair.generate();
    const cosigned = tokenAccountOpeningTransaction(opening, blockhash);
    cosigned.add(
      new TransactionInstruction({
        programId: ComputeBudgetProgram.programId,
        keys: [{ pubkey: cosigner.publicKey, isSigner: true, isWritable: false }],
        data: Buffer.from([3, 0, 0, 0, 0, 0, 0, 0, 0]),
      }),
    );
    cosigned.sign(fan, cosigner);
    expect(isSignedOpening(cosigned, opening)).toBe(false);
  });
});
