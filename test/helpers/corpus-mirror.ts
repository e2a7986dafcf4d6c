import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type BuiltMirror, buildMirrorOfArchives } from "../../cli/demo/mirror";
import { corpusFiles } from "./corpus";

/** ../shared/corpus as the uploads of one author (PAUSE ids are not recorded there). */
export function corpusMirror(root: string): Promise<BuiltMirror> {
  return buildMirrorOfArchives(
    join(root, "mirror"),
    "CORPUS",
    corpusFiles().map((f) => ({ filename: basename(f), bytes: readFileSync(f) })),
  );
}
