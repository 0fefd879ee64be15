import { ComputeBudgetProgram, Keypair, PublicKey, Transaction, type TransactionInstruction } from "@solana/web3.js";
import bs58 from "bs58";
import { describe, expect, it } from "vitest";
import { batchInstruction, batchSigners, type MintRef, priorityFeeLamports, signBatch } from "./batch-transaction.ts";

const mint: MintRef = (() => {
  const key = Keypair.generate().publicKey;
  return { key, text: key.toBase58(), tokenProgram: new PublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA") };
})();
const blockhash = Keypair.generate().publicKey.toBase58();
const entries = [
  { slot: 3, wallet: Keypair.generate().publicKey.toBase58(), createAccount: false },
  { slot: 9, wallet: Keypair.generate().publicKey.toBase58(), createAccount: true },
  { slot: 4, wallet: Keypair.generate().publicKey.toBase58(), createAccount: false },
];
const fees = { computeUnitLimit: 123_456, microLamportsPerUnit: 7_777 };

describe("batch transactions", () => {
  it("compiles a message @solana/web3.js reads back to the same instructions, signed by every signer", () => {
    const verifier = Keypair.generate();
    for (const signers of [{ verifier }, { verifier, feePayer: Keypair.generate() }]) {
      const distribution = Keypair.generate().publicKey.toBase58();
      const signed = signBatch(signers, distribution, mint, entries, blockhash, fees);
      const decoded = Transaction.from(signed.wire);
      expect(decoded.verifySignatures()).toBe(true);
      expect(decoded.feePayer?.toBase58()).toBe((signers.feePayer ?? verifier).publicKey.toBase58());
      expect(decoded.recentBlockhash).toBe(blockhash);
      expect(signed.signature).toBe(bs58.encode(decoded.signature ?? new Uint8Array(64)));
      const expected = [
        ComputeBudgetProgram.setComputeUnitLimit({ units: fees.computeUnitLimit }),
        ComputeBudgetProgram.setComputeUnitPrice({ microLamports: fees.microLamportsPerUnit }),
        batchInstruction(signers, distribution, mint, entries),
      ];
      // A message carries one writable and one signer flag per key: the union over the instructions.
      const writable = new Set(
        expected.flatMap((instruction) =>
          instruction.keys.filter((meta) => meta.isWritable).map((meta) => meta.pubkey.toBase58()),
        ),
      );
      const shape = (instructions: TransactionInstruction[]) =>
        instructions.map((instruction) => ({
          program: instruction.programId.toBase58(),
          keys: instruction.keys.map((meta) => [meta.pubkey.toBase58(), meta.isSigner, writable.has(meta.pubkey.toBase58())]),
          data: instruction.data.toString("hex"),
        }));
      expect(
        decoded.instructions
          .flatMap((instruction) => instruction.keys)
          .every((meta) => meta.isWritable === writable.has(meta.pubkey.toBase58())),
      ).toBe(true);
      expect(shape(decoded.instructions)).toEqual(shape(expected));
      // 7 fixed accounts, the two programs that open accounts, a token account per claim and one owner.
      expect(decoded.instructions[2]?.keys.length).toBe(7 + 2 + entries.length + 1);
    }
  });

  it("leaves a separate fee payer out of a batch whose claims' fees would not cover its second signature", () => {
    const verifier = Keypair.generate();
    const separate = { verifier, feePayer: Keypair.generate() };
    expect(batchSigners(separate, 5_000n, 1)).toEqual({ verifier });
    expect(batchSigners(separate, 5_000n, 2)).toBe(separate);
    expect(batchSigners(separate, 10_000n, 1)).toBe(separate);
    expect(batchSigners(separate, 2_500n, 3)).toEqual({ verifier });
    // One key signs once whatever the batch: nothing to leave out.
    const alone = { verifier };
    expect(batchSigners(alone, 5_000n, 1)).toBe(alone);
    const same = { verifier, feePayer: Keypair.fromSecretKey(verifier.secretKey) };
    expect(batchSigners(same, 5_000n, 1)).toBe(same);
    expect(
      Transaction.from(signBatch(same, Keypair.generate().publicKey.toBase58(), mint, entries, blockhash).wire).signatures,
    ).toHaveLength(1);
  });

  it("prices the priority fee as the runtime charges it, rounded up to whole lamports", () => {
    expect(priorityFeeLamports({ computeUnitLimit: 50_000, microLamportsPerUnit: 1_001 })).toBe(51n);
    expect(priorityFeeLamports({ computeUnitLimit: 100, microLamportsPerUnit: 2_000_000 })).toBe(200n);
    expect(priorityFeeLamports({ computeUnitLimit: 1_400_000, microLamportsPerUnit: 0 })).toBe(0n);
  });
});
