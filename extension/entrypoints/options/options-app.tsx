import { useEffect, useState } from "react";
import { dashboardAddress } from "../../ui/dashboard-link.ts";
import { CreatorDistributions } from "./creator-distributions.tsx";
import { DiagnosticsPanel } from "./diagnostics-panel.tsx";
import { GiveawayDashboard } from "./giveaway-dashboard.tsx";

/** The giveaway the address bar names (options.html#/d/<address>), followed as the hash changes. */
function useGiveawayRoute(): string | undefined {
  const [address, setAddress] = useState(() => dashboardAddress(location.hash));
  useEffect(() => {
    const follow = () => {
      setAddress(dashboardAddress(location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);
  return address;
}

export function OptionsApp() {
  const address = useGiveawayRoute();
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-8 p-6">
      <header>
        <h1 className="text-2xl font-extrabold">MEMEFANS · creator dashboard</h1>
        <p className="text-sm text-[#536471]">Run your giveaways: who claims, what is left, pause, resume and close.</p>
      </header>
      {address ? (
        <GiveawayDashboard key={address} address={address} />
      ) : (
        <section className="flex flex-col gap-3">
          <h2 className="text-xl font-extrabold">Your giveaways</h2>
          <CreatorDistributions />
        </section>
      )}
      <details className="rounded-2xl border border-[#cfd9de] p-4 dark:border-[#2f3336]" data-testid="advanced">
        <summary className="cursor-pointer font-bold">Advanced</summary>
        <div className="mt-4">
          <DiagnosticsPanel />
        </div>
      </details>
    </main>
  );
}
