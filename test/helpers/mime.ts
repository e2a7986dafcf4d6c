// A small RFC 5322 / MIME reader for tests: unfolds headers (keeping every header line, so an
// injected header would show up), splits multipart bodies, decodes quoted-printable and base64.
export interface MimePart {
  readonly headers: Array<[name: string, value: string]>;
  readonly body: string;
  readonly parts: MimePart[];
}

export const header = (p: MimePart, name: string) => p.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);

function decodeBody(body: string, encoding: string | undefined): string {
  if (encoding?.toLowerCase() === "quoted-printable")
    return Buffer.from(
      body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      "latin1",
    ).toString("utf8");
  if (encoding?.toLowerCase() === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return body;
}

export function parseMime(raw: string): MimePart {
  const text = raw.replace(/\r\n/g, "\n");
  const split = text.indexOf("\n\n");
  if (split < 0) throw new Error("no blank line between headers and body");
  const headers: Array<[string, string]> = [];
  for (const line of text.slice(0, split).split("\n")) {
    if (/^[ \t]/.test(line)) {
      const last = headers[headers.length - 1];
      if (!last) throw new Error("continuation line before any header");
      last[1] += ` ${line.trim()}`;
      continue;
    }
    const m = /^([!-9;-~]+):[ \t]?(.*)$/.exec(line);
    if (!m) throw new Error(`not a header line: ${JSON.stringify(line)}`);
    headers.push([m[1] as string, m[2] as string]);
  }
  const body = text.slice(split + 2);
  const type = header({ headers, body, parts: [] }, "Content-Type")[0] ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  if (!/^multipart\//i.test(type) || !boundary)
    return { headers, body: decodeBody(body, header({ headers, body, parts: [] }, "Content-Transfer-Encoding")[0]), parts: [] };
  const chunks = body.split(`--${boundary}`);
  if (!chunks[chunks.length - 1]?.startsWith("--")) throw new Error("multipart without a closing boundary");
  const parts = chunks.slice(1, -1).map((c) => parseMime(c.replace(/^\n/, "").replace(/\n$/, "")));
  return { headers, body: "", parts };
}
