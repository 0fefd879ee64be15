import Button from "@mui/material/Button";
import { useState } from "react";
import {
  type Claimant,
  type ClaimantFilter,
  type ClaimantsPage,
  MAX_CLAIMANTS_PAGE,
} from "../../../shared/api/creator-dashboard.ts";
import type { CreatorDistribution as Distribution } from "../../../shared/api/distributions.ts";
import { claimFailureLabel, claimFailureWords } from "../../../shared/claim-failure-words.ts";
import { shortAddress } from "../../../shared/tokens/token-label.ts";
import { callBackground } from "../../messaging/client.ts";
import { explorerTxUrl, formatTokenAmount } from "../../ui/format.ts";
import { claimantsCsv } from "./claimants-csv.ts";

const FILTERS: { filter: ClaimantFilter; label: string }[] = [
  { filter: "all", label: "All" },
  { filter: "paid", label: "Paid" },
  { filter: "pending", label: "Pending" },
  { filter: "failed", label: "Failed" },
];

function countOf(page: ClaimantsPage | undefined, filter: ClaimantFilter): number | undefined {
  if (!page) return undefined;
  const { paid, pending, failed } = page.counts;
  return { all: paid + pending + failed, paid, pending, failed }[filter];
}

function StateCell({ claimant }: { claimant: Claimant }) {
  if (claimant.status === "confirmed") return <span className="font-bold text-[#00ba7c]">Paid</span>;
  if (claimant.status === "failed") {
    const reason = claimant.failureReason ?? "unknown";
    return (
      <span className="text-[#f4212e]" title={claimFailureWords(reason)}>
        Failed: {claimFailureLabel(reason)}
      </span>
    );
  }
  return <span className="text-[#536471]">{claimant.status === "sent" ? "Sending" : "Queued"}</span>;
}

function ClaimantRow({ claimant, rpcUrl }: { claimant: Claimant; rpcUrl: string | undefined }) {
  return (
    <tr className="border-t border-[#cfd9de] dark:border-[#2f3336]" data-testid="claimant-row">
      <td className="py-1 pr-2 text-[#536471]">{claimant.slot + 1}</td>
      <td className="pr-2">
        <a
          className="font-bold text-[#1d9bf0]"
          href={`https://x.com/${encodeURIComponent(claimant.username)}`}
          target="_blank"
          rel="noreferrer"
        >
          @{claimant.username}
        </a>
      </td>
      <td className="pr-2 font-mono text-xs" title={claimant.wallet}>
        {shortAddress(claimant.wallet)}
      </td>
      <td className="pr-2 whitespace-nowrap">
        {new Date(claimant.claimedAt).toLocaleString([], { dateStyle: "medium", timeStyle: "medium" })}
      </td>
      <td className="pr-2">
        <StateCell claimant={claimant} />
      </td>
      <td>
        {claimant.status === "confirmed" && claimant.signature && rpcUrl ? (
          <a className="text-[#1d9bf0]" href={explorerTxUrl(claimant.signature, rpcUrl)} target="_blank" rel="noreferrer">
            explorer ↗
          </a>
        ) : null}
      </td>
    </tr>
  );
}

