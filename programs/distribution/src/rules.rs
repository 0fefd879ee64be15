//! The rules about amounts, times and the pause flag, apart from any account so they test on
//! the host.

use crate::error::DistributionError;
use crate::ids::is_default_key;
use crate::instruction_data::CreateArgs;
use crate::math::checked_mul;
use crate::state::{Distribution, MAX_CLAIMS};

/// A giveaway may run at most 90 days, so escrowed tokens are never locked for long.
pub const MAX_DURATION_SECONDS: i64 = 90 * 24 * 60 * 60;
/// A giveaway starts at most 30 days after it is created, so a mistyped start cannot lock the
/// escrow for years: the creator has it back at most 120 days after creating it.
pub const MAX_START_AHEAD_SECONDS: i64 = 30 * 24 * 60 * 60;

/// Checks create_distribution's arguments against the clock and returns the deposit,
/// amount_per_claim × max_claims.
pub fn validate_create_args(args: &CreateArgs, now: i64) -> Result<u64, DistributionError> {
    if args.amount_per_claim == 0 {
        return Err(DistributionError::ZeroAmount);
    }
    if args.max_claims == 0 || args.max_claims > MAX_CLAIMS {
        return Err(DistributionError::InvalidMaxClaims);
    }
    let deposit = checked_mul(args.amount_per_claim, args.max_claims as u64)
        .ok_or(DistributionError::DepositOverflow)?;
    let duration = args
        .end_ts
        .checked_sub(args.start_ts)
        .ok_or(DistributionError::InvalidTimeRange)?;
    let latest_start = now
        .checked_add(MAX_START_AHEAD_SECONDS)
        .ok_or(DistributionError::InvalidTimeRange)?;
    if duration <= 0
        || duration > MAX_DURATION_SECONDS
        || args.end_ts <= now
        || args.start_ts > latest_start
    {
        return Err(DistributionError::InvalidTimeRange);
    }
    if is_default_key(&args.verifier) {
        return Err(DistributionError::InvalidVerifier);
    }
    let per_claim = args
        .fee_per_claim_lamports
        .checked_add(args.priority_fee_cap_lamports)
        .ok_or(DistributionError::FeeBudgetTooSmall)?;
    let fees = checked_mul(per_claim, args.max_claims as u64)
        .ok_or(DistributionError::FeeBudgetTooSmall)?;
    if args.fee_budget_lamports < fees {
        return Err(DistributionError::FeeBudgetTooSmall);
    }
    Ok(deposit)
}

/// Lamports of the fee budget promised to the slots still unpaid: each one's fee and its priority
/// fee cap. The budget never falls below this (create starts above it, each payout takes at most
/// one fee and one cap), so every payout can reimburse both and only the rest can pay for opening
/// recipients' token accounts.
pub fn reserved_for_fees(distribution: &Distribution) -> Result<u64, DistributionError> {
    let unpaid = distribution
        .max_claims
        .checked_sub(distribution.claimed_count)
        .ok_or(DistributionError::ArithmeticOverflow)?;
    let per_claim = distribution
        .fee_per_claim_lamports
        .checked_add(distribution.priority_fee_cap_lamports)
        .ok_or(DistributionError::ArithmeticOverflow)?;
    checked_mul(per_claim, unpaid as u64).ok_or(DistributionError::ArithmeticOverflow)
}

/// Takes one payout's cost from the fee budget: `rent` lamports the fee payer put into a new
/// token account (FeeBudgetExhausted unless the budget beyond the reserve covers it), the payout's
/// fee, and `priority_share` of the batch's priority fee, at most priority_fee_cap_lamports
/// (ArithmeticOverflow otherwise: the caller splits the fee by the cap). Returns what the fee payer
/// is owed; call before counting the payout.
pub fn charge_payout(
    distribution: &mut Distribution,
    rent: u64,
    priority_share: u64,
) -> Result<u64, DistributionError> {
    if priority_share > distribution.priority_fee_cap_lamports {
        return Err(DistributionError::ArithmeticOverflow);
    }
    let reserved = reserved_for_fees(distribution)?;
    let spare = distribution.fee_budget_lamports.saturating_sub(reserved);
    if rent > spare {
        return Err(DistributionError::FeeBudgetExhausted);
    }
    let owed = rent
        .checked_add(distribution.fee_per_claim_lamports)
        .and_then(|owed| owed.checked_add(priority_share))
        .ok_or(DistributionError::ArithmeticOverflow)?;
    distribution.fee_budget_lamports = distribution
        .fee_budget_lamports
        .checked_sub(owed)
        .ok_or(DistributionError::FeeBudgetExhausted)?;
    Ok(owed)
}

/// Claims are paid only while the distribution runs: not paused, start_ts <= now <= end_ts.
pub fn check_claim_window(distribution: &Distribution, now: i64) -> Result<(), DistributionError> {
    if distribution.paused {
        return Err(DistributionError::Paused);
    }
    if now < distribution.start_ts {
        return Err(DistributionError::NotStarted);
    }
    if now > distribution.end_ts {
        return Err(DistributionError::Ended);
    }
    Ok(())
}

