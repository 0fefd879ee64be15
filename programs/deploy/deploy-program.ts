// `npm run deploy:program -- --rpc <url> --keypair <file> [--program-keypair <file>]`: deploys or
// upgrades the distribution program through the BPF upgradeable loader over plain JSON-RPC, resumes
// an interrupted upload, and checks that the program data on chain equals the .so. The last line of
// its output is one JSON object: program_id, so_sha256, programdata_sha256 and what was done.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Connection, type Keypair, PublicKey, SystemProgram } from "@solana/web3.js";
import { SHIPPED_PROGRAM_PATH } from "../build/shipped-program.ts";
import { sha256Hex } from "../build/toolchain/hash.ts";
import { ensureKeypairFile, readKeypairFile } from "./keypair-file.ts";
import { sendAndConfirm } from "./send-and-confirm.ts";
import {
  BUFFER_HEADER_SIZE,
  createProgramAccountInstruction,
  decodeBuffer,
  decodeProgram,
  decodeProgramData,
  deployWithMaxDataLenInstruction,
  extendProgramInstruction,
  initializeBufferInstruction,
  PROGRAM_ACCOUNT_SIZE,
  PROGRAMDATA_HEADER_SIZE,
  programDataAddress,
  setUpgradeAuthorityInstruction,
  UPGRADEABLE_LOADER_ID,
  upgradeInstruction,
  writeInstruction,
} from "./upgradeable-loader.ts";

/** Program bytes per Write: what fits a 1232-byte transaction beside the signature, three keys and the header. */
export const WRITE_CHUNK_BYTES = 950;
/** Writes in flight at once: fast on a real cluster, gentle on a public RPC's rate limit. */
const WRITES_IN_FLIGHT = 16;
const SLOT_POLL_MS = 200;

export class DeployError extends Error {
  override name = "DeployError";
}

export type DeployProgress =
  | { kind: "buffer"; address: string; created: boolean }
  | { kind: "chunks"; total: number; alreadyWritten: number }
  | { kind: "written"; written: number; total: number };

export interface DeployOptions {
  connection: Connection;
  /** Pays every fee and rent; it is also the buffer's and the program's upgrade authority. */
  payer: Keypair;
  /** The program's address; its secret signs the first deploy only. */
  program: Keypair;
  programBytes: Uint8Array;
  /** Hands the upgrade authority to this key after the deploy (a multisig, or a cold key). */
  newUpgradeAuthority?: PublicKey;
  /** Stops the upload between writes (Ctrl-C): what was written stays in the buffer for the next run. */
  signal?: AbortSignal;
  onProgress?: (progress: DeployProgress) => void;
}

export interface DeployResult {
  action: "deployed" | "upgraded" | "unchanged";
  programId: string;
  programDataAddress: string;
  soSha256: string;
  programDataSha256: string;
  upgradeAuthority: string | null;
}

export const sha256 = (bytes: Uint8Array) => sha256Hex(bytes);

/**
 * The buffer holding one .so's upload, derived from the payer and the .so's hash (createWithSeed):
 * running the same deploy again finds the half-written buffer by itself, with no state file.
 */
export async function uploadBufferAddress(
  payer: PublicKey,
  programBytes: Uint8Array,
): Promise<{ address: PublicKey; seed: string }> {
  const seed = sha256(programBytes).slice(0, 32);
  return { address: await PublicKey.createWithSeed(payer, seed, UPGRADEABLE_LOADER_ID), seed };
}

async function accountData(connection: Connection, address: PublicKey): Promise<Uint8Array | undefined> {
  const account = await connection.getAccountInfo(address, "confirmed");
  return account ? new Uint8Array(account.data) : undefined;
}

/** The loader refuses to extend or upgrade a program in the slot it was last deployed, extended or upgraded in. */
async function slotAfter(connection: Connection, slot: bigint): Promise<void> {
  while (BigInt(await connection.getSlot("confirmed")) <= slot) await new Promise((resolve) => setTimeout(resolve, SLOT_POLL_MS));
}

/** True when `programData` holds exactly `programBytes`, followed only by zero padding. */
export function holdsExactly(programData: Uint8Array, programBytes: Uint8Array): boolean {
  if (programData.length < programBytes.length) return false;
  if (Buffer.compare(programData.subarray(0, programBytes.length), programBytes) !== 0) return false;
  return programData.subarray(programBytes.length).every((byte) => byte === 0);
}

