import { type DistributionError, type DistributionErrorName, distributionErrorByName } from "./errors.ts";

/**
 * How create_distribution judges each Token-2022 mint extension (programs/distribution/src/token.rs,
 * `judge_mint_extensions`), by type as numbered on the wire: `refusal` null where the program allows it,
 * else the error it refuses the mint with. A type not listed here is refused with MintHasUnknownExtension.
 * The one copy of that list on this side (a test holds it against token.rs): whatever tells a creator
 * beforehand that a mint cannot be given away reads it through `mintExtensionRefusal`.
 */
export const MINT_EXTENSION_JUDGEMENTS: readonly { type: number; extension: string; refusal: DistributionErrorName | null }[] = [
  { type: 1, extension: "TransferFeeConfig", refusal: "MintHasTransferFee" },
  { type: 3, extension: "MintCloseAuthority", refusal: null },
  { type: 4, extension: "ConfidentialTransferMint", refusal: "MintHasConfidentialTransfers" },
  { type: 6, extension: "DefaultAccountState", refusal: "MintHasDefaultAccountState" },
  { type: 9, extension: "NonTransferable", refusal: "MintNonTransferable" },
  { type: 10, extension: "InterestBearingConfig", refusal: "MintAmountRescalable" },
  { type: 12, extension: "PermanentDelegate", refusal: "MintHasPermanentDelegate" },
  { type: 14, extension: "TransferHook", refusal: "MintHasTransferHook" },
  { type: 16, extension: "ConfidentialTransferFeeConfig", refusal: "MintHasConfidentialTransfers" },
  { type: 18, extension: "MetadataPointer", refusal: null },
  { type: 19, extension: "TokenMetadata", refusal: null },
  { type: 20, extension: "GroupPointer", refusal: null },
  { type: 21, extension: "TokenGroup", refusal: null },
  { type: 22, extension: "GroupMemberPointer", refusal: null },
  { type: 23, extension: "TokenGroupMember", refusal: null },
  { type: 24, extension: "ConfidentialMintBurn", refusal: "MintHasConfidentialTransfers" },
  { type: 25, extension: "ScaledUiAmountConfig", refusal: "MintAmountRescalable" },
  { type: 26, extension: "PausableConfig", refusal: "MintPausable" },
  { type: 28, extension: "PermissionedBurn", refusal: null },
];

const refusalByType = new Map(MINT_EXTENSION_JUDGEMENTS.map(({ type, refusal }) => [type, refusal]));

const MINT_LEN = 82;
const ACCOUNT_TYPE_OFFSET = 165;
const ACCOUNT_TYPE_MINT = 1;

/**
 * The error create_distribution would refuse this mint's extensions with, as the program walks them: the
 * first refused entry's, InvalidMint for an entry that runs past the data or bytes shaped as no mint, and
 * undefined when every extension is allowed (a classic 82-byte mint has none).
 */
export function mintExtensionRefusal(mintData: Uint8Array): DistributionError | undefined {
  if (mintData.length === MINT_LEN) return undefined;
  if (mintData.length <= ACCOUNT_TYPE_OFFSET || mintData[ACCOUNT_TYPE_OFFSET] !== ACCOUNT_TYPE_MINT)
    return distributionErrorByName("InvalidMint");
  const view = new DataView(mintData.buffer, mintData.byteOffset, mintData.length);
  let offset = ACCOUNT_TYPE_OFFSET + 1;
  while (offset + 4 <= mintData.length) {
    const type = view.getUint16(offset, true);
    if (type === 0) break;
    const refusal = refusalByType.get(type);
    if (refusal !== null) return distributionErrorByName(refusal ?? "MintHasUnknownExtension");
    offset += 4 + view.getUint16(offset + 2, true);
    if (offset > mintData.length) return distributionErrorByName("InvalidMint");
  }
  return undefined;
}
