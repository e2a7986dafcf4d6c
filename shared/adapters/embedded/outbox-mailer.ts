/**
 * Mailer into a directory: each message an RFC 5322 file `<data>/outbox/<message id>.eml`, for
 * `cpansec run` without `--smtp` (read them with any mail client, or hand them to sendmail).
 * A message already in the outbox is not written again: resending is a no-op.
 */
import { existsSync, linkSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EmailMessage } from "../../domain/notify/email";
import type { Mailer } from "../../ports";
import { composeEmail } from "../mail/compose";

export class OutboxMailer implements Mailer {
  constructor(
    readonly dir: string,
    private readonly domain = "cpansec.localhost",
    private readonly clock: () => Date = () => new Date(),
  ) {}

  file(id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`refusing message id ${JSON.stringify(id)}`);
    return join(this.dir, `${id}.eml`);
  }

  async send(m: EmailMessage): Promise<void> {
    const file = this.file(m.id);
    if (existsSync(file)) return;
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, await composeEmail(m, this.domain, this.clock()));
    try {
      linkSync(tmp, file); // whole or not at all; an existing file wins
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      unlinkSync(tmp);
    }
  }
}
