// The patched CPAN overlay on AWS adapters over moto's wire protocol: the signing key read from
// its Secrets Manager secret, the overlay written under the log bucket's patched-cpan/ only, its
// CHECKSUMS verifying against that key, and the cpansec-patch/v1 entry in the same log (tiles in
// the log bucket, head and index in DynamoDB) the uploads are logged in.
import { readFileSync } from "node:fs";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { initLog } from "../../functions/append-log/append-log";
import { appendingLog } from "../../functions/publish-patches/overlay-log";
import { publishPatched, readOverlayModel } from "../../functions/publish-patches/publish-patches";
import { ConfigError, readAwsEnv, signerFromSecret } from "../../shared/adapters/aws/env";
import { OVERLAY_PREFIX, awsOverlayStore, overlayKeyFromSecret } from "../../shared/adapters/aws/overlay";
import { readTrustedKeys, verifyChecksums } from "../../shared/domain/cpan/checksums-signature";
import { KEY_FILE } from "../../shared/domain/overlay/index-files";
import { generateOverlayKey, readOverlayKey } from "../../shared/domain/overlay/sign";
import { readPatchRecord } from "../../shared/domain/patches/registry";
import { readLogEntry } from "../../shared/domain/tlog/entry";
import { verifyLog } from "../../shared/domain/tlog/verify";
import { awsLogDeps } from "../../shared/runtime/aws-pipeline";
import { createTestStack } from "../helpers/aws";
import { fixturePath } from "../helpers/fixtures";
import { FFR_PATCH, fileFindRule } from "../helpers/installable-dist";

const ORIGINAL = "authors/id/R/RC/RCLAMP/File-Find-Rule-0.34.tar.gz";
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe("the overlay on AWS (moto)", () => {
  it("one vulnerable release + one patch: files under patched-cpan/ only, CHECKSUMS signed with the secret's key, one log entry", async () => {
    const armored = await generateOverlayKey("cpansec overlay test", "overlay@example.invalid", new Date("2026-01-01T00:00:00Z"));
    const logKey = randomBytes(32).toString("hex");
    const stack = await createTestStack({ overlayKey: armored, logKey });
    const env = readAwsEnv(stack.env);
    const key = await overlayKeyFromSecret(env, stack.clients.options);
    expect(key?.getFingerprint()).toBe((await readOverlayKey(armored)).getFingerprint());
    const log = awsLogDeps(env, stack.clients, signerFromSecret(logKey, env.logOrigin));
    await initLog(log);
    const { store, url } = awsOverlayStore(env, stack.clients);
    expect(url).toMatch(/\/patched-cpan\/$/);
    const patch = readPatchRecord(FFR_PATCH, readFileSync(fixturePath("patches", FFR_PATCH)));
    const deps = {
      overlay: store,
      log: appendingLog(log),
      key: key!,
      author: "CPANSEC",
      url,
      clock: () => new Date("2026-12-02T03:00:00Z"),
      tool: { name: "t", version: "0" },
    };
    const r = await publishPatched(deps, [{ original: { path: ORIGINAL, bytes: await fileFindRule() }, patches: [patch] }]);
    expect(r).toMatchObject({ existing: 0, failed: [], mismatched: [] });
    const [added] = r.added;
    expect(added?.path).toMatch(/^authors\/id\/C\/CP\/CPANSEC\/File-Find-Rule-0\.34-PATCHED-CVE-2011-10007-r1\.tar\.gz$/);

    const listed = await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: env.logBucket }));
    const keys = (listed.Contents ?? []).map((o) => o.Key as string);
    const overlayKeys = keys.filter((k) => k.startsWith(OVERLAY_PREFIX)).map((k) => k.slice(OVERLAY_PREFIX.length));
    const name = added!.path.slice(0, -".tar.gz".length);
    expect(overlayKeys).toEqual(
      expect.arrayContaining([added!.path, `${name}.cdx.json`, `${name}.spdx.json`, `${name}.tlog-proof`, "authors/id/C/CP/CPANSEC/CHECKSUMS"]),
    );
    expect(overlayKeys).toEqual(expect.arrayContaining(["modules/02packages.details.txt.gz", "RECENT-1h.json", "cpansec-patched.json", KEY_FILE]));
    // Beside the overlay, only the log's own files (checkpoint, vkey, tiles, its staging area).
    expect(keys.filter((k) => !k.startsWith(OVERLAY_PREFIX) && !/^(checkpoint|vkey|tile\/.*|\.staging\/.*)$/.test(k))).toEqual([]);

    const checksums = text(await store.read("authors/id/C/CP/CPANSEC/CHECKSUMS"));
    const published = await readTrustedKeys(new TextEncoder().encode(text(await store.read(KEY_FILE))));
    const verified = await verifyChecksums(checksums, published);
    expect([...verified.entries.keys()]).toEqual(expect.arrayContaining([added!.path.split("/").pop()]));
    const other = await readOverlayKey(await generateOverlayKey("x", "x@example.invalid", new Date("2026-01-01T00:00:00Z")));
    await expect(verifyChecksums(checksums, [other.toPublic()])).rejects.toThrow(/not trusted|does not verify/);

    const ids = await log.index.getMany([`patched:${added!.path}`]);
    expect(ids.get(`patched:${added!.path}`)).toBe(added!.logIndex);
    const v = await verifyLog((p) => log.tiles.read(p), [log.signer], { keepEntries: true });
    expect(v.checkpoint.size).toBe(1);
    expect(readLogEntry(text(v.entries?.[0])).patch).toMatchObject({ original: { path: ORIGINAL }, path: added!.path });
    expect((await readOverlayModel(store)).releases).toHaveLength(1);
  });
});

describe("overlayKeyFromSecret (moto)", () => {
  it("`none` is no overlay; a public key or a mangled key is a configuration error naming the secret", async () => {
    const none = await createTestStack();
    expect(await overlayKeyFromSecret(readAwsEnv(none.env), none.clients.options)).toBeUndefined();
    const pub = (await readOverlayKey(await generateOverlayKey("p", "p@example.invalid", new Date("2026-01-01T00:00:00Z")))).toPublic().armor();
    for (const value of [pub, "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot base64\n-----END PGP PRIVATE KEY BLOCK-----\n"]) {
      const s = await createTestStack({ overlayKey: value });
      const env = readAwsEnv(s.env);
      const e = await overlayKeyFromSecret(env, s.clients.options).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toContain(env.overlayKeySecret as string);
    }
  });
});
