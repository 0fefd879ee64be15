import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Connection, Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningChainServer, startChainServer } from "../../backend/chain/chain-server.ts";
import { buildProgram } from "../build/build-program.ts";
import { SHIPPED_PROGRAM_PATH } from "../build/shipped-program.ts";
import { REPOSITORY_ROOT } from "../build/toolchain/paths.ts";
import { sha256, uploadBuffer, uploadBufferAddress, WRITE_CHUNK_BYTES } from "./deploy-program.ts";
import { decodeBuffer, decodeProgramData, PROGRAMDATA_HEADER_SIZE, programDataAddress } from "./upgradeable-loader.ts";

const FIXTURE_CRATE = fileURLToPath(new URL("../build/fixtures/pipeline_fixture", import.meta.url));
const TIMEOUT = 240_000;

interface CliRun {
  code: number | null;
  stderr: string;
  /** The JSON object on the last line of stdout, when there is one. */
  result?: Record<string, string | null>;
}

/** `npm run deploy:program -- …` (or another script of programs/deploy) as a separate process, as an operator runs it. */
function deployCli(args: string[], script = "deploy-program.ts"): Promise<CliRun> {
  const child = spawn(process.execPath, ["--import", "tsx", `programs/deploy/${script}`, ...args], {
    cwd: REPOSITORY_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      const last = stdout.trim().split("\n").at(-1);
      resolve({ code, stderr, ...(last?.startsWith("{") ? { result: JSON.parse(last) } : {}) });
    }),
  );
}

