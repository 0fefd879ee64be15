//! Instruction data: the 8-byte Anchor discriminators and the Borsh arguments after them.
//! Every parser consumes the data exactly: short data, trailing bytes and a bool other than 0 or
//! 1 are InvalidInstructionData.

use crate::bytes::array_at;
use crate::error::DistributionError;
use crate::ids::Pubkey;

/// sha256("global:<name>")[..8] of each instruction, read as a little-endian u64 so dispatch
/// compares one word instead of calling `bcmp`.
pub const CREATE_DISTRIBUTION: u64 = u64::from_le_bytes([237, 83, 162, 50, 49, 6, 28, 115]);
pub const BATCH_CLAIM: u64 = u64::from_le_bytes([3, 1, 13, 209, 198, 215, 144, 13]);
pub const CLOSE_DISTRIBUTION: u64 = u64::from_le_bytes([238, 70, 219, 176, 69, 243, 141, 230]);
pub const SET_VERIFIER: u64 = u64::from_le_bytes([186, 247, 191, 131, 148, 158, 213, 63]);
pub const PAUSE: u64 = u64::from_le_bytes([211, 22, 221, 251, 74, 121, 193, 47]);
pub const RESUME: u64 = u64::from_le_bytes([1, 166, 51, 170, 127, 32, 141, 206]);

type ParseResult<T> = Result<T, DistributionError>;

/// Splits off the discriminator. Data shorter than one is malformed, not unknown.
pub fn split_discriminator(data: &[u8]) -> ParseResult<(u64, &[u8])> {
    if data.len() < 8 {
        return Err(DistributionError::InvalidInstructionData);
    }
    Ok((u64::from_le_bytes(array_at(data, 0)), &data[8..]))
}

/// Reads Borsh values front to back.
struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take<const N: usize>(&mut self) -> ParseResult<[u8; N]> {
        if self.data.len() < N {
            return Err(DistributionError::InvalidInstructionData);
        }
        let value = array_at(self.data, 0);
        self.data = &self.data[N..];
        Ok(value)
    }

    fn u8(&mut self) -> ParseResult<u8> {
        Ok(self.take::<1>()?[0])
    }

    fn u32(&mut self) -> ParseResult<u32> {
        self.take().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> ParseResult<u64> {
        self.take().map(u64::from_le_bytes)
    }

    fn i64(&mut self) -> ParseResult<i64> {
        self.take().map(i64::from_le_bytes)
    }

    /// Everything must have been read.
    fn finish(&self) -> ParseResult<()> {
        if !self.data.is_empty() {
            return Err(DistributionError::InvalidInstructionData);
        }
        Ok(())
    }
}

fn parse_bool(byte: u8) -> ParseResult<bool> {
    match byte {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(DistributionError::InvalidInstructionData),
    }
}

/// The arguments of create_distribution, in wire order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateArgs {
    pub distribution_id: u64,
    pub bump: u8,
    pub vault_bump: u8,
    pub amount_per_claim: u64,
    pub max_claims: u32,
    pub start_ts: i64,
    pub end_ts: i64,
    pub fee_per_claim_lamports: u64,
    pub fee_budget_lamports: u64,
    pub requirements_hash: [u8; 32],
    pub post_id: u64,
    pub verifier: Pubkey,
    pub priority_fee_cap_lamports: u64,
}

impl CreateArgs {
    pub fn parse(data: &[u8]) -> ParseResult<CreateArgs> {
        let mut reader = Reader { data };
        let args = CreateArgs {
            distribution_id: reader.u64()?,
            bump: reader.u8()?,
            vault_bump: reader.u8()?,
            amount_per_claim: reader.u64()?,
            max_claims: reader.u32()?,
            start_ts: reader.i64()?,
            end_ts: reader.i64()?,
            fee_per_claim_lamports: reader.u64()?,
            fee_budget_lamports: reader.u64()?,
            requirements_hash: reader.take()?,
            post_id: reader.u64()?,
            verifier: reader.take()?,
            priority_fee_cap_lamports: reader.u64()?,
        };
        reader.finish()?;
        Ok(args)
    }
}

/// The argument of set_verifier.
pub fn parse_new_verifier(data: &[u8]) -> ParseResult<Pubkey> {
    let mut reader = Reader { data };
    let verifier = reader.take()?;
    reader.finish()?;
    Ok(verifier)
}

