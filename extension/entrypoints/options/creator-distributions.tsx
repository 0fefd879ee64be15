import Alert from "@mui/material/Alert";
import type { CreatorDistribution as Distribution } from "../../../shared/api/distributions.ts";
import { dashboardPath } from "../../ui/dashboard-link.ts";
import { GiveawayControls } from "./giveaway-controls.tsx";
import { GiveawayHeading, localTime, tokensLeft } from "./giveaway-facts.tsx";
import { useLive } from "./use-live.ts";

function GiveawayRow({ distribution, onChanged }: { distribution: Distribution; onChanged: () => void }) {
  return (
    <li className="rounded-2xl border border-[#cfd9de] p-4 dark:border-[#2f3336]" data-testid="creator-distribution">
      <div className="flex items-start justify-between gap-4">
        <div className="flex flex-col gap-1">
          <GiveawayHeading distribution={distribution} />
          <p className="text-sm text-[#536471]">
            {distribution.claimedCount} of {distribution.maxClaims} claimed · {tokensLeft(distribution)} left · ends{" "}
            {localTime(distribution.endsAt)}
          </p>
          <a className="text-sm font-bold text-[#1d9bf0]" href={dashboardPath(distribution.address)}>
            Open dashboard →
          </a>
        </div>
        <GiveawayControls distribution={distribution} onChanged={onChanged} />
      </div>
    </li>
  );
}

/** Every giveaway of the signed-in creator, newest first, each opening its own dashboard; live while shown. */
export function CreatorDistributions() {
  const list = useLive("creator/distributions", {});
  if (list.error && !list.data) return <Alert severity="info">{list.error}</Alert>;
  if (!list.data) return <p className="text-sm">Loading…</p>;
  if (list.data.distributions.length === 0) return <p className="text-sm text-[#536471]">You have not posted a giveaway yet.</p>;
  return (
    <ul className="flex flex-col gap-4">
      {list.data.distributions.map((distribution) => (
        <GiveawayRow key={distribution.address} distribution={distribution} onChanged={() => void list.reload()} />
      ))}
    </ul>
  );
}
