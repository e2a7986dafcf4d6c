// The embedded store holds webhook secrets: its files are owner-only whatever the umask.
import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EmbeddedDb } from "../../shared/adapters/embedded/sqlite-db";

const mode = (f: string) => statSync(f).mode & 0o777;
// The usual umask, under which files are created world-readable unless asked otherwise.
const original = process.umask(0o022);
afterAll(() => void process.umask(original));

describe("EmbeddedDb file modes", () => {
  it("creates cpansec.db and its WAL files 0600 under a umask of 022", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cpansec-mode-")), "cpansec.db");
    const db = new EmbeddedDb(file);
    await db.subscriptions().create({
      id: "sub_1",
      createdAt: "2026-01-01T00:00:00Z",
      target: { kind: "webhook", url: "https://h.example/x", secret: `whsec_${"A".repeat(43)}=` },
      filter: { events: [], distributions: [], authors: [] },
    });
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    db.close();
  });

  it("tightens a database an older version left 0644", () => {
    const file = join(mkdtempSync(join(tmpdir(), "cpansec-mode-")), "cpansec.db");
    writeFileSync(file, "");
    chmodSync(file, 0o644);
    new EmbeddedDb(file).close();
    expect(mode(file)).toBe(0o600);
  });
});
