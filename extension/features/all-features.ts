import type { Feature } from "./overlay.ts";

/** A feature's id is its file's name ("claim-widget" for claim-widget.tsx), as refined-github names its features. */
export function featureIdOf(path: string): string {
  const id = /([^/]+)\.tsx?$/.exec(path)?.[1];
  if (!id) throw new Error(`${path} is not a feature file`);
  return id;
}

function isFeature(value: unknown): value is Feature {
  const candidate = value as Partial<Feature> | null;
  return typeof candidate?.runsOn === "function" && typeof candidate.init === "function";
}

/**
 * The features among `modules` (path → module namespace), by id: each module that exports a Feature
 * is one, named after its file; the other modules (helpers, components) export none. A file with two
 * is a mistake: one feature per file.
 */
export function featuresIn(modules: Record<string, Record<string, unknown>>): ReadonlyMap<string, Feature> {
  const features = new Map<string, Feature>();
  for (const [path, module] of Object.entries(modules).sort(([a], [b]) => a.localeCompare(b))) {
    const exported = Object.values(module).filter(isFeature);
    if (exported.length > 1) throw new Error(`${path} exports ${exported.length} features; keep one feature per file`);
    if (exported[0]) features.set(featureIdOf(path), exported[0]);
  }
  return features;
}

/**
 * Every feature of the overlay: every file in this folder that exports a Feature, so a new feature
 * file is running as soon as it exists. create-transaction.ts stays out: it is the lazily loaded
 * transaction builder (see load-transaction-builder.ts), and importing it here would put @solana/web3.js
 * back into the content script.
 */
export const allFeatures = featuresIn(
  import.meta.glob<Record<string, unknown>>(
    ["./*.ts", "./*.tsx", "!./*.test.*", "!./all-features.ts", "!./create-transaction.ts"],
    {
      eager: true,
    },
  ),
);

/** The id of one of allFeatures (tests start a chosen few). */
export function featureId(feature: Feature): string {
  for (const [id, candidate] of allFeatures) if (candidate === feature) return id;
  throw new Error("not one of the overlay's features");
}
