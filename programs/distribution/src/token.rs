//! The parts of SPL Token and Token-2022 account layouts this program reads, and the judgement of
//! a Token-2022 mint's extensions on the side of the fans' escrow.
//!
//! Token-2022 lays a mint or account out as the classic one (82 or 165 bytes); one with extensions
//! pads a mint to 165 bytes, then has an account-type byte at 165 (1 mint, 2 account) and
//! type-length-value extensions from 166: u16 type, u16 length, value.

use crate::bytes::{array_at, u64_at};
use crate::error::DistributionError;
use crate::ids::{keys_equal, Pubkey};
use crate::input::AccountInfo;

pub const MINT_LEN: usize = 82;
const MINT_DECIMALS: usize = 44;
const MINT_IS_INITIALIZED: usize = 45;

pub const TOKEN_ACCOUNT_LEN: usize = 165;
const TOKEN_ACCOUNT_MINT: usize = 0;
const TOKEN_ACCOUNT_OWNER: usize = 32;
const TOKEN_ACCOUNT_AMOUNT: usize = 64;
const TOKEN_ACCOUNT_STATE: usize = 108;
/// AccountState::Initialized; Uninitialized (0) and Frozen (2) cannot receive a transfer.
const STATE_INITIALIZED: u8 = 1;

const ACCOUNT_TYPE: usize = TOKEN_ACCOUNT_LEN;
const ACCOUNT_TYPE_MINT: u8 = 1;
const ACCOUNT_TYPE_ACCOUNT: u8 = 2;
const EXTENSIONS: usize = ACCOUNT_TYPE + 1;

/// What create_distribution needs of a mint: an initialized mint of `token_program`
/// (InvalidMint) whose extensions leave escrowed tokens alone (see `judge_mint_extensions`).
pub struct Mint {
    pub decimals: u8,
}

impl Mint {
    pub fn read(account: &AccountInfo, token_program: &Pubkey) -> Result<Mint, DistributionError> {
        if !keys_equal(account.owner(), token_program) {
            return Err(DistributionError::InvalidMint);
        }
        Mint::parse(&account.try_borrow_data()?)
    }

    pub fn parse(data: &[u8]) -> Result<Mint, DistributionError> {
        let has_extensions = data.len() > TOKEN_ACCOUNT_LEN;
        let well_formed =
            data.len() == MINT_LEN || (has_extensions && data[ACCOUNT_TYPE] == ACCOUNT_TYPE_MINT);
        if !well_formed || data[MINT_IS_INITIALIZED] != 1 {
            return Err(DistributionError::InvalidMint);
        }
        if has_extensions {
            judge_mint_extensions(&data[EXTENSIONS..])?;
        }
        Ok(Mint {
            decimals: data[MINT_DECIMALS],
        })
    }

    /// The decimals of a mint this program already accepted (the distribution's stored mint),
    /// which TransferChecked needs.
    pub fn decimals_of(account: &AccountInfo) -> Result<u8, DistributionError> {
        account
            .try_borrow_data()?
            .get(MINT_DECIMALS)
            .copied()
            .ok_or(DistributionError::InvalidMint)
    }
}

/// Token-2022 mint extension types (spl_token_2022::extension::ExtensionType), as numbered on
/// the wire.
mod extension {
    pub const UNINITIALIZED: u16 = 0;
    pub const TRANSFER_FEE_CONFIG: u16 = 1;
    pub const MINT_CLOSE_AUTHORITY: u16 = 3;
    pub const CONFIDENTIAL_TRANSFER_MINT: u16 = 4;
    pub const DEFAULT_ACCOUNT_STATE: u16 = 6;
    pub const NON_TRANSFERABLE: u16 = 9;
    pub const INTEREST_BEARING_CONFIG: u16 = 10;
    pub const PERMANENT_DELEGATE: u16 = 12;
    pub const TRANSFER_HOOK: u16 = 14;
    pub const CONFIDENTIAL_TRANSFER_FEE_CONFIG: u16 = 16;
    pub const METADATA_POINTER: u16 = 18;
    pub const TOKEN_METADATA: u16 = 19;
    pub const GROUP_POINTER: u16 = 20;
    pub const TOKEN_GROUP: u16 = 21;
    pub const GROUP_MEMBER_POINTER: u16 = 22;
    pub const TOKEN_GROUP_MEMBER: u16 = 23;
    pub const CONFIDENTIAL_MINT_BURN: u16 = 24;
    pub const SCALED_UI_AMOUNT: u16 = 25;
    pub const PAUSABLE: u16 = 26;
    pub const PERMISSIONED_BURN: u16 = 28;
}

