//! The priority fee a transaction pays, read from the instructions sysvar: the runtime charges
//! ⌈compute_unit_limit × compute_unit_price / 10⁶⌉ lamports, from the compute budget program's
//! SetComputeUnitLimit (discriminator 2, u32) and SetComputeUnitPrice (3, u64 micro-lamports).
//!
//! The sysvar's data: u16 instruction count, a u16 offset per instruction, then per instruction
//! a u16 account count, (u8 flags, 32-byte key) per account, the 32-byte program id, a u16 data
//! length and the data; the index of the executing instruction closes it. Every read is bounds
//! checked: a malformed sysvar is refused (InvalidInstructionsSysvar), never read past.

use crate::bytes::checked_array_at;
use crate::error::DistributionError;
use crate::ids::{keys_equal, Pubkey, COMPUTE_BUDGET_PROGRAM_ID};
use crate::math::checked_mul;

const SET_COMPUTE_UNIT_LIMIT: u8 = 2;
const SET_COMPUTE_UNIT_PRICE: u8 = 3;
const MICRO_LAMPORTS_PER_LAMPORT: u64 = 1_000_000;

/// The `N` bytes at `offset`; a sysvar too short to hold them is malformed.
fn field_at<const N: usize>(data: &[u8], offset: usize) -> Result<[u8; N], DistributionError> {
    checked_array_at(data, offset).ok_or(DistributionError::InvalidInstructionsSysvar)
}

fn u16_at(data: &[u8], offset: usize) -> Result<usize, DistributionError> {
    Ok(u16::from_le_bytes(field_at(data, offset)?) as usize)
}

/// The compute budget instruction at `offset`, if the instruction there is one: (discriminator,
/// its argument bytes).
fn compute_budget_instruction(
    data: &[u8],
    offset: usize,
) -> Result<Option<(u8, &[u8])>, DistributionError> {
    let accounts = u16_at(data, offset)?;
    let program_at = offset + 2 + accounts * 33;
    let program: Pubkey = field_at(data, program_at)?;
    let length = u16_at(data, program_at + 32)?;
    let body = data
        .get(program_at + 34..program_at + 34 + length)
        .ok_or(DistributionError::InvalidInstructionsSysvar)?;
    if !keys_equal(&program, &COMPUTE_BUDGET_PROGRAM_ID) {
        return Ok(None);
    }
    Ok(body.split_first().map(|(kind, rest)| (*kind, rest)))
}

