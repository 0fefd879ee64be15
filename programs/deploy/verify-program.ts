// `npm run verify:program -- --rpc <url> --program-id <id>`: rebuilds the program from this checkout's
// sources and compares the result with the program data deployed at <id>, as solana-verify does for a
// standard build. The last line of its output is one JSON object; the exit status is 0 only on a match.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Connection, PublicKey } from "@solana/web3.js";
import { buildProgram, DISTRIBUTION_CRATE } from "../build/build-program.ts";
import { DeployError, holdsExactly, sha256 } from "./deploy-program.ts";
import { decodeProgram, decodeProgramData } from "./upgradeable-loader.ts";

export interface Verification {
  programId: string;
  verified: boolean;
  rebuiltSha256: string;
  /** The deployed program's bytes, without the zero padding after them. */
  programDataSha256: string;
  upgradeAuthority: string | null;
}

/** The deployed bytes up to their last non-zero byte, or exactly `length` of them when the rest is padding. */
function deployedSha256(bytes: Uint8Array, rebuilt: Uint8Array): string {
  if (holdsExactly(bytes, rebuilt)) return sha256(bytes.subarray(0, rebuilt.length));
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end -= 1;
  return sha256(bytes.subarray(0, end));
}

/** Rebuilds from source into a directory of its own (no earlier build is reused) and compares with the chain. */
export async function verifyProgram(connection: Connection, programId: PublicKey): Promise<Verification> {
  const program = await connection.getAccountInfo(programId, "confirmed");
  if (!program) throw new DeployError(`no program at ${programId.toBase58()} on this cluster`);
  const programData = decodeProgram(new Uint8Array(program.data), programId.toBase58()).programData;
  const dataAccount = await connection.getAccountInfo(programData, "confirmed");
  const deployed = decodeProgramData(new Uint8Array(dataAccount?.data ?? []));
  const directory = mkdtempSync(join(tmpdir(), "memefans-verify-"));
  try {
    const rebuilt = readFileSync(buildProgram(DISTRIBUTION_CRATE, directory).sharedObjectPath);
    return {
      programId: programId.toBase58(),
      verified: holdsExactly(deployed.bytes, rebuilt),
      rebuiltSha256: sha256(rebuilt),
      programDataSha256: deployedSha256(deployed.bytes, rebuilt),
      upgradeAuthority: deployed.upgradeAuthority?.toBase58() ?? null,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rpc: { type: "string" }, "program-id": { type: "string" } } });
  if (!values.rpc || !values["program-id"]) {
    throw new DeployError("usage: npm run verify:program -- --rpc <url> --program-id <address>");
  }
  const result = await verifyProgram(new Connection(values.rpc, "confirmed"), new PublicKey(values["program-id"]));
  if (!result.verified) console.error("the deployed program differs from a rebuild of these sources");
  console.log(
    JSON.stringify({
      program_id: result.programId,
      verified: result.verified,
      so_sha256: result.rebuiltSha256,
      programdata_sha256: result.programDataSha256,
      upgrade_authority: result.upgradeAuthority,
    }),
  );
  if (!result.verified) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`verify:program: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  });
}
