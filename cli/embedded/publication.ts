/**
 * publish-advisories' ports in the embedded layout: the data directory's artifacts (the feed
 * snapshot and pointer) and <data>/public/advisories/. Built the same way on the runner's thread
 * and on the publication's own thread (./publish-thread.ts): plain directories, no SQLite.
 */
import { join } from "node:path";
import { FsObjectStore } from "../../shared/adapters/embedded/fs-object-store";
import { prefixedStore } from "../../shared/adapters/prefixed-store";
import { PUBLIC_ADVISORIES_PREFIX } from "../../shared/domain/pipeline/keys";
import { CSAF_PUBLISHER } from "../../shared/domain/publish/publication";
import type { PublicationTarget, PublishDeps } from "../../shared/ports/deps";

/** What a publication depends on besides the files: plain data, so it crosses to a worker thread. */
export interface PublicationConfig {
  readonly data: string;
  /** Where <data>/public/ is served (an https URL: the CSAF documents name it); default https://cpansec.localhost/. */
  readonly publicUrl?: string | undefined;
  readonly tool: { readonly name: string; readonly version: string };
}

const publicBase = (url: string | undefined) => (url ?? "https://cpansec.localhost").replace(/\/+$/, "");

export const embeddedPublication = (c: PublicationConfig): PublicationTarget => ({
  store: prefixedStore(new FsObjectStore(join(c.data, "public")), PUBLIC_ADVISORIES_PREFIX),
  options: { publisher: CSAF_PUBLISHER, baseUrl: `${publicBase(c.publicUrl)}/${PUBLIC_ADVISORIES_PREFIX}`, generator: c.tool },
});

export const embeddedPublishDeps = (c: PublicationConfig): PublishDeps => ({ blobs: new FsObjectStore(c.data), publication: embeddedPublication(c) });
