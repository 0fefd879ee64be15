//! The parts of SPL Token (classic) account layouts this program reads.

use crate::bytes::{array_at, u64_at};
use crate::ids::{keys_equal, Pubkey, TOKEN_PROGRAM_ID};
use crate::input::AccountInfo;

pub const MINT_LEN: usize = 82;
const MINT_IS_INITIALIZED: usize = 45;

pub const TOKEN_ACCOUNT_LEN: usize = 165;
const TOKEN_ACCOUNT_MINT: usize = 0;
const TOKEN_ACCOUNT_OWNER: usize = 32;
const TOKEN_ACCOUNT_AMOUNT: usize = 64;
const TOKEN_ACCOUNT_STATE: usize = 108;
/// AccountState::Initialized; Uninitialized (0) and Frozen (2) cannot receive a transfer.
const STATE_INITIALIZED: u8 = 1;

/// True for an account the token program owns that holds an initialized mint.
pub fn is_mint(account: &AccountInfo) -> bool {
    let data = account.data();
    keys_equal(account.owner(), &TOKEN_PROGRAM_ID)
        && data.len() == MINT_LEN
        && data[MINT_IS_INITIALIZED] == 1
}

/// The fields of an initialized, unfrozen token account.
pub struct TokenAccount {
    pub mint: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
}

impl TokenAccount {
    /// Reads a token account, or None when `account` is not an initialized, unfrozen token
    /// account of the token program.
    pub fn read(account: &AccountInfo) -> Option<TokenAccount> {
        if !keys_equal(account.owner(), &TOKEN_PROGRAM_ID) {
            return None;
        }
        TokenAccount::parse(account.data())
    }

    /// Reads token account data (the owner program is the caller's concern).
    pub fn parse(data: &[u8]) -> Option<TokenAccount> {
        if data.len() != TOKEN_ACCOUNT_LEN || data[TOKEN_ACCOUNT_STATE] != STATE_INITIALIZED {
            return None;
        }
        Some(TokenAccount {
            mint: array_at(data, TOKEN_ACCOUNT_MINT),
            owner: array_at(data, TOKEN_ACCOUNT_OWNER),
            amount: u64_at(data, TOKEN_ACCOUNT_AMOUNT),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_account_bytes(state: u8) -> Vec<u8> {
        let mut data = vec![0u8; TOKEN_ACCOUNT_LEN];
        data[..32].copy_from_slice(&[1; 32]);
        data[32..64].copy_from_slice(&[2; 32]);
        data[64..72].copy_from_slice(&500u64.to_le_bytes());
        data[108] = state;
        data
    }

    #[test]
    fn parses_mint_owner_and_amount_of_an_initialized_account() {
        let data = token_account_bytes(1);
        let account = TokenAccount::parse(&data).unwrap();
        assert_eq!(account.mint, [1; 32]);
        assert_eq!(account.owner, [2; 32]);
        assert_eq!(account.amount, 500);
    }

    #[test]
    fn refuses_uninitialized_frozen_and_wrongly_sized_accounts() {
        assert!(TokenAccount::parse(&token_account_bytes(0)).is_none());
        assert!(TokenAccount::parse(&token_account_bytes(2)).is_none());
        let mut longer = token_account_bytes(1);
        longer.push(0);
        assert!(TokenAccount::parse(&longer).is_none());
        assert!(TokenAccount::parse(&token_account_bytes(1)[..MINT_LEN]).is_none());
    }
}