/**
 * Creates the upload buffer (or finds the one an interrupted run left) and writes every chunk of
 * the .so that the buffer does not already hold. Throws when the buffer still differs afterwards.
 */
export async function uploadBuffer(options: DeployOptions): Promise<PublicKey> {
  const { connection, payer, programBytes, signal } = options;
  const { address, seed } = await uploadBufferAddress(payer.publicKey, programBytes);
  const size = BUFFER_HEADER_SIZE + programBytes.length;
  let existing = await accountData(connection, address);
  const created = !existing;
  if (existing) {
    const buffer = decodeBuffer(existing, `the upload buffer ${address.toBase58()}`);
    if (!buffer.authority?.equals(payer.publicKey) || buffer.bytes.length !== programBytes.length) {
      throw new DeployError(`the upload buffer ${address.toBase58()} has another authority or size; close it and retry`);
    }
  } else {
    await sendAndConfirm(
      connection,
      [
        SystemProgram.createAccountWithSeed({
          fromPubkey: payer.publicKey,
          basePubkey: payer.publicKey,
          seed,
          newAccountPubkey: address,
          lamports: await connection.getMinimumBalanceForRentExemption(size),
          space: size,
          programId: UPGRADEABLE_LOADER_ID,
        }),
        initializeBufferInstruction(address, payer.publicKey),
      ],
      [payer],
    );
    existing = await accountData(connection, address);
  }
  options.onProgress?.({ kind: "buffer", address: address.toBase58(), created });

  const written = existing?.subarray(BUFFER_HEADER_SIZE) ?? new Uint8Array(programBytes.length);
  const offsets: number[] = [];
  for (let offset = 0; offset < programBytes.length; offset += WRITE_CHUNK_BYTES) offsets.push(offset);
  const missing = offsets.filter((offset) => {
    const end = Math.min(offset + WRITE_CHUNK_BYTES, programBytes.length);
    return Buffer.compare(written.subarray(offset, end), programBytes.subarray(offset, end)) !== 0;
  });
  options.onProgress?.({ kind: "chunks", total: offsets.length, alreadyWritten: offsets.length - missing.length });
  let done = offsets.length - missing.length;
  for (let start = 0; start < missing.length; start += WRITES_IN_FLIGHT) {
    signal?.throwIfAborted();
    await Promise.all(
      missing
        .slice(start, start + WRITES_IN_FLIGHT)
        .map((offset) =>
          sendAndConfirm(
            connection,
            [
              writeInstruction(
                address,
                payer.publicKey,
                offset,
                programBytes.subarray(offset, Math.min(offset + WRITE_CHUNK_BYTES, programBytes.length)),
              ),
            ],
            [payer],
          ),
        ),
    );
    done += Math.min(WRITES_IN_FLIGHT, missing.length - start);
    options.onProgress?.({ kind: "written", written: done, total: offsets.length });
  }
  const uploaded = await accountData(connection, address);
  if (!uploaded || Buffer.compare(decodeBuffer(uploaded).bytes, programBytes) !== 0) {
    throw new DeployError(`the upload buffer ${address.toBase58()} does not hold the .so after writing; run again to resume`);
  }
  return address;
}

