import type { PublicKey } from "@solana/web3.js";
import type { ClaimantsPage, ClaimantsQuery } from "../../shared/api/creator-dashboard.ts";
import {
  type ClaimsBucket,
  type CreatorDistribution,
  claimsBucketFor,
  type Distribution,
  MAX_BUCKET_ANSWERS,
  type RegisterDistributionBody,
} from "../../shared/api/distributions.ts";
import { unverifiedToken } from "../../shared/api/tokens.ts";
import { minimumFeeBudget } from "../../shared/fee-budget.ts";
import type { DistributionAccount } from "../../shared/program/index.ts";
import { requirementsHash } from "../../shared/requirements.ts";
import type { Invalidations } from "../db/invalidations.ts";
import { HttpError } from "../http/errors.ts";
import { fromXError } from "../http/upstream-errors.ts";
import type { XAccounts } from "../identity/x-accounts.ts";
import type { TokenDirectory } from "../tokens/token-directory.ts";
import type { XApiClient } from "../x/index.ts";
import type { ChainReader } from "./chain-reader.ts";
import type { ClaimActivity } from "./claim-activity.ts";
import { type ChainState, type DistributionRow, type DistributionStore, toDistribution } from "./distribution-store.ts";
import { LookupCache } from "./lookup-cache.ts";
import { type Mismatch, registrationMismatches } from "./registration.ts";

export interface DistributionServiceDependencies {
  store: DistributionStore;
  chain: ChainReader;
  /** Each giveaway's token as the chain describes it: name, symbol, logo, authorities. */
  tokens: Pick<TokenDirectory, "identities">;
  accounts: XAccounts;
  xClient: XApiClient;
  claims: ClaimActivity;
  publicUrl: string;
  verifier: string;
  feePerClaimLamports: bigint;
  programId: PublicKey;
  /** Tells every instance on the database that a post's lookup answer changed. */
  invalidations: Invalidations;
  /** How long a bulk lookup answer is reused (and what Cache-Control says). */
  lookupTtlMs?: number;
  /** A status older than this is refreshed from the chain (paused, closed, claimed count). */
  chainRefreshMs?: number;
  now?: () => number;
}

function mismatch(mismatches: Mismatch[]): HttpError {
  return new HttpError(
    409,
    "registration_mismatch",
    `the distribution on chain differs from this registration: ${mismatches.map((entry) => entry.field).join(", ")}`,
    { mismatches },
  );
}

/**
 * The program refuses such a budget at creation now; an account made before it did cannot pay every
 * payout's fee, so the operator would pay for them.
 */
function refuseUnderfundedBudget(account: DistributionAccount): void {
  const minimum = minimumFeeBudget(account);
  if (account.feeBudgetLamports < minimum) {
    throw new HttpError(
      409,
      "fee_budget_too_small",
      `the fee budget (${account.feeBudgetLamports} lamports) must cover every payout's fee: at least ${minimum} lamports (${account.feePerClaimLamports} × ${account.maxClaims} claims)`,
      { feeBudgetLamports: account.feeBudgetLamports.toString(), minimumLamports: minimum.toString() },
    );
  }
}

/** The invalidation topic of the lookup cache: keys are post ids. */
const POST_LOOKUPS = "post-lookups";

export class DistributionService {
  readonly #lookups: LookupCache<Distribution[]>;
  readonly #now: () => number;
  /** Refreshes under way, so a burst of status requests for one distribution reads the chain once. */
  readonly #refreshing = new Map<string, Promise<DistributionRow | undefined>>();

  constructor(private readonly dependencies: DistributionServiceDependencies) {
    this.#now = dependencies.now ?? Date.now;
    this.#lookups = new LookupCache(dependencies.lookupTtlMs ?? 5_000, 100_000, this.#now);
    dependencies.invalidations.subscribe(
      POST_LOOKUPS,
      (postId) => this.#lookups.forget(postId),
      () => this.#lookups.clear(),
    );
  }

  /** The program, verifier and fee a create_distribution must carry for register() to accept it. */
  get creationTerms(): { programId: string; verifier: string; feePerClaimLamports: bigint } {
    const { programId, verifier, feePerClaimLamports } = this.dependencies;
    return { programId: programId.toBase58(), verifier, feePerClaimLamports };
  }

  get lookupTtlSeconds(): number {
    return Math.round((this.dependencies.lookupTtlMs ?? 5_000) / 1000);
  }