/// Each extension of a Token-2022 mint, judged for what it could do to tokens in the vault or on
/// their way to a fan, or to the amount a fan is promised. Allowed, the only types that pass:
/// - metadata pointer, token metadata, group pointer, group, group member pointer, group member:
///   they only describe the token;
/// - a mint close authority: a mint closes only at zero supply, and the vault holds supply;
/// - permissioned burn: it restricts burning, which the escrow never does.
///
/// Refused, each with its own error:
/// - transfer fees (MintHasTransferFee): fans would receive less than the card promises;
/// - a permanent delegate (MintHasPermanentDelegate): it can move the vault's tokens at will;
/// - a transfer hook (MintHasTransferHook): another program decides whether payouts go through;
/// - non-transferable (MintNonTransferable): nothing could ever be paid out;
/// - a default account state (MintHasDefaultAccountState): its authority can make every new
///   account, fans' included, start frozen at any time;
/// - pausable (MintPausable): its authority can stop every payout;
/// - confidential transfers, fees or mint/burn (MintHasConfidentialTransfers): balances the
///   escrow's accounting cannot see;
/// - interest-bearing or scaled UI amount (MintAmountRescalable): wallets show the raw amount
///   times a rate or multiplier that its authority can change at any time, so the amount the
///   card promises (raw in the mint's decimals) is not what the fan's wallet shows;
/// - any type this program does not know (MintHasUnknownExtension): fail closed.
pub fn judge_mint_extensions(mut tlv: &[u8]) -> Result<(), DistributionError> {
    use extension::*;
    while tlv.len() >= 4 {
        let kind = u16::from_le_bytes([tlv[0], tlv[1]]);
        let length = u16::from_le_bytes([tlv[2], tlv[3]]) as usize;
        if kind == UNINITIALIZED {
            break;
        }
        let refusal = match kind {
            MINT_CLOSE_AUTHORITY | METADATA_POINTER | TOKEN_METADATA | GROUP_POINTER
            | TOKEN_GROUP | GROUP_MEMBER_POINTER | TOKEN_GROUP_MEMBER | PERMISSIONED_BURN => None,
            TRANSFER_FEE_CONFIG => Some(DistributionError::MintHasTransferFee),
            PERMANENT_DELEGATE => Some(DistributionError::MintHasPermanentDelegate),
            TRANSFER_HOOK => Some(DistributionError::MintHasTransferHook),
            NON_TRANSFERABLE => Some(DistributionError::MintNonTransferable),
            DEFAULT_ACCOUNT_STATE => Some(DistributionError::MintHasDefaultAccountState),
            PAUSABLE => Some(DistributionError::MintPausable),
            INTEREST_BEARING_CONFIG | SCALED_UI_AMOUNT => {
                Some(DistributionError::MintAmountRescalable)
            }
            CONFIDENTIAL_TRANSFER_MINT
            | CONFIDENTIAL_TRANSFER_FEE_CONFIG
            | CONFIDENTIAL_MINT_BURN => Some(DistributionError::MintHasConfidentialTransfers),
            _ => Some(DistributionError::MintHasUnknownExtension),
        };
        if let Some(error) = refusal {
            return Err(error);
        }
        tlv = tlv
            .get(4 + length..)
            .ok_or(DistributionError::InvalidMint)?;
    }
    Ok(())
}

/// The fields of an initialized, unfrozen token account.
pub struct TokenAccount {
    pub mint: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
}

impl TokenAccount {
    /// Reads a token account, or None when `account` is not an initialized, unfrozen token
    /// account of `token_program`.
    pub fn read(account: &AccountInfo, token_program: &Pubkey) -> Option<TokenAccount> {
        if !keys_equal(account.owner(), token_program) {
            return None;
        }
        TokenAccount::parse(&account.try_borrow_data().ok()?)
    }

