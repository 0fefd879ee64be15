import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Checkbox from "@mui/material/Checkbox";
import Chip from "@mui/material/Chip";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import FormControlLabel from "@mui/material/FormControlLabel";
import MenuItem from "@mui/material/MenuItem";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useEffect, useState } from "react";
import { type ClaimRules, claimRulesSchema, DEFAULT_CLAIM_RULES } from "../../shared/api/distributions.ts";
import { type DistributionDraftInput, distributionDraftSchema, timingProblems } from "../../shared/distribution.ts";
import {
  proposedFeeBudget,
  type TokenProgramName,
  tokenAccountCreationsCovered,
  tokenAccountRent,
} from "../../shared/fee-budget.ts";
import { isSolanaAddress } from "../../shared/primitives.ts";
import { DEFAULT_MIN_ACCOUNT_AGE_DAYS, DEFAULT_MIN_FOLLOWERS, type RequirementInput } from "../../shared/requirements.ts";
import { backendApi, describeApiError } from "../api/backend-api.ts";
import { formatSol } from "../messaging/format.ts";
import type { Balances } from "../messaging/shapes.ts";
import { useOverlayDispatch } from "../store/hooks.ts";
import { formatLocalTime, formatTokenAmount, formatTokenBalance, tokenLabel } from "../ui/format.ts";
import { TokenRiskNotes } from "../ui/token-risk-notes.tsx";
import { readTokenAmount, UNKNOWN_DECIMALS_PROBLEM } from "./create-amounts.ts";
import { type CostToken, type CreationCost, creationCost, creationTotalText } from "./create-cost.ts";
import { CreatorWallet } from "./creator-wallet.tsx";
import { loadTransactionBuilder } from "./load-transaction-builder.ts";

/** The creator's form: terms, per-field validation with the shared draft schema, the cost, then sign. */

export interface CreateForm {
  mint: string;
  amount: string;
  maxClaims: string;
  follow: boolean;
  like: boolean;
  repost: boolean;
  quote: boolean;
  reply: boolean;
  replyPhrase: string;
  holdToken: boolean;
  /** Picked from the wallet's tokens, by name. */
  holdMint: string;
  /** In that token's own units ("1,000"), not raw units. */
  holdMin: string;
  /** The hold token's decimals, from the wallet's balances when it was picked; null until then, or when unreadable. */
  holdDecimals: number | null;
  accountAge: boolean;
  accountAgeDays: string;
  minFollowers: boolean;
  minFollowersCount: string;
  /** One claim per X account and wallet across the creator's giveaways. */
  oncePerCreator: boolean;
  paceLimit: boolean;
  maxClaimsPerMinute: string;
  startsAt: string;
  endsAt: string;
  /** The fee budget also pays for opening fans' token accounts; without it, only holders are paid. */
  coverTokenAccounts: boolean;
  /** Lamports of priority fee per claim the budget pays at most, so payouts land on a busy network. */
  priorityFeeCap: string;
  /** With no requirement at all anyone can claim, bots included: the creator says so explicitly. */
  botsAcknowledged: boolean;
}

type ToggleKey = { [K in keyof CreateForm]: CreateForm[K] extends boolean ? K : never }[keyof CreateForm];
type TextKey = { [K in keyof CreateForm]: CreateForm[K] extends string ? K : never }[keyof CreateForm];

const requirementToggles: [ToggleKey, string][] = [
  ["follow", "Follow you"],
  ["like", "Like the post"],
  ["repost", "Repost it"],
  ["quote", "Quote it"],
  ["reply", "Reply"],
  ["holdToken", "Hold a token"],
];

/** Bot defences: on by default (account age, followers, a pace limit); the cross-giveaway rule when the creator wants it. */
const defenceToggles: [ToggleKey, string][] = [
  ["accountAge", "Account old enough"],
  ["minFollowers", "Enough followers"],
  ["paceLimit", "Limit claims per minute"],
  ["oncePerCreator", "One claim per account and wallet across my giveaways"],
];

