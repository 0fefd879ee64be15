//! The cross-program calls this program makes, built by hand on the C CPI ABI. Each builder
//! names its accounts; `invoke_signed` takes the seeds of the PDAs that must sign (none for
//! accounts that signed the transaction).

use crate::error::ProgramResult;
use crate::ids::{Pubkey, ASSOCIATED_TOKEN_PROGRAM_ID, SYSTEM_PROGRAM_ID};
use crate::input::AccountInfo;
use crate::syscalls::{invoke_signed, CpiAccountMeta, CpiInstruction, Seeds};

#[inline(always)]
fn meta(account: &AccountInfo, is_writable: bool, is_signer: bool) -> CpiAccountMeta {
    CpiAccountMeta {
        pubkey: account.key(),
        is_writable,
        is_signer,
    }
}

// Always inlined: with the hidden return pointer it would take six arguments, and the BPF
// backend passes at most five in registers.
#[inline(always)]
fn instruction(program_id: &Pubkey, metas: &[CpiAccountMeta], data: &[u8]) -> CpiInstruction {
    CpiInstruction {
        program_id,
        accounts: metas.as_ptr(),
        account_len: metas.len() as u64,
        data: data.as_ptr(),
        data_len: data.len() as u64,
    }
}

/// Creates a system-program-owned, data-less address as an account of `space` bytes owned by
/// `owner` holding at least `lamports`, with `from` paying. Usually one System CreateAccount
/// (instruction 0). CreateAccount refuses an address that already holds lamports, and anyone can
/// send lamports to a predictable PDA address; then it is Transfer (2) of the shortfall,
/// Allocate (8) and Assign (1) instead, so such a gift cannot block the creation.
pub struct CreateAccount<'a, 'b> {
    pub from: &'b AccountInfo<'a>,
    pub to: &'b AccountInfo<'a>,
    pub lamports: u64,
    pub space: u64,
    pub owner: &'b Pubkey,
}

impl CreateAccount<'_, '_> {
    /// `signers` must hold the seeds of `to` (a PDA signs its own creation).
    pub fn invoke_signed(&self, signers: &[&Seeds]) -> ProgramResult {
        let already_held = self.to.lamports();
        let payer_and_target = [meta(self.from, true, true), meta(self.to, true, true)];
        let accounts = [self.from.cpi_view()?, self.to.cpi_view()?];
        if already_held == 0 {
            let data = data::create_account(self.lamports, self.space, self.owner);
            let create = instruction(&SYSTEM_PROGRAM_ID, &payer_and_target, &data);
            return invoke_signed(&create, &accounts, signers);
        }
        if already_held < self.lamports {
            let data = data::system_transfer(self.lamports - already_held);
            let payer_to_target = [meta(self.from, true, true), meta(self.to, true, false)];
            let transfer = instruction(&SYSTEM_PROGRAM_ID, &payer_to_target, &data);
            invoke_signed(&transfer, &accounts, &[])?;
        }
        let target = [meta(self.to, true, true)];
        let data = data::allocate(self.space);
        invoke_signed(
            &instruction(&SYSTEM_PROGRAM_ID, &target, &data),
            &[self.to.cpi_view()?],
            signers,
        )?;
        // Rebuilt after Allocate: the account view carries the data length, which just changed.
        let data = data::assign(self.owner);
        invoke_signed(
            &instruction(&SYSTEM_PROGRAM_ID, &target, &data),
            &[self.to.cpi_view()?],
            signers,
        )
    }
}

/// TransferChecked (instruction 12) of `amount` from `source` to `destination`, in either token
/// program. Token-2022 requires the checked form for mints with extensions, and the mint and
/// decimals it names make both programs refuse a transfer of another mint.
pub struct TransferChecked<'a, 'b> {
    pub token_program: &'b AccountInfo<'a>,
    pub source: &'b AccountInfo<'a>,
    pub mint: &'b AccountInfo<'a>,
    pub destination: &'b AccountInfo<'a>,
    pub authority: &'b AccountInfo<'a>,
    pub amount: u64,
    pub decimals: u8,
}

impl TransferChecked<'_, '_> {
    pub fn invoke_signed(&self, signers: &[&Seeds]) -> ProgramResult {
        let data = data::transfer_checked(self.amount, self.decimals);
        let metas = [
            meta(self.source, true, false),
            meta(self.mint, false, false),
            meta(self.destination, true, false),
            meta(self.authority, false, true),
        ];
        let accounts = [
            self.source.cpi_view()?,
            self.mint.cpi_view()?,
            self.destination.cpi_view()?,
            self.authority.cpi_view()?,
        ];
        invoke_signed(
            &instruction(self.token_program.key(), &metas, &data),
            &accounts,
            signers,
        )
    }
}

/// InitializeAccount3 (instruction 18, both token programs): `account` holds `mint` for `owner`.
/// Needs no Rent sysvar account, unlike InitializeAccount.
pub struct InitializeAccount3<'a, 'b> {
    pub token_program: &'b AccountInfo<'a>,
    pub account: &'b AccountInfo<'a>,
    pub mint: &'b AccountInfo<'a>,
    pub owner: &'b Pubkey,
}

impl InitializeAccount3<'_, '_> {
    pub fn invoke(&self) -> ProgramResult {
        let data = data::initialize_account3(self.owner);
        let metas = [
            meta(self.account, true, false),
            meta(self.mint, false, false),
        ];
        let accounts = [self.account.cpi_view()?, self.mint.cpi_view()?];
        invoke_signed(
            &instruction(self.token_program.key(), &metas, &data),
            &accounts,
            &[],
        )
    }
}

