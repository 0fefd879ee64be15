//! set_verifier: the key that may sign batch_claim changes hands, with the consent of both the
//! creator and the current verifier (e.g. a rotated backend key). Neither can take it alone: a
//! creator who made itself the verifier could pay every slot to itself. A creator whose operator
//! disappears pauses the distribution and closes it after the end instead.
//!
//! Checks:
//! - instruction data is exactly one Pubkey (InvalidInstructionData), not the default key
//!   (InvalidVerifier);
//! - exactly 3 accounts (NotEnoughAccounts);
//! - 0 creator: signed (MissingCreatorSignature) and is the stored creator (NotCreator);
//! - 1 current_verifier: signed (MissingVerifierSignature) and is the stored verifier
//!   (WrongVerifier);
//! - 2 distribution: owned by this program (DistributionNotOwnedByProgram), not closed
//!   (DistributionClosed), Distribution discriminator, version and size (InvalidDiscriminator),
//!   address re-derived from ["distribution", creator, distribution_id, bump]
//!   (DistributionAddressMismatch); written, so the runtime refuses it unless writable.

use super::authorize_creator;
use crate::error::{DistributionError, ProgramResult};
use crate::ids::{is_default_key, Pubkey};
use crate::input::Accounts;
use crate::instruction_data::parse_new_verifier;

pub fn process(program_id: &Pubkey, mut accounts: Accounts, data: &[u8]) -> ProgramResult {
    let new_verifier = parse_new_verifier(data)?;
    if is_default_key(&new_verifier) {
        return Err(DistributionError::InvalidVerifier.into());
    }
    let creator = accounts.next_account()?;
    let current_verifier = accounts.next_account()?;
    let distribution_account = accounts.next_account()?;
    accounts.finish()?;
    let mut distribution = authorize_creator(program_id, &creator, &distribution_account)?;
    if !current_verifier.is_signer() {
        return Err(DistributionError::MissingVerifierSignature.into());
    }
    if !distribution.is_verifier(current_verifier.key()) {
        return Err(DistributionError::WrongVerifier.into());
    }
    distribution.verifier = new_verifier;
    distribution.store(&mut distribution_account.try_borrow_mut_data()?)?;
    Ok(())
}