/** Raw units for the draft; a typed amount that is not one passes on as text, and its field names the problem. */
function rawOrText(text: string, decimals: number | null): string {
  const reading = readTokenAmount(text, decimals);
  return "raw" in reading ? reading.raw.toString() : text.trim();
}

function toUnix(local: string): number {
  return Math.floor(new Date(local).getTime() / 1000);
}

function localInput(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

export function defaultForm(now: Date, firstMint = ""): CreateForm {
  return {
    mint: firstMint,
    amount: "",
    maxClaims: "100",
    follow: true,
    like: true,
    repost: false,
    quote: false,
    reply: false,
    replyPhrase: "",
    holdToken: false,
    holdMint: "",
    holdMin: "",
    holdDecimals: null,
    accountAge: true,
    accountAgeDays: String(DEFAULT_MIN_ACCOUNT_AGE_DAYS),
    minFollowers: true,
    minFollowersCount: String(DEFAULT_MIN_FOLLOWERS),
    oncePerCreator: DEFAULT_CLAIM_RULES.oncePerCreator,
    paceLimit: DEFAULT_CLAIM_RULES.maxClaimsPerMinute !== null,
    maxClaimsPerMinute: String(DEFAULT_CLAIM_RULES.maxClaimsPerMinute ?? 120),
    startsAt: localInput(now),
    endsAt: localInput(new Date(now.getTime() + 7 * 86_400_000)),
    coverTokenAccounts: true,
    priorityFeeCap: String(DEFAULT_PRIORITY_FEE_CAP_LAMPORTS),
    botsAcknowledged: false,
  };
}

/** Lamports per claim: 0.000001 SOL, enough for a batch to outbid a busy network's typical priority fee. */
const DEFAULT_PRIORITY_FEE_CAP_LAMPORTS = 1_000;

/** The cap as typed, in lamports, for the budget; a value that is not a whole number is the draft schema's to name. */
function priorityFeeCapOf(form: CreateForm): bigint {
  return /^\d{1,15}$/.test(form.priorityFeeCap.trim()) ? BigInt(form.priorityFeeCap.trim()) : 0n;
}

export function requirementsFrom(form: CreateForm): RequirementInput[] {
  const requirements: RequirementInput[] = [];
  if (form.follow) requirements.push({ type: "follow" });
  if (form.like) requirements.push({ type: "like" });
  if (form.repost) requirements.push({ type: "repost" });
  if (form.quote) requirements.push({ type: "quote" });
  if (form.reply)
    requirements.push(form.replyPhrase.trim() ? { type: "reply", mustContain: form.replyPhrase } : { type: "reply" });
  if (form.holdToken)
    requirements.push({ type: "hold_token", mint: form.holdMint.trim(), minAmount: rawOrText(form.holdMin, form.holdDecimals) });
  if (form.accountAge) requirements.push({ type: "account_age", minDays: Number(form.accountAgeDays) });
  if (form.minFollowers) requirements.push({ type: "min_followers", minFollowers: Number(form.minFollowersCount) });
  return requirements;
}

/** The fee budget the terms ask for: every payout's fee, and each one's token account when the creator covers them. */
export function feeBudgetFor(
  form: CreateForm,
  feePerClaimLamports: bigint,
  tokenProgram: TokenProgramName = "spl-token",
): bigint {
  const maxClaims = Number(form.maxClaims);
  // An invalid count is the schema's to name; it has no budget meanwhile.
  if (!Number.isSafeInteger(maxClaims) || maxClaims < 1) return 0n;
  return proposedFeeBudget(
    { feePerClaimLamports, priorityFeeCapLamports: priorityFeeCapOf(form), maxClaims },
    form.coverTokenAccounts,
    tokenProgram,
  );
}

/** The defences that are not requirements, as the registration carries them. */
export function claimRulesFrom(form: CreateForm): ClaimRules {
  return {
    oncePerCreator: form.oncePerCreator,
    maxClaimsPerMinute: form.paceLimit ? Number(form.maxClaimsPerMinute) : null,
  };
}

export function draftFrom(
  form: CreateForm,
  postId: string,
  decimals: number | null,
  feePerClaimLamports: bigint,
  tokenProgram: TokenProgramName = "spl-token",
): DistributionDraftInput {
  return {
    mint: form.mint,
    amountPerClaim: rawOrText(form.amount, decimals),
    maxClaims: Number(form.maxClaims),
    startsAt: toUnix(form.startsAt),
    endsAt: toUnix(form.endsAt),
    requirements: requirementsFrom(form),
    postId,
    feeBudgetLamports: feeBudgetFor(form, feePerClaimLamports, tokenProgram).toString(),
    priorityFeeCapLamports: form.priorityFeeCap.trim() || "0",
  };
}

/** The schema's messages by the form field they belong to ("amountPerClaim", "requirements", …). */
export function validateForm(
  form: CreateForm,
  postId: string,
  /** The token's decimals; null when they could not be read, and then no draft comes out. */
  decimals: number | null,
  nowSeconds: number,
  feePerClaimLamports: bigint,
  tokenProgram: TokenProgramName = "spl-token",
) {
  const parsed = distributionDraftSchema.safeParse(draftFrom(form, postId, decimals, feePerClaimLamports, tokenProgram));
  const errors: Record<string, string> = {};
  // Unknown decimals are the picked token's problem; with no token picked, the mint's own message says so.
  const tokenPicked = isSolanaAddress(form.mint);
  if (decimals === null && tokenPicked) errors.mint = UNKNOWN_DECIMALS_PROBLEM;
  // The typed amounts' own words ("not a number", "negative") come before the schema's.
  const amount = decimals === null && !tokenPicked ? { problem: "pick the token first" } : readTokenAmount(form.amount, decimals);
  if ("problem" in amount) errors.amountPerClaim = amount.problem;
  const holdMin = readTokenAmount(form.holdMin, form.holdDecimals);
  if (form.holdToken && !form.holdMint) errors.holdMint = "pick the token fans must hold";
  if (form.holdToken && "problem" in holdMin) errors.holdMin = holdMin.problem;
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "form");
      errors[field] ??= issue.message;
    }
    return { draft: null, errors };
  }
  if (parsed.data.requirements.length === 0 && !form.botsAcknowledged)
    errors.botsAcknowledged = "with no requirement at all, anyone can claim, bots too: confirm that this is what you want";
  Object.assign(errors, timingProblems(parsed.data, nowSeconds));
  const rules = claimRulesSchema.safeParse(claimRulesFrom(form));
  if (!rules.success) errors.maxClaimsPerMinute = rules.error.issues[0]?.message ?? "not a valid number of claims";
  return { draft: Object.keys(errors).length ? null : parsed.data, errors };
}

