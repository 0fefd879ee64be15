import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Checkbox from "@mui/material/Checkbox";
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
import { proposedFeeBudget, type TokenProgramName, tokenAccountRent } from "../../shared/fee-budget.ts";
import { DEFAULT_MIN_ACCOUNT_AGE_DAYS, DEFAULT_MIN_FOLLOWERS, type RequirementInput } from "../../shared/requirements.ts";
import { backendApi, describeApiError } from "../api/backend-api.ts";
import { formatSol } from "../messaging/format.ts";
import type { Balances } from "../messaging/shapes.ts";
import { useOverlayDispatch } from "../store/hooks.ts";
import { formatTokenAmount, tokenLabel } from "../ui/format.ts";
import { creationCost } from "./create-cost.ts";
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
  holdMint: string;
  holdMin: string;
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

/** "1.5" in a token with 6 decimals → "1500000"; text that is not such a number is passed on for the schema to name. */
export function toRawUnits(text: string, decimals: number): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return text.trim();
  const [, whole = "0", fraction = ""] = match;
  if (fraction.length > decimals) return text.trim();
  return (BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0")).toString();
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
  if (form.holdToken) requirements.push({ type: "hold_token", mint: form.holdMint.trim(), minAmount: form.holdMin.trim() });
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
  decimals: number,
  feePerClaimLamports: bigint,
  tokenProgram: TokenProgramName = "spl-token",
): DistributionDraftInput {
  return {
    mint: form.mint,
    amountPerClaim: toRawUnits(form.amount, decimals),
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
  decimals: number,
  nowSeconds: number,
  feePerClaimLamports: bigint,
  tokenProgram: TokenProgramName = "spl-token",
) {
  const parsed = distributionDraftSchema.safeParse(draftFrom(form, postId, decimals, feePerClaimLamports, tokenProgram));
  const errors: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "form");
      errors[field] ??= issue.message;
    }
    return { draft: null, errors };
  }
  const [late] = timingProblems(parsed.data, nowSeconds);
  if (late) errors.endsAt = late;
  const rules = claimRulesSchema.safeParse(claimRulesFrom(form));
  if (!rules.success) errors.maxClaimsPerMinute = rules.error.issues[0]?.message ?? "not a valid number of claims";
  return { draft: Object.keys(errors).length ? null : parsed.data, errors };
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
  const settings = backendApi.useSettingsQuery();
  const creationTerms = backendApi.useCreationTermsQuery();
  const feePerClaimLamports = creationTerms.data ? BigInt(creationTerms.data.feePerClaimLamports) : undefined;
  const tokens: Balances["tokens"] = balances.data?.tokens ?? [];
  const [form, setForm] = useState<CreateForm>(() => defaultForm(new Date()));
  const [touched, setTouched] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: "editing" });
  const builder = useTransactionBuilder();
  const mint = form.mint || tokens[0]?.mint || "";
  const token = tokens.find((candidate) => candidate.mint === mint);
  const decimals = token?.decimals ?? 0;
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
  const draft = feePerClaimLamports === undefined ? null : validation.draft;
  const errors: Record<string, string> =
    feePerClaimLamports === undefined
      ? { ...validation.errors, form: "reading this service's fee per payout…" }
      : validation.errors;
  const cost = draft ? creationCost(draft) : null;
  const set = <K extends keyof CreateForm>(key: K, value: CreateForm[K]) => setForm((current) => ({ ...current, [key]: value }));
  const bind = (key: TextKey) => ({
    value: form[key],
    onChange: (event: { target: { value: string } }) => set(key, event.target.value),
  });
  /** A field and the draft schema's message for it (field names differ: "amount" is "amountPerClaim"). */
  const validated = (key: TextKey, field: string) => ({ ...bind(key), error: Boolean(shown(field)), helperText: shown(field) });
  const shown = (field: string) => (touched ? errors[field] : undefined);
  const symbol = token?.symbol ? `$${token.symbol}` : mint ? tokenLabel(mint) : "tokens";

  const submit = async () => {
    setTouched(true);
    if (!draft) return;
    try {
      setPhase({ kind: "working", step: "Preparing the transaction…" });
      const wallet = await dispatch(
        backendApi.endpoints.walletStatus.initiate(undefined, { forceRefetch: true, subscribe: false }),
      ).unwrap();
      if (wallet.choice !== "builtin" || !wallet.activeAddress) {
        throw new Error("creating a giveaway signs with the MEMEFANS wallet: unlock it in the extension's popup");
      }
      const terms = await dispatch(backendApi.endpoints.creationTerms.initiate(undefined, { subscribe: false })).unwrap();
      const { blockhash } = await dispatch(backendApi.endpoints.latestBlockhash.initiate()).unwrap();
      const { buildCreateTransaction } = await loadTransactionBuilder();
      const built = buildCreateTransaction(draft, wallet.activeAddress, terms, blockhash, {
        ...(token ? { tokenProgram: token.tokenProgram } : {}),
      });
      setPhase({ kind: "working", step: "Approve the transaction in the MEMEFANS window…" });
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
  return (
    <Dialog open onClose={working ? undefined : onClose} fullWidth maxWidth="sm" aria-labelledby="memefans-create-title">
      <DialogTitle id="memefans-create-title">Create a giveaway on this post</DialogTitle>
      <DialogContent dividers data-testid="memefans-create-dialog" data-builder={builder}>
        <Box className="flex flex-col gap-3">
          <TextField
            select
            label="Token"
            value={mint}
            onChange={(event) => set("mint", event.target.value)}
            error={Boolean(shown("mint"))}
            helperText={shown("mint") ?? (balances.isError ? "could not read the wallet's tokens" : "from your wallet")}
            disabled={!tokens.length}
          >
            {tokens.map((candidate) => (
              <MenuItem key={candidate.mint} value={candidate.mint}>
                {candidate.symbol ? `$${candidate.symbol}` : tokenLabel(candidate.mint)}
                {candidate.name ? ` (${candidate.name})` : ""} · {formatTokenAmount(candidate.amount, candidate.decimals)} held
              </MenuItem>
            ))}
          </TextField>
          <Box className="grid grid-cols-2 gap-3">
            <TextField
              label={`Amount per claim (${symbol})`}
              {...validated("amount", "amountPerClaim")}
              slotProps={{ htmlInput: { inputMode: "decimal", "data-field": "amount" } }}
            />
            <TextField
              label="Number of claims"
              {...validated("maxClaims", "maxClaims")}
              slotProps={{ htmlInput: { inputMode: "numeric", "data-field": "maxClaims" } }}
            />
            <TextField
              label="Starts"
              type="datetime-local"
              {...validated("startsAt", "startsAt")}
              slotProps={{ inputLabel: { shrink: true } }}
            />
            <TextField
              label="Ends"
              type="datetime-local"
              {...validated("endsAt", "endsAt")}
              slotProps={{ inputLabel: { shrink: true } }}
            />
          </Box>
          <Typography variant="subtitle2">Fans must</Typography>
          <Toggles toggles={requirementToggles} form={form} set={set} />
          {form.reply && <TextField label="The reply must contain (optional)" {...bind("replyPhrase")} />}
          {form.holdToken && (
            <Box className="grid grid-cols-2 gap-3">
              <TextField label="Token to hold (mint)" {...bind("holdMint")} />
              <TextField label="At least (raw units)" {...bind("holdMin")} />
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
          {draft && feePerClaimLamports !== undefined && (
            <FeeBudgetNote
              budget={draft.feeBudgetLamports}
              maxClaims={draft.maxClaims}
              feePerClaimLamports={feePerClaimLamports}
              coversTokenAccounts={form.coverTokenAccounts}
              accountRent={tokenAccountRent(tokenProgram)}
              priorityFeeCapLamports={draft.priorityFeeCapLamports}
            />
          )}
          <CostSummary cost={cost} symbol={symbol} decimals={decimals} />
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
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={working}>
          {phase.kind === "done" ? "Close" : "Cancel"}
        </Button>
        {phase.kind !== "done" && (
          <Button
            variant="contained"
            onClick={submit}
            disabled={working || (touched && !draft)}
            data-testid="memefans-create-submit"
          >
            Sign and create
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

/** What the fee budget pays for, computed from the number of claims, and that what is unused comes back. */
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
  return (
    <Typography variant="body2" color="text.secondary" data-testid="memefans-fee-budget">
      Fee budget {formatSol(props.budget)}: pays the network fee of all {payouts} payouts ({formatSol(props.feePerClaimLamports)}{" "}
      each
      {props.priorityFeeCapLamports > 0n
        ? `, and up to ${formatSol(props.priorityFeeCapLamports)} of priority fee each on a busy network`
        : ""}
      )
      {props.coversTokenAccounts
        ? ` and opens a token account for each fan who has none (${formatSol(props.accountRent)} each).`
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

function CostSummary({
  cost,
  symbol,
  decimals,
}: {
  cost: ReturnType<typeof creationCost> | null;
  symbol: string;
  decimals: number;
}) {
  if (!cost) {
    return (
      <Typography variant="body2" color="text.secondary">
        Fill in the terms to see the cost.
      </Typography>
    );
  }
  const rows: [string, string][] = [
    ["Tokens escrowed", `${formatTokenAmount(cost.tokensEscrowed.toString(), decimals)} ${symbol}`],
    ["Rent (returned when you close it)", formatSol(cost.rentLamports)],
    ["Fee budget (unused part returned when you close it)", formatSol(cost.feeBudgetLamports)],
    ["Network fee", formatSol(cost.networkFeeLamports)],
    ["Total SOL", formatSol(cost.totalLamports)],
  ];
  return (
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
  );
}
