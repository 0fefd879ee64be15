//! Reads the runtime's serialized program input (the aligned BPF loader format) in place.
//!
//! Layout: u64 account count; per account either a duplicate marker (u8 index of the first
//! occurrence + 7 bytes padding) or a record: u8 0xff, u8 is_signer, u8 is_writable,
//! u8 executable, 4 bytes padding, key [32], owner [32], u64 lamports, u64 data length,
//! data, 10 KiB of realloc room, padding to 8 bytes, u64 rent_epoch. Then u64 instruction data
//! length, the instruction data and the 32-byte program id. The runtime reads lamports, data
//! length, data and owner back after the program returns, so writes here are the account writes.
//!
//! The same account may be passed twice (a duplicate marker points at its record), so two
//! `AccountInfo`s can share one record. Data is therefore only lent through borrow guards that
//! track, in the record's first byte, whether it is lent: like pinocchio, this reuses the
//! non-duplicate marker, which the runtime does not read back. 0xff is free, 0 lent mutably, and
//! 0xff - n lent to n readers.

use core::marker::PhantomData;

use crate::error::{DistributionError, ProgramError};
use crate::ids::Pubkey;
use crate::syscalls::CpiAccountInfo;

const NON_DUPLICATE_MARKER: u8 = 0xff;
const BORROW_STATE: usize = 0;
const UNBORROWED: u8 = NON_DUPLICATE_MARKER;
const MUTABLY_BORROWED: u8 = 0;
const IS_SIGNER: usize = 1;
const IS_WRITABLE: usize = 2;
const EXECUTABLE: usize = 3;
/// The 4 padding bytes of each record (ignored by the runtime). `deserialize` stamps there the
/// data length at entry for a record, or the record's offset for a duplicate marker, because a
/// CPI may change an account's data length but never where the next record starts.
const STAMP: usize = 4;
const KEY: usize = 8;
const OWNER: usize = 40;
const LAMPORTS: usize = 72;
const DATA_LEN: usize = 80;
const DATA: usize = 88;
const MAX_PERMITTED_DATA_INCREASE: usize = 10 * 1024;
const DUPLICATE_MARKER_LEN: usize = 8;

/// The program's input, split into its parts.
pub struct Input<'a> {
    pub accounts: Accounts<'a>,
    pub instruction_data: &'a [u8],
    pub program_id: &'a Pubkey,
}

/// One account of the instruction, read and written in place in the input buffer.
pub struct AccountInfo<'a> {
    record: *mut u8,
    _input: PhantomData<&'a mut [u8]>,
}

/// The instruction's accounts in order. Instructions take them one by one and must consume all
/// of them: an account nobody checks is an account nobody should be passing.
pub struct Accounts<'a> {
    input: *mut u8,
    next: *mut u8,
    remaining: u64,
    _input: PhantomData<&'a mut [u8]>,
}

/// Splits the serialized input and stamps each record's padding (see `STAMP`).
///
/// # Safety
/// `input` must point to a complete, writable input buffer in the format above that outlives 'a.
pub unsafe fn deserialize<'a>(input: *mut u8) -> Input<'a> {
    let count = read_u64(input);
    let mut cursor = input.add(8);
    let mut index = 0;
    while index < count {
        if *cursor == NON_DUPLICATE_MARKER {
            let data_len = read_u64(cursor.add(DATA_LEN)) as usize;
            write_stamp(cursor, data_len as u32);
            cursor = cursor.add(record_len(data_len));
        } else {
            let original = record_at_index(input, *cursor as u64);
            write_stamp(cursor, original.offset_from(input) as u32);
            cursor = cursor.add(DUPLICATE_MARKER_LEN);
        }
        index += 1;
    }
    let data_len = read_u64(cursor) as usize;
    let instruction_data = core::slice::from_raw_parts(cursor.add(8), data_len);
    let program_id = &*(cursor.add(8 + data_len) as *const Pubkey);
    Input {
        accounts: Accounts {
            input,
            next: input.add(8),
            remaining: count,
            _input: PhantomData,
        },
        instruction_data,
        program_id,
    }
}

/// Bytes a non-duplicate record takes, from the data length the account had at entry.
fn record_len(data_len: usize) -> usize {
    let unaligned = DATA + data_len + MAX_PERMITTED_DATA_INCREASE;
    ((unaligned + 7) & !7) + 8
}

