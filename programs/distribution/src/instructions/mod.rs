//! One module per instruction, plus the account checks several of them share.

pub mod batch_claim;
pub mod close_distribution;
pub mod create_distribution;
pub mod pause;
pub mod resume;
pub mod set_verifier;

use crate::error::{DistributionError, ProgramError, ProgramResult};
use crate::ids::{keys_equal, Pubkey, TOKEN_PROGRAM_ID};
use crate::input::{AccountInfo, Accounts};
use crate::pda::{derives, DistributionSeeds};
use crate::state::Distribution;
use crate::token::TokenAccount;

/// Loads a Distribution account: owned by this program (DistributionNotOwnedByProgram), not a
/// closed distribution's tombstone (DistributionClosed), a version-1 Distribution of consistent
/// size (InvalidDiscriminator), and at the address its stored creator, id and bump derive
/// (DistributionAddressMismatch), so no look-alike account passes.
fn load_distribution(
    program_id: &Pubkey,
    account: &AccountInfo,
) -> Result<Distribution, ProgramError> {
    if !keys_equal(account.owner(), program_id) {
        return Err(DistributionError::DistributionNotOwnedByProgram.into());
    }
    let distribution = Distribution::load(account.data())?;
    let seeds = DistributionSeeds::new(
        &distribution.creator,
        distribution.distribution_id,
        distribution.bump,
    );
    if !derives(&seeds.seeds(), program_id, account.key()) {
        return Err(DistributionError::DistributionAddressMismatch.into());
    }
    Ok(distribution)
}

/// The creator signed (MissingCreatorSignature), the distribution is valid (see
/// `load_distribution`) and the signer is its stored creator (NotCreator).
fn authorize_creator(
    program_id: &Pubkey,
    creator: &AccountInfo,
    distribution: &AccountInfo,
) -> Result<Distribution, ProgramError> {
    if !creator.is_signer() {
        return Err(DistributionError::MissingCreatorSignature.into());
    }
    let loaded = load_distribution(program_id, distribution)?;
    if !keys_equal(creator.key(), &loaded.creator) {
        return Err(DistributionError::NotCreator.into());
    }
    Ok(loaded)
}

/// Only SPL Token (classic) is supported (InvalidTokenProgram).
fn check_token_program(account: &AccountInfo) -> ProgramResult {
    if !keys_equal(account.key(), &TOKEN_PROGRAM_ID) {
        return Err(DistributionError::InvalidTokenProgram.into());
    }
    Ok(())
}

/// An initialized token account that `creator` owns (SourceNotCreatorTokenAccount) holding
/// `mint` (MintMismatch).
fn check_creator_token_account(
    account: &AccountInfo,
    creator: &Pubkey,
    mint: &Pubkey,
) -> ProgramResult {
    let token_account =
        TokenAccount::read(account).ok_or(DistributionError::SourceNotCreatorTokenAccount)?;
    if !keys_equal(&token_account.owner, creator) {
        return Err(DistributionError::SourceNotCreatorTokenAccount.into());
    }
    if !keys_equal(&token_account.mint, mint) {
        return Err(DistributionError::MintMismatch.into());
    }
    Ok(())
}

/// The creator-only instructions that change the header: exactly the accounts
/// [creator (signer), distribution (writable)], checked by `authorize_creator`.
fn update_as_creator(
    program_id: &Pubkey,
    mut accounts: Accounts,
    change: impl FnOnce(&mut Distribution),
) -> ProgramResult {
    let creator = accounts.next_account()?;
    let mut distribution_account = accounts.next_account()?;
    accounts.finish()?;
    let mut distribution = authorize_creator(program_id, &creator, &distribution_account)?;
    change(&mut distribution);
    distribution.store(distribution_account.data_mut())?;
    Ok(())
}
