/**
 * Fuzz targets for what a hostile mirror controls in RECENT: epochs (compared exactly, never
 * allowed past the clock) and paths (the upload shape, the mirror-path guard, object keys).
 */
import fc from "fast-check";
import { FUTURE_SKEW_S, addSeconds, compareEpochs, newUploads, parseRecent, RecentError } from "../../../shared/domain/cpan/recent";
import { mirrorPathProblem, parseUploadPath } from "../../../shared/domain/cpan/upload-path";
import { archiveKey, releaseJsonKey } from "../../../shared/domain/pipeline/keys";
import { type FuzzTarget, target } from "../harness";
import { bytesOf } from "../mutate";
import { anyText } from "./common";

/** Epoch-shaped text: leading zeros, trailing zeros, 1–12 integer digits, long fractions. */
const epochText = fc.oneof(
  fc.stringMatching(/^[0-9]{1,12}(\.[0-9]{1,9})?$/),
  fc.stringMatching(/^0{1,11}[0-9]{0,3}(\.[0-9]{0,3}0{0,4})?$/).filter((s) => /^[0-9]{1,12}(\.[0-9]{1,9})?$/.test(s)),
  fc.constantFrom("999999999999", "000000000000", "1760978849.04324", "1760978849.043240", "0", "0.0", "1.000000001"),
);

/** The exact value as a rational scaled to 10^9, for the reference comparison. */
const scaled = (e: string) => {
  const [i = "0", f = ""] = e.split(".");
  return BigInt(i) * 10n ** 9n + BigInt(f.padEnd(9, "0") || "0");
};

const epochs: FuzzTarget<[string, string, string, string[]]> = {
  name: "recent-epochs",
  parser: "cpan/recent.ts compareEpochs, addSeconds, newUploads (future-dated events, leading zeros)",
  inputs: "epoch strings with leading and trailing zeros, 12-digit futures; a clock; RECENT files of those epochs",
  arbitrary: fc.tuple(epochText, epochText, fc.stringMatching(/^1[0-9]{9}\.[0-9]{3}$/), fc.array(epochText, { maxLength: 8 })),
  run: ([a, b, now, list]) => {
    const file = parseRecent(bytesOf(JSON.stringify({ recent: list.map((epoch, i) => ({ epoch, path: `authors/id/A/AB/ABC/D-${i}.tar.gz`, type: "new" })) })));
    return { cmp: compareEpochs(a, b), back: compareEpochs(b, a), selected: newUploads(file, undefined, now) };
  },
  accepts: [RecentError],
  check: ([a, b, now], out) => {
    const { cmp, back, selected } = out as { cmp: number; back: number; selected: ReturnType<typeof newUploads> };
    const ref = scaled(a) < scaled(b) ? -1 : scaled(a) > scaled(b) ? 1 : 0;
    if (cmp !== ref || back !== -ref) throw new Error(`compareEpochs(${a}, ${b}) = ${cmp}, exact answer ${ref}`);
    const limit = addSeconds(now, FUTURE_SKEW_S);
    for (const i of selected.items) if (compareEpochs(i.event.epoch, limit) > 0) throw new Error(`a future event was selected: ${i.event.epoch} > ${limit}`);
    for (let k = 1; k < selected.items.length; k++)
      if (
        compareEpochs(
          (selected.items[k - 1] as (typeof selected.items)[number]).event.epoch,
          (selected.items[k] as (typeof selected.items)[number]).event.epoch,
        ) > 0
      )
        throw new Error("items not oldest first");
  },
  runs: 400,
};

const segment = fc.oneof(
  fc.constantFrom(
    "..",
    ".",
    "",
    "%2e%2e",
    "%2E%2e",
    "%2f",
    "A",
    "AB",
    "ABC",
    "ZED",
    "V",
    "VI",
    "VICTIM",
    "Future-2.0.tar.gz",
    "CHECKSUMS",
    "a b",
    "x\u0000",
    "\\..",
    ".hidden.tar.gz",
  ),
  fc.stringMatching(/^[A-Z][-A-Z0-9]{0,9}$/),
  fc.stringMatching(/^[A-Za-z0-9._%+~-]{1,20}(\.tar\.gz|\.zip)?$/),
  anyText(12),
);
const pathText = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 7 }).map((s) => `authors/id/${s.join("/")}`),
  fc.array(segment, { minLength: 1, maxLength: 7 }).map((s) => s.join("/")),
  fc.tuple(fc.stringMatching(/^[A-Z][A-Z0-9]{1,8}$/), segment).map(([id, f]) => `authors/id/${id[0]}/${id.slice(0, 2)}/${id}/${f}`),
);

const paths: FuzzTarget<string> = {
  name: "upload-paths",
  parser: "cpan/upload-path.ts parseUploadPath, mirrorPathProblem; pipeline/keys.ts archiveKey, releaseJsonKey",
  inputs: "author-directory paths with dot segments, %-escapes, subdirectories, mismatched PAUSE-id directories, control characters",
  arbitrary: pathText,
  run: (path) => {
    const upload = parseUploadPath(path);
    const problem = mirrorPathProblem(path);
    const keys = upload?.ok ? [archiveKey(upload), releaseJsonKey(upload)] : [];
    return { upload, problem, keys, resolved: problem ? undefined : new URL(path, "https://mirror.example/cpan/").href };
  },
  accepts: [],
  check: (path, out) => {
    const { upload, problem, keys, resolved } = out as { upload: ReturnType<typeof parseUploadPath>; problem?: string; keys: string[]; resolved?: string };
    if (upload?.ok) {
      if (problem) throw new Error(`an accepted upload path is refused as a mirror path: ${problem}`);
      if (path !== `authors/id/${upload.author[0]}/${upload.author.slice(0, 2)}/${upload.author}/${upload.filename}`)
        throw new Error(`accepted path ${path} is not in the exact shape`);
      if ((keys[0] as string).split("/").length !== 3) throw new Error(`archive key ${keys[0]} nests`);
    }
    if (resolved !== undefined && resolved !== `https://mirror.example/cpan/${path}`)
      throw new Error(`accepted mirror path ${JSON.stringify(path)} resolves elsewhere: ${resolved}`);
  },
  runs: 600,
};

export const recentTargets = [target(epochs), target(paths)];