/// The record of account `index`, walking the already stamped records before it. Only used for
/// duplicate markers, which point at an earlier first occurrence.
unsafe fn record_at_index(input: *mut u8, index: u64) -> *mut u8 {
    let mut cursor = input.add(8);
    let mut step = 0;
    while step < index {
        cursor = if *cursor == NON_DUPLICATE_MARKER {
            cursor.add(record_len(read_stamp(cursor) as usize))
        } else {
            cursor.add(DUPLICATE_MARKER_LEN)
        };
        step += 1;
    }
    cursor
}

unsafe fn read_u64(at: *const u8) -> u64 {
    (at as *const u64).read_unaligned()
}

unsafe fn read_stamp(record: *const u8) -> u32 {
    (record.add(STAMP) as *const u32).read_unaligned()
}

unsafe fn write_stamp(record: *mut u8, value: u32) {
    (record.add(STAMP) as *mut u32).write_unaligned(value)
}

impl<'a> Accounts<'a> {
    /// The next account, or NotEnoughAccounts when the instruction has no more.
    pub fn next_account(&mut self) -> Result<AccountInfo<'a>, ProgramError> {
        if self.remaining == 0 {
            return Err(DistributionError::NotEnoughAccounts.into());
        }
        self.remaining -= 1;
        // SAFETY: `deserialize` checked the buffer layout and stamped every record it walked.
        unsafe {
            let record = if *self.next == NON_DUPLICATE_MARKER {
                let record = self.next;
                self.next = record.add(record_len(read_stamp(record) as usize));
                record
            } else {
                let record = self.input.add(read_stamp(self.next) as usize);
                self.next = self.next.add(DUPLICATE_MARKER_LEN);
                record
            };
            Ok(AccountInfo {
                record,
                _input: PhantomData,
            })
        }
    }

    /// How many accounts have not been taken yet.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// Refuses accounts beyond the ones the instruction takes.
    pub fn finish(&self) -> Result<(), ProgramError> {
        if self.remaining != 0 {
            return Err(DistributionError::NotEnoughAccounts.into());
        }
        Ok(())
    }
}

