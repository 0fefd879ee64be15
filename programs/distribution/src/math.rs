//! 64-bit arithmetic helpers. The upstream BPF backend has no 128-bit multiply or divide
//! (`__multi3`, `__udivti3`), and `u64::checked_mul` lowers to one, so wide products are built
//! from 32-bit halves here.

const LOW_HALF: u64 = 0xffff_ffff;

/// The full 128-bit product of two u64 values, as (high word, low word).
pub fn mul_wide(left: u64, right: u64) -> (u64, u64) {
    let (left_low, left_high) = (left & LOW_HALF, left >> 32);
    let (right_low, right_high) = (right & LOW_HALF, right >> 32);
    // Each partial product of two 32-bit halves fits in 64 bits, so wrapping_mul never wraps.
    let low_low = left_low.wrapping_mul(right_low);
    let high_low = left_high.wrapping_mul(right_low);
    let low_high = left_low.wrapping_mul(right_high);
    let high_high = left_high.wrapping_mul(right_high);
    // At most (2^32 - 1) * 2 + (2^32 - 1)^2 = 2^64 - 1: the middle column cannot overflow either.
    // LLVM 22 recognizes this schoolbook pattern and turns it back into one 128-bit multiply,
    // which the BPF backend cannot lower (`__multi3`); black_box keeps it apart.
    let middle = (low_low >> 32) + (high_low & LOW_HALF) + core::hint::black_box(low_high);
    let high = high_high + (high_low >> 32) + (middle >> 32);
    let low = (middle << 32) | (low_low & LOW_HALF);
    (high, low)
}

/// `left * right`, or None when the product does not fit in a u64.
pub fn checked_mul(left: u64, right: u64) -> Option<u64> {
    match mul_wide(left, right) {
        (0, low) => Some(low),
        _ => None,
    }
}

/// `floor(value * x)` where `x` is given by the bits of a non-negative, finite IEEE 754 double.
/// The Rent sysvar stores its exemption threshold as an f64 and the BPF backend has no floats.
/// The result is exact, so it equals the float computation whenever that one is exact (the
/// thresholds in use, 1.0 and 2.0, times any lamport amount below 2^53). None when the double
/// is negative, infinite or NaN, or the result does not fit in a u64.
pub fn scale_by_f64_bits(value: u64, float_bits: u64) -> Option<u64> {
    const FRACTION_BITS: u32 = 52;
    const EXPONENT_BIAS_PLUS_FRACTION: u32 = 1075;
    if float_bits >> 63 != 0 {
        return None;
    }
    let biased_exponent = ((float_bits >> FRACTION_BITS) & 0x7ff) as u32;
    if biased_exponent == 0x7ff {
        return None;
    }
    let fraction = float_bits & ((1u64 << FRACTION_BITS) - 1);
    // x = mantissa * 2^(exponent - 1075); subnormals have no implicit leading one and exponent 1.
    let (mantissa, exponent) = if biased_exponent == 0 {
        (fraction, 1)
    } else {
        (fraction | (1u64 << FRACTION_BITS), biased_exponent)
    };
    let (high, low) = mul_wide(value, mantissa);
    if exponent >= EXPONENT_BIAS_PLUS_FRACTION {
        let shift = exponent - EXPONENT_BIAS_PLUS_FRACTION;
        if high != 0 || shift >= 64 || (shift > 0 && low >> (64 - shift) != 0) {
            return None;
        }
        return Some(low << shift);
    }
    let shift = EXPONENT_BIAS_PLUS_FRACTION - exponent;
    if shift >= 128 {
        return Some(0);
    }
    if shift >= 64 {
        return Some(high >> (shift - 64));
    }
    if high >> shift != 0 {
        return None;
    }
    Some((low >> shift) | (high << (64 - shift)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator so the property checks below cover many values without a
    /// dependency.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn mul_wide_matches_u128_multiplication() {
        let edges = [
            0,
            1,
            2,
            LOW_HALF,
            LOW_HALF + 1,
            u64::MAX - 1,
            u64::MAX,
            1 << 63,
        ];
        for &left in &edges {
            for &right in &edges {
                let expected = left as u128 * right as u128;
                assert_eq!(
                    mul_wide(left, right),
                    ((expected >> 64) as u64, expected as u64),
                    "{left} * {right}"
                );
            }
        }
        let mut state = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..10_000 {
            let (left, right) = (xorshift(&mut state), xorshift(&mut state) >> (state % 64));
            let expected = left as u128 * right as u128;
            assert_eq!(
                mul_wide(left, right),
                ((expected >> 64) as u64, expected as u64)
            );
        }
    }

    #[test]
    fn checked_mul_refuses_exactly_the_products_that_overflow() {
        assert_eq!(checked_mul(u64::MAX, 1), Some(u64::MAX));
        assert_eq!(checked_mul(u64::MAX, 2), None);
        assert_eq!(checked_mul(1 << 32, 1 << 31), Some(1 << 63));
        assert_eq!(checked_mul(1 << 32, 1 << 32), None);
        // The deposit check: amount per claim × 65,536 claims.
        assert_eq!(
            checked_mul(u64::MAX / 65_536, 65_536),
            Some(u64::MAX / 65_536 * 65_536)
        );
        assert_eq!(checked_mul(u64::MAX / 65_536 + 1, 65_536), None);
        let mut state = 12345;
        for _ in 0..10_000 {
            let (left, right) = (
                xorshift(&mut state) >> (state % 64),
                xorshift(&mut state) >> (state % 64),
            );
            assert_eq!(
                checked_mul(left, right),
                left.checked_mul(right),
                "{left} * {right}"
            );
        }
    }

    #[test]
    fn scaling_by_a_double_matches_float_math_where_that_is_exact() {
        for threshold in [2.0f64, 1.0, 0.5, 1.5, 3.25, 0.0, 1e-300, 4096.0] {
            let mut state = 77;
            for _ in 0..2_000 {
                let value = xorshift(&mut state) >> 24; // below 2^40
                let expected = (value as f64 * threshold) as u64;
                assert_eq!(
                    scale_by_f64_bits(value, threshold.to_bits()),
                    Some(expected),
                    "{value} * {threshold}"
                );
            }
        }
        // Rent today: (128 + 165) bytes × 3480 lamports per byte-year × 2.0.
        assert_eq!(
            scale_by_f64_bits(293 * 3480, 2.0f64.to_bits()),
            Some(2_039_280)
        );
    }

    #[test]
    fn scaling_refuses_negative_non_finite_and_overflowing_results() {
        assert_eq!(scale_by_f64_bits(10, (-2.0f64).to_bits()), None);
        assert_eq!(scale_by_f64_bits(10, f64::INFINITY.to_bits()), None);
        assert_eq!(scale_by_f64_bits(10, f64::NAN.to_bits()), None);
        assert_eq!(scale_by_f64_bits(u64::MAX, 2.0f64.to_bits()), None);
        assert_eq!(scale_by_f64_bits(1 << 62, 2.0f64.to_bits()), Some(1 << 63));
        assert_eq!(scale_by_f64_bits(1 << 63, 2.0f64.to_bits()), None);
    }
}