/** Every claimant of the filter, read a page at a time through the service worker, as one CSV download. */
async function exportCsv(
  distribution: ClaimantsTableProps["distribution"],
  filter: ClaimantFilter,
  onProgress: (read: number) => void,
): Promise<void> {
  const claimants: Claimant[] = [];
  let before: number | undefined;
  do {
    const page = await callBackground("creator/claimants", {
      address: distribution.address,
      status: filter,
      limit: MAX_CLAIMANTS_PAGE,
      ...(before === undefined ? {} : { before }),
    });
    claimants.push(...page.claimants);
    onProgress(claimants.length);
    before = page.nextBefore ?? undefined;
  } while (before !== undefined);
  const csv = claimantsCsv(
    claimants,
    formatTokenAmount(distribution.amountPerClaim, distribution.token.decimals).replaceAll(",", ""),
  );
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  link.download = `memefans-claimants-${distribution.address.slice(0, 8)}-${filter}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}

export interface ClaimantsTableProps {
  /** What the export needs of the giveaway: its address, and the amount each paid claim received. */
  distribution: Pick<Distribution, "address" | "amountPerClaim"> & { token: Pick<Distribution["token"], "decimals"> };
  filter: ClaimantFilter;
  onFilter: (filter: ClaimantFilter) => void;
  /** The newest page, refreshed live by the dashboard. */
  page: ClaimantsPage | undefined;
  /** Older pages the creator asked for with "Show more", kept while the newest page refreshes. */
  older: OlderClaimants | undefined;
  onOlder: (older: OlderClaimants) => void;
  /** The chain the extension reads, for the payouts' explorer links. */
  rpcUrl: string | undefined;
}

export interface OlderClaimants {
  claimants: Claimant[];
  nextBefore: number | null;
}

/** Who claimed: X handle, wallet, time, state and the payout on the explorer, newest first. */
export function ClaimantsTable({ distribution, filter, onFilter, page, older, onOlder, rpcUrl }: ClaimantsTableProps) {
  const [exporting, setExporting] = useState<{ read: number; error?: string }>();
  const newest = page?.claimants ?? [];
  const oldestShown = newest.at(-1)?.slot;
  // Rows of the older pages below the newest page's last slot: a refresh may have pushed some up.
  const olderRows = older?.claimants.filter((claimant) => oldestShown === undefined || claimant.slot < oldestShown) ?? [];
  const rows = [...newest, ...olderRows];
  const nextBefore = older ? older.nextBefore : (page?.nextBefore ?? null);
  const total = countOf(page, filter);
  return (
    <section className="flex flex-col gap-2" data-testid="claimants">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-lg font-extrabold">Who claimed</h3>
        <div className="flex items-center gap-1" role="tablist" aria-label="Claimants by state">
          {FILTERS.map(({ filter: option, label }) => (
            <button
              key={option}
              type="button"
              role="tab"
              aria-selected={filter === option}
              onClick={() => onFilter(option)}
              className={`rounded-full px-3 py-1 text-xs font-bold ${
                filter === option
                  ? "bg-[#0f1419] text-white dark:bg-[#e7e9ea] dark:text-black"
                  : "border border-[#cfd9de] dark:border-[#2f3336]"
              }`}
            >
              {label} {countOf(page, option)?.toLocaleString() ?? ""}
            </button>
          ))}
          <Button
            size="small"
            disabled={exporting !== undefined && exporting.error === undefined}
            onClick={async () => {
              setExporting({ read: 0 });
              try {
                await exportCsv(distribution, filter, (read) => setExporting({ read }));
                setExporting(undefined);
              } catch (caught) {
                setExporting({ read: 0, error: (caught as Error).message });
              }
            }}
          >
            Export CSV
          </Button>
        </div>
      </div>
      {exporting ? (
        <p className={`text-xs ${exporting.error ? "text-[#f4212e]" : ""}`} role="status">
          {exporting.error
            ? `The export stopped: ${exporting.error}`
            : `Exporting… ${exporting.read.toLocaleString()} of ${total?.toLocaleString() ?? "?"} claimants read`}
        </p>
      ) : null}
      {!page ? <p className="text-sm">Loading…</p> : null}
      {page && rows.length === 0 ? (
        <p className="text-sm text-[#536471]">{filter === "all" ? "Nobody has claimed yet." : "None."}</p>
      ) : null}
      {rows.length > 0 ? (
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-[#536471]">
            <tr>
              <th>#</th>
              <th>X account</th>
              <th>Wallet</th>
              <th>Claimed</th>
              <th>State</th>
              <th>Payout</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((claimant) => (
              <ClaimantRow key={claimant.slot} claimant={claimant} rpcUrl={rpcUrl} />
            ))}
          </tbody>
        </table>
      ) : null}
      {nextBefore !== null ? (
        <Button
          size="small"
          onClick={async () => {
            const more = await callBackground("creator/claimants", {
              address: distribution.address,
              status: filter,
              limit: MAX_CLAIMANTS_PAGE,
              before: nextBefore,
            });
            onOlder({ claimants: [...(older?.claimants ?? []), ...more.claimants], nextBefore: more.nextBefore });
          }}
        >
          Show {Math.min(MAX_CLAIMANTS_PAGE, (total ?? 0) - rows.length).toLocaleString()} more
        </Button>
      ) : null}
    </section>
  );
}
