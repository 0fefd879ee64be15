import { type AccountInfo, type Connection, PublicKey } from "@solana/web3.js";
import type { TokenIdentity } from "../../shared/api/tokens.ts";
import {
  metaplexMetadataAddress,
  type OnchainMetadata,
  readMetadataPointer,
  readMetaplexMetadata,
  readMintFacts,
  readPointedMetadata,
  readToken2022Metadata,
} from "../../shared/tokens/onchain-token.ts";
import { impersonatedTicker } from "../../shared/tokens/ticker-lookalikes.ts";
import { fetchBounded, type OffchainFetchOptions, resolveMetadataUrl, sniffImageType } from "./offchain-fetch.ts";

export interface TokenLogo {
  bytes: Buffer;
  contentType: string;
}

export interface TokenDirectoryOptions {
  connection: Connection;
  /** This backend's public origin, the base of the logo URLs it hands out. */
  publicUrl: string;
  offchain: OffchainFetchOptions;
  now?: () => number;
  /** How long a token's identity and logo are remembered; a failed logo fetch is retried sooner. */
  ttlMs?: number;
  missingLogoTtlMs?: number;
  maxEntries?: number;
  maxJsonBytes?: number;
  maxLogoBytes?: number;
  onError?: (mint: string, error: unknown) => void;
}

interface Cached<T> {
  value: T;
  expiresAt: number;
}

/**
 * Every token's identity read from the chain, once per TTL: the mint (program, decimals, authorities),
 * and its metadata where wallets find it (see `metadataOf`). The image the metadata
 * JSON names is fetched only when asked for, within limits, and kept here so the backend serves it
 * from its own origin: a lookup never waits for a slow image host.
 */