/** Deploys `programBytes` at the program's address, or upgrades the program there; a no-op when it already holds them. */
export async function deployProgram(options: DeployOptions): Promise<DeployResult> {
  const { connection, payer, programBytes } = options;
  const programId = options.program.publicKey;
  const programData = programDataAddress(programId);
  const programAccount = await accountData(connection, programId);
  let action: DeployResult["action"];
  if (programAccount) {
    const declared = decodeProgram(programAccount, `${programId.toBase58()}`).programData;
    if (!declared.equals(programData)) throw new DeployError(`${programId.toBase58()} names an unexpected program data account`);
    const current = decodeProgramData((await accountData(connection, programData)) ?? new Uint8Array());
    if (holdsExactly(current.bytes, programBytes)) {
      action = "unchanged";
    } else {
      if (!current.upgradeAuthority?.equals(payer.publicKey)) {
        throw new DeployError(
          `${programId.toBase58()}'s upgrade authority is ${current.upgradeAuthority?.toBase58() ?? "none (immutable)"}, not ${payer.publicKey.toBase58()}`,
        );
      }
      const buffer = await uploadBuffer(options);
      if (current.bytes.length < programBytes.length) {
        await slotAfter(connection, current.slot);
        await sendAndConfirm(
          connection,
          [extendProgramInstruction(programId, payer.publicKey, programBytes.length - current.bytes.length)],
          [payer],
        );
      }
      // ExtendProgram stamps the program data with its slot, as a deploy does.
      await slotAfter(connection, decodeProgramData((await accountData(connection, programData)) ?? new Uint8Array()).slot);
      await sendAndConfirm(
        connection,
        [upgradeInstruction({ program: programId, buffer, authority: payer.publicKey }, payer.publicKey)],
        [payer],
      );
      action = "upgraded";
    }
  } else {
    const buffer = await uploadBuffer(options);
    await sendAndConfirm(
      connection,
      [
        createProgramAccountInstruction(
          payer.publicKey,
          programId,
          await connection.getMinimumBalanceForRentExemption(PROGRAM_ACCOUNT_SIZE),
        ),
        deployWithMaxDataLenInstruction(
          { payer: payer.publicKey, program: programId, buffer, authority: payer.publicKey },
          programBytes.length,
        ),
      ],
      [payer, options.program],
    );
    action = "deployed";
  }
  if (options.newUpgradeAuthority) {
    await sendAndConfirm(
      connection,
      [setUpgradeAuthorityInstruction(programId, payer.publicKey, options.newUpgradeAuthority)],
      [payer],
    );
  }

  const deployedData = await accountData(connection, programData);
  if (!deployedData || deployedData.length < PROGRAMDATA_HEADER_SIZE) {
    throw new DeployError(`the program data account ${programData.toBase58()} is missing after the deploy`);
  }
  const deployed = decodeProgramData(deployedData);
  if (!holdsExactly(deployed.bytes, programBytes)) {
    throw new DeployError(`the program data of ${programId.toBase58()} differs from the .so (sha256 ${sha256(programBytes)})`);
  }
  return {
    action,
    programId: programId.toBase58(),
    programDataAddress: programData.toBase58(),
    soSha256: sha256(programBytes),
    // The zero padding after the program (room left for a larger upgrade) is proven empty above and not hashed.
    programDataSha256: sha256(deployed.bytes.subarray(0, programBytes.length)),
    upgradeAuthority: deployed.upgradeAuthority?.toBase58() ?? null,
  };
}

/** Where a first deploy keeps the program's keypair unless --program-keypair names one (as `cargo build-sbf` does). */
const DEFAULT_PROGRAM_KEYPAIR = fileURLToPath(new URL("../../target/deploy/memefans_distribution-keypair.json", import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rpc: { type: "string" },
      keypair: { type: "string" },
      "program-keypair": { type: "string" },
      so: { type: "string" },
      "new-upgrade-authority": { type: "string" },
    },
  });
  if (!values.rpc || !values.keypair) {
    throw new DeployError(
      "usage: npm run deploy:program -- --rpc <url> --keypair <payer.json> [--program-keypair <file>] [--so <file>] [--new-upgrade-authority <address>]",
    );
  }
  const soPath = values.so ?? SHIPPED_PROGRAM_PATH;
  const controller = new AbortController();
  process.once("SIGINT", () => {
    console.error("interrupted: stopping after the writes in flight; run the same command again to resume the upload");
    controller.abort();
  });
  const result = await deployProgram({
    connection: new Connection(values.rpc, "confirmed"),
    payer: readKeypairFile(values.keypair),
    program: values["program-keypair"] ? readKeypairFile(values["program-keypair"]) : ensureKeypairFile(DEFAULT_PROGRAM_KEYPAIR),
    programBytes: readFileSync(soPath),
    ...(values["new-upgrade-authority"] ? { newUpgradeAuthority: new PublicKey(values["new-upgrade-authority"]) } : {}),
    signal: controller.signal,
    onProgress: (progress) => {
      if (progress.kind === "buffer") console.error(`upload buffer ${progress.address}${progress.created ? " (created)" : ""}`);
      if (progress.kind === "chunks")
        console.error(`${progress.alreadyWritten} of ${progress.total} chunks already in the buffer`);
      if (progress.kind === "written") console.error(`written ${progress.written}/${progress.total}`);
    },
  });
  console.log(
    JSON.stringify({
      program_id: result.programId,
      so_sha256: result.soSha256,
      programdata_sha256: result.programDataSha256,
      action: result.action,
      programdata_address: result.programDataAddress,
      upgrade_authority: result.upgradeAuthority,
      so: soPath,
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`deploy:program: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
