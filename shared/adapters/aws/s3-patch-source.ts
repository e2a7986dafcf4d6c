/**
 * A patch source in a bucket prefix (docs/patches.md: the source's layout under the prefix): the
 * operator syncs CPANSec's patches into the artifacts bucket's `patch-source/`
 * (`aws s3 sync patches/ s3://<artifacts>/patch-source/`), and each refresh reads them as the
 * directory source reads a checkout. Untrusted like any source: `.patch` keys only, at most
 * MAX_SOURCE_PATCHES of them, each read at most one byte over the patch size limit.
 */
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from "@aws-sdk/client-s3";
import { PatchError } from "../../domain/patches/errors";
import type { PatchSource } from "../../domain/patches/registry";

/** The prefix of the artifacts bucket the refresh may read patches from (its grant). */
export const PATCH_SOURCE_PREFIX = "patch-source/";
/** CPANSec publishes tens of patches; a prefix with more keys than this is refused, not read. */
export const MAX_SOURCE_PATCHES = 10_000;

export class S3PatchSource implements PatchSource {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = PATCH_SOURCE_PREFIX,
  ) {}

  get location(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  url(path: string): string {
    return `${this.location}${path}`;
  }

  async list(): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of page.Contents ?? []) if (o.Key?.endsWith(".patch")) out.push(o.Key.slice(this.prefix.length));
      if (out.length > MAX_SOURCE_PATCHES) throw new PatchError("limit", `${this.location} holds more than ${MAX_SOURCE_PATCHES} patches; none read`);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async read(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
    let bytes: Uint8Array;
    try {
      const got = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${path}`, Range: `bytes=0-${maxBytes}` }));
      bytes = got.Body ? await got.Body.transformToByteArray() : new Uint8Array();
    } catch (e) {
      if (e instanceof NoSuchKey || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw e;
    }
    if (bytes.byteLength > maxBytes) throw new PatchError("limit", `${path}: over the ${maxBytes}-byte limit for a patch`);
    return bytes;
  }
}