    /// Reads token account data (the owner program is the caller's concern): 165 bytes, or more
    /// with Token-2022 extensions after an account-type byte that says "account".
    pub fn parse(data: &[u8]) -> Option<TokenAccount> {
        let well_formed = data.len() == TOKEN_ACCOUNT_LEN
            || (data.len() > TOKEN_ACCOUNT_LEN && data[ACCOUNT_TYPE] == ACCOUNT_TYPE_ACCOUNT);
        if !well_formed || data[TOKEN_ACCOUNT_STATE] != STATE_INITIALIZED {
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

    /// A Token-2022 mint with these (type, value length) extensions, initialized, 6 decimals.
    fn mint_2022(extensions: &[(u16, u16)]) -> Vec<u8> {
        let mut data = vec![0u8; TOKEN_ACCOUNT_LEN];
        data[MINT_DECIMALS] = 6;
        data[MINT_IS_INITIALIZED] = 1;
        data.push(ACCOUNT_TYPE_MINT);
        for &(kind, length) in extensions {
            data.extend_from_slice(&kind.to_le_bytes());
            data.extend_from_slice(&length.to_le_bytes());
            data.extend(core::iter::repeat_n(0xab, length as usize));
        }
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

    #[test]
    fn reads_token_2022_accounts_with_extensions_but_not_mints() {
        // An associated token account of Token-2022: ImmutableOwner (type 7, no value).
        let mut account = token_account_bytes(1);
        account.extend_from_slice(&[ACCOUNT_TYPE_ACCOUNT, 7, 0, 0, 0]);
        assert_eq!(TokenAccount::parse(&account).unwrap().amount, 500);
        let mut mint_shaped = token_account_bytes(1);
        mint_shaped.extend_from_slice(&[ACCOUNT_TYPE_MINT, 18, 0, 64, 0]);
        assert!(TokenAccount::parse(&mint_shaped).is_none());
    }

    #[test]
    fn reads_classic_and_token_2022_mints() {
        let mut classic = vec![0u8; MINT_LEN];
        classic[MINT_DECIMALS] = 9;
        classic[MINT_IS_INITIALIZED] = 1;
        assert_eq!(Mint::parse(&classic).map(|mint| mint.decimals), Ok(9));
        classic[MINT_IS_INITIALIZED] = 0;
        assert!(Mint::parse(&classic).is_err());
        // pump.fun's shape: a metadata pointer to itself, then the metadata.
        let pump = mint_2022(&[(18, 64), (19, 120)]);
        assert_eq!(Mint::parse(&pump).map(|mint| mint.decimals), Ok(6));
        assert_eq!(
            Mint::parse(&token_account_bytes(1)).map(|_| ()),
            Err(DistributionError::InvalidMint)
        );
    }

    #[test]
    fn judges_each_mint_extension() {
        use DistributionError::*;
        let allowed = [3, 18, 19, 20, 21, 22, 23, 28];
        for kind in allowed {
            assert_eq!(
                Mint::parse(&mint_2022(&[(kind, 8)])).map(|_| ()),
                Ok(()),
                "type {kind}"
            );
        }
        let refused = [
            (1, MintHasTransferFee),
            (4, MintHasConfidentialTransfers),
            (6, MintHasDefaultAccountState),
            (9, MintNonTransferable),
            (10, MintAmountRescalable),
            (12, MintHasPermanentDelegate),
            (14, MintHasTransferHook),
            (16, MintHasConfidentialTransfers),
            (24, MintHasConfidentialTransfers),
            (25, MintAmountRescalable),
            (26, MintPausable),
            (27, MintHasUnknownExtension),
            (29, MintHasUnknownExtension),
            (2, MintHasUnknownExtension),
            (u16::MAX, MintHasUnknownExtension),
        ];
        for (kind, error) in refused {
            // Behind an allowed one, so the walk over the list is what finds it.
            let mint = mint_2022(&[(18, 64), (kind, 8)]);
            assert_eq!(Mint::parse(&mint).map(|_| ()), Err(error), "type {kind}");
        }
    }

    #[test]
    fn refuses_an_extension_whose_length_runs_past_the_data() {
        let mut mint = mint_2022(&[(18, 64)]);
        mint.truncate(mint.len() - 1);
        assert_eq!(
            Mint::parse(&mint).map(|_| ()),
            Err(DistributionError::InvalidMint)
        );
    }

    #[test]
    fn zero_padding_after_the_extensions_ends_the_list() {
        let mut mint = mint_2022(&[(19, 10)]);
        mint.extend_from_slice(&[0; 12]);
        assert_eq!(Mint::parse(&mint).map(|_| ()), Ok(()));
    }
}
