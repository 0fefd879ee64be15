import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Typography from "@mui/material/Typography";
import { createAsyncThunk } from "@reduxjs/toolkit";
import { useEffect, useState } from "react";
import { backendApi, describeApiError } from "../api/backend-api.ts";
import type { ExternalWalletChoice, WalletChoice } from "../messaging/shapes.ts";
import type { ClaimExtra } from "../store/claim-flow-slice.ts";
import { useOverlayDispatch } from "../store/hooks.ts";
import { shortAddress } from "../ui/format.ts";

/**
 * Which wallet creates and steers the giveaway: the built-in MEMEFANS wallet, or any wallet on the
 * page (Phantom, Solflare, a wallet-standard wallet), so a creator gives from the wallet the tokens
 * are in. A locked built-in wallet is unlocked in the extension's own window, never on x.com.
 */

type PageWalletOption = { choice: ExternalWalletChoice; name: string; icon?: string | undefined };

export const detectPageWallets = createAsyncThunk<PageWalletOption[], void, { extra: ClaimExtra }>(
  "creatorWallet/detect",
  async (_, { extra }) => (await extra.externalWallets?.detect()) ?? [],
);

export const chooseCreatorWallet = createAsyncThunk<void, { choice: WalletChoice; name: string }, { extra: ClaimExtra }>(
  "creatorWallet/choose",
  async ({ choice, name: wanted }, { dispatch, extra }) => {
    const api = backendApi.endpoints;
    if (choice === "builtin") {
      await dispatch(api.chooseWallet.initiate({ choice })).unwrap();
      return;
    }
    if (!extra.externalWallets) throw new Error(`${choice} is not reachable on this page`);
    const { address, name } = await extra.externalWallets.connect(choice, wanted);
    await dispatch(api.externalWalletConnected.initiate({ choice, address, name })).unwrap();
  },
);

/** Re-reads the wallet while it is locked, so unlocking in the popup's window shows here at once. */
const LOCKED_POLL_MS = 1500;

export function CreatorWallet() {
  const dispatch = useOverlayDispatch();
  const [pageWallets, setPageWallets] = useState<PageWalletOption[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const status = backendApi.useWalletStatusQuery();
  const locked = status.data?.choice === "builtin" && status.data.builtin.state === "locked";
  backendApi.useWalletStatusQuery(undefined, { pollingInterval: locked ? LOCKED_POLL_MS : 0, skip: !locked });
  const [openUnlock] = backendApi.useOpenWalletUnlockMutation();
  useEffect(() => {
    dispatch(detectPageWallets())
      .unwrap()
      .then(setPageWallets, () => setPageWallets([]));
  }, [dispatch]);
  const wallet = status.data;
  const current =
    wallet?.choice === "builtin"
      ? `MEMEFANS wallet${wallet.builtin.address ? ` ${shortAddress(wallet.builtin.address)}` : ""}`
      : wallet?.external && wallet.activeAddress
        ? `${wallet.external.name} ${shortAddress(wallet.activeAddress)}`
        : undefined;
  const isCurrent = (option: { choice: WalletChoice; name: string }) =>
    option.choice === "builtin"
      ? wallet?.choice === "builtin"
      : wallet?.choice === option.choice && wallet.external?.name === option.name;
  const choose = async (option: { choice: WalletChoice; name: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await dispatch(chooseCreatorWallet({ choice: option.choice, name: option.name })).unwrap();
    } catch (caught) {
      setError(describeApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  const options: { choice: WalletChoice; name: string; icon?: string | undefined }[] = [
    { choice: "builtin", name: "MEMEFANS wallet" },
    ...pageWallets,
  ];
  return (
    <Box className="flex flex-col gap-2" data-testid="memefans-creator-wallet">
      <Typography variant="body2">
        Signs with: <strong data-testid="memefans-creator-wallet-current">{current ?? "no wallet yet"}</strong>
      </Typography>
      <Box className="flex flex-wrap gap-2">
        {options.map((option) => (
          <Button
            key={`${option.choice}:${option.name}`}
            size="small"
            variant={isCurrent(option) ? "contained" : "outlined"}
            disabled={busy}
            onClick={() => choose(option)}
            startIcon={option.icon ? <img src={option.icon} alt="" width={16} height={16} /> : undefined}
          >
            {option.name}
          </Button>
        ))}
      </Box>
      {locked && (
        <Alert
          severity="warning"
          data-testid="memefans-wallet-locked"
          action={
            <Button color="inherit" size="small" onClick={() => openUnlock()} data-testid="memefans-unlock-wallet">
              Unlock
            </Button>
          }
        >
          Your MEMEFANS wallet is locked. Unlock it in the window that opens; this dialog waits for you.
        </Alert>
      )}
      {error && <Alert severity="error">{error}</Alert>}
    </Box>
  );
}
