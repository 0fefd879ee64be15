//! The runtime's syscalls this program uses, their C-ABI structures, and thin safe wrappers.
//! On chain the loader resolves the names at deploy time; on the host (unit tests) stand-ins
//! that panic take their place, since pure-logic tests must never reach the runtime.

use crate::error::{DistributionError, ProgramError, ProgramResult};
use crate::ids::Pubkey;
use crate::math::scale_by_f64_bits;

/// `SolAccountMeta` of the C CPI ABI.
#[repr(C)]
pub struct CpiAccountMeta {
    pub pubkey: *const Pubkey,
    pub is_writable: bool,
    pub is_signer: bool,
}

/// `SolAccountInfo` of the C CPI ABI (built by `AccountInfo::to_cpi`).
#[repr(C)]
pub struct CpiAccountInfo {
    pub key: *const Pubkey,
    pub lamports: *mut u64,
    pub data_len: u64,
    pub data: *mut u8,
    pub owner: *const Pubkey,
    pub rent_epoch: u64,
    pub is_signer: bool,
    pub is_writable: bool,
    pub executable: bool,
}

/// `SolInstruction` of the C CPI ABI.
#[repr(C)]
pub struct CpiInstruction {
    pub program_id: *const Pubkey,
    pub accounts: *const CpiAccountMeta,
    pub account_len: u64,
    pub data: *const u8,
    pub data_len: u64,
}

/// One PDA's seeds. A `&[u8]` is (pointer, length), the layout of `SolSignerSeed`, and a slice
/// of those is the layout of `SolSignerSeeds`, so seeds pass to the runtime as they are.
pub type Seeds<'a> = [&'a [u8]];

#[cfg(any(target_os = "solana", target_arch = "bpf", target_arch = "sbf"))]
extern "C" {
    fn sol_log_(message: *const u8, length: u64);
    fn sol_invoke_signed_c(
        instruction: *const CpiInstruction,
        account_infos: *const CpiAccountInfo,
        account_infos_len: u64,
        signers_seeds: *const u8,
        signers_seeds_len: u64,
    ) -> u64;
    // Seeds are passed as untyped pointers: the runtime reads the (pointer, length) pairs that
    // Rust slices already are (checked in the tests below).
    fn sol_create_program_address(
        seeds: *const u8,
        seeds_len: u64,
        program_id: *const Pubkey,
        address: *mut Pubkey,
    ) -> u64;
    fn sol_get_clock_sysvar(clock: *mut u64) -> u64;
    fn sol_get_rent_sysvar(rent: *mut u64) -> u64;
    fn sol_memset_(destination: *mut u8, value: u8, length: u64);
    fn sol_panic_(file: *const u8, length: u64, line: u64, column: u64) -> !;
}

/// The host has no Solana runtime. Host tests stop before the first syscall; the instructions'
/// runtime behaviour is tested in LiteSVM (programs/distribution/tests).
#[cfg(not(any(target_os = "solana", target_arch = "bpf", target_arch = "sbf")))]
mod host {
    use super::{CpiAccountInfo, CpiInstruction, Pubkey};

    fn no_runtime(syscall: &str) -> ! {
        panic!("{syscall} needs the Solana runtime; test this path in LiteSVM")
    }

    pub unsafe fn sol_log_(_: *const u8, _: u64) {
        no_runtime("sol_log_")
    }

    pub unsafe fn sol_invoke_signed_c(
        _: *const CpiInstruction,
        _: *const CpiAccountInfo,
        _: u64,
        _: *const u8,
        _: u64,
    ) -> u64 {
        no_runtime("sol_invoke_signed_c")
    }

    pub unsafe fn sol_create_program_address(
        _: *const u8,
        _: u64,
        _: *const Pubkey,
        _: *mut Pubkey,
    ) -> u64 {
        no_runtime("sol_create_program_address")
    }

    pub unsafe fn sol_get_clock_sysvar(_: *mut u64) -> u64 {
        no_runtime("sol_get_clock_sysvar")
    }

    pub unsafe fn sol_get_rent_sysvar(_: *mut u64) -> u64 {
        no_runtime("sol_get_rent_sysvar")
    }
}
#[cfg(not(any(target_os = "solana", target_arch = "bpf", target_arch = "sbf")))]
use host::*;

/// Aborts the program; the runtime reports the file, line and column.
#[cfg(any(target_os = "solana", target_arch = "bpf", target_arch = "sbf"))]
pub fn panic_at(file: &str, line: u32, column: u32) -> ! {
    // SAFETY: the runtime reads `length` bytes of the file name and never returns.
    unsafe { sol_panic_(file.as_ptr(), file.len() as u64, line as u64, column as u64) }
}

pub fn log(message: &[u8]) {
    // SAFETY: the runtime reads `length` bytes from `message`.
    unsafe { sol_log_(message.as_ptr(), message.len() as u64) }
}

