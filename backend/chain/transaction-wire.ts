/**
 * The parts of a legacy or version 0 transaction the embedded chain reads (signatures, signers,
 * blockhash, the writable static accounts and the instructions' programs and data), read from the
 * wire without turning every address into base58. @solana/kit's decoders do that for each of a
 * batch's thirty-odd accounts with BigInt arithmetic: settling 10,000 claims spent about a fifth of
 * the main thread there, as much as LiteSVM executing them.
 */
export interface WireTransaction {
  signatures: Uint8Array[];
  messageBytes: Uint8Array;
  /** The first `signatures.length` static accounts, in order. */
  signers: Uint8Array[];
  blockhash: Uint8Array;
  /** Static accounts the header marks writable. */
  writableAccounts: Uint8Array[];
  /** `program` is undefined when the index names no static account (the runtime refuses those). */
  instructions: { program: Uint8Array | undefined; data: Uint8Array }[];
}

const SIGNATURE_BYTES = 64;
const ADDRESS_BYTES = 32;

export class WireFormatError extends Error {}

/** The counts a message header gives, and how many static accounts follow it. */
export interface MessageHeaderCounts {
  staticAccounts: number;
  requiredSignatures: number;
  readonlySigned: number;
  readonlyUnsigned: number;
}

/**
 * Whether the static account at `index` is writable: the signers come first, the last
 * `readonlySigned` of them read-only, then the others, the last `readonlyUnsigned` read-only.
 */
export function isWritableStaticAccount(index: number, header: MessageHeaderCounts): boolean {
  const { staticAccounts, requiredSignatures, readonlySigned, readonlyUnsigned } = header;
  return (
    index < requiredSignatures - readonlySigned || (index >= requiredSignatures && index < staticAccounts - readonlyUnsigned)
  );
}

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw new WireFormatError("the transaction ends early");
    const taken = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return taken;
  }

  u8(): number {
    return (this.take(1)[0] as number) & 0xff;
  }

  /** Solana's compact-u16: seven bits a byte, at most three bytes. */
  shortU16(): number {
    let value = 0;
    for (let index = 0; index < 3; index++) {
      const byte = this.u8();
      value |= (byte & 0x7f) << (7 * index);
      if ((byte & 0x80) === 0) return value;
    }
    throw new WireFormatError("a length runs past three bytes");
  }
}

/**
 * Reads a signatures-first legacy or version 0 transaction; `undefined` for any other shape (a
 * message-first or later version), which the caller leaves to a full decoder. Throws WireFormatError
 * when the bytes are not a transaction of the shape they announce.
 */
export function readWireTransaction(bytes: Uint8Array): WireTransaction | undefined {
  if (!bytes.length) throw new WireFormatError("the transaction is empty");
  // A signature count always fits in the first byte of this shape; a set high bit announces another.
  if ((bytes[0] as number) & 0x80) return undefined;
  const reader = new Reader(bytes);
  const signatureCount = reader.u8();
  const signatures = Array.from({ length: signatureCount }, () => reader.take(SIGNATURE_BYTES));
  const messageBytes = bytes.subarray(reader.offset);
  const message = new Reader(messageBytes);
  const prefix = messageBytes[0];
  if (prefix === undefined) throw new WireFormatError("the message is empty");
  const versioned = (prefix & 0x80) !== 0;
  if (versioned && (prefix & 0x7f) !== 0) return undefined;
  if (versioned) message.u8();
  const requiredSignatures = message.u8();
  const readonlySigned = message.u8();
  const readonlyUnsigned = message.u8();
  const staticAccounts = Array.from({ length: message.shortU16() }, () => message.take(ADDRESS_BYTES));
  if (requiredSignatures > staticAccounts.length || signatureCount !== requiredSignatures) {
    throw new WireFormatError("the signatures do not match the message's signers");
  }
  const blockhash = message.take(ADDRESS_BYTES);
  const instructions = Array.from({ length: message.shortU16() }, () => {
    const program = staticAccounts[message.u8()];
    message.take(message.shortU16());
    return { program, data: message.take(message.shortU16()) };
  });
  if (versioned) {
    for (let lookups = message.shortU16(); lookups > 0; lookups--) {
      message.take(ADDRESS_BYTES);
      message.take(message.shortU16());
      message.take(message.shortU16());
    }
  }
  const header = { staticAccounts: staticAccounts.length, requiredSignatures, readonlySigned, readonlyUnsigned };
  const writableAccounts = staticAccounts.filter((_, index) => isWritableStaticAccount(index, header));
  return {
    signatures,
    messageBytes,
    signers: staticAccounts.slice(0, requiredSignatures),
    blockhash,
    writableAccounts,
    instructions,
  };
}
