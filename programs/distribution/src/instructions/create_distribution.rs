//! create_distribution: the creator escrows amount_per_claim × max_claims tokens in a new vault
//! and funds an optional lamport fee budget for the operator's fee payer.
//!
//! Checks:
//! - instruction data parsed exactly (InvalidInstructionData);
//! - amount_per_claim > 0 (ZeroAmount); 1 <= max_claims <= 65,536 (InvalidMaxClaims);
//!   amount_per_claim × max_claims fits in a u64 (DepositOverflow);
//! - start_ts < end_ts, end_ts - start_ts <= 90 days, end_ts > now, start_ts <= now + 30 days
//!   (InvalidTimeRange);
//! - verifier is not the default key (InvalidVerifier);
//! - fee_budget_lamports >= (fee_per_claim_lamports + priority_fee_cap_lamports) × max_claims
//!   (FeeBudgetTooSmall), so every payout can reimburse its fee and its priority fee up to the cap;
//! - exactly 7 accounts (NotEnoughAccounts);
//! - 0 creator: signed (MissingCreatorSignature); pays rent and the fee budget and authorizes
//!   the token transfer, so the runtime also requires it writable;
//! - 5 token_program is SPL Token or Token-2022 (InvalidTokenProgram); the vault is created in
//!   it, which binds the distribution's later calls to it;
//! - 6 system_program is the system program (InvalidSystemProgram);
//! - 3 mint: owned by the token program, a mint's layout, initialized (InvalidMint); for
//!   Token-2022, every extension judged (`token::judge_mint_extensions`: transfer fees, permanent
//!   delegate, transfer hook, non-transferable, default account state, pausable, confidential
//!   transfers, interest-bearing or scaled UI amounts and unknown types are refused, each kind
//!   with its own error);
//! - 4 creator_token_account: an initialized, unfrozen token account of the token program owned
//!   by the creator (SourceNotCreatorTokenAccount) holding `mint` (MintMismatch);
//! - 1 distribution: the PDA ["distribution", creator, distribution_id, bump]
//!   (DistributionAddressMismatch), unused: system-owned without data (AccountAlreadyInUse);
//!   lamports someone sent to the address beforehand do not block it (see `cpi::CreateAccount`);
//! - 2 vault: the PDA ["vault", distribution, vault_bump] (VaultAddressMismatch), unused
//!   (AccountAlreadyInUse);
//! - rent + fee budget fits in a u64 (ArithmeticOverflow);
//! - both bumps are canonical: no higher bump derives an address off the curve
//!   (NonCanonicalBump), so each (creator, distribution_id) has exactly one distribution and one
//!   vault, at the addresses every client derives.
//!
//! The bumps come from the client (found off chain) and are verified with create_program_address
//! (one call per higher bump, usually none or one) instead of being searched for on chain.

use super::{check_creator_token_account, check_token_program};
use crate::cpi::{CreateAccount, InitializeAccount3, TransferChecked};
use crate::error::{DistributionError, ProgramResult};
use crate::ids::{keys_equal, Pubkey, SYSTEM_PROGRAM_ID};
use crate::input::{AccountInfo, Accounts};
use crate::instruction_data::CreateArgs;
use crate::pda::{derives, is_canonical_bump, DistributionSeeds, VaultSeeds};
use crate::rules::validate_create_args;
use crate::state::{account_len, Distribution};
use crate::syscalls::{create_program_address, unix_timestamp, Rent};
use crate::token::{Mint, TOKEN_ACCOUNT_LEN};

