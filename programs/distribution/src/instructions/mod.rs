//! One module per instruction, plus the account checks several of them share.

pub mod batch_claim;
pub mod close_distribution;
pub mod create_distribution;
pub mod pause;
pub mod resume;
pub mod set_verifier;

use crate::error::{DistributionError, ProgramError, ProgramResult};
use crate::ids::{is_token_program, keys_equal, Pubkey};
use crate::input::{AccountInfo, Accounts};
use crate::pda::{derives, DistributionSeeds};
use crate::state::Distribution;
use crate::token::{Mint, TokenAccount};

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
    let distribution = Distribution::load(&account.try_borrow_data()?)?;
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

/// SPL Token or Token-2022 (InvalidTokenProgram).
fn check_token_program(account: &AccountInfo) -> ProgramResult {
    if !is_token_program(account.key()) {
        return Err(DistributionError::InvalidTokenProgram.into());
    }
    Ok(())
}

/// The distribution's own vault (VaultMismatch), kept by `token_program`, one of the two token
/// programs (InvalidTokenProgram): create made the vault with the mint's program, so this binds
/// every later call to that program.
fn check_vault_and_token_program(
    vault: &AccountInfo,
    token_program: &AccountInfo,
    distribution: &Distribution,
) -> ProgramResult {
    if !keys_equal(vault.key(), &distribution.vault) {
        return Err(DistributionError::VaultMismatch.into());
    }
    check_token_program(token_program)?;
    if !keys_equal(vault.owner(), token_program.key()) {
        return Err(DistributionError::InvalidTokenProgram.into());
    }
    Ok(())
}

/// The distribution's stored mint (MintMismatch); returns its decimals for TransferChecked.
fn check_mint(mint: &AccountInfo, distribution: &Distribution) -> Result<u8, ProgramError> {
    if !keys_equal(mint.key(), &distribution.mint) {
        return Err(DistributionError::MintMismatch.into());
    }
    Ok(Mint::decimals_of(mint)?)
}

/// An initialized token account of `token_program` that `creator` owns
/// (SourceNotCreatorTokenAccount) holding `mint` (MintMismatch).
fn check_creator_token_account(
    account: &AccountInfo,
    token_program: &Pubkey,
    creator: &Pubkey,
    mint: &Pubkey,
) -> ProgramResult {
    let token_account = TokenAccount::read(account, token_program)
        .ok_or(DistributionError::SourceNotCreatorTokenAccount)?;
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
    let distribution_account = accounts.next_account()?;
    accounts.finish()?;
    let mut distribution = authorize_creator(program_id, &creator, &distribution_account)?;
    change(&mut distribution);
    distribution.store(&mut distribution_account.try_borrow_mut_data()?)?;
    Ok(())
}
