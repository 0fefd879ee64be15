//! The Distribution account: Borsh layout at explicit offsets, and the claimed-slot bitmap.
//!
//! | offset | field                  | type     |
//! |--------|------------------------|----------|
//! | 0      | discriminator          | [u8; 8]  |
//! | 8      | version                | u8       |
//! | 9      | bump                   | u8       |
//! | 10     | vault_bump             | u8       |
//! | 11     | paused                 | bool     |
//! | 12     | creator                | Pubkey   |
//! | 44     | mint                   | Pubkey   |
//! | 76     | vault                  | Pubkey   |
//! | 108    | verifier               | Pubkey   |
//! | 140    | distribution_id        | u64      |
//! | 148    | post_id                | u64      |
//! | 156    | amount_per_claim       | u64      |
//! | 164    | max_claims             | u32      |
//! | 168    | claimed_count          | u32      |
//! | 172    | start_ts               | i64      |
//! | 180    | end_ts                 | i64      |
//! | 188    | fee_per_claim_lamports | u64      |
//! | 196    | fee_budget_lamports    | u64      |
//! | 204    | total_claimed_amount   | u64      |
//! | 212    | requirements_hash      | [u8; 32] |
//! | 244    | priority_fee_cap_lamports | u64   |
//! | 252    | claimed_bitmap length  | u32      |
//! | 256    | claimed_bitmap         | [u8]     |

use crate::bytes::{array_at, put, u64_at};
use crate::error::DistributionError;
use crate::ids::{keys_equal, Pubkey};

/// sha256("account:Distribution")[..8], as Anchor computes it.
pub const DISCRIMINATOR: [u8; 8] = [176, 85, 17, 11, 13, 194, 18, 1];
/// sha256("account:ClosedDistribution")[..8]: all a closed distribution keeps. The tombstone
/// stays owned by this program, so its address can never hold a new distribution whose empty
/// bitmap would make paid slots payable again.
pub const CLOSED_DISCRIMINATOR: [u8; 8] = [160, 237, 64, 238, 248, 8, 210, 85];
pub const CLOSED_LEN: usize = CLOSED_DISCRIMINATOR.len();
pub const VERSION: u8 = 1;
/// One bit per slot; 65,536 slots make an 8 KiB bitmap, which keeps the account under the
/// 10 KiB a CPI-created account may have.
pub const MAX_CLAIMS: u32 = 65_536;

pub const HEADER_LEN: usize = 252;
pub const BITMAP_OFFSET: usize = HEADER_LEN + 4;

mod offset {
    pub const DISCRIMINATOR: usize = 0;
    pub const VERSION: usize = 8;
    pub const BUMP: usize = 9;
    pub const VAULT_BUMP: usize = 10;
    pub const PAUSED: usize = 11;
    pub const CREATOR: usize = 12;
    pub const MINT: usize = 44;
    pub const VAULT: usize = 76;
    pub const VERIFIER: usize = 108;
    pub const DISTRIBUTION_ID: usize = 140;
    pub const POST_ID: usize = 148;
    pub const AMOUNT_PER_CLAIM: usize = 156;
    pub const MAX_CLAIMS: usize = 164;
    pub const CLAIMED_COUNT: usize = 168;
    pub const START_TS: usize = 172;
    pub const END_TS: usize = 180;
    pub const FEE_PER_CLAIM_LAMPORTS: usize = 188;
    pub const FEE_BUDGET_LAMPORTS: usize = 196;
    pub const TOTAL_CLAIMED_AMOUNT: usize = 204;
    pub const REQUIREMENTS_HASH: usize = 212;
    pub const PRIORITY_FEE_CAP_LAMPORTS: usize = 244;
    pub const BITMAP_LEN: usize = super::HEADER_LEN;
}

/// The header of a Distribution account (everything but the bitmap), decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distribution {
    pub bump: u8,
    pub vault_bump: u8,
    pub paused: bool,
    pub creator: Pubkey,
    pub mint: Pubkey,
    pub vault: Pubkey,
    pub verifier: Pubkey,
    pub distribution_id: u64,
    pub post_id: u64,
    pub amount_per_claim: u64,
    pub max_claims: u32,
    pub claimed_count: u32,
    pub start_ts: i64,
    pub end_ts: i64,
    pub fee_per_claim_lamports: u64,
    pub fee_budget_lamports: u64,
    pub total_claimed_amount: u64,
    pub requirements_hash: [u8; 32],
    /// The most priority fee per paid claim the fee budget reimburses the fee payer; the creator's
    /// cap, reserved in the budget for every unpaid slot like the base fee.
    pub priority_fee_cap_lamports: u64,
}