/// Zeroes a buffer of any length. On chain through `sol_memset_`: the BPF backend would emit a
/// `memset` call that nothing can link.
pub fn zero(buffer: &mut [u8]) {
    #[cfg(any(target_os = "solana", target_arch = "bpf", target_arch = "sbf"))]
    // SAFETY: the runtime writes `length` bytes at `destination`, all inside `buffer`.
    unsafe {
        sol_memset_(buffer.as_mut_ptr(), 0, buffer.len() as u64)
    }
    #[cfg(not(any(target_os = "solana", target_arch = "bpf", target_arch = "sbf")))]
    buffer.fill(0);
}

/// The address these seeds give under `program_id`, or None when they land on the curve.
pub fn create_program_address(seeds: &Seeds, program_id: &Pubkey) -> Option<Pubkey> {
    let mut address = [0u8; 32];
    // SAFETY: seeds are (pointer, length) pairs; the runtime writes 32 bytes to `address`.
    let status = unsafe {
        sol_create_program_address(
            seeds.as_ptr() as *const u8,
            seeds.len() as u64,
            program_id,
            &mut address,
        )
    };
    if status == 0 {
        Some(address)
    } else {
        None
    }
}

/// Clock.unix_timestamp (the fifth u64 of the Clock sysvar).
pub fn unix_timestamp() -> Result<i64, ProgramError> {
    let mut clock = [0u64; 5];
    // SAFETY: the Clock sysvar is 40 bytes, 8-aligned.
    let status = unsafe { sol_get_clock_sysvar(clock.as_mut_ptr()) };
    if status != 0 {
        return Err(ProgramError::Runtime(status));
    }
    Ok(clock[4] as i64)
}

/// The Rent sysvar: lamports per byte-year and the exemption threshold's f64 bits.
pub struct Rent {
    lamports_per_byte_year: u64,
    exemption_threshold_bits: u64,
}

/// Bytes the runtime charges rent for on top of an account's data.
const ACCOUNT_STORAGE_OVERHEAD: u64 = 128;

impl Rent {
    pub fn get() -> Result<Rent, ProgramError> {
        let mut rent = [0u64; 3];
        // SAFETY: the Rent sysvar is 24 bytes (u64, f64, u8 + padding), 8-aligned.
        let status = unsafe { sol_get_rent_sysvar(rent.as_mut_ptr()) };
        if status != 0 {
            return Err(ProgramError::Runtime(status));
        }
        Ok(Rent {
            lamports_per_byte_year: rent[0],
            exemption_threshold_bits: rent[1],
        })
    }

    /// Lamports an account of `data_len` bytes needs to be rent-exempt.
    pub fn minimum_balance(&self, data_len: u64) -> Result<u64, ProgramError> {
        let bytes = data_len
            .checked_add(ACCOUNT_STORAGE_OVERHEAD)
            .ok_or(DistributionError::ArithmeticOverflow)?;
        crate::math::checked_mul(bytes, self.lamports_per_byte_year)
            .and_then(|per_year| scale_by_f64_bits(per_year, self.exemption_threshold_bits))
            .ok_or_else(|| DistributionError::ArithmeticOverflow.into())
    }
}

/// Cross-program invocation, signing for the PDAs whose seeds are in `signers`.
pub fn invoke_signed(
    instruction: &CpiInstruction,
    accounts: &[CpiAccountInfo],
    signers: &[&Seeds],
) -> ProgramResult {
    // SAFETY: every pointer in the structures refers to memory that outlives the call.
    let status = unsafe {
        sol_invoke_signed_c(
            instruction,
            accounts.as_ptr(),
            accounts.len() as u64,
            signers.as_ptr() as *const u8,
            signers.len() as u64,
        )
    };
    if status != 0 {
        return Err(ProgramError::Runtime(status));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rent_matches_the_known_rent_exempt_minimums() {
        let rent = Rent {
            lamports_per_byte_year: 3_480,
            exemption_threshold_bits: 2.0f64.to_bits(),
        };
        assert_eq!(rent.minimum_balance(0).unwrap(), 890_880);
        assert_eq!(rent.minimum_balance(165).unwrap(), 2_039_280);
        assert_eq!(
            rent.minimum_balance(u64::MAX),
            Err(DistributionError::ArithmeticOverflow.into())
        );
    }

    #[test]
    fn zero_clears_every_byte() {
        let mut buffer = [7u8; 300];
        zero(&mut buffer[1..]);
        assert_eq!(buffer[0], 7);
        assert!(buffer[1..].iter().all(|&byte| byte == 0));
    }

    #[test]
    fn seeds_have_the_solana_signer_seed_layout() {
        // SolSignerSeed is { const uint8_t *addr; uint64_t len; }: 16 bytes, pointer first.
        let seed: &[u8] = b"vault";
        assert_eq!(core::mem::size_of::<&[u8]>(), 16);
        let words: [usize; 2] = unsafe { core::mem::transmute(seed) };
        assert_eq!(words, [seed.as_ptr() as usize, 5]);
        assert_eq!(core::mem::size_of::<CpiAccountMeta>(), 16);
        assert_eq!(core::mem::size_of::<CpiAccountInfo>(), 56);
        assert_eq!(core::mem::size_of::<CpiInstruction>(), 40);
    }
}
