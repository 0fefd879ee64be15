//! close_distribution: after the end, or once every slot is paid, the creator takes back the
//! vault's remaining tokens, the vault's rent, and the distribution's rent and unused fee
//! budget. The distribution shrinks to an 8-byte tombstone that this program keeps (its rent,
//! 946,560 lamports, stays locked): a fresh distribution at the same address would start with an
//! empty bitmap and could pay the same slots again.
//!
//! Checks:
//! - no instruction data after the discriminator (InvalidInstructionData);
//! - exactly 6 accounts (NotEnoughAccounts);
//! - 0 creator: signed (MissingCreatorSignature) and is the stored creator (NotCreator);
//!   receives lamports, so the runtime also requires it writable;
//! - 1 distribution: owned by this program (DistributionNotOwnedByProgram), not closed already
//!   (DistributionClosed), Distribution discriminator, version and size (InvalidDiscriminator),
//!   address re-derived from ["distribution", creator, distribution_id, bump]
//!   (DistributionAddressMismatch);
//! - 2 vault is the stored vault (VaultMismatch), kept by 5 token_program, SPL Token or
//!   Token-2022 (InvalidTokenProgram);
//! - 3 mint is the stored mint (MintMismatch);
//! - 4 creator_token_account: an initialized, unfrozen token account of the token program
//!   owned by the creator (SourceNotCreatorTokenAccount) holding the distribution's mint
//!   (MintMismatch);
//! - now > end_ts or claimed_count == max_claims (NotClosable);
//! - the creator's balance does not overflow and the tombstone's rent is there
//!   (ArithmeticOverflow).

use super::{
    authorize_creator, check_creator_token_account, check_mint, check_vault_and_token_program,
};
use crate::cpi::{CloseAccount, TransferChecked};
use crate::error::{DistributionError, ProgramResult};
use crate::ids::Pubkey;
use crate::input::Accounts;
use crate::instruction_data::parse_no_args;
use crate::pda::DistributionSeeds;
use crate::rules::check_closable;
use crate::state::{CLOSED_DISCRIMINATOR, CLOSED_LEN};
use crate::syscalls::{unix_timestamp, zero, Rent};
use crate::token::TokenAccount;

pub fn process(program_id: &Pubkey, mut accounts: Accounts, data: &[u8]) -> ProgramResult {
    parse_no_args(data)?;
    let mut creator = accounts.next_account()?;
    let mut distribution_account = accounts.next_account()?;
    let vault = accounts.next_account()?;
    let mint = accounts.next_account()?;
    let creator_token_account = accounts.next_account()?;
    let token_program = accounts.next_account()?;
    accounts.finish()?;

    let distribution = authorize_creator(program_id, &creator, &distribution_account)?;
    check_vault_and_token_program(&vault, &token_program, &distribution)?;
    let decimals = check_mint(&mint, &distribution)?;
    check_creator_token_account(
        &creator_token_account,
        token_program.key(),
        creator.key(),
        &distribution.mint,
    )?;
    check_closable(&distribution, unix_timestamp()?)?;

    let seeds = DistributionSeeds::new(
        &distribution.creator,
        distribution.distribution_id,
        distribution.bump,
    );
    let signer = seeds.seeds();
    // The stored vault was created and initialized by create_distribution; only a frozen vault
    // reads as None here, and the token program refuses to move a frozen vault's tokens anyway.
    let remainder = TokenAccount::read(&vault, token_program.key()).map_or(0, |vault| vault.amount);
    if remainder > 0 {
        TransferChecked {
            token_program: &token_program,
            source: &vault,
            mint: &mint,
            destination: &creator_token_account,
            authority: &distribution_account,
            amount: remainder,
            decimals,
        }
        .invoke_signed(&[&signer])?;
    }
    CloseAccount {
        token_program: &token_program,
        account: &vault,
        destination: &creator,
        authority: &distribution_account,
    }
    .invoke_signed(&[&signer])?;

    let tombstone_rent = Rent::get()?.minimum_balance(CLOSED_LEN as u64)?;
    let returned = distribution_account
        .lamports()
        .checked_sub(tombstone_rent)
        .ok_or(DistributionError::ArithmeticOverflow)?;
    let creator_lamports = creator
        .lamports()
        .checked_add(returned)
        .ok_or(DistributionError::ArithmeticOverflow)?;
    creator.set_lamports(creator_lamports);
    distribution_account.set_lamports(tombstone_rent);
    zero(&mut distribution_account.try_borrow_mut_data()?);
    distribution_account.shrink_data(CLOSED_LEN)?;
    distribution_account
        .try_borrow_mut_data()?
        .copy_from_slice(&CLOSED_DISCRIMINATOR);
    Ok(())
}
