//! Program errors. Custom codes start at 6000 like Anchor's, in the order of the IDL's "errors";
//! the messages live in idl/memefans_distribution.json, which clients read.

/// Declares the error enum with codes from 6000 in order, and `ALL` in the same order, so a test
/// can hold every code and name against the IDL's "errors".
macro_rules! distribution_errors {
    ($first:ident, $($rest:ident),* $(,)?) => {
        /// Every way an instruction of this program can be refused. The discriminant is the custom
        /// error code the transaction fails with (`InstructionError::Custom(code)`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum DistributionError {
            $first = 6000,
            $($rest),*
        }

        impl DistributionError {
            pub const ALL: &'static [DistributionError] =
                &[DistributionError::$first, $(DistributionError::$rest),*];
        }
    };
}

distribution_errors!(
    InvalidInstructionData,
    UnknownInstruction,
    NotEnoughAccounts,
    MissingCreatorSignature,
    NotCreator,
    MissingVerifierSignature,
    WrongVerifier,
    DistributionNotOwnedByProgram,
    InvalidDiscriminator,
    DistributionAddressMismatch,
    VaultMismatch,
    VaultAddressMismatch,
    AccountAlreadyInUse,
    InvalidMint,
    MintMismatch,
    InvalidTokenProgram,
    InvalidSystemProgram,
    InvalidAssociatedTokenProgram,
    SourceNotCreatorTokenAccount,
    RecipientNotTokenAccount,
    RecipientMintMismatch,
    ZeroAmount,
    InvalidMaxClaims,
    DepositOverflow,
    InvalidTimeRange,
    InvalidVerifier,
    EmptyBatch,
    SlotOutOfRange,
    DuplicateSlotInBatch,
    SlotAlreadyClaimed,
    NotStarted,
    Ended,
    Paused,
    NotClosable,
    ArithmeticOverflow,
    MissingFeePayerSignature,
    FeeBudgetTooSmall,
    FeeBudgetExhausted,
    DistributionClosed,
    NonCanonicalBump,
    MintHasTransferFee,
    MintHasPermanentDelegate,
    MintHasTransferHook,
    MintNonTransferable,
    MintHasDefaultAccountState,
    MintPausable,
    MintHasConfidentialTransfers,
    MintHasUnknownExtension,
    AccountBorrowFailed,
    InvalidInstructionsSysvar,
    SharedPriorityFee,
    MintAmountRescalable,
);

/// Why an instruction failed: one of ours, or a runtime error passed through unchanged (a syscall
/// that returned an error code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgramError {
    Distribution(DistributionError),
    Runtime(u64),
}

impl ProgramError {
    /// The value the entrypoint returns. The runtime reads a non-zero value below 2^32 as
    /// `Custom(value)`, which is how our 6000+ codes reach the client.
    pub fn to_return_code(self) -> u64 {
        match self {
            ProgramError::Distribution(error) => error as u32 as u64,
            ProgramError::Runtime(code) => code,
        }
    }
}

impl From<DistributionError> for ProgramError {
    fn from(error: DistributionError) -> Self {
        ProgramError::Distribution(error)
    }
}

pub type ProgramResult = Result<(), ProgramError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_spec_order() {
        assert_eq!(DistributionError::InvalidInstructionData as u32, 6000);
        assert_eq!(DistributionError::NotEnoughAccounts as u32, 6002);
        assert_eq!(DistributionError::VaultAddressMismatch as u32, 6011);
        assert_eq!(
            DistributionError::InvalidAssociatedTokenProgram as u32,
            6017
        );
        assert_eq!(DistributionError::DepositOverflow as u32, 6023);
        assert_eq!(DistributionError::SlotAlreadyClaimed as u32, 6029);
        assert_eq!(DistributionError::Paused as u32, 6032);
        assert_eq!(DistributionError::MissingFeePayerSignature as u32, 6035);
        assert_eq!(DistributionError::NonCanonicalBump as u32, 6039);
        assert_eq!(DistributionError::MintAmountRescalable as u32, 6051);
    }

    #[test]
    fn every_code_and_name_is_the_idls() {
        let idl = include_str!("../idl/memefans_distribution.json");
        let errors = &idl[idl.find("\"errors\"").expect("errors")..];
        let errors = &errors[..errors.find(']').expect("end of errors")];
        let idl_errors: Vec<(u32, &str)> = errors
            .split('{')
            .skip(1)
            .map(|entry| (field(entry, "code").parse().unwrap(), field(entry, "name")))
            .collect();
        let ours: Vec<(u32, String)> = DistributionError::ALL
            .iter()
            .map(|error| (*error as u32, format!("{error:?}")))
            .collect();
        assert_eq!(ours.len(), idl_errors.len());
        for ((code, name), (idl_code, idl_name)) in ours.iter().zip(&idl_errors) {
            assert_eq!((code, name.as_str()), (idl_code, *idl_name));
        }
    }

    /// The value of `"key": value` in a flat JSON object's text, without quotes.
    fn field<'a>(entry: &'a str, key: &str) -> &'a str {
        let start = entry.find(&format!("\"{key}\":")).expect(key) + key.len() + 3;
        let rest = entry[start..].trim_start();
        let end = rest.find([',', '\n', '}']).unwrap();
        rest[..end].trim().trim_matches('"')
    }

    #[test]
    fn return_codes_are_custom_codes_or_runtime_codes_unchanged() {
        assert_eq!(
            ProgramError::from(DistributionError::Ended).to_return_code(),
            6031
        );
        let runtime = 3u64 << 32;
        assert_eq!(ProgramError::Runtime(runtime).to_return_code(), runtime);
    }
}
