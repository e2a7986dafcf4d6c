import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { text as readStream } from "node:stream/consumers";
import { type Command, InvalidArgumentError } from "commander";
import { appendEntries } from "../../functions/append-log/append-log";
import { embeddedLog } from "../../shared/adapters/embedded/log";
import { parseCheckpoint } from "../../shared/domain/tlog/checkpoint";
import { b64 } from "../../shared/domain/tlog/hash";
import { type MonitorState, monitorLog } from "../../shared/domain/tlog/monitor";
import { formatPrivateKey, formatVerifierKey, parsePrivateKey, parseVerifierKey, signerFromSeed } from "../../shared/domain/tlog/note";
import { archiveProblems, checkProof } from "../../shared/domain/tlog/check-proof";
import { consistencyProof, inclusionProof, treeRoot } from "../../shared/domain/tlog/proof";
import { parseProofFile } from "../../shared/domain/tlog/proof-file";
import { TileReader } from "../../shared/domain/tlog/tile-reader";
import { openCheckpoint, verifyLog } from "../../shared/domain/tlog/verify";
import { CommandFailure } from "../errors";
import { logSource, readKeyArg } from "../log-source";

const out = (s: string) => process.stdout.write(`${s}\n`);
const wholeNumber = (name: string) => (v: string) => {
  if (!/^(0|[1-9][0-9]*)$/.test(v)) throw new InvalidArgumentError(`${name} takes a whole number`);
  return Number(v);
};

const ORIGIN_HELP = "the log's origin line, when it is not the key's name";

async function verifierFrom(arg: string) {
  return parseVerifierKey(await readKeyArg(arg));
}

export function registerLog(program: Command): void {
  const log = program.command("log").description("the C2SP transparency log: keys, appends, proofs, verification, monitoring");

  log
    .command("keygen")
    .description("create an Ed25519 signing key for a log; prints the verifier key")
    .requiredOption("--origin <origin>", "the log's origin line, e.g. example.org/cpansec-log")
    .requiredOption("--out <keyfile>", "where to write the private key (created, never overwritten; mode 0600)")
    .action(async (o: { origin: string; out: string }) => {
      const seed = randomBytes(32);
      const signer = signerFromSeed(o.origin, seed);
      await writeFile(o.out, `${formatPrivateKey({ ...signer, seed })}\n`, { flag: "wx", mode: 0o600 });
      out(formatVerifierKey(signer));
    });

  log
    .command("append")
    .description("append entries (JSON lines, each a JSON string holding one entry's exact text) in one batch")
    .requiredOption("--log <dir>", "the log directory")
    .requiredOption("--key <keyfile>", "the private key (its name is the origin)")
    .argument("[file]", "JSON lines to append (default: standard input)")
    .action(async (file: string | undefined, o: { log: string; key: string }) => {
      const signer = parsePrivateKey(await readFile(o.key, "utf8"));
      const input = file ? await readFile(file, "utf8") : await readStream(process.stdin);
      const entries: Buffer[] = [];
      const lines = input.split("\n");
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        if (!line.trim()) continue;
        const v: unknown = JSON.parse(line);
        if (typeof v !== "string") throw new CommandFailure(`line ${i + 1}: expected a JSON string`);
        entries.push(Buffer.from(v, "utf8"));
      }
      const r = await appendEntries({ ...embeddedLog(o.log), signer, origin: signer.name }, entries);
      for (const i of r.mismatched)
        process.stderr.write(`warning: entry ${i + 1} has the id of an entry already logged with different bytes (kept the first)\n`);
      process.stdout.write(r.checkpoint);
    });

  log
    .command("verify")
    .description("check the checkpoint signature and rebuild every tile and the root from the entries")
    .requiredOption("--log <dir|url>", "log directory or HTTPS base URL")
    .requiredOption("--vkey <vkey>", "verifier key, or a file holding it")
    .option("--origin <origin>", ORIGIN_HELP)
    .action(async (o: { log: string; vkey: string; origin?: string }) => {
      const v = await verifyLog(logSource(o.log), [await verifierFrom(o.vkey)], o.origin ? { origin: o.origin } : {});
      out(
        `OK: ${v.checkpoint.origin} size ${v.checkpoint.size} root ${b64(v.checkpoint.root)}: signature, every entry bundle, every tile and the root verified`,
      );
    });

  log
    .command("prove")
    .description("print an inclusion proof (--index) or a consistency proof (--from-size) as JSON")
    .requiredOption("--log <dir|url>", "log directory or HTTPS base URL")
    .option("--index <i>", "leaf index to prove included", wholeNumber("--index"))
    .option("--from-size <n>", "older tree size to prove consistent with the current one", wholeNumber("--from-size"))
    .option("--vkey <vkey>", "verifier key (or file): check the checkpoint's signature first")
    .action(async (o: { log: string; index?: number; fromSize?: number; vkey?: string }) => {
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
    });

  log
    .command("check-proof")
    .description("verify a proof file offline: a release's upload.tlog-proof or log.json, or what `log prove` printed")
    .argument("<proof>", "the proof file")
    .requiredOption("--vkey <vkey>", "the log's verifier key (its published vkey), or a file holding it")
    .option("--checkpoint <file>", "signed checkpoint to check against (default: the one in the proof)")
    .option("--origin <origin>", ORIGIN_HELP)
    .option("--entry <file>", "the logged entry's exact bytes, for a tlog-proof that does not carry them")
    .option("--archive <file>", "the release archive: check that it is the file the logged entry names (name, size, sha256)")
    .action(async (file: string, o: { vkey: string; checkpoint?: string; origin?: string; entry?: string; archive?: string }) => {
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
    });

  log
    .command("monitor")
    .description("verify the log's growth since the last run, print new entries, alert on misbehaviour")
    .requiredOption("--log <dir|url>", "log directory or HTTPS base URL")
    .requiredOption("--vkey <vkey>", "verifier key, or a file holding it")
    .requiredOption("--state <file>", "where the monitor keeps what it verified (created on first run)")
    .option("--origin <origin>", ORIGIN_HELP)
    .addHelpText(
      "after",
      "\nExit status: 0 when the log is consistent, 1 on an alert (a fork: a checkpoint of any size that is not the verified history; a rollback to an older checkpoint; a path logged with two hashes) or a failed check.",
    )
    .action(async (o: { log: string; vkey: string; state: string; origin?: string }) => {
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
    });
}
