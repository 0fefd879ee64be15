//! The program's two PDAs. Bumps come from the creator's arguments once, are stored, and are
//! only ever checked with `create_program_address` (one hash) instead of searched for.

use crate::ids::{keys_equal, Pubkey};
use crate::syscalls::{create_program_address, Seeds};

pub const DISTRIBUTION_SEED: &[u8] = b"distribution";
pub const VAULT_SEED: &[u8] = b"vault";

/// The seeds of a distribution PDA: ["distribution", creator, distribution_id (u64 LE), bump].
pub struct DistributionSeeds<'a> {
    creator: &'a Pubkey,
    id: [u8; 8],
    bump: [u8; 1],
}

impl<'a> DistributionSeeds<'a> {
    pub fn new(creator: &'a Pubkey, distribution_id: u64, bump: u8) -> Self {
        DistributionSeeds {
            creator,
            id: distribution_id.to_le_bytes(),
            bump: [bump],
        }
    }

    pub fn seeds(&self) -> [&[u8]; 4] {
        [DISTRIBUTION_SEED, self.creator, &self.id, &self.bump]
    }
}

/// The seeds of a vault PDA: ["vault", distribution, bump].
pub struct VaultSeeds<'a> {
    distribution: &'a Pubkey,
    bump: [u8; 1],
}

impl<'a> VaultSeeds<'a> {
    pub fn new(distribution: &'a Pubkey, bump: u8) -> Self {
        VaultSeeds {
            distribution,
            bump: [bump],
        }
    }

    pub fn seeds(&self) -> [&[u8]; 3] {
        [VAULT_SEED, self.distribution, &self.bump]
    }
}

/// True when no bump above `bump` gives an address off the curve, so `bump` is the one
/// find_program_address returns. Without this a creator could open a second distribution for the
/// same (creator, id), or one at an address the clients never derive.
pub fn is_canonical_bump(bump: u8, address_with_bump: impl Fn(u8) -> Option<Pubkey>) -> bool {
    (u16::from(bump) + 1..=u16::from(u8::MAX))
        .all(|higher| address_with_bump(higher as u8).is_none())
}

/// True when `seeds` (bump included) derive exactly `expected` under `program_id`.
pub fn derives(seeds: &Seeds, program_id: &Pubkey, expected: &Pubkey) -> bool {
    match create_program_address(seeds, program_id) {
        Some(address) => keys_equal(&address, expected),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_seeds_are_prefix_creator_little_endian_id_and_bump() {
        let creator = [7u8; 32];
        let owner = DistributionSeeds::new(&creator, 0x0102_0304_0506_0708, 254);
        let seeds = owner.seeds();
        assert_eq!(seeds[0], b"distribution");
        assert_eq!(seeds[1], &creator);
        assert_eq!(seeds[2], &[8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(seeds[3], &[254]);
    }

    #[test]
    fn a_bump_is_canonical_only_when_every_higher_bump_is_on_the_curve() {
        let off_curve_at =
            |valid: &'static [u8]| move |bump: u8| valid.contains(&bump).then_some([bump; 32]);
        assert!(is_canonical_bump(255, off_curve_at(&[255, 3])));
        assert!(is_canonical_bump(254, off_curve_at(&[254, 100])));
        assert!(!is_canonical_bump(100, off_curve_at(&[254, 100])));
        assert!(!is_canonical_bump(0, off_curve_at(&[0, 255])));
    }

    #[test]
    fn vault_seeds_are_prefix_distribution_and_bump() {
        let distribution = [9u8; 32];
        let owner = VaultSeeds::new(&distribution, 3);
        assert_eq!(owner.seeds(), [b"vault" as &[u8], &distribution, &[3]]);
    }
}
