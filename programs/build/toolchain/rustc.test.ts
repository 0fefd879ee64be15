import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SbfBuildError } from "../errors.ts";
import { RUST_LIBRARY_SOURCE, requireToolchain, runRustc, rustcVersion, SYSTEM_RUSTC } from "./rustc.ts";

describe("the Debian toolchain", () => {
  it("is found on this machine, with LLVM's BPF backend", () => {
    expect(() => requireToolchain()).not.toThrow();
    expect(existsSync(`${RUST_LIBRARY_SOURCE}/core/src/lib.rs`)).toBe(true);
    expect(rustcVersion()).toMatch(/^release: \d+\.\d+\.\d+$/m);
    expect(runRustc(["--print", "target-list"], "listing targets").stdout).toMatch(/^bpfel-unknown-none$/m);
  });

  it("names the Debian packages to install when the compiler or the library source is missing", () => {
    expect(() => requireToolchain("/nonexistent/rustc", RUST_LIBRARY_SOURCE)).toThrow(
      `the offline SBF build needs /nonexistent/rustc (Debian package rustc-web); install them with: apt-get install rustc-web rust-web-src`,
    );
    expect(() => requireToolchain(SYSTEM_RUSTC, "/nonexistent/library")).toThrow(
      /\/nonexistent\/library \(Debian package rust-web-src\)/,
    );
  });

  it("reports a failed compile with rustc's own message", () => {
    expect(() => runRustc(["--crate-type", "lib", "/nonexistent/lib.rs"], "compiling nothing")).toThrow(SbfBuildError);
    expect(() => runRustc(["--crate-type", "lib", "/nonexistent/lib.rs"], "compiling nothing")).toThrow(
      /compiling nothing failed \(rustc exit 1\):\n.*couldn't read/,
    );
  });
});