/// The transaction's priority fee in lamports, from the instructions sysvar's data. Zero unless
/// both a unit limit and a unit price are set: without an explicit limit the runtime's default
/// depends on the instructions, and the fee budget never reimburses more than is proven paid.
/// The runtime refuses a transaction with two of either instruction, so the first one counts.
pub fn priority_fee_lamports(sysvar_data: &[u8]) -> Result<u64, DistributionError> {
    let count = u16_at(sysvar_data, 0)?;
    let mut limit: Option<u64> = None;
    let mut price: Option<u64> = None;
    for index in 0..count {
        let offset = u16_at(sysvar_data, 2 + index * 2)?;
        match compute_budget_instruction(sysvar_data, offset)? {
            Some((SET_COMPUTE_UNIT_LIMIT, argument)) if limit.is_none() => {
                limit = Some(u32::from_le_bytes(field_at(argument, 0)?) as u64);
            }
            Some((SET_COMPUTE_UNIT_PRICE, argument)) if price.is_none() => {
                price = Some(u64::from_le_bytes(field_at(argument, 0)?));
            }
            _ => {}
        }
    }
    let (Some(limit), Some(price)) = (limit, price) else {
        return Ok(0);
    };
    // ⌈limit × price / 10⁶⌉ without a 128-bit product (the BPF backend has none): with price =
    // whole × 10⁶ + part, it is limit × whole + ⌈limit × part / 10⁶⌉, and limit × part < 2^52.
    let whole = price / MICRO_LAMPORTS_PER_LAMPORT;
    let part = price % MICRO_LAMPORTS_PER_LAMPORT;
    checked_mul(limit, whole)
        .and_then(|lamports| {
            lamports.checked_add((limit * part).div_ceil(MICRO_LAMPORTS_PER_LAMPORT))
        })
        .ok_or(DistributionError::ArithmeticOverflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sysvar's serialization, as the runtime writes it.
    fn sysvar(instructions: &[(Pubkey, usize, Vec<u8>)]) -> Vec<u8> {
        let mut bodies = Vec::new();
        let header = 2 + 2 * instructions.len();
        let mut offsets = Vec::new();
        for (program, accounts, data) in instructions {
            offsets.push((header + bodies.len()) as u16);
            bodies.extend_from_slice(&(*accounts as u16).to_le_bytes());
            for account in 0..*accounts {
                bodies.push(1);
                bodies.extend_from_slice(&[account as u8; 32]);
            }
            bodies.extend_from_slice(program);
            bodies.extend_from_slice(&(data.len() as u16).to_le_bytes());
            bodies.extend_from_slice(data);
        }
        let mut out = (instructions.len() as u16).to_le_bytes().to_vec();
        for offset in offsets {
            out.extend_from_slice(&offset.to_le_bytes());
        }
        out.extend_from_slice(&bodies);
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn limit(units: u32) -> (Pubkey, usize, Vec<u8>) {
        let mut data = vec![SET_COMPUTE_UNIT_LIMIT];
        data.extend_from_slice(&units.to_le_bytes());
        (COMPUTE_BUDGET_PROGRAM_ID, 0, data)
    }

    fn price(micro_lamports: u64) -> (Pubkey, usize, Vec<u8>) {
        let mut data = vec![SET_COMPUTE_UNIT_PRICE];
        data.extend_from_slice(&micro_lamports.to_le_bytes());
        (COMPUTE_BUDGET_PROGRAM_ID, 0, data)
    }

    fn ours() -> (Pubkey, usize, Vec<u8>) {
        ([9; 32], 7, vec![3, 1, 13, 209])
    }

    #[test]
    fn the_fee_is_limit_times_price_rounded_up() {
        let data = sysvar(&[limit(50_000), price(1_001), ours()]);
        // 50,000 × 1,001 = 50,050,000 micro-lamports: 50.05 lamports, charged as 51.
        assert_eq!(priority_fee_lamports(&data), Ok(51));
        let exact = sysvar(&[ours(), price(2_000_000), limit(100)]);
        assert_eq!(priority_fee_lamports(&exact), Ok(200));
    }

    #[test]
    fn no_price_or_no_explicit_limit_reimburses_nothing() {
        assert_eq!(
            priority_fee_lamports(&sysvar(&[limit(50_000), ours()])),
            Ok(0)
        );
        assert_eq!(
            priority_fee_lamports(&sysvar(&[price(5_000), ours()])),
            Ok(0)
        );
        assert_eq!(priority_fee_lamports(&sysvar(&[ours()])), Ok(0));
    }

    #[test]
    fn another_programs_instruction_with_the_same_bytes_counts_for_nothing() {
        let impostor = (
            [3; 32],
            0,
            vec![SET_COMPUTE_UNIT_PRICE, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        );
        let data = sysvar(&[limit(50_000), impostor, ours()]);
        assert_eq!(priority_fee_lamports(&data), Ok(0));
    }

    #[test]
    fn a_malformed_sysvar_is_refused_at_every_truncation() {
        let data = sysvar(&[limit(50_000), price(1_000), ours()]);
        assert_eq!(priority_fee_lamports(&data), Ok(50));
        // Every cut into the instructions (the trailing current-index is not read).
        for cut in 0..data.len() - 2 {
            assert_eq!(
                priority_fee_lamports(&data[..cut]),
                Err(DistributionError::InvalidInstructionsSysvar),
                "cut at {cut}"
            );
        }
        let mut short_argument = sysvar(&[
            (
                COMPUTE_BUDGET_PROGRAM_ID,
                0,
                vec![SET_COMPUTE_UNIT_LIMIT, 1],
            ),
            ours(),
        ]);
        assert_eq!(
            priority_fee_lamports(&short_argument),
            Err(DistributionError::InvalidInstructionsSysvar)
        );
        short_argument[2] = 0xff;
        assert_eq!(
            priority_fee_lamports(&short_argument),
            Err(DistributionError::InvalidInstructionsSysvar)
        );
    }

    #[test]
    fn the_largest_fee_fits() {
        let data = sysvar(&[limit(u32::MAX), price(u64::MAX)]);
        assert_eq!(
            priority_fee_lamports(&data),
            Err(DistributionError::ArithmeticOverflow)
        );
        let data = sysvar(&[limit(1_400_000), price(1_000_000_000)]);
        assert_eq!(priority_fee_lamports(&data), Ok(1_400_000_000));
    }
}
