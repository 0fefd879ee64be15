//! batch_claim: the verifier pays a list of claim slots, each slot at most once ever. All or
//! nothing: a batch that succeeds paid every entry in it amount_per_claim, into the token account
//! its message lists, which is what lets the backend call a claim paid from the signature alone.
//!
//! Checks:
//! - instruction data `claims: Vec<ClaimEntry>` parsed exactly, bools 0 or 1
//!   (InvalidInstructionData); at least one entry (EmptyBatch);
//! - 0 verifier: signed (MissingVerifierSignature) and is the stored verifier (WrongVerifier);
//! - 1 fee_payer: signed (MissingFeePayerSignature); receives lamports, so the runtime also
//!   requires it writable;
//! - 2 distribution: owned by this program (DistributionNotOwnedByProgram), not closed
//!   (DistributionClosed), Distribution discriminator, version and size (InvalidDiscriminator),
//!   address re-derived once per batch from ["distribution", creator, distribution_id, bump]
//!   (DistributionAddressMismatch);
//! - 3 vault is the stored vault (VaultMismatch), kept by 5 token_program, SPL Token or
//!   Token-2022 (InvalidTokenProgram);
//! - 4 mint is the stored mint (MintMismatch), for TransferChecked;
//! - 6 instructions sysvar is Sysvar1nstructions1111111111111111111111111 and its data is
//!   well formed (InvalidInstructionsSysvar): the transaction's priority fee is read from its
//!   compute budget instructions (`priority_fee::priority_fee_lamports`), ⌈limit × price / 10⁶⌉
//!   with the limit clamped to the 1,400,000 units the runtime grants, nothing without an explicit
//!   limit and price; a fee is reimbursed only to the transaction's one instruction of this
//!   program, executing at top level (SharedPriorityFee);
//! - not paused (Paused), now >= start_ts (NotStarted), now <= end_ts (Ended);
//! - only when an entry creates its recipient's account: 7 associated_token_program
//!   (InvalidAssociatedTokenProgram), 8 system_program (InvalidSystemProgram);
//! - then exactly one recipient token account per entry, followed by its owner when the entry
//!   creates the account (NotEnoughAccounts);
//! - every slot < max_claims (SlotOutOfRange), no slot twice in the batch
//!   (DuplicateSlotInBatch) and no slot already claimed (SlotAlreadyClaimed), all before anything
//!   is paid; a re-sent batch that already landed therefore fails whole and pays nothing twice;
//! - per entry: the recipient is an initialized, unfrozen token account of the vault's token
//!   program and not the vault (RecipientNotTokenAccount) of the distribution's mint
//!   (RecipientMintMismatch); a recipient owner is checked by the associated token program, which
//!   refuses an address not derived from (owner, token program, mint);
//! - per entry: the fee budget reimburses the fee payer this payout's fee, its share of the
//!   priority fee (at most priority_fee_cap_lamports per entry: a batch's reimbursement is
//!   min(priority fee, cap × entries), the rest is the operator's) and the rent it put into a
//!   token account it created, the rent only from what the fees and caps of the unpaid slots
//!   leave (FeeBudgetExhausted), so the operator never advances what it cannot recover and the
//!   creator never pays more than the cap they set;
//! - claimed_count, total_claimed_amount and the fee payer's balance do not overflow
//!   (ArithmeticOverflow).

use super::{check_mint, check_vault_and_token_program, load_distribution};
use crate::cpi::{CreateAssociatedTokenAccountIdempotent, TransferChecked};
use crate::error::{DistributionError, ProgramError, ProgramResult};
use crate::ids::{
    keys_equal, Pubkey, ASSOCIATED_TOKEN_PROGRAM_ID, INSTRUCTIONS_SYSVAR_ID, SYSTEM_PROGRAM_ID,
};
use crate::input::{AccountInfo, Accounts};
use crate::instruction_data::ClaimEntries;
use crate::pda::DistributionSeeds;
use crate::priority_fee::priority_fee_lamports;
use crate::rules::{charge_payout, check_claim_window};
use crate::state::{bitmap_len, bitmap_mut, test_and_set, Distribution, MAX_CLAIMS};
use crate::syscalls::{unix_timestamp, zero};
use crate::token::TokenAccount;

/// Scratch space for the slots seen in one batch: one bit per possible slot.
pub type SeenSlots = [u8; bitmap_len(MAX_CLAIMS)];

