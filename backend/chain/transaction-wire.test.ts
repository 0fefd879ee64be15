import { getCompiledTransactionMessageDecoder, getTransactionDecoder } from "@solana/kit";
import {
  AddressLookupTableAccount,
  ComputeBudgetProgram,
  Keypair,
  SystemProgram,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import bs58 from "bs58";
import { describe, expect, it } from "vitest";
import { readWireTransaction, WireFormatError } from "./transaction-wire.ts";

const blockhash = bs58.encode(Keypair.generate().publicKey.toBytes());
const payer = Keypair.generate();
const cosigner = Keypair.generate();
const instructions = [
  ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 12_345 }),
  SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1 }),
  SystemProgram.transfer({ fromPubkey: cosigner.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 2 }),
];

function legacy(signers: Keypair[]): Uint8Array {
  const transaction = new Transaction({ feePayer: payer.publicKey, blockhash, lastValidBlockHeight: 1 }).add(...instructions);
  if (signers.length) transaction.sign(...signers);
  return transaction.serialize({ requireAllSignatures: false, verifySignatures: false });
}

function versionZero(): Uint8Array {
  const table = new AddressLookupTableAccount({
    key: Keypair.generate().publicKey,
    state: {
      deactivationSlot: BigInt(2) ** BigInt(64) - BigInt(1),
      lastExtendedSlot: 0,
      lastExtendedSlotStartIndex: 0,
      authority: undefined,
      addresses: Array.from({ length: 4 }, () => Keypair.generate().publicKey),
    },
  });
  const message = new TransactionMessage({
    payerKey: payer.publicKey,
    recentBlockhash: blockhash,
    instructions: [
      ...instructions,
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: table.state.addresses[1] as never, lamports: 3 }),
    ],
  }).compileToV0Message([table]);
  const transaction = new VersionedTransaction(message);
  transaction.sign([payer, cosigner]);
  return transaction.serialize();
}

/** What @solana/kit's decoders make of the same bytes, in the reader's terms. */
function byKit(bytes: Uint8Array) {
  const transaction = getTransactionDecoder().decode(bytes);
  const message = getCompiledTransactionMessageDecoder().decode(transaction.messageBytes);
  const { header, staticAccounts } = message;
  const signers = header.numSignerAccounts;
  return {
    signers: Object.keys(transaction.signatures),
    signatures: Object.values(transaction.signatures).map((signature) => (signature ? bs58.encode(signature) : null)),
    messageBytes: bs58.encode(Uint8Array.from(transaction.messageBytes)),
    blockhash: message.lifetimeToken,
    writableAccounts: staticAccounts.filter(
      (_, index) =>
        index < signers - header.numReadonlySignerAccounts ||
        (index >= signers && index < staticAccounts.length - header.numReadonlyNonSignerAccounts),
    ),
    instructions: ("instructions" in message ? message.instructions : []).map((instruction) => ({
      program: staticAccounts[instruction.programAddressIndex],
      data: bs58.encode(Uint8Array.from(instruction.data ?? [])),
    })),
  };
}

function byReader(bytes: Uint8Array) {
  const wire = readWireTransaction(bytes);
  if (!wire) throw new Error("the reader left a legacy or version 0 transaction to the full decoder");
  return {
    signers: wire.signers.map((signer) => bs58.encode(signer)),
    signatures: wire.signatures.map((signature) => (signature.some((byte) => byte !== 0) ? bs58.encode(signature) : null)),
    messageBytes: bs58.encode(wire.messageBytes),
    blockhash: bs58.encode(wire.blockhash),
    writableAccounts: wire.writableAccounts.map((account) => bs58.encode(account)),
    instructions: wire.instructions.map(({ program, data }) => ({
      program: program && bs58.encode(program),
      data: bs58.encode(data),
    })),
  };
}

describe("reading a transaction from the wire", () => {
  it.each([
    ["a signed legacy transaction", () => legacy([payer, cosigner])],
    ["a legacy transaction not signed yet", () => legacy([])],
    ["a version 0 transaction with a lookup table", versionZero],
  ])("reads %s as @solana/kit does", (_name, make) => {
    const bytes = make();
    expect(byReader(bytes)).toEqual(byKit(bytes));
  });

  it("refuses a transaction cut short anywhere, or whose signatures do not match its signers", () => {
    for (const bytes of [legacy([payer, cosigner]), versionZero()]) {
      for (const cut of [1, 64, 100, bytes.length - 1]) {
        expect(() => readWireTransaction(bytes.subarray(0, cut))).toThrow(WireFormatError);
      }
    }
    // Two signers in the message, one signature in front of it.
    const signed = legacy([payer, cosigner]);
    expect(() => readWireTransaction(Uint8Array.from([1, ...signed.subarray(1, 65), ...signed.subarray(129)]))).toThrow(
      WireFormatError,
    );
    expect(() => readWireTransaction(new Uint8Array())).toThrow(WireFormatError);
  });

  it("leaves shapes it does not read to the full decoder", () => {
    // A set high bit in the first byte announces a message-first envelope.
    expect(readWireTransaction(Uint8Array.from([0x81, 0, 0, 0]))).toBeUndefined();
    // A signatures-first transaction whose message is a later version than 0.
    expect(readWireTransaction(Uint8Array.from([0, 0x81, 0, 0, 0]))).toBeUndefined();
  });
});
