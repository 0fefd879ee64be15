//! set_verifier: the creator replaces the key that may sign batch_claim (e.g. a rotated
//! backend key).
//!
//! Checks:
//! - instruction data is exactly one Pubkey (InvalidInstructionData), not the default key
//!   (InvalidVerifier);
//! - exactly 2 accounts (NotEnoughAccounts);
//! - 0 creator: signed (MissingCreatorSignature) and is the stored creator (NotCreator);
//! - 1 distribution: owned by this program (DistributionNotOwnedByProgram), Distribution
//!   discriminator, version and size (InvalidDiscriminator), address re-derived from
//!   ["distribution", creator, distribution_id, bump] (DistributionAddressMismatch); written, so
//!   the runtime refuses it unless writable.

use super::update_as_creator;
use crate::error::{DistributionError, ProgramResult};
use crate::ids::{is_default_key, Pubkey};
use crate::input::Accounts;
use crate::instruction_data::parse_new_verifier;

pub fn process(program_id: &Pubkey, accounts: Accounts, data: &[u8]) -> ProgramResult {
    let new_verifier = parse_new_verifier(data)?;
    if is_default_key(&new_verifier) {
        return Err(DistributionError::InvalidVerifier.into());
    }
    update_as_creator(program_id, accounts, |distribution| {
        distribution.verifier = new_verifier
    })
}
