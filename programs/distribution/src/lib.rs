//! memefans_distribution: an on-chain escrow for token giveaways. A creator locks
//! amount_per_claim × max_claims tokens in a PDA-owned vault; only the verifier key may pay
//! claims, in batches, each claim slot at most once (one bit per slot in the Distribution
//! account); the creator takes back the rest after the end.
//!
//! No dependencies: the input deserializer, syscalls, CPI builders and 64-bit math are in this
//! crate, so it builds offline for the upstream BPF target and with `cargo build-sbf`.

#![cfg_attr(
    any(target_os = "solana", target_arch = "bpf", target_arch = "sbf"),
    no_std
)]

pub mod bytes;
pub mod cpi;
#[cfg(any(target_os = "solana", target_arch = "bpf", target_arch = "sbf"))]
mod entrypoint;
pub mod error;
pub mod ids;
pub mod input;
pub mod instruction_data;
pub mod instructions;
pub mod math;
pub mod pda;
pub mod priority_fee;
pub mod rules;
pub mod state;
pub mod syscalls;
pub mod token;

use error::{DistributionError, ProgramResult};
use ids::Pubkey;
use input::Accounts;
use instruction_data as discriminator;
use instructions::batch_claim::SeenSlots;
use instructions::{
    batch_claim, close_distribution, create_distribution, pause, resume, set_verifier,
};

/// Routes the instruction by its 8-byte discriminator.
pub fn process_instruction(
    program_id: &Pubkey,
    accounts: Accounts,
    data: &[u8],
    seen_slots: &mut SeenSlots,
) -> ProgramResult {
    let (instruction, args) = discriminator::split_discriminator(data)?;
    match instruction {
        discriminator::BATCH_CLAIM => batch_claim::process(program_id, accounts, args, seen_slots),
        discriminator::CREATE_DISTRIBUTION => {
            create_distribution::process(program_id, accounts, args)
        }
        discriminator::CLOSE_DISTRIBUTION => {
            close_distribution::process(program_id, accounts, args)
        }
        discriminator::SET_VERIFIER => set_verifier::process(program_id, accounts, args),
        discriminator::PAUSE => pause::process(program_id, accounts, args),
        discriminator::RESUME => resume::process(program_id, accounts, args),
        _ => Err(DistributionError::UnknownInstruction.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::deserialize;
    use crate::input::test_input::{account, serialize};

    /// Runs the dispatcher on the host up to the point where it would need the runtime.
    fn dispatch(data: &[u8]) -> ProgramResult {
        let mut buffer = serialize(&[Ok(account(1, 0))], data, &[7; 32]);
        let input = unsafe { deserialize(buffer.as_mut_ptr()) };
        let mut seen_slots = [0u8; state::bitmap_len(state::MAX_CLAIMS)];
        process_instruction(
            input.program_id,
            input.accounts,
            input.instruction_data,
            &mut seen_slots,
        )
    }

    #[test]
    fn unknown_and_short_discriminators_are_refused() {
        assert_eq!(
            dispatch(&[1, 2, 3, 4, 5, 6, 7, 8]),
            Err(DistributionError::UnknownInstruction.into())
        );
        assert_eq!(
            dispatch(&[0; 8]),
            Err(DistributionError::UnknownInstruction.into())
        );
        assert_eq!(
            dispatch(&[]),
            Err(DistributionError::InvalidInstructionData.into())
        );
        assert_eq!(
            dispatch(&discriminator::PAUSE.to_le_bytes()[..7]),
            Err(DistributionError::InvalidInstructionData.into())
        );
    }

    #[test]
    fn argument_errors_surface_before_any_account_is_touched() {
        let mut pause_with_garbage = discriminator::PAUSE.to_le_bytes().to_vec();
        pause_with_garbage.push(1);
        assert_eq!(
            dispatch(&pause_with_garbage),
            Err(DistributionError::InvalidInstructionData.into())
        );
        let mut empty_batch = discriminator::BATCH_CLAIM.to_le_bytes().to_vec();
        empty_batch.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(
            dispatch(&empty_batch),
            Err(DistributionError::EmptyBatch.into())
        );
        let mut default_verifier = discriminator::SET_VERIFIER.to_le_bytes().to_vec();
        default_verifier.extend_from_slice(&[0; 32]);
        assert_eq!(
            dispatch(&default_verifier),
            Err(DistributionError::InvalidVerifier.into())
        );
    }

    #[test]
    fn creator_instructions_need_exactly_their_accounts_and_a_signature() {
        // One account where two are needed.
        let pause = discriminator::PAUSE.to_le_bytes();
        assert_eq!(
            dispatch(&pause),
            Err(DistributionError::NotEnoughAccounts.into())
        );
        // Two accounts, the creator unsigned (seed 1 makes an unsigned account).
        let mut buffer = serialize(&[Ok(account(1, 0)), Ok(account(3, 0))], &pause, &[7; 32]);
        let input = unsafe { deserialize(buffer.as_mut_ptr()) };
        let mut seen_slots = [0u8; state::bitmap_len(state::MAX_CLAIMS)];
        assert_eq!(
            process_instruction(
                input.program_id,
                input.accounts,
                input.instruction_data,
                &mut seen_slots
            ),
            Err(DistributionError::MissingCreatorSignature.into())
        );
    }
}