pub fn process(
    program_id: &Pubkey,
    mut accounts: Accounts,
    data: &[u8],
    seen_slots: &mut SeenSlots,
) -> ProgramResult {
    let claims = ClaimEntries::parse(data)?;
    let verifier = accounts.next_account()?;
    let mut fee_payer = accounts.next_account()?;
    let mut distribution_account = accounts.next_account()?;
    let vault = accounts.next_account()?;
    let mint = accounts.next_account()?;
    let token_program = accounts.next_account()?;
    let instructions_sysvar = accounts.next_account()?;

    if !verifier.is_signer() {
        return Err(DistributionError::MissingVerifierSignature.into());
    }
    if !fee_payer.is_signer() {
        return Err(DistributionError::MissingFeePayerSignature.into());
    }
    let mut distribution = load_distribution(program_id, &distribution_account)?;
    if !distribution.is_verifier(verifier.key()) {
        return Err(DistributionError::WrongVerifier.into());
    }
    check_vault_and_token_program(&vault, &token_program, &distribution)?;
    let decimals = check_mint(&mint, &distribution)?;
    if !keys_equal(instructions_sysvar.key(), &INSTRUCTIONS_SYSVAR_ID) {
        return Err(DistributionError::InvalidInstructionsSysvar.into());
    }
    // The loan of the sysvar ends with this statement, before any CPI.
    let mut priority_fee_unreimbursed = if distribution.priority_fee_cap_lamports == 0 {
        0
    } else {
        priority_fee_lamports(&instructions_sysvar.try_borrow_data()?, program_id)?
    };
    check_claim_window(&distribution, unix_timestamp()?)?;
    let system_program = if claims.any_creates_recipient_account() {
        Some(take_account_creation_programs(&mut accounts)?)
    } else {
        None
    };
    if accounts.remaining() != claims.accounts_needed() {
        return Err(DistributionError::NotEnoughAccounts.into());
    }
    check_slots(
        &claims,
        distribution.max_claims,
        bitmap_mut(&mut distribution_account.try_borrow_mut_data()?),
        seen_slots,
    )?;

    // The PDA's signer seeds, built once for every transfer of the batch.
    let creator = distribution.creator;
    let seeds = DistributionSeeds::new(&creator, distribution.distribution_id, distribution.bump);
    let signer = seeds.seeds();
    // Everything owed comes out of the fee budget, so this sum never exceeds the budget's start.
    let mut lamports_owed_to_fee_payer = 0u64;
    for claim in claims.iter() {
        let recipient = accounts.next_account()?;
        let mut rent_paid = 0;
        if claim.create_recipient_account {
            let owner = accounts.next_account()?;
            let system_program = system_program
                .as_ref()
                .ok_or(DistributionError::NotEnoughAccounts)?;
            let lamports_before = recipient.lamports();
            CreateAssociatedTokenAccountIdempotent {
                payer: &fee_payer,
                associated_account: &recipient,
                owner: &owner,
                mint: &mint,
                system_program,
                token_program: &token_program,
            }
            .invoke()?;
            // What the fee payer put into the new account; nothing when it already existed.
            rent_paid = recipient.lamports().saturating_sub(lamports_before);
        }
        check_recipient(&recipient, token_program.key(), &distribution)?;
        let priority_share = priority_fee_unreimbursed.min(distribution.priority_fee_cap_lamports);
        priority_fee_unreimbursed -= priority_share;
        lamports_owed_to_fee_payer = lamports_owed_to_fee_payer
            .checked_add(charge_payout(&mut distribution, rent_paid, priority_share)?)
            .ok_or(DistributionError::ArithmeticOverflow)?;
        distribution.claimed_count = distribution
            .claimed_count
            .checked_add(1)
            .ok_or(DistributionError::ArithmeticOverflow)?;
        distribution.total_claimed_amount = distribution
            .total_claimed_amount
            .checked_add(distribution.amount_per_claim)
            .ok_or(DistributionError::ArithmeticOverflow)?;
        TransferChecked {
            token_program: &token_program,
            source: &vault,
            mint: &mint,
            destination: &recipient,
            authority: &distribution_account,
            amount: distribution.amount_per_claim,
            decimals,
        }
        .invoke_signed(&[&signer])?;
    }
    // Lamports move once, after every CPI, so no CPI sees a half-moved balance.
    move_lamports(
        &mut distribution_account,
        &mut fee_payer,
        lamports_owed_to_fee_payer,
    )?;
    distribution.store(&mut distribution_account.try_borrow_mut_data()?)?;
    Ok(())
}

/// Every slot is below max_claims (SlotOutOfRange), appears once (DuplicateSlotInBatch) and is
/// not claimed yet (SlotAlreadyClaimed); then marks them all claimed in `bitmap`. On any error the
/// transaction fails, so the marks made so far never reach the chain.
fn check_slots(
    claims: &ClaimEntries,
    max_claims: u32,
    bitmap: &mut [u8],
    seen_slots: &mut SeenSlots,
) -> ProgramResult {
    let seen = &mut seen_slots[..bitmap_len(max_claims)];
    zero(seen);
    for claim in claims.iter() {
        if claim.slot as u32 >= max_claims {
            return Err(DistributionError::SlotOutOfRange.into());
        }
        if test_and_set(seen, claim.slot).ok_or(DistributionError::SlotOutOfRange)? {
            return Err(DistributionError::DuplicateSlotInBatch.into());
        }
        if test_and_set(bitmap, claim.slot).ok_or(DistributionError::SlotOutOfRange)? {
            return Err(DistributionError::SlotAlreadyClaimed.into());
        }
    }
    Ok(())
}