pub fn process(program_id: &Pubkey, mut accounts: Accounts, data: &[u8]) -> ProgramResult {
    let args = CreateArgs::parse(data)?;
    let deposit = validate_create_args(&args, unix_timestamp()?)?;

    let creator = accounts.next_account()?;
    let distribution_account = accounts.next_account()?;
    let vault = accounts.next_account()?;
    let mint = accounts.next_account()?;
    let creator_token_account = accounts.next_account()?;
    let token_program = accounts.next_account()?;
    let system_program = accounts.next_account()?;
    accounts.finish()?;

    if !creator.is_signer() {
        return Err(DistributionError::MissingCreatorSignature.into());
    }
    check_token_program(&token_program)?;
    if !keys_equal(system_program.key(), &SYSTEM_PROGRAM_ID) {
        return Err(DistributionError::InvalidSystemProgram.into());
    }
    let decimals = Mint::read(&mint, token_program.key())?.decimals;
    check_creator_token_account(
        &creator_token_account,
        token_program.key(),
        creator.key(),
        mint.key(),
    )?;

    let distribution_seeds = DistributionSeeds::new(creator.key(), args.distribution_id, args.bump);
    let distribution_signer = distribution_seeds.seeds();
    if !derives(&distribution_signer, program_id, distribution_account.key()) {
        return Err(DistributionError::DistributionAddressMismatch.into());
    }
    if !is_canonical_bump(args.bump, |bump| {
        create_program_address(
            &DistributionSeeds::new(creator.key(), args.distribution_id, bump).seeds(),
            program_id,
        )
    }) {
        return Err(DistributionError::NonCanonicalBump.into());
    }
    if !is_unused(&distribution_account) {
        return Err(DistributionError::AccountAlreadyInUse.into());
    }
    let vault_seeds = VaultSeeds::new(distribution_account.key(), args.vault_bump);
    let vault_signer = vault_seeds.seeds();
    if !derives(&vault_signer, program_id, vault.key()) {
        return Err(DistributionError::VaultAddressMismatch.into());
    }
    if !is_canonical_bump(args.vault_bump, |bump| {
        create_program_address(
            &VaultSeeds::new(distribution_account.key(), bump).seeds(),
            program_id,
        )
    }) {
        return Err(DistributionError::NonCanonicalBump.into());
    }
    if !is_unused(&vault) {
        return Err(DistributionError::AccountAlreadyInUse.into());
    }

    let rent = Rent::get()?;
    let space = account_len(args.max_claims) as u64;
    // The fee budget rides on the distribution account as lamports above its rent-exempt minimum.
    let distribution_lamports = rent
        .minimum_balance(space)?
        .checked_add(args.fee_budget_lamports)
        .ok_or(DistributionError::ArithmeticOverflow)?;
    CreateAccount {
        from: &creator,
        to: &distribution_account,
        lamports: distribution_lamports,
        space,
        owner: program_id,
    }
    .invoke_signed(&[&distribution_signer])?;
    let vault_space = TOKEN_ACCOUNT_LEN as u64;
    let vault_lamports = rent.minimum_balance(vault_space)?;
    CreateAccount {
        from: &creator,
        to: &vault,
        lamports: vault_lamports,
        space: vault_space,
        owner: token_program.key(),
    }
    .invoke_signed(&[&vault_signer])?;
    InitializeAccount3 {
        token_program: &token_program,
        account: &vault,
        mint: &mint,
        owner: distribution_account.key(),
    }
    .invoke()?;
    TransferChecked {
        token_program: &token_program,
        source: &creator_token_account,
        mint: &mint,
        destination: &vault,
        authority: &creator,
        amount: deposit,
        decimals,
    }
    .invoke_signed(&[])?;

    let distribution = Distribution {
        bump: args.bump,
        vault_bump: args.vault_bump,
        paused: false,
        creator: *creator.key(),
        mint: *mint.key(),
        vault: *vault.key(),
        verifier: args.verifier,
        distribution_id: args.distribution_id,
        post_id: args.post_id,
        amount_per_claim: args.amount_per_claim,
        max_claims: args.max_claims,
        claimed_count: 0,
        start_ts: args.start_ts,
        end_ts: args.end_ts,
        fee_per_claim_lamports: args.fee_per_claim_lamports,
        fee_budget_lamports: args.fee_budget_lamports,
        total_claimed_amount: 0,
        requirements_hash: args.requirements_hash,
        priority_fee_cap_lamports: args.priority_fee_cap_lamports,
    };
    // CreateAccount gave the account its size and zeroed it, so the bitmap starts all unclaimed.
    distribution.store(&mut distribution_account.try_borrow_mut_data()?)?;
    Ok(())
}

/// An address no account lives at yet: owned by the system program, without data.
fn is_unused(account: &AccountInfo) -> bool {
    keys_equal(account.owner(), &SYSTEM_PROGRAM_ID) && account.data_len() == 0
}
