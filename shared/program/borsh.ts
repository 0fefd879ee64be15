import type { PublicKey } from "@solana/web3.js";

/** Little-endian Borsh writer for the few types the program's instructions use. */
export class BorshWriter {
  private readonly bytes: number[] = [];

  raw(bytes: Uint8Array): this {
    for (const byte of bytes) this.bytes.push(byte);
    return this;
  }

  u8(value: number): this {
    this.bytes.push(value & 0xff);
    return this;
  }

  bool(value: boolean): this {
    return this.u8(value ? 1 : 0);
  }

  u16(value: number): this {
    return this.u8(value).u8(value >>> 8);
  }

  u32(value: number): this {
    return this.u16(value & 0xffff).u16(value >>> 16);
  }

  u64(value: bigint): this {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, value, true);
    return this.raw(new Uint8Array(view.buffer));
  }

  i64(value: bigint): this {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigInt64(0, value, true);
    return this.raw(new Uint8Array(view.buffer));
  }

  publicKey(key: PublicKey): this {
    return this.raw(key.toBytes());
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Little-endian Borsh reader; throws a RangeError naming the field that runs past the end. */
export class BorshReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get position(): number {
    return this.offset;
  }

  private take(length: number, field: string): number {
    if (this.offset + length > this.data.length) {
      throw new RangeError(`${field} needs ${length} bytes at offset ${this.offset}, but the data is ${this.data.length} bytes`);
    }
    const start = this.offset;
    this.offset += length;
    return start;
  }

  bytes(length: number, field: string): Uint8Array {
    const start = this.take(length, field);
    return this.data.slice(start, start + length);
  }

  u8(field: string): number {
    return this.view.getUint8(this.take(1, field));
  }

  bool(field: string): boolean {
    const value = this.u8(field);
    if (value > 1) throw new RangeError(`${field} is a bool but holds ${value}`);
    return value === 1;
  }

  u32(field: string): number {
    return this.view.getUint32(this.take(4, field), true);
  }

  u64(field: string): bigint {
    return this.view.getBigUint64(this.take(8, field), true);
  }

  i64(field: string): bigint {
    return this.view.getBigInt64(this.take(8, field), true);
  }
}
