import { describe, expect, it } from "vitest";
import { explainBpfErrors, readableSymbol } from "./diagnostics.ts";

const multiply =
  "error: <unknown>:0:0: in function _RNvMNtCshb2yVuMLcR3_21memefans_distribution8syscallsNtB2_4Rent15minimum_balance void (ptr, i64, i64, i64): A call to built-in function '__multi3' is not supported.";

describe("explainBpfErrors", () => {
  it("explains a 128-bit multiply and names the Rust function", () => {
    expect(explainBpfErrors(`${multiply}\n\nerror: aborting due to 1 previous error\n`)).toEqual([
      "in memefans_distribution::syscalls::Rent::minimum_balance: __multi3: a 128-bit multiply (u128 *, or u64 checked_mul/overflowing_mul/widening multiplies, which lower to one). Multiply in 64-bit halves with a small helper instead.",
    ]);
  });

  it("explains aggregate returns, memcpy, too many arguments and signed division, once each", () => {
    const output = [
      "error: <unknown>:0:0: in function f void (ptr, ptr): aggregate returns are not supported",
      "error: <unknown>:0:0: in function f void (ptr, ptr): aggregate returns are not supported",
      "error: <unknown>:0:0: in function g i64 (ptr): A call to built-in function 'memcpy' is not supported.",
      "error: <unknown>:0:0: in function h i64 (i64, i64, i64, i64, i64, i64): too many arguments",
      "error: <unknown>:0:0: in function k i64 (i64): unsupported signed division, please convert to unsigned div/mod.",
    ].join("\n");
    const hints = explainBpfErrors(output);
    expect(hints).toHaveLength(4);
    expect(hints[0]).toMatch(/^in f: a function that is not inlined returns a value wider than 8 bytes/);
    expect(hints[1]).toMatch(/^in g: memcpy: .*sol_memcpy_/);
    expect(hints[2]).toMatch(/^in h: .*more than 5 register arguments/);
    expect(hints[3]).toMatch(/^in k: signed division/);
  });

  it("says nothing about ordinary Rust errors", () => {
    expect(explainBpfErrors("error[E0277]: `?` couldn't convert the error to `u64`")).toEqual([]);
  });
});

describe("readableSymbol", () => {
  it("leaves names that are not Rust v0 symbols alone", () => {
    expect(readableSymbol("entrypoint")).toBe("entrypoint");
  });
});
