/** The program's custom error codes (ProgramError::Custom), Anchor-style from 6000; messages as the IDL words them. */
export const DISTRIBUTION_ERRORS = [
  {
    code: 6000,
    name: "InvalidInstructionData",
    message: "Instruction data is malformed: too short, trailing bytes, or a bool other than 0 or 1",
  },
  { code: 6001, name: "UnknownInstruction", message: "The instruction discriminator is not one of this program's" },
  { code: 6002, name: "NotEnoughAccounts", message: "The instruction does not have exactly the accounts it takes" },
  { code: 6003, name: "MissingCreatorSignature", message: "The creator must sign" },
  { code: 6004, name: "NotCreator", message: "The signer is not the distribution's creator" },
  { code: 6005, name: "MissingVerifierSignature", message: "The verifier must sign" },
  { code: 6006, name: "WrongVerifier", message: "The signer is not the distribution's verifier" },
  {
    code: 6007,
    name: "DistributionNotOwnedByProgram",
    message: "The distribution account is not owned by this program",
  },
  { code: 6008, name: "InvalidDiscriminator", message: "The account is not a Distribution account" },
  { code: 6009, name: "DistributionAddressMismatch", message: "The distribution account is not at its PDA" },
  { code: 6010, name: "VaultMismatch", message: "The vault is not the distribution's vault" },
  { code: 6011, name: "VaultAddressMismatch", message: "The vault account is not at the vault PDA" },
  { code: 6012, name: "AccountAlreadyInUse", message: "The distribution or vault address is already in use" },
  { code: 6013, name: "InvalidMint", message: "The mint is not an initialized SPL Token mint" },
  { code: 6014, name: "MintMismatch", message: "The mint or token account's mint is not the distribution's mint" },
  { code: 6015, name: "InvalidTokenProgram", message: "The token program is not SPL Token" },
  { code: 6016, name: "InvalidSystemProgram", message: "The system program account is wrong" },
  { code: 6017, name: "InvalidAssociatedTokenProgram", message: "The associated token account program account is wrong" },
  {
    code: 6018,
    name: "SourceNotCreatorTokenAccount",
    message: "The creator token account is not an initialized token account owned by the creator",
  },
  { code: 6019, name: "RecipientNotTokenAccount", message: "A recipient is not an initialized token account (or is the vault)" },
  { code: 6020, name: "RecipientMintMismatch", message: "A recipient token account holds another mint" },
  { code: 6021, name: "ZeroAmount", message: "The amount per claim must be above zero" },
  { code: 6022, name: "InvalidMaxClaims", message: "max_claims must be between 1 and 65536" },
  { code: 6023, name: "DepositOverflow", message: "amount_per_claim × max_claims does not fit in a u64" },
  {
    code: 6024,
    name: "InvalidTimeRange",
    message: "The time range must end after it starts, last at most 90 days and end in the future",
  },
  { code: 6025, name: "InvalidVerifier", message: "The verifier cannot be the default public key" },
  { code: 6026, name: "EmptyBatch", message: "The batch has no claims" },
  { code: 6027, name: "SlotOutOfRange", message: "A claim slot is not below max_claims" },
  { code: 6028, name: "DuplicateSlotInBatch", message: "A claim slot appears twice in the batch" },
  { code: 6029, name: "SlotAlreadyClaimed", message: "A slot in the batch was already claimed" },
  { code: 6030, name: "NotStarted", message: "The distribution has not started" },
  { code: 6031, name: "Ended", message: "The distribution has ended" },
  { code: 6032, name: "Paused", message: "The distribution is paused" },
  { code: 6033, name: "NotClosable", message: "The distribution can close only after its end or once every slot is claimed" },
  { code: 6034, name: "ArithmeticOverflow", message: "Arithmetic overflow" },
  { code: 6035, name: "MissingFeePayerSignature", message: "The fee payer must sign" },
  {
    code: 6036,
    name: "FeeBudgetTooSmall",
    message: "The fee budget must cover fee_per_claim_lamports for every claim",
  },
  {
    code: 6037,
    name: "FeeBudgetExhausted",
    message: "The fee budget cannot pay for opening this recipient's token account",
  },
  { code: 6038, name: "DistributionClosed", message: "The distribution is closed" },
  { code: 6039, name: "NonCanonicalBump", message: "The bump is not the canonical one" },
  { code: 6040, name: "MintHasTransferFee", message: "The mint charges transfer fees: fans would receive less than promised" },
  {
    code: 6041,
    name: "MintHasPermanentDelegate",
    message: "The mint has a permanent delegate, which could take the escrowed tokens",
  },
  {
    code: 6042,
    name: "MintHasTransferHook",
    message: "The mint has a transfer hook: another program would decide whether payouts go through",
  },
  { code: 6043, name: "MintNonTransferable", message: "The mint's tokens cannot be transferred" },
  {
    code: 6044,
    name: "MintHasDefaultAccountState",
    message: "The mint has a default account state: its authority can make new accounts start frozen",
  },
  { code: 6045, name: "MintPausable", message: "The mint is pausable: its authority can stop every payout" },
  {
    code: 6046,
    name: "MintHasConfidentialTransfers",
    message: "The mint has confidential transfers, which the escrow cannot account for",
  },
  { code: 6047, name: "MintHasUnknownExtension", message: "The mint has an extension this program does not know" },
  {
    code: 6048,
    name: "AccountBorrowFailed",
    message: "An account passed twice was used in two conflicting ways at once",
  },
  {
    code: 6049,
    name: "InvalidInstructionsSysvar",
    message: "The instructions sysvar is not Sysvar1nstructions1111111111111111111111111 or is malformed",
  },
  {
    code: 6050,
    name: "SharedPriorityFee",
    message: "A priority fee is reimbursed only to its transaction's one instruction of this program, called at top level",
  },
  {
    code: 6051,
    name: "MintAmountRescalable",
    message:
      "The mint is interest-bearing or has a scaled UI amount: its authority can change the amount wallets show at any time, so fans' wallets would not show the amount promised",
  },
] as const;

export type DistributionErrorName = (typeof DISTRIBUTION_ERRORS)[number]["name"];
export type DistributionError = (typeof DISTRIBUTION_ERRORS)[number];

const byCode = new Map<number, DistributionError>(DISTRIBUTION_ERRORS.map((error) => [error.code, error]));

export const DISTRIBUTION_ERROR_CODES = Object.fromEntries(
  DISTRIBUTION_ERRORS.map((error) => [error.name, error.code]),
) as Record<DistributionErrorName, number>;

export function distributionErrorByCode(code: number): DistributionError | undefined {
  return byCode.get(code);
}

const byName = new Map<string, DistributionError>(DISTRIBUTION_ERRORS.map((error) => [error.name, error]));

/** The program's error by its name: every name of DistributionErrorName is in the table. */
export function distributionErrorByName(name: DistributionErrorName): DistributionError {
  return byName.get(name) as DistributionError;
}