/// CloseAccount (instruction 9, both token programs): an empty `account`'s lamports go to
/// `destination`.
pub struct CloseAccount<'a, 'b> {
    pub token_program: &'b AccountInfo<'a>,
    pub account: &'b AccountInfo<'a>,
    pub destination: &'b AccountInfo<'a>,
    pub authority: &'b AccountInfo<'a>,
}

impl CloseAccount<'_, '_> {
    pub fn invoke_signed(&self, signers: &[&Seeds]) -> ProgramResult {
        let metas = [
            meta(self.account, true, false),
            meta(self.destination, true, false),
            meta(self.authority, false, true),
        ];
        let accounts = [
            self.account.cpi_view()?,
            self.destination.cpi_view()?,
            self.authority.cpi_view()?,
        ];
        invoke_signed(
            &instruction(self.token_program.key(), &metas, &[9]),
            &accounts,
            signers,
        )
    }
}

/// Associated Token Account CreateIdempotent (instruction 1): creates `owner`'s token account
/// for `mint` at `associated_account` unless it exists. The ATA program checks that the
/// address is the one derived from (owner, token program, mint).
pub struct CreateAssociatedTokenAccountIdempotent<'a, 'b> {
    pub payer: &'b AccountInfo<'a>,
    pub associated_account: &'b AccountInfo<'a>,
    pub owner: &'b AccountInfo<'a>,
    pub mint: &'b AccountInfo<'a>,
    pub system_program: &'b AccountInfo<'a>,
    pub token_program: &'b AccountInfo<'a>,
}

impl CreateAssociatedTokenAccountIdempotent<'_, '_> {
    pub fn invoke(&self) -> ProgramResult {
        let metas = [
            meta(self.payer, true, true),
            meta(self.associated_account, true, false),
            meta(self.owner, false, false),
            meta(self.mint, false, false),
            meta(self.system_program, false, false),
            meta(self.token_program, false, false),
        ];
        let accounts = [
            self.payer.cpi_view()?,
            self.associated_account.cpi_view()?,
            self.owner.cpi_view()?,
            self.mint.cpi_view()?,
            self.system_program.cpi_view()?,
            self.token_program.cpi_view()?,
        ];
        invoke_signed(
            &instruction(&ASSOCIATED_TOKEN_PROGRAM_ID, &metas, &[1]),
            &accounts,
            &[],
        )
    }
}

/// Instruction data of the calls above: the system program's are bincode (u32 LE variant index,
/// then the fields), SPL Token's a u8 tag then the fields.
mod data {
    use crate::bytes::put;
    use crate::ids::Pubkey;

    pub fn create_account(lamports: u64, space: u64, owner: &Pubkey) -> [u8; 52] {
        let mut data = [0u8; 52];
        put(&mut data, 4, &lamports.to_le_bytes());
        put(&mut data, 12, &space.to_le_bytes());
        put(&mut data, 20, owner);
        data
    }

    pub fn assign(owner: &Pubkey) -> [u8; 36] {
        let mut data = [0u8; 36];
        data[0] = 1;
        put(&mut data, 4, owner);
        data
    }

    pub fn system_transfer(lamports: u64) -> [u8; 12] {
        let mut data = [0u8; 12];
        data[0] = 2;
        put(&mut data, 4, &lamports.to_le_bytes());
        data
    }

    pub fn allocate(space: u64) -> [u8; 12] {
        let mut data = [0u8; 12];
        data[0] = 8;
        put(&mut data, 4, &space.to_le_bytes());
        data
    }

    pub fn transfer_checked(amount: u64, decimals: u8) -> [u8; 10] {
        let mut data = [12u8; 10];
        put(&mut data, 1, &amount.to_le_bytes());
        data[9] = decimals;
        data
    }

    pub fn initialize_account3(owner: &Pubkey) -> [u8; 33] {
        let mut data = [18u8; 33];
        put(&mut data, 1, owner);
        data
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn concat(parts: &[&[u8]]) -> Vec<u8> {
            parts.concat()
        }

        #[test]
        fn system_instructions_are_bincode_with_a_u32_variant_index() {
            let owner = [7u8; 32];
            assert_eq!(
                create_account(0x0102, 165, &owner).to_vec(),
                concat(&[
                    &[0, 0, 0, 0],
                    &0x0102u64.to_le_bytes(),
                    &165u64.to_le_bytes(),
                    &owner
                ])
            );
            assert_eq!(assign(&owner).to_vec(), concat(&[&[1, 0, 0, 0], &owner]));
            assert_eq!(
                system_transfer(9).to_vec(),
                concat(&[&[2, 0, 0, 0], &9u64.to_le_bytes()])
            );
            assert_eq!(
                allocate(8_440).to_vec(),
                concat(&[&[8, 0, 0, 0], &8_440u64.to_le_bytes()])
            );
        }

        #[test]
        fn token_instructions_are_a_tag_byte_then_fields() {
            assert_eq!(
                transfer_checked(u64::MAX - 1, 6).to_vec(),
                concat(&[&[12], &(u64::MAX - 1).to_le_bytes(), &[6]])
            );
            let owner = [9u8; 32];
            assert_eq!(
                initialize_account3(&owner).to_vec(),
                concat(&[&[18], &owner])
            );
        }
    }
}