export class TokenDirectory {
  private readonly descriptions = new Map<string, Cached<{ identity: TokenIdentity; uri: string } | undefined>>();
  private readonly logos = new Map<string, Cached<TokenLogo | undefined>>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor(private readonly options: TokenDirectoryOptions) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? 600_000;
  }

  /** The token's identity, or undefined when `mint` is not a mint of either token program. */
  async identity(mint: string): Promise<TokenIdentity | undefined> {
    return (await this.described(mint))?.identity;
  }

  /**
   * Identities of several mints, read in parallel. A mint that is not one, or whose read failed (an RPC
   * 429), is left out: one failed read must not take every other token's name and warnings with it.
   */
  async identities(mints: readonly string[]): Promise<Map<string, TokenIdentity>> {
    const found = new Map<string, TokenIdentity>();
    await Promise.all(
      [...new Set(mints)].map(async (mint) => {
        try {
          const identity = await this.identity(mint);
          if (identity) found.set(mint, identity);
        } catch (error) {
          this.options.onError?.(mint, error);
        }
      }),
    );
    return found;
  }

  /** How long a logo may be cached downstream: no longer than it is here, or a changed logo would linger. */
  get cacheSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  /** The image the token's metadata names, fetched once per TTL; undefined when it has none or it failed. */
  async logo(mint: string): Promise<TokenLogo | undefined> {
    const cached = this.logos.get(mint);
    if (cached && cached.expiresAt > this.now()) return cached.value;
    const described = await this.described(mint);
    if (!described?.uri) return undefined;
    const uri = described.uri;
    return this.once(`logo:${mint}`, async () => {
      const logo = await this.fetchLogo(mint, uri);
      const ttl = logo ? this.ttlMs : (this.options.missingLogoTtlMs ?? 60_000);
      this.remember(this.logos, mint, { value: logo, expiresAt: this.now() + ttl });
      return logo;
    });
  }

  private async described(mint: string) {
    const cached = this.descriptions.get(mint);
    if (cached && cached.expiresAt > this.now()) return cached.value;
    return this.once(`identity:${mint}`, async () => {
      const value = await this.load(mint);
      this.remember(this.descriptions, mint, { value, expiresAt: this.now() + this.ttlMs });
      return value;
    });
  }

  /** Runs `load` once for concurrent callers of the same key. */
  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let loading = this.pending.get(key) as Promise<T> | undefined;
    if (!loading) {
      loading = load().finally(() => this.pending.delete(key));
      this.pending.set(key, loading);
    }
    return loading;
  }

  private remember<T>(cache: Map<string, Cached<T>>, mint: string, entry: Cached<T>): void {
    cache.delete(mint);
    cache.set(mint, entry);
    const max = this.options.maxEntries ?? 5_000;
    for (const oldest of cache.keys()) {
      if (cache.size <= max) break;
      cache.delete(oldest);
    }
  }

  private async load(mint: string): Promise<{ identity: TokenIdentity; uri: string } | undefined> {
    const mintKey = new PublicKey(mint);
    const metaplexAddress = metaplexMetadataAddress(mintKey);
    const [mintAccount, metaplexAccount] = await this.options.connection.getMultipleAccountsInfo(
      [mintKey, metaplexAddress],
      "confirmed",
    );
    const facts = mintAccount ? readMintFacts(mintAccount.owner, new Uint8Array(mintAccount.data)) : undefined;
    if (!facts || !mintAccount) return undefined;
    const metadata = await this.metadataOf(mintKey, mintAccount, { address: metaplexAddress, account: metaplexAccount ?? null });
    const uri = metadata?.uri ?? "";
    return {
      uri,
      identity: {
        mint,
        verified: true,
        tokenProgram: facts.tokenProgram,
        decimals: facts.decimals,
        name: metadata?.name || null,
        symbol: metadata?.symbol || null,
        metadataSource: metadata?.source ?? null,
        logoUrl: uri ? `${this.options.publicUrl}/tokens/${mint}/logo` : null,
        freezeAuthority: facts.freezeAuthority,
        mintAuthority: facts.mintAuthority,
        impersonates: metadata ? (impersonatedTicker(mint, metadata.symbol, metadata.name) ?? null) : null,
        giveawayRefusal: facts.giveawayRefusal,
      },
    };
  }

  /**
   * The token's metadata where wallets look for it: in the account the Token-2022 metadata pointer names
   * (the mint itself for pump.fun), else in the mint's metadata extension, else at the Metaplex PDA. The
   * mint and the PDA come in one read; only a pointer to some third account costs a second.
   */
  private async metadataOf(
    mintKey: PublicKey,
    mintAccount: AccountInfo<Buffer>,
    metaplex: { address: PublicKey; account: AccountInfo<Buffer> | null },
  ): Promise<OnchainMetadata | undefined> {
    const mintData = new Uint8Array(mintAccount.data);
    const pointer = readMetadataPointer(mintData);
    if (!pointer)
      return (
        readToken2022Metadata(mintData) ??
        (metaplex.account ? readMetaplexMetadata(new Uint8Array(metaplex.account.data), mintKey) : undefined)
      );
    // No fallback: the pointer's authority declared where the metadata is, so what is left in the mint or at the
    // Metaplex PDA is not the token's when the pointer names nothing readable.
    const address = pointer.metadataAddress;
    if (!address) return undefined;
    const pointed = address.equals(mintKey)
      ? mintAccount
      : address.equals(metaplex.address)
        ? metaplex.account
        : await this.options.connection.getAccountInfo(address, "confirmed");
    return pointed
      ? readPointedMetadata(mintKey, address, { owner: pointed.owner, data: new Uint8Array(pointed.data) })
      : undefined;
  }

  /** The metadata JSON's `image`, fetched and recognised as PNG, JPEG, GIF or WebP; undefined on any failure. */
  private async fetchLogo(mint: string, uri: string): Promise<TokenLogo | undefined> {
    const { offchain } = this.options;
    try {
      const json = await fetchBounded(resolveMetadataUrl(uri, offchain), this.options.maxJsonBytes ?? 64 * 1024, offchain);
      // Some tokens point their URI straight at the image.
      const direct = sniffImageType(json.bytes);
      if (direct) return { bytes: json.bytes, contentType: direct };
      // Some hosts save the JSON with a UTF-8 byte order mark, which JSON.parse refuses.
      const text = json.bytes.toString("utf8").replace(/^\uFEFF/, "");
      const image: unknown = (JSON.parse(text) as { image?: unknown }).image;
      if (typeof image !== "string") return undefined;
      const fetched = await fetchBounded(
        resolveMetadataUrl(new URL(image, json.finalUrl).toString(), offchain),
        this.options.maxLogoBytes ?? 512 * 1024,
        offchain,
      );
      const contentType = sniffImageType(fetched.bytes);
      return contentType ? { bytes: fetched.bytes, contentType } : undefined;
    } catch (error) {
      this.options.onError?.(mint, error);
      return undefined;
    }
  }
}