impl<'a> AccountInfo<'a> {
    pub fn key(&self) -> &'a Pubkey {
        // SAFETY: the key lies inside the record and the runtime never changes it.
        unsafe { &*(self.record.add(KEY) as *const Pubkey) }
    }

    pub fn owner(&self) -> &Pubkey {
        // SAFETY: inside the record; only CPIs (which take &self, not a live borrow) change it.
        unsafe { &*(self.record.add(OWNER) as *const Pubkey) }
    }

    pub fn is_signer(&self) -> bool {
        // SAFETY: a flag byte inside the record.
        unsafe { *self.record.add(IS_SIGNER) != 0 }
    }

    pub fn is_writable(&self) -> bool {
        // SAFETY: a flag byte inside the record.
        unsafe { *self.record.add(IS_WRITABLE) != 0 }
    }

    pub fn lamports(&self) -> u64 {
        // SAFETY: inside the record.
        unsafe { read_u64(self.record.add(LAMPORTS)) }
    }

    pub fn set_lamports(&mut self, lamports: u64) {
        // SAFETY: inside the record; the runtime checks the change after the instruction.
        unsafe { (self.record.add(LAMPORTS) as *mut u64).write_unaligned(lamports) }
    }

    /// The current data length: a CPI (CreateAccount) may have changed it since entry.
    pub fn data_len(&self) -> usize {
        // SAFETY: inside the record.
        unsafe { read_u64(self.record.add(DATA_LEN)) as usize }
    }

    /// The data, lent for reading (AccountBorrowFailed while it is lent mutably, through this
    /// AccountInfo or a duplicate of it).
    pub fn try_borrow_data(&self) -> Result<DataRef<'_>, DistributionError> {
        // SAFETY: the borrow state byte lies inside the record; the runtime does not read it.
        let state = unsafe { self.record.add(BORROW_STATE) };
        // SAFETY: as above.
        let current = unsafe { *state };
        // The last reader count before MUTABLY_BORROWED is refused too: 254 readers at most.
        if current <= MUTABLY_BORROWED + 1 {
            return Err(DistributionError::AccountBorrowFailed);
        }
        // SAFETY: as above; no mutable loan is out, so shared references may coexist.
        unsafe { *state = current - 1 };
        Ok(DataRef {
            state,
            // SAFETY: the data and its realloc room lie inside the record, and no mutable loan is out.
            data: unsafe { core::slice::from_raw_parts(self.record.add(DATA), self.data_len()) },
        })
    }

    /// The data, lent for writing (AccountBorrowFailed while any loan of it is out, through this
    /// AccountInfo or a duplicate of it).
    pub fn try_borrow_mut_data(&self) -> Result<DataRefMut<'_>, DistributionError> {
        // SAFETY: the borrow state byte lies inside the record; the runtime does not read it.
        let state = unsafe { self.record.add(BORROW_STATE) };
        // SAFETY: as above.
        if unsafe { *state } != UNBORROWED {
            return Err(DistributionError::AccountBorrowFailed);
        }
        // SAFETY: as above.
        unsafe { *state = MUTABLY_BORROWED };
        Ok(DataRefMut {
            state,
            // SAFETY: inside the record, and the state byte now keeps every other loan out.
            data: unsafe {
                core::slice::from_raw_parts_mut(self.record.add(DATA), self.data_len())
            },
        })
    }

    /// Shrinks the data to `len` bytes (never grows it: the bytes past the old length were not
    /// zeroed by anyone). The runtime takes the new length back after the instruction. Refused
    /// (AccountBorrowFailed) while the data is lent: a loan would outlast the bytes it covers.
    pub fn shrink_data(&mut self, len: usize) -> Result<(), DistributionError> {
        // SAFETY: the borrow state byte lies inside the record.
        if unsafe { *self.record.add(BORROW_STATE) } != UNBORROWED {
            return Err(DistributionError::AccountBorrowFailed);
        }
        if len < self.data_len() {
            // SAFETY: writes the data length field inside the record, to a smaller value.
            unsafe { (self.record.add(DATA_LEN) as *mut u64).write_unaligned(len as u64) }
        }
        Ok(())
    }

    /// The view of this account that `sol_invoke_signed_c` reads. The pointers are into the
    /// input buffer, so the runtime's updates after the CPI land where this program reads them;
    /// refused (AccountBorrowFailed) while its data is lent, which the callee could change.
    pub fn cpi_view(&self) -> Result<CpiAccountInfo, DistributionError> {
        // SAFETY: the borrow state byte lies inside the record.
        if unsafe { *self.record.add(BORROW_STATE) } != UNBORROWED {
            return Err(DistributionError::AccountBorrowFailed);
        }
        // SAFETY: every pointer is inside the record.
        Ok(unsafe {
            CpiAccountInfo {
                key: self.record.add(KEY) as *const Pubkey,
                lamports: self.record.add(LAMPORTS) as *mut u64,
                data_len: self.data_len() as u64,
                data: self.record.add(DATA),
                owner: self.record.add(OWNER) as *const Pubkey,
                rent_epoch: 0,
                is_signer: self.is_signer(),
                is_writable: self.is_writable(),
                executable: *self.record.add(EXECUTABLE) != 0,
            }
        })
    }
}

/// Account data lent for reading; gives the loan back when dropped.
pub struct DataRef<'a> {
    state: *mut u8,
    data: &'a [u8],
}

impl core::ops::Deref for DataRef<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.data
    }
}

impl Drop for DataRef<'_> {
    fn drop(&mut self) {
        // SAFETY: `state` is the record's borrow byte, which `try_borrow_data` decremented.
        unsafe { *self.state += 1 }
    }
}

/// Account data lent for writing; gives the loan back when dropped.
pub struct DataRefMut<'a> {
    state: *mut u8,
    data: &'a mut [u8],
}

impl core::ops::Deref for DataRefMut<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.data
    }
}

impl core::ops::DerefMut for DataRefMut<'_> {
    fn deref_mut(&mut self) -> &mut [u8] {
        self.data
    }
}

impl Drop for DataRefMut<'_> {
    fn drop(&mut self) {
        // SAFETY: `state` is the record's borrow byte, which `try_borrow_mut_data` set.
        unsafe { *self.state = UNBORROWED }
    }
}

#[cfg(test)]
pub mod test_input {
    //! Builds serialized inputs the way the runtime does, for host tests.

    use super::*;

    pub struct TestAccount {
        pub key: Pubkey,
        pub owner: Pubkey,
        pub lamports: u64,
        pub data: Vec<u8>,
        pub is_signer: bool,
        pub is_writable: bool,
    }

