import { tokenResponseSchema } from "../../../shared/api/tokens.ts";
import { tokenRisks, UNREAD_TOKEN_WARNING } from "../../../shared/tokens/token-label.ts";
import { MessagingError } from "../../messaging/errors.ts";
import type { TokenBalance, WalletStatus } from "../../messaging/shapes.ts";
import type { RpcClient, TokenHolding } from "../chain/rpc-client.ts";
import type { Handlers } from "../router.ts";
import {
  type BackgroundServices,
  backend,
  currentSession,
  EXTERNAL_WALLET_KEY,
  externalWalletSchema,
  rememberBoundWallet,
  rpcClient,
} from "../services.ts";
import { readSettings, readValue, updateSettings, writeValue } from "../storage/settings-store.ts";
import { signMessageWithBuiltin } from "../wallets/builtin-signing.ts";
import { readBackend } from "./backend-read-handlers.ts";
import { signAndSendWithChosenWallet } from "./chosen-wallet.ts";
import { originLabel } from "./origin-label.ts";

export async function walletStatus(services: BackgroundServices): Promise<WalletStatus> {
  const settings = await readSettings(services.db);
  const vault = await services.vault.status();
  const external = externalWalletSchema.safeParse(await readValue(services.db, EXTERNAL_WALLET_KEY));
  const externalActive = external.success && settings.walletChoice === external.data.choice;
  const builtinAddress = vault.state === "absent" ? undefined : vault.address;
  const session = await currentSession(services);
  const activeAddress =
    settings.walletChoice === "builtin" ? builtinAddress : externalActive ? external.data?.address : undefined;
  return {
    choice: settings.walletChoice,
    builtin: {
      state: vault.state,
      ...(builtinAddress ? { address: builtinAddress } : {}),
      autoLockMinutes: settings.autoLockMinutes,
      ...(vault.state === "absent" ? {} : { backup: vault.backup }),
    },
    ...(external.success ? { external: { address: external.data.address, name: external.data.name } } : {}),
    ...(activeAddress ? { activeAddress } : {}),
    activeAddressBound: activeAddress !== undefined && (session?.boundWallets.includes(activeAddress) ?? false),
    xUser: session?.xUser ?? null,
  };
}

/** The ticker the chain gives `mint`, as the backend read it; undefined when it has none. */
export async function tokenSymbolOf(services: BackgroundServices, mint: string): Promise<string | undefined> {
  const { token } = tokenResponseSchema.parse(await backend(services, { method: "GET", path: `/tokens/${mint}` }));
  return token.symbol ?? undefined;
}

/**
 * A holding with the token's identity and risks as the backend read them from the chain. Without the
 * backend the balance is still exact when the RPC gives the decimals; only the name and logo are
 * missing, and the token is marked unread rather than riskless. Decimals neither could read stay null.
 */
async function describeHolding(services: BackgroundServices, rpc: RpcClient, holding: TokenHolding): Promise<TokenBalance> {
  const amount = holding.amount.toString();
  try {
    const { token } = tokenResponseSchema.parse(await backend(services, { method: "GET", path: `/tokens/${holding.mint}` }));
    const { backendUrl } = await readSettings(services.db);
    return {
      mint: holding.mint,
      amount,
      decimals: token.decimals,
      tokenProgram: holding.tokenProgram,
      ...(token.name ? { name: token.name } : {}),
      ...(token.symbol ? { symbol: token.symbol } : {}),
      ...(token.logoUrl ? { logoUrl: `${backendUrl}/tokens/${holding.mint}/logo` } : {}),
      risks: tokenRisks(token),
    };
  } catch {
    return {
      mint: holding.mint,
      amount,
      tokenProgram: holding.tokenProgram,
      decimals: (await rpc.getMintDecimals(holding.mint).catch(() => undefined)) ?? null,
      risks: [UNREAD_TOKEN_WARNING],
    };
  }
}

function requireBuiltin(choice: string): void {
  if (choice !== "builtin") {
    throw new MessagingError(
      "unsupported",
      `the chosen wallet is ${choice}: sign with it on x.com, or switch to the built-in wallet`,
    );
  }
}