/** What the wallet lacks for this draft: tokens for amount × claims, SOL for rent, fee budget and fee. */
export function shortfallOf(
  cost: CreationCost,
  wallet: { tokenRaw: bigint; lamports: bigint },
): { tokens: bigint; lamports: bigint } | null {
  const tokens = cost.tokensEscrowed > wallet.tokenRaw ? cost.tokensEscrowed - wallet.tokenRaw : 0n;
  const lamports = cost.totalLamports > wallet.lamports ? cost.totalLamports - wallet.lamports : 0n;
  return tokens || lamports ? { tokens, lamports } : null;
}

/** Starts loading the transaction builder as the dialog opens, so signing does not wait for it. */
function useTransactionBuilder(): "loading" | "ready" | "failed" {
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  useEffect(() => {
    let live = true;
    loadTransactionBuilder().then(
      () => live && setState("ready"),
      (error: unknown) => {
        console.error("[memefans] the transaction builder did not load", error);
        if (live) setState("failed");
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

type Phase =
  | { kind: "editing" }
  | { kind: "working"; step: string }
  | { kind: "failed"; message: string }
  | { kind: "done"; link: string; inserted: boolean; queued: boolean };

export interface CreateDialogProps {
  postId: string;
  onClose(): void;
  /** Puts the distribution's public link into the post or reply text; false when X's composer could not be reached. */
  insertLink(link: string): Promise<boolean>;
}

export function CreateDistributionDialog({ postId, onClose, insertLink }: CreateDialogProps) {
  const dispatch = useOverlayDispatch();
  const balances = backendApi.useBalancesQuery();
  const wallet = backendApi.useWalletStatusQuery();
  const settings = backendApi.useSettingsQuery();
  const creationTerms = backendApi.useDistributionsCreationTermsQuery({});
  const feePerClaimLamports = creationTerms.data ? BigInt(creationTerms.data.feePerClaimLamports) : undefined;
  const tokens: Balances["tokens"] = balances.data?.tokens ?? [];
  const [form, setForm] = useState<CreateForm>(() => defaultForm(new Date()));
  const [touched, setTouched] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: "editing" });
  const builder = useTransactionBuilder();
  const mint = form.mint || tokens[0]?.mint || "";
  const token = tokens.find((candidate) => candidate.mint === mint);
  const decimals = token ? token.decimals : null;
  const filled = { ...form, mint };
  const tokenProgram = token?.tokenProgram ?? "spl-token";
  // The fields are judged at once; the draft waits for the service's fee per payout, which sets the budget.
  const validation = validateForm(
    filled,
    postId,
    decimals,
    Math.floor(Date.now() / 1000),
    feePerClaimLamports ?? 0n,
    tokenProgram,
  );
  // A draft implies known decimals: validateForm gives none without them.
  const priced = validation.draft && decimals !== null ? { cost: creationCost(validation.draft), decimals } : null;
  const cost = priced?.cost ?? null;
  const shortfall =
    cost && balances.data
      ? shortfallOf(cost, { tokenRaw: BigInt(token?.amount ?? "0"), lamports: BigInt(balances.data.lamports) })
      : null;
  const draft = feePerClaimLamports === undefined || shortfall ? null : validation.draft;
  const errors: Record<string, string> =
    feePerClaimLamports === undefined
      ? { ...validation.errors, form: "reading this service's fee per payout…" }
      : validation.errors;
  const set = <K extends keyof CreateForm>(key: K, value: CreateForm[K]) => setForm((current) => ({ ...current, [key]: value }));
  const bind = (key: TextKey) => ({
    value: form[key],
    onChange: (event: { target: { value: string } }) => set(key, event.target.value),
  });
  const shown = (field: string) => (touched ? errors[field] : undefined);
  /** A field and its message; the amounts say what is wrong as soon as something is typed. */
  const validated = (key: TextKey, field: string, eager = false) => {
    const message = eager && form[key] ? errors[field] : shown(field);
    return { ...bind(key), error: Boolean(message), helperText: message };
  };
  const symbol = tokenName(token, mint);
  const pageWalletName = wallet.data?.choice !== "builtin" ? wallet.data?.external?.name : undefined;

  const submit = async () => {
    setTouched(true);
    if (!draft) return;
    try {
      setPhase({ kind: "working", step: "Preparing the transaction…" });
      const status = await dispatch(
        backendApi.endpoints.walletStatus.initiate(undefined, { forceRefetch: true, subscribe: false }),
      ).unwrap();
      if (!status.activeAddress) throw new Error("choose the wallet that signs, above");
      const terms = await dispatch(backendApi.endpoints.distributionsCreationTerms.initiate({}, { subscribe: false })).unwrap();
      const { blockhash } = await dispatch(backendApi.endpoints.latestBlockhash.initiate()).unwrap();
      const { buildCreateTransaction } = await loadTransactionBuilder();
      const built = buildCreateTransaction(draft, status.activeAddress, terms, blockhash, {
        ...(token ? { tokenProgram: token.tokenProgram } : {}),
      });
      setPhase({
        kind: "working",
        step: pageWalletName
          ? `Check the transaction in the MEMEFANS window, then approve it in ${pageWalletName}…`
          : "Approve the transaction in the MEMEFANS window…",
      });
      const { signature } = await dispatch(
        backendApi.endpoints.signAndSend.initiate({
          transaction: built.transactionBase64,
          purpose: `Create a giveaway on post ${postId}: ${form.amount} ${symbol} × ${draft.maxClaims}`,
        }),
      ).unwrap();
      setPhase({ kind: "working", step: "Registering the giveaway…" });
      const outcome = await dispatch(
        backendApi.endpoints.registerDistribution.initiate({
          address: built.address,
          postId,
          requirements: requirementsFrom(filled),
          claimRules: claimRulesFrom(filled),
          creationSignature: signature,
        }),
      ).unwrap();
      if (outcome.outcome === "refused") throw new Error(outcome.error.message);
      const base = (settings.data?.backendUrl ?? "").replace(/\/$/, "");
      const link = `${base}/d/${built.address}`;
      setPhase({ kind: "done", link, inserted: await insertLink(link), queued: outcome.outcome === "queued" });
    } catch (error) {
      setPhase({ kind: "failed", message: error instanceof Error ? error.message : describeApiError(error) });
    }
  };

  const working = phase.kind === "working";
  const noRequirement = requirementsFrom(filled).length === 0;
  return (
    <Dialog open onClose={working ? undefined : onClose} fullWidth maxWidth="sm" aria-labelledby="memefans-create-title">
      <DialogTitle id="memefans-create-title">Create a giveaway on this post</DialogTitle>
      <DialogContent dividers data-testid="memefans-create-dialog" data-builder={builder}>
        <Box className="flex flex-col gap-3">
          <CreatorWallet />
          <TokenPicker
            label="Token"
            tokens={tokens}
            value={mint}
            onChange={(picked) => set("mint", picked.mint)}
            error={shown("mint")}
            helperText={balances.isError ? "could not read the wallet's tokens" : "from your wallet"}
          />
          {token && token.decimals === null && (
            <Alert severity="error" data-testid="memefans-unknown-decimals">
              {`${symbol}: ${UNKNOWN_DECIMALS_PROBLEM}.`}
            </Alert>
          )}
          {token && token.risks.length > 0 && (
            <Alert severity="warning" data-testid="memefans-token-risks">
              <TokenRiskNotes risks={token.risks} />
            </Alert>
          )}
          <Box className="grid grid-cols-2 gap-3">
            <TextField
              label={`Amount per claim (${symbol})`}
              {...validated("amount", "amountPerClaim", true)}
              slotProps={{ htmlInput: { inputMode: "decimal", "data-field": "amount" } }}
            />
            <TextField
              label="Number of claims"
              {...validated("maxClaims", "maxClaims", true)}
              slotProps={{ htmlInput: { inputMode: "numeric", "data-field": "maxClaims" } }}
            />
            <LocalTimeField label="Starts" field={validated("startsAt", "startsAt")} value={form.startsAt} />
            <LocalTimeField label="Ends" field={validated("endsAt", "endsAt")} value={form.endsAt} />
          </Box>
          <Typography variant="subtitle2">Fans must</Typography>
          <Toggles toggles={requirementToggles} form={form} set={set} />
          {form.reply && <TextField label="The reply must contain (optional)" {...bind("replyPhrase")} />}
          {form.holdToken && (
            <Box className="grid grid-cols-2 gap-3" data-testid="memefans-hold-token">
              <TokenPicker
                label="Token to hold"
                tokens={tokens}
                value={form.holdMint}
                onChange={(picked) =>
                  setForm((current) => ({ ...current, holdMint: picked.mint, holdDecimals: picked.decimals }))
                }
                error={shown("holdMint")}
              />
              <TextField
                label={`At least (${
                  form.holdMint
                    ? tokenName(
                        tokens.find((t) => t.mint === form.holdMint),
                        form.holdMint,
                      )
                    : "tokens"
                })`}
                {...validated("holdMin", "holdMin", true)}
                slotProps={{ htmlInput: { inputMode: "decimal", "data-field": "holdMin" } }}
              />
            </Box>
          )}
          <Typography variant="subtitle2">Keep bots out</Typography>
          <Toggles toggles={defenceToggles} form={form} set={set} testId="memefans-create-defences" />
          <Box className="grid grid-cols-2 gap-3">
            {form.accountAge && <TextField label="Account age (days)" {...bind("accountAgeDays")} />}
            {form.minFollowers && <TextField label="Followers at least" {...bind("minFollowersCount")} />}
            {form.paceLimit && (
              <TextField label="Claims per minute at most" {...validated("maxClaimsPerMinute", "maxClaimsPerMinute")} />
            )}
          </Box>
          {shown("requirements") && <Alert severity="error">Requirements: {shown("requirements")}</Alert>}
          {noRequirement && (
            <Alert severity="warning" data-testid="memefans-no-requirement">
              <FormControlLabel
                control={
                  <Checkbox checked={form.botsAcknowledged} onChange={(event) => set("botsAcknowledged", event.target.checked)} />
                }
                label="There is no requirement at all: anyone can claim, bots too. Give away anyway."
              />
            </Alert>
          )}
          <FormControlLabel
            control={
              <Checkbox
                checked={form.coverTokenAccounts}
                onChange={(event) => set("coverTokenAccounts", event.target.checked)}
                data-testid="memefans-cover-token-accounts"
              />
            }
            label={`Also pay for opening fans' token accounts (${formatSol(tokenAccountRent(tokenProgram))} each)`}
          />
          <TextField
            label="Priority fee per claim at most (lamports)"
            {...validated("priorityFeeCap", "priorityFeeCapLamports")}
            slotProps={{ htmlInput: { "data-testid": "memefans-priority-fee-cap", inputMode: "numeric" } }}
          />
          {creationTerms.isError && <Alert severity="error">Could not read this service's fee per payout; try again.</Alert>}
          {validation.draft && feePerClaimLamports !== undefined && (
            <FeeBudgetNote
              budget={validation.draft.feeBudgetLamports}
              maxClaims={validation.draft.maxClaims}
              feePerClaimLamports={feePerClaimLamports}
              coversTokenAccounts={form.coverTokenAccounts}
              accountRent={tokenAccountRent(tokenProgram)}
              priorityFeeCapLamports={validation.draft.priorityFeeCapLamports}
            />
          )}
          <CostSummary priced={priced} tokenName={symbol} />
        </Box>
      </DialogContent>
      {/* Outside the scrolling form, so the total and what happens now stay in view beside the button. */}
      <Box className="flex flex-col gap-2 px-6 pt-3" data-testid="memefans-create-footer">
        {priced && (
          <Typography variant="body2" sx={{ fontWeight: 700 }} data-testid="memefans-create-total">
            {creationTotalText(priced.cost, { name: symbol, decimals: priced.decimals })}
          </Typography>
        )}
        {shortfall && priced && (
          <Alert severity="error" data-testid="memefans-shortfall">
            Your wallet is short of {shortfallText(shortfall, { name: symbol, decimals: priced.decimals })} for these terms: lower
            the amount or the number of claims, or add to the wallet.
          </Alert>
        )}
        {builder === "failed" && <Alert severity="error">The signing part of MEMEFANS did not load; reload the page.</Alert>}
        {phase.kind === "working" && <Alert severity="info">{phase.step}</Alert>}
        {phase.kind === "done" && (
          <Alert severity="success" data-testid="memefans-create-done">
            The giveaway is on chain{phase.queued ? " (its registration will be sent when you are back online)" : ""}.{" "}
            {phase.inserted ? "Its link is in your reply: post it." : `Post this link in a reply: ${phase.link}`}
          </Alert>
        )}
        {phase.kind === "failed" && (
          <Alert severity="error" role="alert">
            {phase.message}
          </Alert>
        )}
      </Box>
      <DialogActions>
        <Button onClick={onClose} disabled={working}>
          {phase.kind === "done" ? "Close" : "Cancel"}
        </Button>
        {phase.kind !== "done" && (
          <Button
            variant="contained"
            onClick={submit}
            disabled={working || Boolean(shortfall) || (noRequirement && !form.botsAcknowledged) || (touched && !draft)}
            data-testid="memefans-create-submit"
          >
            Sign and create
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

/** How the dialog names a token: its on-chain ticker, else its short mint address. */
function tokenName(token: Balances["tokens"][number] | undefined, mint: string): string {
  return token?.symbol ? `$${token.symbol}` : mint ? tokenLabel(mint) : "tokens";
}

function shortfallText(shortfall: { tokens: bigint; lamports: bigint }, token: CostToken): string {
  const parts = [
    ...(shortfall.tokens ? [`${formatTokenAmount(shortfall.tokens.toString(), token.decimals)} ${token.name}`] : []),
    ...(shortfall.lamports ? [formatSol(shortfall.lamports)] : []),
  ];
  return parts.join(" and ");
}

/** A token's logo as the service worker fetched it (x.com's CSP keeps the page from loading it). */
function TokenLogo({ token }: { token: Balances["tokens"][number] }) {
  const logo = backendApi.useTokenLogoQuery(token.mint, { skip: !token.logoUrl });
  if (!logo.data?.dataUrl) return <span className="inline-block h-5 w-5 rounded-full bg-[#cfd9de]" aria-hidden />;
  return <img src={logo.data.dataUrl} alt="" width={20} height={20} className="rounded-full" />;
}

/** Picks one of the wallet's tokens by its name, logo and holding; never a pasted mint. */
function TokenPicker(props: {
  label: string;
  tokens: Balances["tokens"];
  value: string;
  onChange(token: Balances["tokens"][number]): void;
  error?: string | undefined;
  helperText?: string;
}) {
  return (
    <TextField
      select
      label={props.label}
      value={props.tokens.some((token) => token.mint === props.value) ? props.value : ""}
      onChange={(event) => {
        const picked = props.tokens.find((token) => token.mint === event.target.value);
        if (picked) props.onChange(picked);
      }}
      error={Boolean(props.error)}
      helperText={props.error ?? props.helperText}
      disabled={!props.tokens.length}
    >
      {props.tokens.map((candidate) => (
        <MenuItem key={candidate.mint} value={candidate.mint}>
          <span className="flex items-center gap-2">
            <TokenLogo token={candidate} />
            {tokenName(candidate, candidate.mint)}
            {candidate.name ? ` (${candidate.name})` : ""} · {formatTokenBalance(candidate.amount, candidate.decimals)} held
            {candidate.risks.length > 0 && (
              <Chip size="small" color="warning" label="⚠ risk" title={candidate.risks.join(" ")} data-testid="token-risk-chip" />
            )}
          </span>
        </MenuItem>
      ))}
    </TextField>
  );
}

/** The browser's local date-time input, with the moment spelled out in the creator's own time zone. */
function LocalTimeField(props: {
  label: string;
  value: string;
  field: { value: string; onChange(event: { target: { value: string } }): void; error: boolean; helperText: string | undefined };
}) {
  const seconds = toUnix(props.value);
  return (
    <TextField
      label={props.label}
      type="datetime-local"
      {...props.field}
      helperText={props.field.helperText ?? (Number.isFinite(seconds) ? formatLocalTime(seconds) : undefined)}
      slotProps={{
        inputLabel: { shrink: true },
        formHelperText: { "data-testid": `memefans-${props.label.toLowerCase()}-local` } as object,
      }}
    />
  );
}

/** What the fee budget pays for, computed from the number of claims, how many payouts it covers, and that what is unused comes back. */
function FeeBudgetNote(props: {
  budget: bigint;
  maxClaims: number;
  feePerClaimLamports: bigint;
  coversTokenAccounts: boolean;
  /** Rent of one fan's token account under the mint's program. */
  accountRent: bigint;
  priorityFeeCapLamports: bigint;
}) {
  const payouts = props.maxClaims.toLocaleString("en-US");
  const openings = tokenAccountCreationsCovered(
    {
      feeBudgetLamports: props.budget,
      feePerClaimLamports: props.feePerClaimLamports,
      priorityFeeCapLamports: props.priorityFeeCapLamports,
      maxClaims: props.maxClaims,
      claimedCount: 0,
    },
    props.accountRent,
  );
  return (
    <Typography variant="body2" color="text.secondary" data-testid="memefans-fee-budget">
      Fee budget {formatSol(props.budget)}: it covers all {payouts} payouts ({formatSol(props.feePerClaimLamports)} network fee
      each
      {props.priorityFeeCapLamports > 0n
        ? `, and up to ${formatSol(props.priorityFeeCapLamports)} of priority fee each on a busy network`
        : ""}
      )
      {props.coversTokenAccounts
        ? `, ${openings === props.maxClaims ? "every one of them" : `${openings.toLocaleString("en-US")} of them`} even when the fan has no token account yet and the payout opens one (${formatSol(props.accountRent)} rent each).`
        : ". Fans without a token account for this token are not paid; your giveaway's card tells them."}{" "}
      What is left unused comes back to you when you close the giveaway.
    </Typography>
  );
}

/** A grid of the form's checkboxes. */
function Toggles({
  toggles,
  form,
  set,
  testId,
}: {
  toggles: [ToggleKey, string][];
  form: CreateForm;
  set(key: ToggleKey, value: boolean): void;
  testId?: string;
}) {
  return (
    <Box className="grid grid-cols-2" data-testid={testId}>
      {toggles.map(([key, label]) => (
        <FormControlLabel
          key={key}
          control={<Checkbox checked={form[key]} onChange={(event) => set(key, event.target.checked)} />}
          label={label}
        />
      ))}
    </Box>
  );
}

/** The total's parts; the one-sentence total (the approval window's words) stays beside the button. */
function CostSummary({
  priced,
  tokenName: name,
}: {
  priced: { cost: CreationCost; decimals: number } | null;
  tokenName: string;
}) {
  if (!priced) {
    return (
      <Typography variant="body2" color="text.secondary">
        Fill in the terms to see the cost.
      </Typography>
    );
  }
  const { cost, decimals } = priced;
  const rows: [string, string][] = [
    ["Tokens escrowed", `${formatTokenAmount(cost.tokensEscrowed.toString(), decimals)} ${name}`],
    ["Rent (returned when you close it)", formatSol(cost.rentLamports)],
    ["Fee budget (unused part returned when you close it)", formatSol(cost.feeBudgetLamports)],
    ["Network fee", formatSol(cost.networkFeeLamports)],
    ["Total SOL", formatSol(cost.totalLamports)],
  ];
  return (
    <Box className="flex flex-col gap-2">
      <Box component="dl" className="m-0 grid grid-cols-2 gap-x-3 gap-y-1" data-testid="memefans-create-cost">
        {rows.map(([label, value]) => (
          <Box key={label} className="contents">
            <Typography component="dt" variant="body2" color="text.secondary">
              {label}
            </Typography>
            <Typography component="dd" variant="body2" className="m-0 text-right" sx={{ fontWeight: 600 }}>
              {value}
            </Typography>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