/// The creator takes the remainder back once the distribution ended or every slot was paid.
pub fn check_closable(distribution: &Distribution, now: i64) -> Result<(), DistributionError> {
    if now > distribution.end_ts || distribution.claimed_count >= distribution.max_claims {
        return Ok(());
    }
    Err(DistributionError::NotClosable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruction_data::tests::create_args;
    use crate::state::tests::sample;

    const NOW: i64 = 1_500;

    #[test]
    fn valid_arguments_return_the_deposit() {
        assert_eq!(validate_create_args(&create_args(), NOW), Ok(100_000));
    }

    #[test]
    fn amounts_and_claim_counts_are_bounded() {
        let mut args = create_args();
        args.amount_per_claim = 0;
        assert_eq!(
            validate_create_args(&args, NOW),
            Err(DistributionError::ZeroAmount)
        );
        for max_claims in [0, MAX_CLAIMS + 1, u32::MAX] {
            let args = CreateArgs {
                max_claims,
                ..create_args()
            };
            assert_eq!(
                validate_create_args(&args, NOW),
                Err(DistributionError::InvalidMaxClaims)
            );
        }
        let args = CreateArgs {
            max_claims: MAX_CLAIMS,
            fee_budget_lamports: 5_000 * MAX_CLAIMS as u64,
            ..create_args()
        };
        assert_eq!(validate_create_args(&args, NOW), Ok(1_000 * 65_536));
    }

    #[test]
    fn a_deposit_beyond_u64_is_refused() {
        let largest = u64::MAX / MAX_CLAIMS as u64;
        let fits = CreateArgs {
            amount_per_claim: largest,
            max_claims: MAX_CLAIMS,
            fee_budget_lamports: 5_000 * MAX_CLAIMS as u64,
            ..create_args()
        };
        assert_eq!(
            validate_create_args(&fits, NOW),
            Ok(largest * MAX_CLAIMS as u64)
        );
        let overflows = CreateArgs {
            amount_per_claim: largest + 1,
            ..fits.clone()
        };
        assert_eq!(
            validate_create_args(&overflows, NOW),
            Err(DistributionError::DepositOverflow)
        );
        let overflows = CreateArgs {
            amount_per_claim: u64::MAX,
            max_claims: 2,
            ..create_args()
        };
        assert_eq!(
            validate_create_args(&overflows, NOW),
            Err(DistributionError::DepositOverflow)
        );
    }

    #[test]
    fn time_ranges_must_be_ordered_at_most_90_days_start_within_30_days_and_end_in_the_future() {
        let refused = Err(DistributionError::InvalidTimeRange);
        let with_times = |start_ts, end_ts| CreateArgs {
            start_ts,
            end_ts,
            ..create_args()
        };
        assert_eq!(
            validate_create_args(&with_times(2_000, 2_000), NOW),
            refused
        );
        assert_eq!(
            validate_create_args(&with_times(2_001, 2_000), NOW),
            refused
        );
        assert!(validate_create_args(&with_times(0, MAX_DURATION_SECONDS), NOW).is_ok());
        assert_eq!(
            validate_create_args(&with_times(0, MAX_DURATION_SECONDS + 1), NOW),
            refused
        );
        assert_eq!(validate_create_args(&with_times(1_000, NOW), NOW), refused);
        assert!(validate_create_args(&with_times(1_000, NOW + 1), NOW).is_ok());
        assert_eq!(
            validate_create_args(&with_times(i64::MIN, i64::MAX), NOW),
            refused
        );
        let ahead = NOW + MAX_START_AHEAD_SECONDS;
        assert!(validate_create_args(&with_times(ahead, ahead + 1), NOW).is_ok());
        assert_eq!(
            validate_create_args(&with_times(ahead + 1, ahead + 2), NOW),
            refused
        );
    }

    #[test]
    fn the_default_key_cannot_be_the_verifier() {
        let args = CreateArgs {
            verifier: [0; 32],
            ..create_args()
        };
        assert_eq!(
            validate_create_args(&args, NOW),
            Err(DistributionError::InvalidVerifier)
        );
    }

    #[test]
    fn claims_are_paid_only_inside_the_window_and_while_not_paused() {
        let distribution = Distribution {
            start_ts: 100,
            end_ts: 200,
            ..sample()
        };
        assert_eq!(
            check_claim_window(&distribution, 99),
            Err(DistributionError::NotStarted)
        );
        assert_eq!(check_claim_window(&distribution, 100), Ok(()));
        assert_eq!(check_claim_window(&distribution, 200), Ok(()));
        assert_eq!(
            check_claim_window(&distribution, 201),
            Err(DistributionError::Ended)
        );
        let paused = Distribution {
            paused: true,
            ..distribution
        };
        assert_eq!(
            check_claim_window(&paused, 150),
            Err(DistributionError::Paused)
        );
    }

    #[test]
    fn the_fee_budget_must_cover_a_fee_for_every_slot() {
        let exact = create_args();
        assert_eq!(exact.fee_budget_lamports, 100 * 5_000);
        assert!(validate_create_args(&exact, NOW).is_ok());
        let short = CreateArgs {
            fee_budget_lamports: 100 * 5_000 - 1,
            ..create_args()
        };
        assert_eq!(
            validate_create_args(&short, NOW),
            Err(DistributionError::FeeBudgetTooSmall)
        );
        let impossible = CreateArgs {
            fee_per_claim_lamports: u64::MAX,
            fee_budget_lamports: u64::MAX,
            ..create_args()
        };
        assert_eq!(
            validate_create_args(&impossible, NOW),
            Err(DistributionError::FeeBudgetTooSmall)
        );
    }

    #[test]
    fn payouts_take_their_fee_and_rent_only_from_what_the_unpaid_fees_leave() {
        // 3 slots at 5,000 reserve 15,000; 2,100,000 spare pays one 2,039,280 account.
        let mut distribution = Distribution {
            max_claims: 3,
            claimed_count: 0,
            fee_per_claim_lamports: 5_000,
            fee_budget_lamports: 15_000 + 2_100_000,
            priority_fee_cap_lamports: 0,
            ..sample()
        };
        assert_eq!(reserved_for_fees(&distribution), Ok(15_000));
        assert_eq!(
            charge_payout(&mut distribution, 2_039_280, 0),
            Ok(2_044_280)
        );
        distribution.claimed_count = 1;
        assert_eq!(distribution.fee_budget_lamports, 10_000 + 60_720);
        // The next account would eat into the fees still owed to the two unpaid slots.
        let before = distribution.clone();
        assert_eq!(
            charge_payout(&mut distribution, 2_039_280, 0),
            Err(DistributionError::FeeBudgetExhausted)
        );
        assert_eq!(distribution, before);
        // Payouts to existing accounts still get their fee, down to exactly nothing left over.
        assert_eq!(charge_payout(&mut distribution, 0, 0), Ok(5_000));
        distribution.claimed_count = 2;
        assert_eq!(charge_payout(&mut distribution, 60_720, 0), Ok(65_720));
        distribution.claimed_count = 3;
        assert_eq!(distribution.fee_budget_lamports, 0);
        assert_eq!(reserved_for_fees(&distribution), Ok(0));
    }

    #[test]
    fn the_priority_fee_cap_is_reserved_for_every_slot_and_bounds_each_share() {
        let args = CreateArgs {
            priority_fee_cap_lamports: 1_000,
            fee_budget_lamports: 100 * 6_000 - 1,
            ..create_args()
        };
        assert_eq!(
            validate_create_args(&args, NOW),
            Err(DistributionError::FeeBudgetTooSmall)
        );
        assert!(validate_create_args(
            &CreateArgs {
                fee_budget_lamports: 100 * 6_000,
                ..args
            },
            NOW
        )
        .is_ok());

        // 2 slots reserve (200 + 1,000) each; 500 spare.
        let mut distribution = Distribution {
            max_claims: 2,
            claimed_count: 0,
            fee_per_claim_lamports: 200,
            priority_fee_cap_lamports: 1_000,
            fee_budget_lamports: 2_400 + 500,
            ..sample()
        };
        assert_eq!(reserved_for_fees(&distribution), Ok(2_400));
        let before = distribution.clone();
        assert_eq!(
            charge_payout(&mut distribution, 0, 1_001),
            Err(DistributionError::ArithmeticOverflow)
        );
        assert_eq!(distribution, before);
        // Rent beyond the spare is refused even though the cap is not used.
        assert_eq!(
            charge_payout(&mut distribution, 501, 0),
            Err(DistributionError::FeeBudgetExhausted)
        );
        assert_eq!(charge_payout(&mut distribution, 500, 1_000), Ok(1_700));
        distribution.claimed_count = 1;
        assert_eq!(distribution.fee_budget_lamports, 1_200);
        assert_eq!(reserved_for_fees(&distribution), Ok(1_200));
        assert_eq!(charge_payout(&mut distribution, 0, 1_000), Ok(1_200));
        distribution.claimed_count = 2;
        assert_eq!(distribution.fee_budget_lamports, 0);
    }

    #[test]
    fn closing_waits_for_the_end_or_the_last_slot() {
        let distribution = Distribution {
            end_ts: 200,
            max_claims: 5,
            claimed_count: 4,
            ..sample()
        };
        assert_eq!(
            check_closable(&distribution, 200),
            Err(DistributionError::NotClosable)
        );
        assert_eq!(check_closable(&distribution, 201), Ok(()));
        let all_paid = Distribution {
            claimed_count: 5,
            ..distribution
        };
        assert_eq!(check_closable(&all_paid, 0), Ok(()));
    }
}
