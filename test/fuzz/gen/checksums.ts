/** Fuzz targets for PAUSE CHECKSUMS: the `$cksum` dump (parsed as data), the clear-signed framing, the signature check. */
import fc from "fast-check";
import type * as openpgp from "openpgp";
import { ChecksumsError, extractSignedMessage, parseCksumDump } from "../../../shared/domain/cpan/checksums";
import { readTrustedKeys, verifyChecksums } from "../../../shared/domain/cpan/checksums-signature";
import { type FuzzTarget, target } from "../harness";
import { bytesOf, mutatedText, textOf } from "../mutate";
import type { Seeds } from "./seeds";

const PREFIX = "0&&<<''; # this PGP-signed message is also valid perl\n";
const BEGIN = "-----BEGIN PGP SIGNED MESSAGE-----";
const SIG = "-----BEGIN PGP SIGNATURE-----";
const END = "-----END PGP SIGNATURE-----";

/** Perl-ish scalars: both quote styles, escapes, interpolation sigils, numbers. */
const perlScalar = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => `'${s.replace(/[\\']/g, "\\$&")}'`),
  fc.string({ maxLength: 12 }).map((s) => `"${s}"`),
  fc.string({ unit: fc.constantFrom("a", "\\", "'", '"', "$", "@", "\n", "#"), maxLength: 8 }).map((s) => `'${s}'`),
  fc.stringMatching(/^-?[0-9]{1,45}(\.[0-9]{1,5})?$/),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `'${Buffer.from(b).toString("hex")}'`),
);
const ws = fc.constantFrom("", " ", "\n", "  ", "\t", " # comment\n");
const { hash } = fc.letrec<{ hash: string; value: string }>((tie) => ({
  value: fc.oneof({ depthSize: "small" }, perlScalar, tie("hash")),
  hash: fc
    .array(fc.tuple(perlScalar, ws, fc.constantFrom("=>", "=", ",", "=>"), ws, tie("value"), fc.constantFrom(",", "", ",,", ";")), { maxLength: 4 })
    .map((kvs) => `{${kvs.map(([k, w1, arrow, w2, v, sep]) => `${k}${w1}${arrow}${w2}${v}${sep}`).join("\n")}}`),
}));
const fileEntry = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/),
    fc.uint8Array({ minLength: 32, maxLength: 32 }),
    fc.oneof(fc.nat().map(String), fc.constantFrom("-1", "1.5", "'12'", "1e3")),
    fc.stringMatching(/^[0-9a-f]{32}$/),
  )
  .map(
    ([f, sha, size, md5]) =>
      `  '${f}' => {\n    'sha256' => '${Buffer.from(sha).toString("hex")}',\n    'size' => ${size},\n    'md5' => '${md5}',\n    'mtime' => '2020-01-01'\n  },\n`,
  );
const dump = fc.oneof(
  fc.array(fileEntry, { maxLength: 4 }).map((es) => `# CHECKSUMS file written by CPAN::Checksums\n$cksum = {\n${es.join("")}};\n__END__\n`),
  fc
    .tuple(
      fc.constantFrom("$cksum", "$cksum ", "$x", "$cksum=", ""),
      ws,
      fc.constantFrom("=", "", "=="),
      ws,
      hash,
      fc.constantFrom(";", "", ";;"),
      fc.constantFrom("", "\n__END__\ntrailing junk", "\n1;", "\n# done\n"),
    )
    .map((p) => p.join("")),
);
const DUMP_TOKENS = ["{", "}", "=>", "'", '"', "\\", "$cksum", "__END__", "#", ",", ";", "$", "@", "\n"];

function dumpTarget(seeds: readonly Uint8Array[]): FuzzTarget<string> {
  return {
    name: "checksums-dump",
    parser: "cpan/checksums.ts parseCksumDump (the signed `$cksum = {...};` text, parsed as data)",
    inputs: `CPAN::Checksums-shaped dumps with random files, digests and sizes; random Perl-ish nested hashes (quotes, escapes, sigils, comments, separators); mutations of generated dumps and of ${seeds.length} real PAUSE CHECKSUMS files`,
    arbitrary: fc.oneof(dump, mutatedText(dump.map(bytesOf), DUMP_TOKENS), ...(seeds.length ? [mutatedText(seeds, DUMP_TOKENS)] : [])),
    run: parseCksumDump,
    accepts: [ChecksumsError],
    runs: 500,
  };
}

const armorLine = fc.oneof(
  fc.constantFrom(BEGIN, SIG, END, "Hash: SHA256", "Hash: SHA1", "", "- -----BEGIN PGP SIGNED MESSAGE-----", PREFIX.trim()),
  fc.string({ maxLength: 20 }),
  fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b).toString("base64")),
);
const framing = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("", PREFIX, "\uFEFF" + PREFIX, "\n\n", "junk\n"),
      fc.constantFrom(BEGIN, ""),
      fc.array(armorLine, { maxLength: 8 }),
      fc.constantFrom(END, ""),
      fc.constantFrom("", "\n", "\n\n  \n", "\ntrailer", `\n${BEGIN}`),
    )
    .map(([a, b, lines, e, t]) => `${a}${b}\n${lines.join("\n")}\n${e}${t}`),
);

function framingTarget(seeds: readonly Uint8Array[]): FuzzTarget<string> {
  return {
    name: "checksums-framing",
    parser: "cpan/checksums.ts extractSignedMessage (what may surround the clear-signed message)",
    inputs: `frames from random prefixes, armor lines, BEGIN/END markers and trailers; mutations of ${seeds.length} real CHECKSUMS files`,
    arbitrary: fc.oneof(framing, ...(seeds.length ? [mutatedText(seeds, [BEGIN, SIG, END, "\n", PREFIX])] : [])),
    run: extractSignedMessage,
    accepts: [ChecksumsError],
    runs: 300,
  };
}

function verifyTarget(seeds: readonly Uint8Array[], keys: readonly openpgp.PublicKey[]): FuzzTarget<string> {
  const good = seeds.map(textOf);
  return {
    name: "checksums-verify",
    parser: "cpan/checksums-signature.ts verifyChecksums (framing, OpenPGP clear-signature with PAUSE's key, then the dump)",
    inputs: `mutations of ${seeds.length} real PAUSE CHECKSUMS files (signed by PAUSE's batch key), and the unmutated files`,
    arbitrary: fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom(...good) },
      { weight: 6, arbitrary: mutatedText(seeds, [BEGIN, SIG, END, "\n", "=", "Hash: SHA1\n", "\n\n"]) },
    ),
    run: (file) => verifyChecksums(file, keys),
    accepts: [ChecksumsError],
    runs: 60,
    deadlineMs: 10_000,
  };
}

export async function checksumsTargets(seeds: Seeds): Promise<FuzzTarget[]> {
  const signed = seeds.checksums;
  const out = [target(dumpTarget(signed)), target(framingTarget(signed))];
  if (seeds.checksumsKey && signed.length) out.push(target(verifyTarget(signed, await readTrustedKeys(seeds.checksumsKey))));
  return out;
}
