/** `cpansec log` keygen, verify, prove, check-proof and monitor (./commands/log.ts has their options). */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseCheckpoint } from "../shared/domain/tlog/checkpoint";
import { b64 } from "../shared/domain/tlog/hash";
import { type MonitorState, monitorLog } from "../shared/domain/tlog/monitor";
import { formatPrivateKey, formatVerifierKey, parseVerifierKey, signerFromSeed } from "../shared/domain/tlog/note";
import { archiveProblems, checkProof } from "../shared/domain/tlog/check-proof";
import { consistencyProof, inclusionProof, treeRoot } from "../shared/domain/tlog/proof";
import { parseProofFile } from "../shared/domain/tlog/proof-file";
import { TileReader } from "../shared/domain/tlog/tile-reader";
import { openCheckpoint, verifyLog } from "../shared/domain/tlog/verify";
import { CommandFailure } from "./errors";
import { logSource, readKeyArg } from "./log-source";

const out = (s: string) => process.stdout.write(`${s}\n`);

async function verifierFrom(arg: string) {
  return parseVerifierKey(await readKeyArg(arg));
}

export async function keygen(o: { origin: string; out: string }): Promise<void> {
  const seed = randomBytes(32);
  const signer = signerFromSeed(o.origin, seed);
  await writeFile(o.out, `${formatPrivateKey({ ...signer, seed })}\n`, { flag: "wx", mode: 0o600 });
  out(formatVerifierKey(signer));
}

export async function verify(o: { log: string; vkey: string; origin?: string }): Promise<void> {
  const v = await verifyLog(logSource(o.log), [await verifierFrom(o.vkey)], o.origin ? { origin: o.origin } : {});
  out(`OK: ${v.checkpoint.origin} size ${v.checkpoint.size} root ${b64(v.checkpoint.root)}: signature, every entry bundle, every tile and the root verified`);
}

export async function prove(o: { log: string; index?: number; fromSize?: number; vkey?: string }): Promise<void> {
  if ((o.index === undefined) === (o.fromSize === undefined)) throw new CommandFailure("give exactly one of --index and --from-size");
  const read = logSource(o.log);
  const bytes = await read("checkpoint");
  if (!bytes) throw new CommandFailure("the log has no checkpoint");
  const note = new TextDecoder().decode(bytes);
  const cp = o.vkey ? (await openCheckpoint(read, [await verifierFrom(o.vkey)])).checkpoint : parseCheckpoint(note.slice(0, note.lastIndexOf("\n\n") + 1));
  const reader = new TileReader(read, cp.size);
  if (o.index !== undefined) {
    if (o.index >= cp.size) throw new CommandFailure(`index ${o.index} is not below the tree size ${cp.size}`);
    const proof = await inclusionProof(o.index, cp.size, reader.node);
    out(
      JSON.stringify(
        {
          type: "inclusion",
          index: o.index,
          treeSize: cp.size,
          leafHash: b64(await reader.node(0, o.index)),
          root: b64(cp.root),
          proof: proof.map(b64),
          checkpoint: note,
          tileReads: reader.reads,
        },
        null,
        1,
      ),
    );
  } else {
    const m = o.fromSize as number;
    if (m > cp.size) throw new CommandFailure(`--from-size ${m} is beyond the tree size ${cp.size}`);
    const old = new TileReader(read, m, cp.size);
    const proof = m === 0 ? [] : await consistencyProof(m, cp.size, reader.node);
    out(
      JSON.stringify(
        {
          type: "consistency",
          size1: m,
          size2: cp.size,
          root1: b64(await treeRoot(m, old.node)),
          root2: b64(cp.root),
          proof: proof.map(b64),
          checkpoint: note,
        },
        null,
        1,
      ),
    );
  }
}

export async function checkProofFile(file: string, o: { vkey: string; checkpoint?: string; origin?: string; entry?: string; archive?: string }): Promise<void> {
  const claim = parseProofFile(await readFile(file, "utf8"));
  const r = checkProof(claim, [await verifierFrom(o.vkey)], {
    ...(o.checkpoint ? { checkpoint: await readFile(o.checkpoint, "utf8") } : {}),
    ...(o.origin ? { origin: o.origin } : {}),
    ...(o.entry ? { entry: new Uint8Array(await readFile(o.entry)) } : {}),
  });
  if (r.type === "consistency") {
    out(`OK: ${r.origin} at size ${r.size} extends its tree of size ${r.size1} (root ${b64(r.root1)})`);
    return;
  }
  const named = r.upload ?? r.patch;
  if (o.archive) {
    if (!named) throw new CommandFailure("--archive: the proven entry is neither a cpansec upload entry nor a patched-archive entry");
    const problems = archiveProblems(named, basename(o.archive), new Uint8Array(await readFile(o.archive)));
    if (problems.length) throw new CommandFailure(`the archive is not the logged ${r.upload ? "upload" : "patched archive"}: ${problems.join("; ")}`);
  }
  out(`OK: leaf ${r.index} is in ${r.origin} at size ${r.size}`);
  const matches = o.archive ? " (the archive matches)" : "";
  if (r.upload) out(`logged upload: ${r.upload.path} sha256 ${r.upload.sha256} size ${r.upload.size} uploaded ${r.upload.uploaded}${matches}`);
  if (r.patch) {
    out(`logged patched archive: ${r.patch.path} sha256 ${r.patch.sha256} size ${r.patch.size}${matches}`);
    out(`  from ${r.patch.original.path} sha256 ${r.patch.original.sha256}`);
    for (const p of r.patch.patches) out(`  with ${p.path} sha256 ${p.sha256}`);
  }
}

export async function monitor(o: { log: string; vkey: string; state: string; origin?: string }): Promise<void> {
  let previous: MonitorState | undefined;
  try {
    previous = JSON.parse(await readFile(o.state, "utf8")) as MonitorState;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new CommandFailure(`cannot read state ${o.state}: ${(e as Error).message}`);
  }
  const r = await monitorLog(logSource(o.log), [await verifierFrom(o.vkey)], previous, o.origin);
  for (const e of r.newEntries) out(JSON.stringify({ index: e.index, ...(e.upload ?? (e.patch ? { type: "patch", ...e.patch } : { text: e.text })) }));
  await writeFile(o.state, JSON.stringify(r.state));
  if (r.alerts.length) {
    for (const a of r.alerts) process.stderr.write(`ALERT: ${a}\n`);
    process.exitCode = 1;
  }
}
