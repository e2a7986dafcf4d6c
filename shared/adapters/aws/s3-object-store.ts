/**
 * An ObjectStore on an S3 bucket (the artifacts bucket, or the public log bucket).
 * - create: PutObject with `If-None-Match: *`; on 412 the existing object is read back, and
 *   identical bytes are success (a retry), different bytes a ConflictError. A 409 (a concurrent
 *   conditional write in flight) is retried.
 * - publish: plain PutObject (the few mutable objects: `checkpoint`, pointers).
 * - Cache-Control per key, so the public log caches tiles for long and `checkpoint` briefly.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { ConflictError, type ObjectStore } from "../../ports";

export interface S3StoreOptions {
  /** Cache-Control for a key (undefined: none). */
  readonly cacheControl?: (key: string) => string | undefined;
  readonly contentType?: (key: string) => string;
}

/** The C2SP tlog-tiles caching advice: tiles and full bundles never change; the checkpoint does. */
export function logCacheControl(key: string): string | undefined {
  if (key === "checkpoint") return "public, max-age=5, must-revalidate";
  if (key.startsWith("tile/")) return key.includes(".p/") ? "public, max-age=300" : "public, max-age=31536000, immutable";
  if (key.startsWith("feeds/")) return "public, max-age=60";
  if (key === "vkey") return "public, max-age=3600";
  // The published advisory index changes at most once per refresh (hourly).
  if (key.startsWith("advisories/")) return "public, max-age=300";
  return undefined;
}

export function contentTypeOf(key: string): string {
  if (key.endsWith(".json")) return "application/json";
  if (key.endsWith(".xml")) return "application/atom+xml";
  if (key.endsWith(".zip")) return "application/zip";
  if (key.endsWith(".csv")) return "text/csv; charset=utf-8";
  if (/\.(txt|sha256|sha512)$/.test(key)) return "text/plain; charset=utf-8";
  if (key === "checkpoint" || key === "vkey" || key.endsWith(".tlog-proof")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

const status = (e: unknown) => (e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined);

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    private readonly o: S3StoreOptions = {},
  ) {}

  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (e) {
      if (e instanceof NoSuchKey || status(e) === 404) return undefined;
      throw e;
    }
  }

  private put(key: string, bytes: Uint8Array, ifNoneMatch: boolean) {
    const cacheControl = this.o.cacheControl?.(key);
    return this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: (this.o.contentType ?? contentTypeOf)(key),
        ...(cacheControl ? { CacheControl: cacheControl } : {}),
        ...(ifNoneMatch ? { IfNoneMatch: "*" } : {}),
      }),
    );
  }

  async create(key: string, bytes: Uint8Array): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.put(key, bytes, true);
        return;
      } catch (e) {
        const code = status(e);
        if (code === 409 && attempt < 5) {
          await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          continue;
        }
        if (code !== 412) throw e;
      }
      const existing = await this.read(key);
      if (existing && Buffer.compare(existing, bytes) === 0) return;
      if (existing) throw new ConflictError(key);
      // Gone between the 412 and the read (a lifecycle rule, a test reset): try again.
      if (attempt >= 5) throw new ConflictError(key);
    }
  }

  async publish(key: string, bytes: Uint8Array): Promise<void> {
    await this.put(key, bytes, false);
  }
}
