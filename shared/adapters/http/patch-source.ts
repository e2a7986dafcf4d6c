/**
 * A patch source over HTTPS (https://security.metacpan.org/patches/). A web site has no listing,
 * so the paths come from elsewhere: the advisory feed's references to patches under the base, and
 * for each of those the next revisions, asked for one by one until one is absent (a reference may
 * name -r1 when -r2 exists). Bodies are read under the patch size limit (HttpMirror streams).
 */
import { PatchError } from "../../domain/patches/errors";
import { parseLayoutPath } from "../../domain/patches/layout";
import type { PatchSource } from "../../domain/patches/registry";
import { MirrorLimitError } from "../../ports";
import { HTTP_MIRROR_DEFAULTS, HttpMirror } from "./mirror";

/** Revisions asked for beyond a known one before giving up; CPANSec's highest today is r2. */
const MAX_PROBES = 8;

export class HttpPatchSource implements PatchSource {
  private readonly base: string;
  private readonly cache = new Map<string, Uint8Array | undefined>();
  constructor(
    base: string,
    private readonly known: readonly string[],
    private readonly mirror = (maxBytes: number) => new HttpMirror(base, { ...HTTP_MIRROR_DEFAULTS, maxBytes }),
  ) {
    this.base = base.endsWith("/") ? base : `${base}/`;
  }

  get location(): string {
    return this.base;
  }

  /** Layout paths under `base` among `urls` (an advisory feed's references, say). */
  static pathsUnder(base: string, urls: Iterable<string>): string[] {
    const b = base.endsWith("/") ? base : `${base}/`;
    const out = new Set<string>();
    for (const u of urls) if (u.startsWith(b)) out.add(u.slice(b.length));
    return [...out];
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  async list(): Promise<string[]> {
    const out = new Set<string>();
    for (const path of this.known) {
      let key;
      try {
        key = parseLayoutPath(path);
      } catch {
        out.add(path); // listed as given: loadRegistry records why it is not a layout path
        continue;
      }
      out.add(path);
      const dir = path.slice(0, path.lastIndexOf("/") + 1);
      for (let r = key.revision + 1; r <= key.revision + MAX_PROBES; r++) {
        const next = `${dir}${key.cve}-r${r}.patch`;
        if (!(await this.read(next, 1024 * 1024))) break;
        out.add(next);
      }
    }
    return [...out];
  }

  async read(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
    let bytes: Uint8Array | undefined;
    if (this.cache.has(path)) bytes = this.cache.get(path);
    else {
      try {
        bytes = await this.mirror(maxBytes).fetch(path);
      } catch (e) {
        if (e instanceof MirrorLimitError) throw new PatchError("limit", `${path}: ${e.message}`, { cause: e });
        throw e;
      }
      this.cache.set(path, bytes);
    }
    if (bytes && bytes.byteLength > maxBytes)
      throw new PatchError("limit", `${path}: ${bytes.byteLength} bytes is over the ${maxBytes}-byte limit for a patch`);
    return bytes;
  }
}
