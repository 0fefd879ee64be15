//! Addresses of the programs this one calls or checks against. The program's own id is never
//! hard-coded: it is whatever id the runtime passes in the input.

pub type Pubkey = [u8; 32];

/// SPL Token (classic), TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA.
pub const TOKEN_PROGRAM_ID: Pubkey = [
    6, 221, 246, 225, 215, 101, 161, 147, 217, 203, 225, 70, 206, 235, 121, 172, 28, 180, 133, 237,
    95, 91, 55, 145, 58, 140, 245, 133, 126, 255, 0, 169,
];

/// Token-2022, TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb: every pump.fun coin since
/// November 2025. Its mints' extensions are judged at create (see `token::judge_mint_extensions`).
pub const TOKEN_2022_PROGRAM_ID: Pubkey = [
    6, 221, 246, 225, 238, 117, 143, 222, 24, 66, 93, 188, 228, 108, 205, 218, 182, 26, 252, 77,
    131, 185, 13, 39, 254, 189, 249, 40, 216, 161, 139, 252,
];

/// True for the two token programs this program escrows: SPL Token and Token-2022.
pub fn is_token_program(key: &Pubkey) -> bool {
    keys_equal(key, &TOKEN_PROGRAM_ID) || keys_equal(key, &TOKEN_2022_PROGRAM_ID)
}

/// Associated Token Account program, ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL.
pub const ASSOCIATED_TOKEN_PROGRAM_ID: Pubkey = [
    140, 151, 37, 143, 78, 36, 137, 241, 187, 61, 16, 41, 20, 142, 13, 131, 11, 90, 19, 153, 218,
    255, 16, 132, 4, 142, 123, 216, 219, 233, 248, 89,
];

/// Compute budget program, ComputeBudget111111111111111111111111111111: sets a transaction's
/// compute unit limit and price, from which the runtime charges the priority fee.
pub const COMPUTE_BUDGET_PROGRAM_ID: Pubkey = [
    3, 6, 70, 111, 229, 33, 23, 50, 255, 236, 173, 186, 114, 195, 155, 231, 188, 140, 229, 187,
    197, 247, 18, 107, 44, 67, 155, 58, 64, 0, 0, 0,
];

/// Instructions sysvar, Sysvar1nstructions1111111111111111111111111: the transaction's
/// instructions, read by batch_claim to learn the priority fee the fee payer pays.
pub const INSTRUCTIONS_SYSVAR_ID: Pubkey = [
    6, 167, 213, 23, 24, 123, 209, 102, 53, 218, 212, 4, 85, 253, 194, 192, 193, 36, 198, 143, 33,
    86, 117, 165, 219, 186, 203, 95, 8, 0, 0, 0,
];

/// System program, 11111111111111111111111111111111.
pub const SYSTEM_PROGRAM_ID: Pubkey = [0; 32];

/// Compares keys as four 64-bit words: `==` on byte arrays may become a `bcmp` call, which the
/// upstream BPF target cannot link.
#[inline(always)]
pub fn keys_equal(left: &Pubkey, right: &Pubkey) -> bool {
    let mut differences = 0u64;
    let mut word = 0;
    while word < 4 {
        differences |= read_word(left, word) ^ read_word(right, word);
        word += 1;
    }
    differences == 0
}

/// True for the all-zero key (the default Pubkey, also the system program's id).
#[inline(always)]
pub fn is_default_key(key: &Pubkey) -> bool {
    keys_equal(key, &SYSTEM_PROGRAM_ID)
}

#[inline(always)]
fn read_word(key: &Pubkey, word: usize) -> u64 {
    let start = word * 8;
    u64::from_le_bytes([
        key[start],
        key[start + 1],
        key[start + 2],
        key[start + 3],
        key[start + 4],
        key[start + 5],
        key[start + 6],
        key[start + 7],
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_equal_detects_a_difference_in_any_byte() {
        let key = TOKEN_PROGRAM_ID;
        assert!(keys_equal(&key, &TOKEN_PROGRAM_ID));
        for index in 0..32 {
            let mut other = key;
            other[index] ^= 0x80;
            assert!(!keys_equal(&key, &other), "byte {index}");
        }
    }

    #[test]
    fn default_key_is_all_zeros() {
        assert!(is_default_key(&[0; 32]));
        let mut almost = [0u8; 32];
        almost[31] = 1;
        assert!(!is_default_key(&almost));
        assert!(!is_default_key(&ASSOCIATED_TOKEN_PROGRAM_ID));
    }
}
