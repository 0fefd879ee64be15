import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { z } from "zod";

/**
 * A post's k-anonymity bucket: the first 16 bits of SHA-256 of its id, as 4 hex characters. The
 * overlay asks the backend about the buckets of the posts a fan scrolls past, never their ids, so the
 * backend learns one of 65,536 buckets per post (each holding every post id that hashes there), not
 * the fan's reading history. The backend stores the same value per distribution (migration
 * 191_post_bucket.sql computes it in SQL; a test keeps the two equal).
 */
export function postIdBucket(postId: string): string {
  return bytesToHex(sha256(utf8ToBytes(postId)).subarray(0, 2));
}

export const postBucketSchema = z.string().regex(/^[0-9a-f]{4}$/, "a post bucket is 4 lowercase hex characters");
