import type { FailedTransactionMetadata } from "litesvm";
import type {
  TransactionErrorDuplicateInstruction,
  TransactionErrorInstructionError,
  TransactionErrorInsufficientFundsForRent,
  TransactionErrorProgramExecutionTemporarilyRestricted,
} from "litesvm/dist/internal.js";

/**
 * A TransactionError as a validator writes it in JSON (what @solana/web3.js reads from `err`):
 * a bare name for fieldless errors, otherwise a one-key object such as {"InstructionError":[0,{"Custom":6029}]}.
 */
export type TransactionErrorJson = string | Record<string, unknown>;

// LiteSVM hands these enums over as numbers; the order is Agave's, as declared in litesvm's typings.
const transactionErrorNames = [
  "AccountInUse",
  "AccountLoadedTwice",
  "AccountNotFound",
  "ProgramAccountNotFound",
  "InsufficientFundsForFee",
  "InvalidAccountForFee",
  "AlreadyProcessed",
  "BlockhashNotFound",
  "CallChainTooDeep",
  "MissingSignatureForFee",
  "InvalidAccountIndex",
  "SignatureFailure",
  "InvalidProgramForExecution",
  "SanitizeFailure",
  "ClusterMaintenance",
  "AccountBorrowOutstanding",
  "WouldExceedMaxBlockCostLimit",
  "UnsupportedVersion",
  "InvalidWritableAccount",
  "WouldExceedMaxAccountCostLimit",
  "WouldExceedAccountDataBlockLimit",
  "TooManyAccountLocks",
  "AddressLookupTableNotFound",
  "InvalidAddressLookupTableOwner",
  "InvalidAddressLookupTableData",
  "InvalidAddressLookupTableIndex",
  "InvalidRentPayingAccount",
  "WouldExceedMaxVoteCostLimit",
  "WouldExceedAccountDataTotalLimit",
  "MaxLoadedAccountsDataSizeExceeded",
  "ResanitizationNeeded",
  "InvalidLoadedAccountsDataSizeLimit",
  "UnbalancedTransaction",
  "ProgramCacheHitMaxLimit",
  "CommitCancelled",
];

const instructionErrorNames = [
  "GenericError",
  "InvalidArgument",
  "InvalidInstructionData",
  "InvalidAccountData",
  "AccountDataTooSmall",
  "InsufficientFunds",
  "IncorrectProgramId",
  "MissingRequiredSignature",
  "AccountAlreadyInitialized",
  "UninitializedAccount",
  "UnbalancedInstruction",
  "ModifiedProgramId",
  "ExternalAccountLamportSpend",
  "ExternalAccountDataModified",
  "ReadonlyLamportChange",
  "ReadonlyDataModified",
  "DuplicateAccountIndex",
  "ExecutableModified",
  "RentEpochModified",
  "NotEnoughAccountKeys",
  "AccountDataSizeChanged",
  "AccountNotExecutable",
  "AccountBorrowFailed",
  "AccountBorrowOutstanding",
  "DuplicateAccountOutOfSync",
  "InvalidError",
  "ExecutableDataModified",
  "ExecutableLamportChange",
  "ExecutableAccountNotRentExempt",
  "UnsupportedProgramId",
  "CallDepth",
  "MissingAccount",
  "ReentrancyNotAllowed",
  "MaxSeedLengthExceeded",
  "InvalidSeeds",
  "InvalidRealloc",
  "ComputationalBudgetExceeded",
  "PrivilegeEscalation",
  "ProgramEnvironmentSetupFailure",
  "ProgramFailedToComplete",
  "ProgramFailedToCompile",
  "Immutable",
  "IncorrectAuthority",
  "AccountNotRentExempt",
  "InvalidAccountOwner",
  "ArithmeticOverflow",
  "UnsupportedSysvar",
  "IllegalOwner",
  "MaxAccountsDataAllocationsExceeded",
  "MaxAccountsExceeded",
  "MaxInstructionTraceLengthExceeded",
  "BuiltinProgramsMustConsumeComputeUnits",
  "BorshIoError",
];

function nameOf(names: string[], value: number): string {
  return names[value] ?? `Unknown(${value})`;
}

function instructionErrorJson(error: ReturnType<TransactionErrorInstructionError["err"]>): TransactionErrorJson {
  if (typeof error === "number") return nameOf(instructionErrorNames, error);
  if ("code" in error) return { Custom: error.code };
  return { BorshIoError: error.msg };
}

export function transactionErrorJson(failure: FailedTransactionMetadata): TransactionErrorJson {
  const error = failure.err();
  if (typeof error === "number") return nameOf(transactionErrorNames, error);
  if ("err" in error) {
    const instruction = error as TransactionErrorInstructionError;
    return { InstructionError: [instruction.index, instructionErrorJson(instruction.err())] };
  }
  if ("index" in error) return { DuplicateInstruction: (error as TransactionErrorDuplicateInstruction).index };
  const accountIndex = (error as TransactionErrorInsufficientFundsForRent | TransactionErrorProgramExecutionTemporarilyRestricted)
    .accountIndex;
  const name = error.constructor.name.includes("Restricted")
    ? "ProgramExecutionTemporarilyRestricted"
    : "InsufficientFundsForRent";
  return { [name]: { account_index: accountIndex } };
}
