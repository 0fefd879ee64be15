//! The priority fee a transaction pays, read from the instructions sysvar: the runtime charges
//! ⌈compute_unit_limit × compute_unit_price / 10⁶⌉ lamports, from the compute budget program's
//! SetComputeUnitLimit (discriminator 2, u32, granted and charged up to 1,400,000) and
//! SetComputeUnitPrice (3, u64 micro-lamports).
//!
//! The sysvar's data: u16 instruction count, a u16 offset per instruction, then per instruction
//! a u16 account count, (u8 flags, 32-byte key) per account, the 32-byte program id, a u16 data
//! length and the data; the index of the executing top-level instruction closes it. Every read is
//! bounds checked: a malformed sysvar is refused (InvalidInstructionsSysvar), never read past.

use crate::bytes::checked_array_at;
use crate::error::DistributionError;
use crate::ids::{keys_equal, Pubkey, COMPUTE_BUDGET_PROGRAM_ID};
use crate::math::checked_mul;

const SET_COMPUTE_UNIT_LIMIT: u8 = 2;
const SET_COMPUTE_UNIT_PRICE: u8 = 3;
const MICRO_LAMPORTS_PER_LAMPORT: u64 = 1_000_000;
/// The most compute units a transaction is granted, and so charged for: a larger limit is clamped.
const MAX_COMPUTE_UNIT_LIMIT: u64 = 1_400_000;

/// The `N` bytes at `offset`; a sysvar too short to hold them is malformed.
fn field_at<const N: usize>(data: &[u8], offset: usize) -> Result<[u8; N], DistributionError> {
    checked_array_at(data, offset).ok_or(DistributionError::InvalidInstructionsSysvar)
}

fn u16_at(data: &[u8], offset: usize) -> Result<usize, DistributionError> {
    Ok(u16::from_le_bytes(field_at(data, offset)?) as usize)
}

/// The instruction at `offset`: (its program id, its data).
fn instruction_at(data: &[u8], offset: usize) -> Result<(Pubkey, &[u8]), DistributionError> {
    let accounts = u16_at(data, offset)?;
    let program_at = offset + 2 + accounts * 33;
    let program: Pubkey = field_at(data, program_at)?;
    let length = u16_at(data, program_at + 32)?;
    let body = data
        .get(program_at + 34..program_at + 34 + length)
        .ok_or(DistributionError::InvalidInstructionsSysvar)?;
    Ok((program, body))
}

