//! resume: the creator lets payouts continue after pause. Resuming a running distribution is a
//! no-op.
//!
//! Checks:
//! - no instruction data after the discriminator (InvalidInstructionData);
//! - exactly 2 accounts (NotEnoughAccounts);
//! - 0 creator: signed (MissingCreatorSignature) and is the stored creator (NotCreator);
//! - 1 distribution: owned by this program (DistributionNotOwnedByProgram), Distribution
//!   discriminator, version and size (InvalidDiscriminator), address re-derived from
//!   ["distribution", creator, distribution_id, bump] (DistributionAddressMismatch); written, so
//!   the runtime refuses it unless writable.

use super::update_as_creator;
use crate::error::ProgramResult;
use crate::ids::Pubkey;
use crate::input::Accounts;
use crate::instruction_data::parse_no_args;

pub fn process(program_id: &Pubkey, accounts: Accounts, data: &[u8]) -> ProgramResult {
    parse_no_args(data)?;
    update_as_creator(program_id, accounts, |distribution| {
        distribution.paused = false
    })
}