/// Instructions without arguments still refuse trailing bytes.
pub fn parse_no_args(data: &[u8]) -> ParseResult<()> {
    Reader { data }.finish()
}

/// One entry of batch_claim's `claims: Vec<ClaimEntry>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimEntry {
    pub slot: u16,
    pub create_recipient_account: bool,
}

const CLAIM_ENTRY_LEN: usize = 3;

/// batch_claim's entries, validated once and then read in place (no allocation).
pub struct ClaimEntries<'a> {
    entries: &'a [u8],
}

impl<'a> ClaimEntries<'a> {
    /// Parses `u32 count` + `count` entries of (u16 slot, bool). Malformed data is
    /// InvalidInstructionData; a well-formed empty list is EmptyBatch.
    pub fn parse(data: &'a [u8]) -> ParseResult<ClaimEntries<'a>> {
        let mut reader = Reader { data };
        let count = reader.u32()? as u64;
        let entries = reader.data;
        if entries.len() as u64 != count * CLAIM_ENTRY_LEN as u64 {
            return Err(DistributionError::InvalidInstructionData);
        }
        for entry in entries.chunks_exact(CLAIM_ENTRY_LEN) {
            parse_bool(entry[2])?;
        }
        if count == 0 {
            return Err(DistributionError::EmptyBatch);
        }
        Ok(ClaimEntries { entries })
    }

    pub fn iter(&self) -> impl Iterator<Item = ClaimEntry> + 'a {
        self.entries
            .chunks_exact(CLAIM_ENTRY_LEN)
            .map(|entry| ClaimEntry {
                slot: u16::from_le_bytes([entry[0], entry[1]]),
                create_recipient_account: entry[2] == 1,
            })
    }

    /// Whether any entry asks the program to create the recipient's token account.
    pub fn any_creates_recipient_account(&self) -> bool {
        self.iter().any(|entry| entry.create_recipient_account)
    }

