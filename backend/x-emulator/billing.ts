import type { EmulatedEndpoint } from "./rate-limits.ts";

/**
 * X's pay-per-use table: what one resource returned costs, in micro-dollars so sums stay exact.
 * (xdevplatform/docs x-api/getting-started/pricing.mdx, December 2026.)
 */
export const X_PRICES_MICRO_USD = {
  post: 5_000,
  user: 10_000,
  /** One entry of a following/followers list. */
  follow: 10_000,
  /** One entry of a likes list (liked_tweets, liking_users). */
  like: 1_000,
} as const;
export type BilledResource = keyof typeof X_PRICES_MICRO_USD;

/** What the items an endpoint returns are billed as. */
const BILLED_AS: Record<EmulatedEndpoint, BilledResource> = {
  "users/me": "user",
  "users/:id": "user",
  "users/by/username/:username": "user",
  "tweets/:id": "post",
  "tweets/:id/liking_users": "like",
  "tweets/:id/retweeted_by": "user",
  "tweets/:id/quote_tweets": "post",
  "users/:id/liked_tweets": "like",
  "users/:id/following": "follow",
  "users/:id/tweets": "post",
  "tweets/search/recent": "post",
};

/** The part of a 200 body that is billed: `data` (one object or a list) and `includes`. */
export interface BilledBody {
  data?: { id: string } | { id: string }[];
  includes?: { users?: { id: string }[]; tweets?: { id: string }[] };
}

export interface BillingTotals {
  microUsd: number;
  /** Resources charged, per kind. */
  charged: Record<BilledResource, number>;
  /** Resources returned again the same UTC day, which X does not charge again. */
  repeated: Record<BilledResource, number>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const zeroes = (): Record<BilledResource, number> => ({ post: 0, user: 0, follow: 0, like: 0 });

/**
 * Bills responses as X does: every resource returned × its price, the same resource once per app and
 * UTC day. A like or a follow entry is the relation (who → what), so two fans' likes of one post are
 * two likes, while the post itself, returned to both, is one post.
 */
export class Billing {
  #day = -1;
  readonly #seen = new Set<string>();
  #totals: BillingTotals = { microUsd: 0, charged: zeroes(), repeated: zeroes() };

  constructor(private readonly now: () => number) {}

  /** `parentId` is the :id of a list route (whose likes, whose follows, which post's likers). */
  bill(app: string, endpoint: EmulatedEndpoint, parentId: string | undefined, body: BilledBody): void {
    const kind = BILLED_AS[endpoint];
    const items = body.data === undefined ? [] : Array.isArray(body.data) ? body.data : [body.data];
    for (const item of items) this.#charge(app, kind, relationKey(endpoint, parentId, item.id));
    for (const user of body.includes?.users ?? []) this.#charge(app, "user", user.id);
    for (const tweet of body.includes?.tweets ?? []) this.#charge(app, "post", tweet.id);
  }

  get totals(): BillingTotals {
    return { microUsd: this.#totals.microUsd, charged: { ...this.#totals.charged }, repeated: { ...this.#totals.repeated } };
  }

  reset(): void {
    this.#seen.clear();
    this.#day = -1;
    this.#totals = { microUsd: 0, charged: zeroes(), repeated: zeroes() };
  }

  #charge(app: string, kind: BilledResource, resource: string): void {
    const day = Math.floor(this.now() / DAY_MS);
    if (day !== this.#day) {
      // Yesterday's resources are charged again today; only today's need remembering.
      this.#seen.clear();
      this.#day = day;
    }
    const key = `${app} ${kind} ${resource}`;
    if (this.#seen.has(key)) {
      this.#totals.repeated[kind] += 1;
      return;
    }
    this.#seen.add(key);
    this.#totals.charged[kind] += 1;
    this.#totals.microUsd += X_PRICES_MICRO_USD[kind];
  }
}

function relationKey(endpoint: EmulatedEndpoint, parentId: string | undefined, itemId: string): string {
  switch (endpoint) {
    case "users/:id/liked_tweets":
    case "users/:id/following":
      return `${parentId}>${itemId}`;
    case "tweets/:id/liking_users":
      return `${itemId}>${parentId}`;
    default:
      return itemId;
  }
}

/** The running cost in Prometheus' text format, for the emulator's /metrics. */
export function billingMetrics(totals: BillingTotals): string {
  const lines = [
    "# HELP x_api_cost_usd_total What X would have billed for the responses served, by its pay-per-use table.",
    "# TYPE x_api_cost_usd_total counter",
    `x_api_cost_usd_total ${totals.microUsd / 1_000_000}`,
    "# HELP x_api_billed_resources_total Resources charged, per kind (once per app and UTC day).",
    "# TYPE x_api_billed_resources_total counter",
    ...Object.entries(totals.charged).map(([kind, count]) => `x_api_billed_resources_total{resource="${kind}"} ${count}`),
    "# HELP x_api_repeated_resources_total Resources returned again the same UTC day, not charged again.",
    "# TYPE x_api_repeated_resources_total counter",
    ...Object.entries(totals.repeated).map(([kind, count]) => `x_api_repeated_resources_total{resource="${kind}"} ${count}`),
  ];
  return `${lines.join("\n")}\n`;
}
