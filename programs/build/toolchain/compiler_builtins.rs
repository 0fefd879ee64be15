// An empty stand-in for compiler_builtins, which every `no_std` crate links implicitly. The BPF
// backend cannot call the helpers the real crate provides (it refuses libcalls), so none are needed.
#![no_std]
#![allow(internal_features)]
#![feature(compiler_builtins)]
#![compiler_builtins]