describe("npm run deploy:program against the embedded chain's JSON-RPC", () => {
  let chain: RunningChainServer;
  let directory: string;
  let connection: Connection;
  const payer = Keypair.generate();
  const program = Keypair.generate();
  let payerFile: string;
  let programFile: string;
  let fixtureSo: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "memefans-deploy-"));
    // A small program of its own name, so its build cache is nobody else's.
    const crate = join(directory, "crate");
    cpSync(FIXTURE_CRATE, crate, { recursive: true });
    const manifest = join(crate, "Cargo.toml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace('name = "pipeline_fixture"', 'name = "deploy_fixture"'));
    mkdirSync(join(directory, "deploy"));
    fixtureSo = buildProgram(crate, join(directory, "deploy")).sharedObjectPath;

    chain = await startChainServer({ programs: [] });
    chain.chain.airdrop(payer.publicKey.toBase58(), 100_000_000_000n);
    connection = new Connection(chain.rpcUrl, "confirmed");
    payerFile = join(directory, "payer.json");
    programFile = join(directory, "program.json");
    writeFileSync(payerFile, JSON.stringify([...payer.secretKey]));
    writeFileSync(programFile, JSON.stringify([...program.secretKey]));
  }, TIMEOUT);
  afterAll(async () => {
    await chain?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** deploy:program on the test chain, paid by the payer, for the program whose keypair is in `programKeypairFile`. */
  const deployAs = (programKeypairFile: string, extra: string[] = []) =>
    deployCli(["--rpc", chain.rpcUrl, "--keypair", payerFile, "--program-keypair", programKeypairFile, ...extra]);

  const deployedBytes = async () => {
    const account = await connection.getAccountInfo(programDataAddress(program.publicKey));
    return decodeProgramData(new Uint8Array(account?.data ?? []));
  };

  it(
    "deploys a program, resumes an interrupted upload of its upgrade, upgrades it and hands over the authority",
    async () => {
      const fixture = readFileSync(fixtureSo);
      const deployed = await deployAs(programFile, ["--so", fixtureSo]);
      expect(deployed.code, deployed.stderr).toBe(0);
      expect(deployed.result).toMatchObject({
        action: "deployed",
        program_id: program.publicKey.toBase58(),
        so_sha256: sha256(fixture),
        programdata_sha256: sha256(fixture),
        upgrade_authority: payer.publicKey.toBase58(),
      });
      expect((await connection.getAccountInfo(program.publicKey))?.executable).toBe(true);
      expect(Buffer.from((await deployedBytes()).bytes)).toEqual(fixture);

      // The upgrade's upload stops after its first round of writes, as Ctrl-C stops the command.
      const shipped = readFileSync(SHIPPED_PROGRAM_PATH);
      const controller = new AbortController();
      await expect(
        uploadBuffer({
          connection,
          payer,
          program,
          programBytes: shipped,
          signal: controller.signal,
          onProgress: (progress) => {
            if (progress.kind === "written") controller.abort();
          },
        }),
      ).rejects.toThrow(/aborted/i);
      const { address: bufferAddress } = await uploadBufferAddress(payer.publicKey, shipped);
      const partial = decodeBuffer(new Uint8Array((await connection.getAccountInfo(bufferAddress))?.data ?? [])).bytes;
      const totalChunks = Math.ceil(shipped.length / WRITE_CHUNK_BYTES);
      const chunksWritten = Array.from({ length: totalChunks }, (_, index) => index * WRITE_CHUNK_BYTES).filter(
        (offset) =>
          Buffer.compare(
            partial.subarray(offset, offset + WRITE_CHUNK_BYTES),
            shipped.subarray(offset, offset + WRITE_CHUNK_BYTES),
          ) === 0,
      ).length;
      expect(chunksWritten).toBeGreaterThan(0);
      expect(chunksWritten).toBeLessThan(totalChunks);

      // The same command resumes: only the missing chunks are written, the program grows and is upgraded.
      const upgraded = await deployAs(programFile);
      expect(upgraded.code, upgraded.stderr).toBe(0);
      expect(upgraded.stderr).toContain(`${chunksWritten} of ${totalChunks} chunks already in the buffer`);
      expect(upgraded.result).toMatchObject({
        action: "upgraded",
        program_id: program.publicKey.toBase58(),
        so_sha256: sha256(shipped),
        programdata_sha256: sha256(shipped),
      });
      const afterUpgrade = await deployedBytes();
      expect(afterUpgrade.bytes.length).toBe(shipped.length);
      expect(Buffer.from(afterUpgrade.bytes)).toEqual(shipped);
      expect(await connection.getAccountInfo(bufferAddress)).toBeNull();
      expect((await connection.getAccountInfo(programDataAddress(program.publicKey)))?.data.length).toBe(
        PROGRAMDATA_HEADER_SIZE + shipped.length,
      );

      // A rebuild of this checkout's sources is what is deployed (the shipped .so is kept identical to one).
      const verified = await deployCli(
        ["--rpc", chain.rpcUrl, "--program-id", program.publicKey.toBase58()],
        "verify-program.ts",
      );
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.result).toMatchObject({ verified: true, so_sha256: sha256(shipped), programdata_sha256: sha256(shipped) });

      // Nothing to upload the second time; the upgrade authority moves to a cold key.
      const coldKey = Keypair.generate().publicKey;
      const handedOver = await deployAs(programFile, ["--new-upgrade-authority", coldKey.toBase58()]);
      expect(handedOver.code, handedOver.stderr).toBe(0);
      expect(handedOver.stderr).not.toContain("upload buffer");
      expect(handedOver.result).toMatchObject({ action: "unchanged", upgrade_authority: coldKey.toBase58() });
      expect((await deployedBytes()).upgradeAuthority?.toBase58()).toBe(coldKey.toBase58());

      // The old key may no longer upgrade.
      const refused = await deployAs(programFile, ["--so", fixtureSo]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`upgrade authority is ${coldKey.toBase58()}, not ${payer.publicKey.toBase58()}`);
    },
    TIMEOUT,
  );

  it(
    "verify:program says when the deployed program is not what the sources build",
    async () => {
      const other = Keypair.generate();
      const otherFile = join(directory, "other-program.json");
      writeFileSync(otherFile, JSON.stringify([...other.secretKey]));
      const deployed = await deployAs(otherFile, ["--so", fixtureSo]);
      expect(deployed.code, deployed.stderr).toBe(0);
      const verified = await deployCli(["--rpc", chain.rpcUrl, "--program-id", other.publicKey.toBase58()], "verify-program.ts");
      expect(verified.code).toBe(1);
      expect(verified.stderr).toContain("differs from a rebuild");
      expect(verified.result).toMatchObject({ verified: false, so_sha256: sha256(readFileSync(SHIPPED_PROGRAM_PATH)) });
      expect(verified.result?.programdata_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(verified.result?.programdata_sha256).not.toBe(verified.result?.so_sha256);
    },
    TIMEOUT,
  );
});