/// A recipient must be an initialized, unfrozen token account other than the vault
/// (RecipientNotTokenAccount) of the distribution's mint (RecipientMintMismatch). Paying the
/// vault itself would count a claim while no token leaves.
fn check_recipient(
    recipient: &AccountInfo,
    token_program: &Pubkey,
    distribution: &Distribution,
) -> ProgramResult {
    let token_account = TokenAccount::read(recipient, token_program)
        .ok_or(DistributionError::RecipientNotTokenAccount)?;
    if keys_equal(recipient.key(), &distribution.vault) {
        return Err(DistributionError::RecipientNotTokenAccount.into());
    }
    if !keys_equal(&token_account.mint, &distribution.mint) {
        return Err(DistributionError::RecipientMintMismatch.into());
    }
    Ok(())
}

fn move_lamports(from: &mut AccountInfo, to: &mut AccountInfo, lamports: u64) -> ProgramResult {
    let remaining = from
        .lamports()
        .checked_sub(lamports)
        .ok_or(DistributionError::ArithmeticOverflow)?;
    let received = to
        .lamports()
        .checked_add(lamports)
        .ok_or(DistributionError::ArithmeticOverflow)?;
    from.set_lamports(remaining);
    to.set_lamports(received);
    Ok(())
}

/// Takes associated_token_program (InvalidAssociatedTokenProgram) and system_program
/// (InvalidSystemProgram), the programs that creating recipients' associated token accounts
/// calls, and returns the system program's account. The associated token program only has to be
/// among the instruction's accounts for the CPI; it is not otherwise used.
fn take_account_creation_programs<'a>(
    accounts: &mut Accounts<'a>,
) -> Result<AccountInfo<'a>, ProgramError> {
    let associated_token_program = accounts.next_account()?;
    let system_program = accounts.next_account()?;
    if !keys_equal(associated_token_program.key(), &ASSOCIATED_TOKEN_PROGRAM_ID) {
        return Err(DistributionError::InvalidAssociatedTokenProgram.into());
    }
    if !keys_equal(system_program.key(), &SYSTEM_PROGRAM_ID) {
        return Err(DistributionError::InvalidSystemProgram.into());
    }
    Ok(system_program)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims_data(slots: &[u16]) -> Vec<u8> {
        let mut data = (slots.len() as u32).to_le_bytes().to_vec();
        for slot in slots {
            data.extend_from_slice(&slot.to_le_bytes());
            data.push(0);
        }
        data
    }

    fn check_against(slots: &[u16], max_claims: u32, bitmap: &mut [u8]) -> ProgramResult {
        let data = claims_data(slots);
        let mut seen_slots = [0xffu8; bitmap_len(MAX_CLAIMS)];
        check_slots(
            &ClaimEntries::parse(&data).unwrap(),
            max_claims,
            bitmap,
            &mut seen_slots,
        )
    }

    fn check(slots: &[u16], max_claims: u32) -> ProgramResult {
        check_against(slots, max_claims, &mut vec![0u8; bitmap_len(max_claims)])
    }

    #[test]
    fn slots_must_be_below_max_claims() {
        assert_eq!(check(&[0, 9], 10), Ok(()));
        assert_eq!(
            check(&[0, 10], 10),
            Err(DistributionError::SlotOutOfRange.into())
        );
        assert_eq!(check(&[65_535], MAX_CLAIMS), Ok(()));
        assert_eq!(
            check(&[65_535], MAX_CLAIMS - 1),
            Err(DistributionError::SlotOutOfRange.into())
        );
    }

    #[test]
    fn a_slot_twice_in_one_batch_is_refused_even_when_not_adjacent() {
        assert_eq!(
            check(&[3, 4, 3], 10),
            Err(DistributionError::DuplicateSlotInBatch.into())
        );
        assert_eq!(
            check(&[7, 7], 10),
            Err(DistributionError::DuplicateSlotInBatch.into())
        );
        // Slots 8 apart share nothing but the bit position in different bytes.
        assert_eq!(check(&[1, 9, 17, 0, 2], 20), Ok(()));
    }

    #[test]
    fn the_scratch_bitmap_is_cleared_before_use() {
        // `check` hands over a scratch buffer full of ones: without clearing, every slot would
        // look like a duplicate.
        let slots: Vec<u16> = (0..64).collect();
        assert_eq!(check(&slots, 64), Ok(()));
    }

    #[test]
    fn a_slot_claimed_before_fails_the_whole_batch() {
        let mut bitmap = vec![0u8; bitmap_len(20)];
        assert_eq!(check_against(&[2, 11], 20, &mut bitmap), Ok(()));
        assert_eq!(bitmap, [0b0000_0100, 0b0000_1000, 0]);
        assert_eq!(
            check_against(&[5, 11], 20, &mut bitmap),
            Err(DistributionError::SlotAlreadyClaimed.into())
        );
        assert_eq!(
            check_against(&[2], 20, &mut bitmap),
            Err(DistributionError::SlotAlreadyClaimed.into())
        );
    }
}