/// Bytes of bitmap for `max_claims` slots: ceil(max_claims / 8).
pub const fn bitmap_len(max_claims: u32) -> usize {
    (max_claims as usize).div_ceil(8)
}

/// The size of a Distribution account with `max_claims` slots.
pub const fn account_len(max_claims: u32) -> usize {
    BITMAP_OFFSET + bitmap_len(max_claims)
}

impl Distribution {
    /// Decodes account data, refusing a closed distribution's tombstone (DistributionClosed) and
    /// anything else that is not a version-1 Distribution whose size and bitmap length agree with
    /// its max_claims (InvalidDiscriminator).
    pub fn load(data: &[u8]) -> Result<Distribution, DistributionError> {
        if is_closed(data) {
            return Err(DistributionError::DistributionClosed);
        }
        if data.len() < BITMAP_OFFSET
            || !keys_equal_8(&array_at(data, offset::DISCRIMINATOR), &DISCRIMINATOR)
        {
            return Err(DistributionError::InvalidDiscriminator);
        }
        let max_claims = u32::from_le_bytes(array_at(data, offset::MAX_CLAIMS));
        let stored_bitmap_len = u32::from_le_bytes(array_at(data, offset::BITMAP_LEN)) as usize;
        if data[offset::VERSION] != VERSION
            || max_claims == 0
            || max_claims > MAX_CLAIMS
            || stored_bitmap_len != bitmap_len(max_claims)
            || data.len() != account_len(max_claims)
        {
            return Err(DistributionError::InvalidDiscriminator);
        }
        Ok(Distribution {
            bump: data[offset::BUMP],
            vault_bump: data[offset::VAULT_BUMP],
            paused: data[offset::PAUSED] != 0,
            creator: array_at(data, offset::CREATOR),
            mint: array_at(data, offset::MINT),
            vault: array_at(data, offset::VAULT),
            verifier: array_at(data, offset::VERIFIER),
            distribution_id: u64_at(data, offset::DISTRIBUTION_ID),
            post_id: u64_at(data, offset::POST_ID),
            amount_per_claim: u64_at(data, offset::AMOUNT_PER_CLAIM),
            max_claims,
            claimed_count: u32::from_le_bytes(array_at(data, offset::CLAIMED_COUNT)),
            start_ts: u64_at(data, offset::START_TS) as i64,
            end_ts: u64_at(data, offset::END_TS) as i64,
            fee_per_claim_lamports: u64_at(data, offset::FEE_PER_CLAIM_LAMPORTS),
            fee_budget_lamports: u64_at(data, offset::FEE_BUDGET_LAMPORTS),
            total_claimed_amount: u64_at(data, offset::TOTAL_CLAIMED_AMOUNT),
            requirements_hash: array_at(data, offset::REQUIREMENTS_HASH),
            priority_fee_cap_lamports: u64_at(data, offset::PRIORITY_FEE_CAP_LAMPORTS),
        })
    }

    /// Writes the discriminator, the header and the bitmap length; the bitmap itself is only
    /// touched through `bitmap_mut`. `data` must be `account_len(max_claims)` bytes.
    pub fn store(&self, data: &mut [u8]) -> Result<(), DistributionError> {
        if data.len() != account_len(self.max_claims) {
            return Err(DistributionError::InvalidDiscriminator);
        }
        put(data, offset::DISCRIMINATOR, &DISCRIMINATOR);
        put(
            data,
            offset::VERSION,
            &[VERSION, self.bump, self.vault_bump, self.paused as u8],
        );
        put(data, offset::CREATOR, &self.creator);
        put(data, offset::MINT, &self.mint);
        put(data, offset::VAULT, &self.vault);
        put(data, offset::VERIFIER, &self.verifier);
        put(
            data,
            offset::DISTRIBUTION_ID,
            &self.distribution_id.to_le_bytes(),
        );
        put(data, offset::POST_ID, &self.post_id.to_le_bytes());
        put(
            data,
            offset::AMOUNT_PER_CLAIM,
            &self.amount_per_claim.to_le_bytes(),
        );
        put(data, offset::MAX_CLAIMS, &self.max_claims.to_le_bytes());
        put(
            data,
            offset::CLAIMED_COUNT,
            &self.claimed_count.to_le_bytes(),
        );
        put(data, offset::START_TS, &self.start_ts.to_le_bytes());
        put(data, offset::END_TS, &self.end_ts.to_le_bytes());
        put(
            data,
            offset::FEE_PER_CLAIM_LAMPORTS,
            &self.fee_per_claim_lamports.to_le_bytes(),
        );
        put(
            data,
            offset::FEE_BUDGET_LAMPORTS,
            &self.fee_budget_lamports.to_le_bytes(),
        );
        put(
            data,
            offset::TOTAL_CLAIMED_AMOUNT,
            &self.total_claimed_amount.to_le_bytes(),
        );
        put(data, offset::REQUIREMENTS_HASH, &self.requirements_hash);
        put(
            data,
            offset::PRIORITY_FEE_CAP_LAMPORTS,
            &self.priority_fee_cap_lamports.to_le_bytes(),
        );
        put(
            data,
            offset::BITMAP_LEN,
            &(bitmap_len(self.max_claims) as u32).to_le_bytes(),
        );
        Ok(())
    }