    /// `accounts` entries are either a new account or `Err(index)` for a duplicate of `index`.
    pub fn serialize(
        accounts: &[Result<TestAccount, u8>],
        instruction_data: &[u8],
        program_id: &Pubkey,
    ) -> Vec<u8> {
        let mut buffer = (accounts.len() as u64).to_le_bytes().to_vec();
        for account in accounts {
            match account {
                Err(index) => buffer.extend_from_slice(&[*index, 0, 0, 0, 0, 0, 0, 0]),
                Ok(account) => {
                    buffer.extend_from_slice(&[
                        NON_DUPLICATE_MARKER,
                        account.is_signer as u8,
                        account.is_writable as u8,
                        0,
                    ]);
                    buffer.extend_from_slice(&[0; 4]);
                    buffer.extend_from_slice(&account.key);
                    buffer.extend_from_slice(&account.owner);
                    buffer.extend_from_slice(&account.lamports.to_le_bytes());
                    buffer.extend_from_slice(&(account.data.len() as u64).to_le_bytes());
                    buffer.extend_from_slice(&account.data);
                    buffer.resize(buffer.len() + MAX_PERMITTED_DATA_INCREASE, 0);
                    buffer.resize((buffer.len() + 7) & !7, 0);
                    buffer.extend_from_slice(&u64::MAX.to_le_bytes()); // rent_epoch
                }
            }
        }
        buffer.extend_from_slice(&(instruction_data.len() as u64).to_le_bytes());
        buffer.extend_from_slice(instruction_data);
        buffer.extend_from_slice(program_id);
        buffer
    }