/// The priority fee in lamports that the executing instruction of `program_id` may have
/// reimbursed, from the instructions sysvar's data. Zero unless both a unit limit and a unit price
/// are set: without an explicit limit the runtime's default depends on the instructions, and the
/// fee budget never reimburses more than is proven paid. The runtime refuses a transaction with two
/// of either instruction, so the first one counts.
///
/// The fee is the transaction's, paid once, so it is reimbursed only to the transaction's one
/// instruction of this program, executing at top level (SharedPriorityFee): otherwise two
/// instructions, or one called again and again from another program, would each be reimbursed it.
pub fn priority_fee_lamports(
    sysvar_data: &[u8],
    program_id: &Pubkey,
) -> Result<u64, DistributionError> {
    let count = u16_at(sysvar_data, 0)?;
    let executing = u16_at(
        sysvar_data,
        sysvar_data
            .len()
            .checked_sub(2)
            .ok_or(DistributionError::InvalidInstructionsSysvar)?,
    )?;
    let mut limit: Option<u64> = None;
    let mut price: Option<u64> = None;
    let mut ours = 0usize;
    let mut executing_is_ours = false;
    for index in 0..count {
        let offset = u16_at(sysvar_data, 2 + index * 2)?;
        let (program, body) = instruction_at(sysvar_data, offset)?;
        if keys_equal(&program, program_id) {
            ours += 1;
            executing_is_ours |= index == executing;
            continue;
        }
        if !keys_equal(&program, &COMPUTE_BUDGET_PROGRAM_ID) {
            continue;
        }
        match body.split_first() {
            Some((&SET_COMPUTE_UNIT_LIMIT, argument)) if limit.is_none() => {
                let requested = u32::from_le_bytes(field_at(argument, 0)?) as u64;
                limit = Some(requested.min(MAX_COMPUTE_UNIT_LIMIT));
            }
            Some((&SET_COMPUTE_UNIT_PRICE, argument)) if price.is_none() => {
                price = Some(u64::from_le_bytes(field_at(argument, 0)?));
            }
            _ => {}
        }
    }
    if executing >= count {
        return Err(DistributionError::InvalidInstructionsSysvar);
    }
    let (Some(limit), Some(price)) = (limit, price) else {
        return Ok(0);
    };
    if ours != 1 || !executing_is_ours {
        return Err(DistributionError::SharedPriorityFee);
    }
    // ⌈limit × price / 10⁶⌉ without a 128-bit product (the BPF backend has none): with price =
    // whole × 10⁶ + part, it is limit × whole + ⌈limit × part / 10⁶⌉, and limit × part < 2^41.
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

    const PROGRAM: Pubkey = [9; 32];

    /// The sysvar's serialization, as the runtime writes it while the first of ours executes.
    fn sysvar(instructions: &[(Pubkey, usize, Vec<u8>)]) -> Vec<u8> {
        let executing = instructions
            .iter()
            .position(|(program, _, _)| *program == PROGRAM)
            .unwrap_or(0);
        sysvar_executing(instructions, executing)
    }

    fn sysvar_executing(instructions: &[(Pubkey, usize, Vec<u8>)], executing: usize) -> Vec<u8> {
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
        out.extend_from_slice(&(executing as u16).to_le_bytes());
        out
    }

    fn fee(data: &[u8]) -> Result<u64, DistributionError> {
        priority_fee_lamports(data, &PROGRAM)
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
        (PROGRAM, 7, vec![3, 1, 13, 209])
    }

    #[test]
    fn the_fee_is_limit_times_price_rounded_up() {
        let data = sysvar(&[limit(50_000), price(1_001), ours()]);
        // 50,000 × 1,001 = 50,050,000 micro-lamports: 50.05 lamports, charged as 51.
        assert_eq!(fee(&data), Ok(51));
        let exact = sysvar(&[ours(), price(2_000_000), limit(100)]);
        assert_eq!(fee(&exact), Ok(200));
    }

    #[test]
    fn no_price_or_no_explicit_limit_reimburses_nothing() {
        assert_eq!(fee(&sysvar(&[limit(50_000), ours()])), Ok(0));
        assert_eq!(fee(&sysvar(&[price(5_000), ours()])), Ok(0));
        assert_eq!(fee(&sysvar(&[ours()])), Ok(0));
    }

    #[test]
    fn another_programs_instruction_with_the_same_bytes_counts_for_nothing() {
        let impostor = (
            [3; 32],
            0,
            vec![SET_COMPUTE_UNIT_PRICE, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
        );
        let data = sysvar(&[limit(50_000), impostor, ours()]);
        assert_eq!(fee(&data), Ok(0));
    }

    #[test]
    fn a_malformed_sysvar_is_refused_at_every_truncation() {
        let data = sysvar(&[limit(50_000), price(1_000), ours()]);
        assert_eq!(fee(&data), Ok(50));
        // Every cut, into the instructions or the executing instruction's index.
        for cut in 0..data.len() {
            assert_eq!(
                fee(&data[..cut]),
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
            fee(&short_argument),
            Err(DistributionError::InvalidInstructionsSysvar)
        );
        short_argument[2] = 0xff;
        assert_eq!(
            fee(&short_argument),
            Err(DistributionError::InvalidInstructionsSysvar)
        );
    }

    #[test]
    fn the_largest_fee_fits() {
        let data = sysvar(&[limit(u32::MAX), price(u64::MAX), ours()]);
        assert_eq!(fee(&data), Err(DistributionError::ArithmeticOverflow));
        let data = sysvar(&[limit(1_400_000), price(1_000_000_000), ours()]);
        assert_eq!(fee(&data), Ok(1_400_000_000));
    }

    #[test]
    fn a_limit_above_what_the_runtime_grants_is_charged_and_reimbursed_as_its_maximum() {
        let data = sysvar(&[limit(u32::MAX), price(1_000), ours()]);
        assert_eq!(fee(&data), Ok(1_400));
        let data = sysvar(&[limit(1_400_001), price(1_000_000), ours()]);
        assert_eq!(fee(&data), Ok(1_400_000));
    }

    #[test]
    fn the_fee_is_reimbursed_only_to_the_transactions_one_instruction_of_ours_at_top_level() {
        let twice = sysvar(&[limit(50_000), price(1_000), ours(), ours()]);
        assert_eq!(fee(&twice), Err(DistributionError::SharedPriorityFee));
        let second = sysvar_executing(&[limit(50_000), price(1_000), ours(), ours()], 3);
        assert_eq!(fee(&second), Err(DistributionError::SharedPriorityFee));
        // Called from another program: the executing top-level instruction is not ours.
        let caller = ([4; 32], 2, vec![7]);
        let nested = sysvar_executing(&[limit(50_000), price(1_000), caller.clone()], 2);
        assert_eq!(fee(&nested), Err(DistributionError::SharedPriorityFee));
        let nested_beside_ours =
            sysvar_executing(&[limit(50_000), price(1_000), caller, ours()], 2);
        assert_eq!(
            fee(&nested_beside_ours),
            Err(DistributionError::SharedPriorityFee)
        );
        // Without a fee there is nothing to share: two of ours reimburse nothing and are not refused.
        assert_eq!(fee(&sysvar(&[ours(), ours()])), Ok(0));
    }

    #[test]
    fn an_executing_index_past_the_instructions_is_malformed() {
        let data = sysvar_executing(&[limit(50_000), price(1_000), ours()], 3);
        assert_eq!(
            fee(&data),
            Err(DistributionError::InvalidInstructionsSysvar)
        );
    }
}