    /// True when `key` is the stored verifier.
    pub fn is_verifier(&self, key: &Pubkey) -> bool {
        keys_equal(key, &self.verifier)
    }
}

/// True for the data close_distribution leaves behind.
pub fn is_closed(data: &[u8]) -> bool {
    data.len() == CLOSED_LEN && keys_equal_8(&array_at(data, 0), &CLOSED_DISCRIMINATOR)
}

fn keys_equal_8(left: &[u8; 8], right: &[u8; 8]) -> bool {
    u64::from_le_bytes(*left) == u64::from_le_bytes(*right)
}

/// The bitmap part of a Distribution account's data.
pub fn bitmap_mut(data: &mut [u8]) -> &mut [u8] {
    data.get_mut(BITMAP_OFFSET..).unwrap_or_default()
}

/// Sets `slot`'s bit (bit `slot & 7`, LSB first, of byte `slot >> 3`) and reports whether it
/// was already set. None when the slot lies outside the bitmap.
pub fn test_and_set(bitmap: &mut [u8], slot: u16) -> Option<bool> {
    let byte = bitmap.get_mut(slot as usize >> 3)?;
    let mask = 1 << (slot & 7);
    let was_set = *byte & mask != 0;
    *byte |= mask;
    Some(was_set)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    pub fn sample() -> Distribution {
        Distribution {
            bump: 253,
            vault_bump: 251,
            paused: false,
            creator: [1; 32],
            mint: [2; 32],
            vault: [3; 32],
            verifier: [4; 32],
            distribution_id: 0x1111_2222_3333_4444,
            post_id: 1_790_000_000_000_000_000,
            amount_per_claim: 1_000_000,
            max_claims: 20,
            claimed_count: 3,
            start_ts: -5,
            end_ts: 1_900_000_000,
            fee_per_claim_lamports: 5_000,
            fee_budget_lamports: 1_000_000,
            total_claimed_amount: 3_000_000,
            requirements_hash: [9; 32],
            priority_fee_cap_lamports: 700,
        }
    }

    #[test]
    fn discriminator_matches_the_idl() {
        assert_eq!(
            crate::instruction_data::tests::idl_discriminator("Distribution"),
            DISCRIMINATOR
        );
    }

    #[test]
    fn closed_discriminator_matches_the_idl() {
        assert_eq!(
            crate::instruction_data::tests::idl_discriminator("ClosedDistribution"),
            CLOSED_DISCRIMINATOR
        );
    }

    #[test]
    fn a_tombstone_loads_as_closed_and_nothing_else_does() {
        assert_eq!(
            Distribution::load(&CLOSED_DISCRIMINATOR),
            Err(DistributionError::DistributionClosed)
        );
        let mut longer = CLOSED_DISCRIMINATOR.to_vec();
        longer.push(0);
        assert_eq!(
            Distribution::load(&longer),
            Err(DistributionError::InvalidDiscriminator)
        );
        let mut data = vec![0u8; account_len(20)];
        sample().store(&mut data).unwrap();
        assert!(!is_closed(&data));
        assert!(!is_closed(&DISCRIMINATOR));
    }

    #[test]
    fn header_is_244_bytes_and_accounts_grow_with_the_bitmap() {
        assert_eq!(
            HEADER_LEN,
            8 + 1 + 1 + 1 + 1 + 32 * 4 + 8 * 3 + 4 * 2 + 8 * 2 + 8 * 3 + 32 + 8
        );
        assert_eq!(HEADER_LEN, 252);
        assert_eq!(offset::PRIORITY_FEE_CAP_LAMPORTS + 8, HEADER_LEN);
        assert_eq!(account_len(1), 257);
        assert_eq!(account_len(8), 257);
        assert_eq!(account_len(9), 258);
        assert_eq!(account_len(MAX_CLAIMS), 256 + 8_192);
    }

    #[test]
    fn store_then_load_round_trips_every_field() {
        let mut original = sample();
        original.paused = true;
        let mut data = vec![0xeeu8; account_len(original.max_claims)];
        original.store(&mut data).unwrap();
        assert_eq!(Distribution::load(&data), Ok(original));
    }

    #[test]
    fn fields_sit_at_their_borsh_offsets() {
        let mut data = vec![0u8; account_len(20)];
        sample().store(&mut data).unwrap();
        assert_eq!(&data[..8], &DISCRIMINATOR);
        assert_eq!(data[8..12], [1, 253, 251, 0]);
        assert_eq!(&data[12..44], &[1; 32]);
        assert_eq!(&data[108..140], &[4; 32]);
        assert_eq!(data[140..148], 0x1111_2222_3333_4444u64.to_le_bytes());
        assert_eq!(data[164..168], 20u32.to_le_bytes());
        assert_eq!(data[172..180], (-5i64).to_le_bytes());
        assert_eq!(data[204..212], 3_000_000u64.to_le_bytes());
        assert_eq!(&data[212..244], &[9; 32]);
        assert_eq!(data[244..252], 700u64.to_le_bytes());
        assert_eq!(data[252..256], 3u32.to_le_bytes());
    }

    #[test]
    fn load_refuses_wrong_discriminator_version_and_sizes() {
        let mut data = vec![0u8; account_len(20)];
        sample().store(&mut data).unwrap();
        let refused = Err(DistributionError::InvalidDiscriminator);

        let mut wrong_discriminator = data.clone();
        wrong_discriminator[0] ^= 1;
        assert_eq!(Distribution::load(&wrong_discriminator), refused);
        let mut wrong_version = data.clone();
        wrong_version[8] = 2;
        assert_eq!(Distribution::load(&wrong_version), refused);
        let mut wrong_bitmap_len = data.clone();
        wrong_bitmap_len[252] = 4;
        assert_eq!(Distribution::load(&wrong_bitmap_len), refused);
        assert_eq!(Distribution::load(&data[..data.len() - 1]), refused);
        assert_eq!(Distribution::load(&data[..100]), refused);
        let mut longer = data.clone();
        longer.push(0);
        assert_eq!(Distribution::load(&longer), refused);
        assert_eq!(
            sample().store(&mut longer),
            Err(DistributionError::InvalidDiscriminator)
        );
    }

    #[test]
    fn bitmap_bits_are_lsb_first_within_each_byte() {
        let mut bitmap = [0u8; 3];
        assert_eq!(test_and_set(&mut bitmap, 0), Some(false));
        assert_eq!(test_and_set(&mut bitmap, 9), Some(false));
        assert_eq!(test_and_set(&mut bitmap, 23), Some(false));
        assert_eq!(bitmap, [0b0000_0001, 0b0000_0010, 0b1000_0000]);
        assert_eq!(test_and_set(&mut bitmap, 9), Some(true));
        assert_eq!(bitmap, [0b0000_0001, 0b0000_0010, 0b1000_0000]);
        assert_eq!(test_and_set(&mut bitmap, 24), None);
        assert_eq!(bitmap, [0b0000_0001, 0b0000_0010, 0b1000_0000]);
    }

    #[test]
    fn every_slot_of_a_full_bitmap_has_its_own_bit() {
        let mut bitmap = vec![0u8; bitmap_len(MAX_CLAIMS)];
        for slot in 0..=u16::MAX {
            assert_eq!(test_and_set(&mut bitmap, slot), Some(false), "slot {slot}");
        }
        assert!(bitmap.iter().all(|&byte| byte == 0xff));
    }

    #[test]
    fn bitmap_is_the_data_after_the_length() {
        let mut data = vec![0u8; account_len(16)];
        bitmap_mut(&mut data)[1] = 0xaa;
        assert_eq!(data[257], 0xaa);
        assert_eq!(bitmap_mut(&mut data).len(), 2);
    }
}
