// `cpansec run --feed-key`: the feed's detached signature (<feed>.gpg) checked with the trusted
// key, what it used recorded in every advisories.json, and a feed that fails not used at all.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import { buildMirror } from "../../cli/demo/mirror";
import { runCli } from "../helpers/cli";
import { cgiFeed, cgiFeedWithDemoCoreAdvisory } from "../helpers/feeds";
import { testKey } from "../helpers/pgp";

describe("cpansec run --feed-key", () => {
  it("records the verifying key, refuses a feed whose signature fails (the previous stays), and records unverified without a key", async () => {
    const root = mkdtempSync(join(tmpdir(), "cpansec-feed-key-"));
    mkdirSync(join(root, "mirror"));
    const mirror = await buildMirror(join(root, "mirror"), [{ author: "ALICE", name: "Demo-Core", version: "1.0" }]);
    writeFileSync(join(root, "pause.asc"), mirror.publicKey);
    const maintainer = await testKey("CPANSA feed maintainer");
    writeFileSync(join(root, "feed.asc"), maintainer.publicKey.armor());
    const fingerprint = maintainer.publicKey.getFingerprint().toUpperCase();
    const feedFile = join(root, "feed.json");
    const publish = async (feed: object, signer = maintainer.privateKey) => {
      const bytes = new TextEncoder().encode(JSON.stringify(feed));
      writeFileSync(feedFile, bytes);
      writeFileSync(`${feedFile}.gpg`, await openpgp.sign({ message: await openpgp.createMessage({ binary: bytes }), signingKeys: signer, detached: true }));
    };
    const run = (data: string, ...extra: string[]) =>
      runCli([
        "run",
        "--once",
        "--mirror",
        join(root, "mirror"),
        "--data",
        join(root, data),
        "--advisories",
        feedFile,
        "--trust-key",
        join(root, "pause.asc"),
        ...extra,
      ]);
    const advisories = (data: string) => JSON.parse(readFileSync(join(root, data, "releases/ALICE/Demo-Core-1.0.tar.gz/advisories.json"), "utf8"));

    await publish(cgiFeed());
    const first = run("data", "--feed-key", join(root, "feed.asc"));
    expect(first.stdout).toMatch(new RegExp(`advisory feed: updated .*, signature verified by ${fingerprint}`));
    expect(first.status).toBe(0);
    const used = advisories("data").feed;
    expect(used).toMatchObject({ verified: { key: fingerprint } });

    // A later feed signed by someone else: refused, said plainly; the stored answers keep the old feed.
    await publish(cgiFeedWithDemoCoreAdvisory(), (await testKey("not the maintainer")).privateKey);
    const refused = run("data", "--feed-key", join(root, "feed.asc"));
    expect(refused.stdout).toMatch(
      /advisory feed: rejected \(the feed is signed by key [0-9A-F]+, which is not a trusted feed key\); NOT USED, the previous feed stays in use/,
    );
    expect(advisories("data").feed).toEqual(used);
    expect(advisories("data").findings).toEqual([]);
    // The same feed, tampered after signing: refused too.
    await publish(cgiFeedWithDemoCoreAdvisory());
    writeFileSync(feedFile, readFileSync(feedFile, "utf8").replace("found later", "found later!"));
    expect(run("data", "--feed-key", join(root, "feed.asc")).stdout).toMatch(/rejected \(the feed's signature does not verify with trusted key/);
    expect(advisories("data").feed).toEqual(used);

    // No key configured: used, and recorded as unverified.
    const plain = run("plain");
    expect(plain.stdout).toMatch(/advisory feed: updated .*signature not checked \(no --feed-key\)/);
    expect(advisories("plain")).toMatchObject({ feed: { verified: false }, findings: [expect.objectContaining({ advisory: "CPANSA-Demo-Core-2026-1" })] });
  });
});
