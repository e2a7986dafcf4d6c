// The bucket-prefix patch source on moto: the `.patch` keys under the prefix in layout paths, a
// missing one undefined, one over the size limit refused by what is read (at most one byte over).
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { PATCH_SOURCE_PREFIX, S3PatchSource } from "../../shared/adapters/aws/s3-patch-source";
import { PatchError } from "../../shared/domain/patches/errors";
import { motoClients, uniquePrefix } from "../helpers/aws";

describe("S3PatchSource (moto)", () => {
  it("lists the prefix's .patch keys as layout paths and reads them under the limit", async () => {
    const { s3 } = motoClients();
    const bucket = `${uniquePrefix()}-artifacts`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    await put(`${PATCH_SOURCE_PREFIX}C/CGI/3.62/CVE-2012-5526-r1.patch`, "small");
    await put(`${PATCH_SOURCE_PREFIX}C/CGI/3.62/README`, "not a patch");
    await put(`${PATCH_SOURCE_PREFIX}B/Big/1.0/CVE-2026-1-r1.patch`, "x".repeat(100));
    await put("elsewhere/A/A/1/CVE-2026-2-r1.patch", "outside the prefix");
    const source = new S3PatchSource(s3, bucket);
    expect(source.location).toBe(`s3://${bucket}/${PATCH_SOURCE_PREFIX}`);
    expect((await source.list()).sort()).toEqual(["B/Big/1.0/CVE-2026-1-r1.patch", "C/CGI/3.62/CVE-2012-5526-r1.patch"]);
    expect(new TextDecoder().decode(await source.read("C/CGI/3.62/CVE-2012-5526-r1.patch", 64))).toBe("small");
    expect(await source.read("C/CGI/3.62/CVE-2012-5526-r9.patch", 64)).toBeUndefined();
    const e = await source.read("B/Big/1.0/CVE-2026-1-r1.patch", 64).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PatchError);
    expect((e as PatchError).code).toBe("limit");
    expect(source.url("C/CGI/3.62/CVE-2012-5526-r1.patch")).toBe(`s3://${bucket}/${PATCH_SOURCE_PREFIX}C/CGI/3.62/CVE-2012-5526-r1.patch`);
  });
});
