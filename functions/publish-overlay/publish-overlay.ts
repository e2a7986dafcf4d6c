/**
 * publish-overlay: the patched CPAN overlay on AWS (docs/patches.md, "On AWS"). The same overlay
 * step as the embedded refresh's (refreshOverlay: the patches in force applied to the stored
 * releases, each archive built once, then the forced re-matches), with the log read only: the new
 * archives' entries go to append-log, the log's one writer, which appends them and queues this
 * step again; that run finds them logged and lists them (proofs, CHECKSUMS, 02packages, RECENT and
 * the model). Nothing is listed before it is logged. Queued by every refresh with a patch registry
 * on a FIFO queue, so one publisher writes the overlay at a time.
 *
 * Without a key (the overlay key secret says `none`) nothing is published: the outcome says so,
 * as a warning, and the findings still name the patches.
 */
import type { OverlayJob } from "../../shared/messages/jobs";
import type { OverlayJobDeps } from "../../shared/ports/deps";
import { refreshOverlay } from "../publish-patches/overlay-step";
import { queuedLog } from "./queued-log";

export type OverlayJobResult =
  | { readonly status: "no overlay" | "no key"; readonly warning: string }
  | { readonly status: "no patches" }
  | {
      /** published: every archive built is listed; logging: some wait for append-log (this step comes again). */
      readonly status: "published" | "logging";
      readonly archives: number;
      readonly added: readonly string[];
      readonly pending: readonly string[];
      readonly failed: readonly { readonly path: string; readonly error: string }[];
      readonly mismatched: readonly string[];
      readonly problems: readonly string[];
      readonly queued: number;
      /** Archives that could not be built, or whose paths the log holds with other bytes. */
      readonly warning?: string;
    };

export const NO_KEY =
  "the overlay key secret holds `none`: no patched CPAN overlay is published (its CHECKSUMS must be signed); put an armored private key there (docs/patches.md, On AWS)";

export async function publishOverlay(deps: OverlayJobDeps, job: OverlayJob): Promise<OverlayJobResult> {
  const target = deps.overlay;
  if (!target) return { status: "no overlay", warning: "this backend has no overlay target for publish-overlay; nothing published" };
  const key = await target.key();
  if (!key) return { status: "no key", warning: NO_KEY };
  const out = await refreshOverlay(deps, {
    overlay: target.store,
    log: queuedLog(target.log, deps.queues.log, job.patches),
    key,
    author: target.author,
    url: target.url,
    clock: deps.clock,
    tool: deps.tool,
  });
  if (!out) return { status: "no patches" };
  const warnings = [
    ...out.failed.map((f) => `${f.path} not patched: ${f.error}`),
    ...out.mismatched.map((p) => `${p} is in the log with other bytes: not listed`),
  ];
  const { archives, added, pending, failed, mismatched, problems, queued } = out;
  return {
    status: pending.length ? "logging" : "published",
    archives,
    added,
    pending,
    failed,
    mismatched,
    problems,
    queued,
    ...(warnings.length ? { warning: warnings.join("; ") } : {}),
  };
}
