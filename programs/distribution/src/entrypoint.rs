//! The on-chain entrypoint and panic handler, compiled only for the Solana/BPF targets.

use crate::input::deserialize;
use crate::instructions::batch_claim::SeenSlots;
use crate::process_instruction;
use crate::syscalls::panic_at;

/// The program heap (32 KiB at this address). Nothing allocates in this program, so batch_claim
/// borrows its start as the scratch bitmap of slots seen in the batch: writable statics are not
/// allowed, and 8 KiB does not fit in a 4 KiB stack frame.
const HEAP_START: usize = 0x3_0000_0000;

/// # Safety
/// Called by the runtime with its serialized input; see `input::deserialize`.
#[no_mangle]
pub unsafe extern "C" fn entrypoint(input: *mut u8) -> u64 {
    let input = deserialize(input);
    let seen_slots = &mut *(HEAP_START as *mut SeenSlots);
    match process_instruction(
        input.program_id,
        input.accounts,
        input.instruction_data,
        seen_slots,
    ) {
        Ok(()) => 0,
        Err(error) => error.to_return_code(),
    }
}

/// Reports the source location only: formatting the message would pull core::fmt into the
/// program.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    match info.location() {
        Some(location) => panic_at(location.file(), location.line(), location.column()),
        None => panic_at("unknown", 0, 0),
    }
}
