import { CreatorDistributions } from "./creator-distributions.tsx";
import { DiagnosticsPanel } from "./diagnostics-panel.tsx";

export function OptionsApp() {
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-8 p-6">
      <header>
        <h1 className="text-2xl font-extrabold">MEMEFANS · creator dashboard</h1>
        <p className="text-sm text-[#536471]">Your giveaways, their claims over time, and the overlay's health.</p>
      </header>
      <section className="flex flex-col gap-3">
        <h2 className="text-xl font-extrabold">Your distributions</h2>
        <CreatorDistributions />
      </section>
      <DiagnosticsPanel />
    </main>
  );
}