  /**
   * Stores a distribution after checking it against its account on chain and against X: the signed-in
   * account must be the post's author. Registering the same distribution again answers the stored one.
   */
  async register(xUserId: string, body: RegisterDistributionBody): Promise<{ distribution: Distribution; created: boolean }> {
    const { dependencies } = this;
    const lookup = await dependencies.chain.distribution(body.address);
    if (lookup.status === "missing") {
      throw new HttpError(
        409,
        "distribution_not_on_chain",
        "there is no distribution account at this address yet; register it after create_distribution is confirmed",
      );
    }
    if (lookup.status === "closed") {
      throw new HttpError(409, "closed", "this giveaway was closed by its creator; its address cannot be reused");
    }
    if (lookup.status === "not_a_distribution") {
      throw mismatch([{ field: "address", onChain: lookup.reason, submitted: body.address }]);
    }
    const { account } = lookup;
    const mismatches = registrationMismatches(body.address, account, body, {
      verifier: dependencies.verifier,
      feePerClaimLamports: dependencies.feePerClaimLamports,
      programId: dependencies.programId,
    });
    if (mismatches.length > 0) throw mismatch(mismatches);
    refuseUnderfundedBudget(account);

    const postCreatedAt = await this.#requireAuthor(xUserId, body.postId);
    const mint = account.mint.toBase58();
    const decimals = await dependencies.chain.mintDecimals(mint);
    if (decimals === undefined) throw mismatch([{ field: "mint", onChain: "not an SPL Token mint", submitted: mint }]);

    const created = await dependencies.store.insert({
      address: body.address,
      postId: body.postId,
      creator: account.creator.toBase58(),
      creatorXUserId: xUserId,
      mint,
      tokenDecimals: decimals,
      amountPerClaim: account.amountPerClaim,
      maxClaims: account.maxClaims,
      claimedCount: account.claimedCount,
      startsAt: Number(account.startTs),
      endsAt: Number(account.endTs),
      paused: account.paused,
      requirements: body.requirements,
      requirementsHash: Buffer.from(requirementsHash(body.requirements)).toString("hex"),
      feeBudgetLamports: account.feeBudgetLamports,
      feePerClaimLamports: account.feePerClaimLamports,
      priorityFeeCapLamports: account.priorityFeeCapLamports,
      verifier: account.verifier.toBase58(),
      ...(body.creationSignature ? { creationSignature: body.creationSignature } : {}),
      ...(postCreatedAt ? { postCreatedAt } : {}),
      claimRules: body.claimRules,
    });
    // Here at once; on the other instances as soon as they hear it.
    this.#lookups.forget(body.postId);
    await dependencies.invalidations.publish(POST_LOOKUPS, body.postId);
    const row = await dependencies.store.byAddress(body.address);
    if (!row) throw new Error("a registered distribution could not be read back");
    if (row.creator_x_user_id !== xUserId) {
      throw new HttpError(409, "conflict", "this distribution was already registered by another X account");
    }
    return { distribution: await this.#present(row), created };
  }

  /** Answers when the post was published, when X says. */
  async #requireAuthor(xUserId: string, postId: string): Promise<Date | undefined> {
    const token = await this.dependencies.accounts.accessTokenFor(xUserId);
    const post = await this.dependencies.xClient.getTweet(postId, token).catch((error) => fromXError(error, this.#now));
    if (!post.found) throw mismatch([{ field: "postId", onChain: postId, submitted: "X has no post with this id" }]);
    if (post.value.author_id !== xUserId) {
      throw new HttpError(
        403,
        "not_post_author",
        "only the post's author can attach a giveaway to it; sign in with the author's X account",
      );
    }
    return post.value.created_at ? new Date(post.value.created_at) : undefined;
  }

  /**
   * Distributions hanging on any of `postIds`, from a cache that lives a few seconds (what
   * Cache-Control promises anyway), so a timeline of overlays polling together costs one query per window.
   */
  async lookup(postIds: readonly string[]): Promise<Distribution[]> {
    if (postIds.length === 0) return [];
    const unique = [...new Set(postIds)];
    const { hits, misses } = this.#lookups.read(unique);
    if (misses.length > 0) {
      const found = await this.#presentAll(await this.dependencies.store.byPostIds(misses));
      for (const postId of misses) {
        const forPost = found.filter((distribution) => distribution.postId === postId);
        hits.set(postId, forPost);
        this.#lookups.write(postId, forPost);
      }
    }
    return unique.flatMap((postId) => hits.get(postId) ?? []);
  }

  /**
   * Distributions registered for posts in any of `buckets` (see shared/post-bucket.ts), at most
   * MAX_BUCKET_ANSWERS, naming the buckets that held more. Straight from the indexed column: a
   * bucket answer is shared by every post id that hashes there, so there is no per-post cache to keep.
   */
  async lookupBuckets(buckets: readonly string[]): Promise<{ distributions: Distribution[]; overfullBuckets: string[] }> {
    const { rows, overfull } = await this.dependencies.store.byBuckets([...new Set(buckets)], MAX_BUCKET_ANSWERS);
    return { distributions: await this.#presentAll(rows), overfullBuckets: overfull };
  }

  /**
   * One distribution's status, refreshed from the chain (paused, verifier, budget, closed) when the
   * stored state is older than a couple of seconds: what the claim route and every status poll read.
   */
  async status(address: string): Promise<Distribution> {
    let row = await this.dependencies.store.byAddress(address);
    if (!row) throw new HttpError(404, "not_found", "no distribution is registered at this address");
    if (this.#now() - row.updated_at.getTime() > (this.dependencies.chainRefreshMs ?? 2_000)) {
      let refreshing = this.#refreshing.get(address);
      if (!refreshing) {
        refreshing = this.#refreshFromChain(row).finally(() => this.#refreshing.delete(address));
        this.#refreshing.set(address, refreshing);
      }
      row = (await refreshing) ?? row;
    }
    return this.#present(row);
  }

  async row(address: string): Promise<DistributionRow | undefined> {
    return this.dependencies.store.byAddress(address);
  }

  async forCreator(xUserId: string): Promise<CreatorDistribution[]> {
    const rows = await this.dependencies.store.byCreator(xUserId);
    return this.#withActivity(await this.#presentAll(rows), "hour");
  }

  /**
   * One of the creator's giveaways as its dashboard shows it: the chain's current state (paused, fee
   * budget left), and claims over time in buckets that suit how long it has run.
   */
  async creatorView(xUserId: string, address: string): Promise<CreatorDistribution> {
    await this.#requireCreator(xUserId, address);
    const distribution = await this.status(address);
    // The chart runs from the start to now (or the end): minutes while that is a few hours, even in a week-long giveaway.
    const chartEnd = Math.min(Math.floor(this.#now() / 1000), distribution.endsAt);
    const [view] = await this.#withActivity([distribution], claimsBucketFor(distribution.startsAt, chartEnd));
    if (!view) throw new Error("presenting a distribution returned nothing");
    return view;
  }

  async claimantsFor(xUserId: string, address: string, query: ClaimantsQuery): Promise<ClaimantsPage> {
    await this.#requireCreator(xUserId, address);
    return this.dependencies.claims.claimants(address, query);
  }

  /** Only the account that registered a giveaway reads who claimed it and why claims failed. */
  async #requireCreator(xUserId: string, address: string): Promise<void> {
    const row = await this.dependencies.store.byAddress(address);
    if (!row) throw new HttpError(404, "not_found", "no distribution is registered at this address");
    if (row.creator_x_user_id !== xUserId) {
      throw new HttpError(403, "forbidden", "only the X account that posted this giveaway can see its claimants");
    }
  }

  async #withActivity(distributions: Distribution[], bucket: ClaimsBucket): Promise<CreatorDistribution[]> {
    const addresses = distributions.map((distribution) => distribution.address);
    const [buckets, failures, refusals] = await Promise.all([
      this.dependencies.claims.claimsOverTime(addresses, bucket),
      this.dependencies.claims.failuresByReason(addresses),
      this.dependencies.claims.botRefusals(addresses),
    ]);
    return distributions.map((distribution) => ({
      ...distribution,
      claimsOverTime: buckets.get(distribution.address) ?? [],
      claimsBucket: bucket,
      failedClaims: failures.get(distribution.address) ?? {},
      botRefusals: refusals.get(distribution.address) ?? { accounts: 0, byReason: {} },
    }));
  }

  /** A chain that cannot be reached leaves the stored state as it is: the status is still useful. */
  async #refreshFromChain(row: DistributionRow): Promise<DistributionRow | undefined> {
    try {
      const lookup = await this.dependencies.chain.distribution(row.address);
      const state: ChainState =
        lookup.status === "found"
          ? {
              paused: lookup.account.paused,
              closed: false,
              claimedCount: lookup.account.claimedCount,
              verifier: lookup.account.verifier.toBase58(),
              feeBudgetLamports: lookup.account.feeBudgetLamports,
              priorityFeeCapLamports: lookup.account.priorityFeeCapLamports,
            }
          : { paused: row.paused, closed: true, claimedCount: row.claimed_count };
      await this.dependencies.store.updateChainState(row.address, state);
      return this.dependencies.store.byAddress(row.address);
    } catch {
      return undefined;
    }
  }

  async #present(row: DistributionRow): Promise<Distribution> {
    const [distribution] = await this.#presentAll([row]);
    if (!distribution) throw new Error("presenting a distribution returned nothing");
    return distribution;
  }

  async #presentAll(rows: readonly DistributionRow[]): Promise<Distribution[]> {
    if (rows.length === 0) return [];
    const creators = [...new Set(rows.map((row) => row.creator_x_user_id))];
    const [accepted, tokens, profiles] = await Promise.all([
      this.dependencies.claims.acceptedCounts(rows.map((row) => row.address)),
      // A token the chain cannot describe right now is left out, and shown as unverified below.
      this.dependencies.tokens.identities(rows.map((row) => row.mint)),
      Promise.all(creators.map((id) => this.dependencies.accounts.profile(id))),
    ]);
    const usernames = new Map(creators.map((id, index) => [id, profiles[index]?.username]));
    const { publicUrl, verifier } = this.dependencies;
    return rows.map((row) =>
      toDistribution(
        row,
        publicUrl,
        verifier,
        accepted.get(row.address) ?? 0,
        tokens.get(row.mint) ?? unverifiedToken(row.mint, row.token_decimals),
        usernames.get(row.creator_x_user_id),
      ),
    );
  }
}
