/**
 * The upstream BPF backend rejects some code that Solana's own LLVM accepts. Its messages name the
 * mangled function and an LLVM detail; these hints say what to change in the Rust source.
 */
const HINTS: { pattern: RegExp; hint: (match: RegExpMatchArray) => string }[] = [
  {
    pattern: /A call to built-in function '(__multi3|__muloti4|__mulodi4)'/,
    hint: (match) =>
      `${match[1]}: a 128-bit multiply (u128 *, or u64 checked_mul/overflowing_mul/widening multiplies, which lower to one). ` +
      "Multiply in 64-bit halves with a small helper instead.",
  },
  {
    pattern: /A call to built-in function '(__(?:u?div|u?mod)ti3)'/,
    hint: (match) => `${match[1]}: a 128-bit division or remainder. Divide with a 64-bit helper instead.`,
  },
  {
    pattern: /A call to built-in function '(memcpy|memmove|memset|memcmp|bcmp)'/,
    hint: (match) =>
      `${match[1]}: a copy, fill or comparison of variable or large size (copy_from_slice, large arrays, == on slices). ` +
      "Call the sol_memcpy_ / sol_memmove_ / sol_memset_ / sol_memcmp_ syscalls explicitly.",
  },
  {
    pattern: /A call to built-in function '([^']+)'/,
    hint: (match) => `${match[1]}: a compiler-rt helper the BPF target does not have; avoid the operation that needs it.`,
  },
  {
    pattern: /aggregate returns are not supported/,
    hint: () =>
      "a function that is not inlined returns a value wider than 8 bytes through memory (a Result with a payload, a tuple, " +
      "a slice or &str, a struct). Mark it #[inline(always)], or write the value through a &mut out-parameter.",
  },
  {
    pattern: /too many arguments|stack arguments are not supported/,
    hint: () =>
      "a function that is not inlined takes more than 5 register arguments (a slice or &str counts as 2). " +
      "Pass a struct by reference, or mark the function #[inline(always)].",
  },
  {
    pattern: /pass by value not supported/,
    hint: () => "a struct is passed by value to a function that is not inlined; pass a reference.",
  },
  {
    pattern: /unsupported signed division/,
    hint: () => "signed division or remainder (i64 / or %); SBPFv0 has only unsigned division. Use unsigned values.",
  },
  {
    pattern: /BPF stack limit is exceeded/,
    hint: () => "a stack frame is larger than Solana's 4096 bytes; move large locals into account data or split the function.",
  },
  {
    pattern: /variadic functions are not supported/,
    hint: () => "variadic functions cannot be compiled for BPF.",
  },
  {
    pattern: /unsupported dynamic (?:stack allocation|alloca)/,
    hint: () => "a stack allocation of run-time size; use fixed-size buffers.",
  },
];

/** Turns Rust v0 mangled names (`_RNv…4Rent15minimum_balance`) into a readable path for the hint. */
export function readableSymbol(mangled: string): string {
  if (!mangled.startsWith("_R")) return mangled;
  // Crate disambiguators (Cs…_) and back-references (B…_) carry no names.
  const stripped = mangled.replace(/Cs[0-9A-Za-z]*_/g, "C").replace(/B[0-9A-Za-z]*_/g, "");
  const names: string[] = [];
  const lengthThenName = /(\d+)([A-Za-z_][A-Za-z0-9_]*)/g;
  for (let match = lengthThenName.exec(stripped); match; match = lengthThenName.exec(stripped)) {
    const length = Number(match[1]);
    const name = match[2] ?? "";
    if (name.length < length) continue;
    names.push(name.slice(0, length));
    lengthThenName.lastIndex = match.index + (match[1]?.length ?? 0) + length;
  }
  return names.length > 0 ? names.join("::") : mangled;
}

/** One line of advice per distinct BPF backend error in rustc's output. */
export function explainBpfErrors(rustcOutput: string): string[] {
  const explanations = new Set<string>();
  for (const line of rustcOutput.split("\n")) {
    const hint = HINTS.map(({ pattern, hint }) => {
      const match = line.match(pattern);
      return match ? hint(match) : undefined;
    }).find(Boolean);
    if (!hint) continue;
    const where = line.match(/in function (\S+)/)?.[1];
    explanations.add(where ? `in ${readableSymbol(where)}: ${hint}` : hint);
  }
  return [...explanations];
}