    /// Accounts the entries take after the fixed ones: the recipient token account, plus its
    /// owner when the program creates the account.
    pub fn accounts_needed(&self) -> u64 {
        self.iter()
            .map(|entry| 1 + entry.create_recipient_account as u64)
            .sum()
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    pub fn create_args() -> CreateArgs {
        CreateArgs {
            distribution_id: 7,
            bump: 255,
            vault_bump: 254,
            amount_per_claim: 1_000,
            max_claims: 100,
            start_ts: 1_000,
            end_ts: 2_000,
            fee_per_claim_lamports: 5_000,
            fee_budget_lamports: 500_000,
            requirements_hash: [3; 32],
            post_id: 42,
            verifier: [4; 32],
            priority_fee_cap_lamports: 0,
        }
    }

    /// Borsh-encodes the arguments the way a client does, independently of the parser.
    pub fn encode_create_args(args: &CreateArgs) -> Vec<u8> {
        let mut data = Vec::new();
        data.extend_from_slice(&args.distribution_id.to_le_bytes());
        data.extend_from_slice(&[args.bump, args.vault_bump]);
        data.extend_from_slice(&args.amount_per_claim.to_le_bytes());
        data.extend_from_slice(&args.max_claims.to_le_bytes());
        data.extend_from_slice(&args.start_ts.to_le_bytes());
        data.extend_from_slice(&args.end_ts.to_le_bytes());
        data.extend_from_slice(&args.fee_per_claim_lamports.to_le_bytes());
        data.extend_from_slice(&args.fee_budget_lamports.to_le_bytes());
        data.extend_from_slice(&args.requirements_hash);
        data.extend_from_slice(&args.post_id.to_le_bytes());
        data.extend_from_slice(&args.verifier);
        data.extend_from_slice(&args.priority_fee_cap_lamports.to_le_bytes());
        data
    }

    fn encode_claims(entries: &[(u16, u8)]) -> Vec<u8> {
        let mut data = (entries.len() as u32).to_le_bytes().to_vec();
        for (slot, create) in entries {
            data.extend_from_slice(&slot.to_le_bytes());
            data.push(*create);
        }
        data
    }

    /// The discriminator bytes listed after `"name": "<name>"` in the IDL, whatever its layout.
    pub fn idl_discriminator(name: &str) -> Vec<u8> {
        let idl = include_str!("../idl/memefans_distribution.json");
        let after_name = &idl[idl.find(&format!("\"name\": \"{name}\"")).expect(name)..];
        let list = &after_name[after_name.find("\"discriminator\"").expect("discriminator")..];
        let list = &list[list.find('[').unwrap() + 1..list.find(']').unwrap()];
        list.split(',')
            .map(|byte| byte.trim().parse().unwrap())
            .collect()
    }

    #[test]
    fn discriminators_match_the_idl_and_split_off_exactly() {
        for (name, value) in [
            ("create_distribution", CREATE_DISTRIBUTION),
            ("batch_claim", BATCH_CLAIM),
            ("close_distribution", CLOSE_DISTRIBUTION),
            ("set_verifier", SET_VERIFIER),
            ("pause", PAUSE),
            ("resume", RESUME),
        ] {
            assert_eq!(idl_discriminator(name), value.to_le_bytes(), "{name}");
        }
        let mut data = BATCH_CLAIM.to_le_bytes().to_vec();
        data.push(5);
        assert_eq!(split_discriminator(&data), Ok((BATCH_CLAIM, &[5u8][..])));
        assert_eq!(
            split_discriminator(&data[..7]),
            Err(DistributionError::InvalidInstructionData)
        );
    }

    #[test]
    fn create_args_parse_is_134_bytes_in_wire_order() {
        let data = encode_create_args(&create_args());
        assert_eq!(data.len(), 134);
        assert_eq!(CreateArgs::parse(&data), Ok(create_args()));
    }

    #[test]
    fn create_args_refuse_truncated_and_trailing_data() {
        let data = encode_create_args(&create_args());
        for length in 0..data.len() {
            assert_eq!(
                CreateArgs::parse(&data[..length]),
                Err(DistributionError::InvalidInstructionData),
                "{length} bytes"
            );
        }
        let mut longer = data.clone();
        longer.push(0);
        assert_eq!(
            CreateArgs::parse(&longer),
            Err(DistributionError::InvalidInstructionData)
        );
    }

    #[test]
    fn claims_parse_slots_and_flags() {
        let data = encode_claims(&[(0, 0), (65_535, 1), (300, 0)]);
        let claims = ClaimEntries::parse(&data).unwrap();
        let entries: Vec<ClaimEntry> = claims.iter().collect();
        assert_eq!(
            entries,
            [
                ClaimEntry {
                    slot: 0,
                    create_recipient_account: false
                },
                ClaimEntry {
                    slot: 65_535,
                    create_recipient_account: true
                },
                ClaimEntry {
                    slot: 300,
                    create_recipient_account: false
                },
            ]
        );
        assert!(claims.any_creates_recipient_account());
        assert_eq!(claims.accounts_needed(), 4);
        let no_creation = encode_claims(&[(1, 0)]);
        assert!(!ClaimEntries::parse(&no_creation)
            .unwrap()
            .any_creates_recipient_account());
    }

    #[test]
    fn claims_refuse_bad_bools_truncation_trailing_bytes_and_emptiness() {
        let error_of = |data: &[u8]| ClaimEntries::parse(data).err();
        let invalid = Some(DistributionError::InvalidInstructionData);
        assert_eq!(error_of(&encode_claims(&[(1, 2)])), invalid);
        assert_eq!(error_of(&encode_claims(&[(1, 0), (2, 0xff)])), invalid);
        let data = encode_claims(&[(1, 0), (2, 1)]);
        for length in 0..data.len() {
            assert_eq!(error_of(&data[..length]), invalid, "{length} bytes");
        }
        let mut longer = data.clone();
        longer.push(0);
        assert_eq!(error_of(&longer), invalid);
        // A count far larger than the data must not be trusted.
        let mut huge = u32::MAX.to_le_bytes().to_vec();
        huge.extend_from_slice(&[1, 0, 0]);
        assert_eq!(error_of(&huge), invalid);
        assert_eq!(
            error_of(&encode_claims(&[])),
            Some(DistributionError::EmptyBatch)
        );
    }

    #[test]
    fn set_verifier_and_argument_free_instructions_refuse_extra_bytes() {
        assert_eq!(parse_new_verifier(&[8; 32]), Ok([8; 32]));
        assert_eq!(
            parse_new_verifier(&[8; 31]),
            Err(DistributionError::InvalidInstructionData)
        );
        assert_eq!(
            parse_new_verifier(&[8; 33]),
            Err(DistributionError::InvalidInstructionData)
        );
        assert_eq!(parse_no_args(&[]), Ok(()));
        assert_eq!(
            parse_no_args(&[0]),
            Err(DistributionError::InvalidInstructionData)
        );
    }
}
