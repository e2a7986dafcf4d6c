import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import { CURRENT, refreshAdvisories } from "../../functions/refresh-advisories/refresh-advisories";
import { currentFeed } from "../../shared/pipeline/match-inputs";
import { MemoryTileStore } from "../fakes/memory-log";
import { testKey } from "../helpers/pgp";

const feed = (ranges: string[]) =>
  new TextEncoder().encode(
    JSON.stringify({
      meta: { date: "d", commit: ranges.join() },
      module2dist: {},
      dists: { Foo: { versions: [], advisories: [{ id: "A-1", affected_versions: ranges }] } },
    }),
  );

describe("refreshAdvisories", () => {
  it("stores a snapshot, moves the pointer, reports what changed, and keeps the old feed on a bad one", async () => {
    const blobs = new MemoryTileStore();
    let next = feed(["<1"]);
    const deps = { blobs, fetchFeed: async () => next, now: () => new Date("2026-11-25T00:00:00Z") };
    const first = await refreshAdvisories(deps);
    expect(first).toMatchObject({ status: "updated", diff: { added: ["A-1"], distributions: ["Foo"] } });
    expect(await refreshAdvisories(deps)).toMatchObject({ status: "unchanged" });
    next = feed(["<2"]);
    expect(await refreshAdvisories(deps)).toMatchObject({
      status: "updated",
      diff: { added: [], changed: ["A-1"], distributions: ["Foo"] },
      previous: { commit: "<1" },
    });
    const pointer = blobs.objects.get(CURRENT);
    next = new TextEncoder().encode('{"dists": 5}');
    const rejected = await refreshAdvisories(deps);
    expect(rejected).toMatchObject({ status: "rejected", reason: expect.stringMatching(/does not match the schema at dists/), feed: { commit: "<2" } });
    expect(blobs.objects.get(CURRENT)).toBe(pointer);
    expect((await currentFeed(blobs))?.version.commit).toBe("<2");
  });
});

// The feed's detached signature: the key that signs the published feed is not on this machine, so
// these tests make their own and sign feeds with it as the feed's maintainers would (`gpg -b`).
describe("refreshAdvisories with a trusted feed key", () => {
  const sign = async (bytes: Uint8Array, key: openpgp.PrivateKey, armored: boolean) => {
    const message = await openpgp.createMessage({ binary: bytes });
    const sig = armored
      ? await openpgp.sign({ message, signingKeys: key, detached: true })
      : await openpgp.sign({ message, signingKeys: key, detached: true, format: "binary" });
    return typeof sig === "string" ? new TextEncoder().encode(sig) : (sig as Uint8Array);
  };

  it("uses a feed whose signature verifies, recording the key; refuses a bad signature, a wrong key or a missing signature, keeping the previous feed", async () => {
    const maintainer = await testKey("CPANSA feed maintainer");
    const stranger = await testKey("someone else");
    const fingerprint = maintainer.publicKey.getFingerprint().toUpperCase();
    const blobs = new MemoryTileStore();
    let bytes = feed(["<1"]);
    let signature: Uint8Array | undefined = await sign(bytes, maintainer.privateKey, true);
    const deps = {
      blobs,
      fetchFeed: async () => bytes,
      fetchSignature: async () => signature,
      feedKeys: [maintainer.publicKey],
      now: () => new Date("2026-11-25T00:00:00Z"),
    };
    expect(await refreshAdvisories(deps)).toMatchObject({ status: "updated", verified: { key: fingerprint } });
    expect(JSON.parse(new TextDecoder().decode(blobs.objects.get(CURRENT)))).toMatchObject({ commit: "<1", verified: { key: fingerprint } });
    const pointer = blobs.objects.get(CURRENT);

    const refused = async (reason: RegExp) => {
      expect(await refreshAdvisories(deps)).toMatchObject({ status: "rejected", reason: expect.stringMatching(reason), feed: { commit: "<1" } });
      expect(blobs.objects.get(CURRENT)).toBe(pointer);
      expect((await currentFeed(blobs))?.version.commit).toBe("<1");
    };
    bytes = feed(["<2"]); // a changed feed with the old signature
    await refused(/does not verify with trusted key/);
    signature = await sign(bytes, stranger.privateKey, true);
    await refused(/signed by key [0-9A-F]+, which is not a trusted feed key/);
    signature = undefined;
    await refused(/a feed key is configured, but the feed has no signature/);
    signature = new TextEncoder().encode("-----BEGIN PGP SIGNATURE-----\n\nnot base64 at all\n-----END PGP SIGNATURE-----\n");
    await refused(/not an OpenPGP signature/);

    signature = await sign(bytes, maintainer.privateKey, false); // binary (`gpg -b` without --armor)
    expect(await refreshAdvisories(deps)).toMatchObject({ status: "updated", verified: { key: fingerprint }, feed: { commit: "<2" } });
  });

  it("records an unverified feed when no key is configured, and moves the pointer when the same bytes later verify", async () => {
    const maintainer = await testKey("CPANSA feed maintainer");
    const blobs = new MemoryTileStore();
    const bytes = feed(["<1"]);
    const base = { blobs, fetchFeed: async () => bytes, now: () => new Date("2026-11-25T00:00:00Z") };
    expect(await refreshAdvisories(base)).toMatchObject({ status: "updated", verified: false });
    expect(JSON.parse(new TextDecoder().decode(blobs.objects.get(CURRENT)))).toMatchObject({ verified: false });
    expect(await refreshAdvisories(base)).toMatchObject({ status: "unchanged", verified: false });
    const signed = { ...base, feedKeys: [maintainer.publicKey], fetchSignature: async () => sign(bytes, maintainer.privateKey, true) };
    expect(await refreshAdvisories(signed)).toMatchObject({
      status: "updated",
      verified: { key: maintainer.publicKey.getFingerprint().toUpperCase() },
      diff: { added: [], changed: [] },
    });
  });
});
