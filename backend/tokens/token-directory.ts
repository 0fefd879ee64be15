import { type Connection, PublicKey } from "@solana/web3.js";
import type { TokenIdentity } from "../../shared/api/tokens.ts";
import {
  impersonatedTicker,
  metaplexMetadataAddress,
  type OnchainMetadata,
  readMetaplexMetadata,
  readMintFacts,
  readToken2022Metadata,
} from "../../shared/tokens/onchain-token.ts";
import { fetchBounded, type OffchainFetchOptions, resolveMetadataUrl, sniffImageType } from "./offchain-fetch.ts";

export interface TokenLogo {
  bytes: Buffer;
  contentType: string;
}

export interface TokenDirectoryOptions {
  connection: Connection;
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

interface Entry {
  identity: TokenIdentity;
  logo: TokenLogo | undefined;
  expiresAt: number;
}

/**
 * Every token's identity read from the chain, once per TTL: the mint (program, decimals, authorities),
 * the Token-2022 metadata extension or else the Metaplex metadata account, and the image the metadata
 * JSON names, fetched within limits and kept here so the backend serves it from its own origin.
 */
export class TokenDirectory {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry | undefined>>();
  private readonly now: () => number;

  constructor(private readonly options: TokenDirectoryOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The token's identity, or undefined when `mint` is not a mint of either token program. */
  async identity(mint: string): Promise<TokenIdentity | undefined> {
    return (await this.entry(mint))?.identity;
  }

  async logo(mint: string): Promise<TokenLogo | undefined> {
    return (await this.entry(mint))?.logo;
  }

  private async entry(mint: string): Promise<Entry | undefined> {
    const cached = this.entries.get(mint);
    if (cached && cached.expiresAt > this.now()) return cached;
    let loading = this.pending.get(mint);
    if (!loading) {
      loading = this.load(mint).finally(() => this.pending.delete(mint));
      this.pending.set(mint, loading);
    }
    return loading;
  }

  private remember(mint: string, entry: Entry): Entry {
    this.entries.delete(mint);
    this.entries.set(mint, entry);
    const max = this.options.maxEntries ?? 5_000;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= max) break;
      this.entries.delete(oldest);
    }
    return entry;
  }

  private async load(mint: string): Promise<Entry | undefined> {
    const mintKey = new PublicKey(mint);
    const [mintAccount, metaplexAccount] = await this.options.connection.getMultipleAccountsInfo(
      [mintKey, metaplexMetadataAddress(mintKey)],
      "confirmed",
    );
    const facts = mintAccount ? readMintFacts(mintAccount.owner, new Uint8Array(mintAccount.data)) : undefined;
    if (!facts || !mintAccount) return undefined;
    const metadata: OnchainMetadata | undefined =
      (facts.tokenProgram === "token-2022" ? readToken2022Metadata(new Uint8Array(mintAccount.data)) : undefined) ??
      (metaplexAccount ? readMetaplexMetadata(new Uint8Array(metaplexAccount.data), mintKey) : undefined);
    const logo = metadata?.uri ? await this.fetchLogo(mint, metadata.uri) : undefined;
    const identity: TokenIdentity = {
      mint,
      tokenProgram: facts.tokenProgram,
      decimals: facts.decimals,
      name: metadata?.name || null,
      symbol: metadata?.symbol || null,
      metadataSource: metadata?.source ?? null,
      hasLogo: logo !== undefined,
      freezeAuthority: facts.freezeAuthority,
      mintAuthority: facts.mintAuthority,
      impersonates: metadata?.symbol ? (impersonatedTicker(mint, metadata.symbol) ?? null) : null,
    };
    const ttl = logo || !metadata?.uri ? (this.options.ttlMs ?? 600_000) : (this.options.missingLogoTtlMs ?? 60_000);
    return this.remember(mint, { identity, logo, expiresAt: this.now() + ttl });
  }

  /** The metadata JSON's `image`, fetched and recognised as PNG, JPEG, GIF or WebP; undefined on any failure. */
  private async fetchLogo(mint: string, uri: string): Promise<TokenLogo | undefined> {
    const { offchain } = this.options;
    try {
      const json = await fetchBounded(resolveMetadataUrl(uri, offchain), this.options.maxJsonBytes ?? 64 * 1024, offchain);
      // Some tokens point their URI straight at the image.
      const direct = sniffImageType(json.bytes);
      if (direct) return { bytes: json.bytes, contentType: direct };
      const image: unknown = (JSON.parse(json.bytes.toString("utf8")) as { image?: unknown }).image;
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