export function walletHandlers(
  services: BackgroundServices,
): Pick<
  Handlers,
  | "wallet/status"
  | "wallet/create"
  | "wallet/import"
  | "wallet/restore"
  | "wallet/recovery-phrase"
  | "wallet/confirm-backup"
  | "wallet/export-secret"
  | "wallet/unlock"
  | "wallet/open-unlock"
  | "wallet/lock"
  | "wallet/choose"
  | "wallet/external-connected"
  | "wallet/balances"
  | "wallet/sign-and-send"
  | "wallet/sign-message"
  | "wallet/bind-to-x"
> {
  const signing = async () => ({
    vault: services.vault,
    approvals: services.approvals,
    rpc: await rpcClient(services),
    tokenSymbol: (mint: string) => tokenSymbolOf(services, mint),
  });
  return {
    "wallet/status": () => walletStatus(services),
    "wallet/create": async ({ password }) => ({ address: await services.vault.create(password) }),
    "wallet/import": async ({ secret, password }) => ({ address: await services.vault.importSecret(secret, password) }),
    "wallet/restore": async ({ phrase, password }) => ({ address: await services.vault.restore(phrase, password) }),
    "wallet/recovery-phrase": async ({ password }) => ({ words: await services.vault.recoveryPhrase(password) }),
    "wallet/confirm-backup": async ({ password, answers }) => {
      await services.vault.confirmBackup(password, answers);
      return walletStatus(services);
    },
    "wallet/export-secret": async ({ password }) => ({ secretKey: await services.vault.exportSecretKey(password) }),
    "wallet/unlock": async ({ password }) => {
      await services.vault.unlock(password);
      return walletStatus(services);
    },
    "wallet/open-unlock": async () => {
      await services.openUnlockWindow();
      return { opened: true } as const;
    },
    "wallet/lock": async () => {
      await services.vault.lock();
      return walletStatus(services);
    },
    "wallet/choose": async ({ choice }) => {
      await updateSettings(services.db, { walletChoice: choice });
      return walletStatus(services);
    },
    "wallet/external-connected": async (external) => {
      await writeValue(services.db, EXTERNAL_WALLET_KEY, external);
      await updateSettings(services.db, { walletChoice: external.choice });
      return walletStatus(services);
    },
    "wallet/balances": async ({ owner }) => {
      const address = owner ?? (await walletStatus(services)).activeAddress;
      if (!address) throw new MessagingError("no_wallet", "no wallet is connected: create one or connect Phantom or Solflare");
      const rpc = await rpcClient(services);
      const [lamports, holdings] = await Promise.all([rpc.getBalance(address), rpc.getTokenHoldings(address)]);
      const tokens = await Promise.all(holdings.map((holding) => describeHolding(services, rpc, holding)));
      return { owner: address, lamports: lamports.toString(), tokens };
    },
    "wallet/sign-and-send": async ({ transaction, purpose }, context) => ({
      signature: await signAndSendWithChosenWallet(services, transaction, purpose, context),
    }),
    "wallet/sign-message": async ({ message, purpose }, context) => {
      requireBuiltin((await readSettings(services.db)).walletChoice);
      return signMessageWithBuiltin(message, purpose, originLabel(context), await signing());
    },
    "wallet/bind-to-x": async (_payload, context) => {
      const status = await walletStatus(services);
      if (!status.xUser) throw new MessagingError("not_signed_in", "connect your X account first");
      if (!status.builtin.address) throw new MessagingError("no_wallet", "there is no built-in wallet yet: create or import one");
      const challenge = await readBackend(services, "auth/wallet-challenge", { address: status.builtin.address });
      const signed = await signMessageWithBuiltin(
        challenge.message,
        `link this wallet to @${status.xUser.username}`,
        originLabel(context),
        await signing(),
      );
      await readBackend(services, "auth/wallet-verify", {
        message: challenge.message,
        signature: signed.signature,
        address: signed.address,
      });
      await rememberBoundWallet(services, signed.address);
      return { address: signed.address };
    },
  };
}