    pub fn account(seed: u8, data_len: usize) -> TestAccount {
        TestAccount {
            key: [seed; 32],
            owner: [seed.wrapping_add(100); 32],
            lamports: seed as u64 * 1_000,
            data: (0..data_len).map(|byte| byte as u8 ^ seed).collect(),
            is_signer: seed.is_multiple_of(2),
            is_writable: seed.is_multiple_of(3),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_input::*;
    use super::*;

    #[test]
    fn reads_accounts_duplicates_instruction_data_and_program_id() {
        let accounts = [
            Ok(account(2, 0)),
            Ok(account(3, 165)),
            Err(0),
            Ok(account(6, 7)),
            Err(1),
        ];
        let mut buffer = serialize(&accounts, &[9, 8, 7], &[42; 32]);
        let input = unsafe { deserialize(buffer.as_mut_ptr()) };
        assert_eq!(input.instruction_data, &[9, 8, 7]);
        assert_eq!(input.program_id, &[42; 32]);

        let mut cursor = input.accounts;
        assert_eq!(cursor.remaining(), 5);
        let expected = [
            account(2, 0),
            account(3, 165),
            account(2, 0),
            account(6, 7),
            account(3, 165),
        ];
        for wanted in &expected {
            let info = cursor.next_account().unwrap();
            assert_eq!(info.key(), &wanted.key);
            assert_eq!(info.owner(), &wanted.owner);
            assert_eq!(info.lamports(), wanted.lamports);
            assert_eq!(&*info.try_borrow_data().unwrap(), &wanted.data[..]);
            assert_eq!(info.is_signer(), wanted.is_signer);
            assert_eq!(info.is_writable(), wanted.is_writable);
        }
        assert!(cursor.finish().is_ok());
        assert_eq!(
            cursor.next_account().err(),
            Some(DistributionError::NotEnoughAccounts.into())
        );
    }

    #[test]
    fn writes_land_in_the_buffer_and_are_seen_through_duplicates() {
        let accounts = [Ok(account(3, 16)), Err(0)];
        let mut buffer = serialize(&accounts, &[], &[1; 32]);
        let input = unsafe { deserialize(buffer.as_mut_ptr()) };
        let mut cursor = input.accounts;
        let mut first = cursor.next_account().unwrap();
        first.set_lamports(77);
        first.try_borrow_mut_data().unwrap()[0] = 0xab;
        let duplicate = cursor.next_account().unwrap();
        assert_eq!(duplicate.lamports(), 77);
        assert_eq!(duplicate.try_borrow_data().unwrap()[0], 0xab);
        first.shrink_data(20).unwrap();
        assert_eq!(duplicate.data_len(), 16);
        first.shrink_data(8).unwrap();
        assert_eq!(duplicate.data_len(), 8);
    }

    #[test]
    fn a_duplicate_cannot_borrow_what_the_first_lent_mutably() {
        let accounts = [Ok(account(3, 16)), Err(0)];
        let mut buffer = serialize(&accounts, &[], &[1; 32]);
        let mut cursor = unsafe { deserialize(buffer.as_mut_ptr()) }.accounts;
        let mut first = cursor.next_account().unwrap();
        let mut duplicate = cursor.next_account().unwrap();
        let refused = Err(DistributionError::AccountBorrowFailed);

        let writing = first.try_borrow_mut_data().unwrap();
        assert_eq!(duplicate.try_borrow_data().map(|_| ()), refused);
        assert_eq!(duplicate.try_borrow_mut_data().map(|_| ()), refused);
        assert_eq!(duplicate.cpi_view().map(|_| ()), refused);
        drop(writing);

        let reading = first.try_borrow_data().unwrap();
        let reading_too = duplicate.try_borrow_data().unwrap();
        assert_eq!(&*reading, &*reading_too);
        assert_eq!(duplicate.try_borrow_mut_data().map(|_| ()), refused);
        drop(reading_too);
        // Still lent to `first`'s reader: shrinking would leave it reading past the data.
        assert_eq!(duplicate.shrink_data(4), refused);
        assert_eq!(duplicate.try_borrow_mut_data().map(|_| ()), refused);
        drop(reading);

        // Every loan given back: the record is as the runtime wrote it, and free again.
        assert_eq!(buffer_byte(&first), NON_DUPLICATE_MARKER);
        assert!(duplicate.try_borrow_mut_data().is_ok());
        assert!(first.cpi_view().is_ok());
        assert_eq!(first.shrink_data(4), Ok(()));
    }

    fn buffer_byte(info: &AccountInfo) -> u8 {
        unsafe { *info.record.add(BORROW_STATE) }
    }

    #[test]
    fn readers_are_counted_up_to_the_limit_of_one_byte() {
        let accounts = [Ok(account(3, 4))];
        let mut buffer = serialize(&accounts, &[], &[1; 32]);
        let info = unsafe { deserialize(buffer.as_mut_ptr()) }
            .accounts
            .next_account()
            .unwrap();
        let readers: Vec<_> = (0..254).map(|_| info.try_borrow_data().unwrap()).collect();
        assert_eq!(
            info.try_borrow_data().map(|_| ()),
            Err(DistributionError::AccountBorrowFailed)
        );
        drop(readers);
        assert!(info.try_borrow_mut_data().is_ok());
    }

    #[test]
    fn a_grown_account_does_not_shift_the_records_after_it() {
        // CreateAccount grows a 0-byte account in place; the next record must still be found.
        let accounts = [Ok(account(3, 0)), Ok(account(6, 4)), Err(1)];
        let mut buffer = serialize(&accounts, &[5], &[1; 32]);
        let input = unsafe { deserialize(buffer.as_mut_ptr()) };
        let data_len_of_first = 8 + DATA_LEN;
        buffer_write_u64(&mut buffer, data_len_of_first, 300);
        let mut cursor = input.accounts;
        assert_eq!(cursor.next_account().unwrap().data_len(), 300);
        assert_eq!(cursor.next_account().unwrap().key(), &[6; 32]);
        assert_eq!(cursor.next_account().unwrap().key(), &[6; 32]);
    }

    fn buffer_write_u64(buffer: &mut [u8], at: usize, value: u64) {
        buffer[at..at + 8].copy_from_slice(&value.to_le_bytes());
    }

    #[test]
    fn extra_accounts_are_refused_by_finish() {
        let accounts = [Ok(account(3, 0)), Ok(account(6, 0))];
        let mut buffer = serialize(&accounts, &[], &[1; 32]);
        let mut cursor = unsafe { deserialize(buffer.as_mut_ptr()) }.accounts;
        cursor.next_account().unwrap();
        assert_eq!(
            cursor.finish(),
            Err(DistributionError::NotEnoughAccounts.into())
        );
    }

    #[test]
    fn cpi_view_points_into_the_record() {
        let accounts = [Ok(account(6, 10))];
        let mut buffer = serialize(&accounts, &[], &[1; 32]);
        let info = unsafe { deserialize(buffer.as_mut_ptr()) }
            .accounts
            .next_account()
            .unwrap();
        let view = info.cpi_view().unwrap();
        assert_eq!(unsafe { *view.key }, [6; 32]);
        assert_eq!(unsafe { view.lamports.read_unaligned() }, 6_000);
        assert_eq!(view.data_len, 10);
        assert_eq!(
            view.data as *const u8,
            info.try_borrow_data().unwrap().as_ptr()
        );
        assert!(view.is_signer && view.is_writable && !view.executable);
    }
}
