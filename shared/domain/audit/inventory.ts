/**
 * What an application is made of, whichever file said so (a Carton snapshot, a cpanfile, an
 * installed perl library tree, an SBOM): the distributions with the versions it runs, where each
 * was read (for SARIF locations and for a reader checking the answer), and the graph between them
 * when the input has one. Every reader returns problems as data (`notes`); nothing is guessed.
 */
import type { Prereqs } from "../cpan/meta";
import type { DeclaredLicense } from "../sbom/licenses";
import type { Pedigree } from "./pedigree";

export type InputKind = "snapshot" | "cpanfile" | "installed" | "sbom";

/** A file and, when it has lines, the line a fact came from (1-based). */
export interface Location {
  readonly file: string;
  readonly line?: number;
}

export interface AppDistribution {
  readonly name: string;
  /** The version the application runs; absent when the input could not say (never matched then). */
  readonly version?: string;
  /** CPAN path below authors/id/ (A/AU/AUTHOR/Dist-1.0.tar.gz), when known. */
  readonly pathname?: string;
  readonly author?: string;
  readonly license?: DeclaredLicense;
  /**
   * A patched release (an SBOM's pedigree, or a patched archive's name): matched at the original's
   * version, with the advisories its patches resolve counted as fixed.
   */
  readonly pedigree?: Pedigree;
  /** How this entry was found: snapshot, install.json, MYMETA.json, .packlist, module, sbom. */
  readonly source: string;
  readonly location: Location;
}

export interface CpanfilePrereqs {
  readonly prereqs: Prereqs;
  /** The line of each module's first requirement. */
  readonly lines: ReadonlyMap<string, number>;
}

export interface Inventory {
  readonly kind: InputKind;
  readonly files: readonly string[];
  readonly distributions: readonly AppDistribution[];
  /** cpanfile: ranges, not versions. */
  readonly cpanfile?: CpanfilePrereqs;
  /** Edges between distributions (by name), when the input records them. */
  readonly dependencies?: ReadonlyMap<string, ReadonlySet<string>>;
  /** What was skipped or could not be read, in words. */
  readonly notes: readonly string[];
}
