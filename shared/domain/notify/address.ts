/**
 * The SSRF guard's core: may a webhook connect to this IP address? Pure, table-tested
 * (test/unit/notify/address.test.ts). Only globally routable unicast is allowed: private,
 * loopback, link-local (cloud metadata included), shared (CGNAT), multicast, reserved,
 * documentation and benchmarking ranges are refused, in IPv4 and IPv6, and IPv4 addresses hidden in
 * IPv6 (mapped, compatible, NAT64, 6to4, Teredo) are judged by what they embed or refused outright.
 * The sender (shared/adapters/http/webhook.ts) resolves names and asks this for every address.
 */
import { isIP } from "node:net";

export type AddressVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

type V4Rule = readonly [base: number, bits: number, reason: string];

const v4 = (s: string): number => s.split(".").reduce((n, o) => n * 256 + Number(o), 0);

// Most specific first: the first rule that contains the address gives the reason.
const V4_RULES: readonly V4Rule[] = (
  [
    ["169.254.169.254", 32, "the cloud metadata service"],
    ["255.255.255.255", 32, "broadcast"],
    ["0.0.0.0", 8, "'this network' (0.0.0.0/8)"],
    ["10.0.0.0", 8, "private (10.0.0.0/8)"],
    ["100.64.0.0", 10, "shared address space (100.64.0.0/10)"],
    ["127.0.0.0", 8, "loopback"],
    ["169.254.0.0", 16, "link-local (169.254.0.0/16)"],
    ["172.16.0.0", 12, "private (172.16.0.0/12)"],
    ["192.0.0.0", 24, "IETF protocol assignments (192.0.0.0/24)"],
    ["192.0.2.0", 24, "documentation (192.0.2.0/24)"],
    ["192.88.99.0", 24, "6to4 relay anycast (192.88.99.0/24)"],
    ["192.168.0.0", 16, "private (192.168.0.0/16)"],
    ["198.18.0.0", 15, "benchmarking (198.18.0.0/15)"],
    ["198.51.100.0", 24, "documentation (198.51.100.0/24)"],
    ["203.0.113.0", 24, "documentation (203.0.113.0/24)"],
    ["224.0.0.0", 4, "multicast (224.0.0.0/4)"],
    ["240.0.0.0", 4, "reserved (240.0.0.0/4)"],
  ] as const
).map(([b, bits, reason]) => [v4(b), bits, reason] as const);

function inV4(addr: number, base: number, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return addr >= base && addr < base + size;
}

function classifyV4(addr: number, allowLoopback: boolean): AddressVerdict {
  for (const [base, bits, reason] of V4_RULES) {
    if (!inV4(addr, base, bits)) continue;
    if (reason === "loopback" && allowLoopback) return { ok: true };
    return { ok: false, reason };
  }
  return { ok: true };
}

/** 16 bytes of an IPv6 address in any textual form (RFC 4291 §2.2, dotted-quad tail included). */
function v6Bytes(text: string): number[] {
  let s = text;
  const words: number[] = [];
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  const extra: number[] = [];
  if (tail) {
    const n = v4(tail[1] as string);
    extra.push(Math.floor(n / 65536), n % 65536);
    s = s.slice(0, -(tail[1] as string).length);
    if (s.endsWith(":") && !s.endsWith("::")) s = s.slice(0, -1);
  }
  const [head, rest] = s.includes("::") ? (s.split("::") as [string, string]) : [s, undefined];
  const parse = (p: string) => (p ? p.split(":").map((w) => parseInt(w, 16)) : []);
  const h = parse(head);
  const r = rest === undefined ? [] : parse(rest);
  const fill = 8 - h.length - r.length - extra.length;
  words.push(...h, ...(rest === undefined ? [] : new Array<number>(fill).fill(0)), ...r, ...extra);
  return words.flatMap((w) => [w >> 8, w & 255]);
}

const be32 = (b: readonly number[], at: number) =>
  (((b[at] as number) * 256 + (b[at + 1] as number)) * 256 + (b[at + 2] as number)) * 256 + (b[at + 3] as number);
const prefix = (b: readonly number[], p: readonly number[], bits: number) => {
  for (let i = 0; i < bits; i++) if (((b[i >> 3] as number) >> (7 - (i & 7))) % 2 !== ((p[i >> 3] ?? 0) >> (7 - (i & 7))) % 2) return false;
  return true;
};

function embedded(b: readonly number[], at: number, form: string, allowLoopback: boolean): AddressVerdict {
  const inner = classifyV4(be32(b, at), allowLoopback);
  return inner.ok ? inner : { ok: false, reason: `${inner.reason}, as ${form}` };
}

function classifyV6(b: readonly number[], allowLoopback: boolean): AddressVerdict {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 16)) return { ok: false, reason: "the unspecified address (::)" };
  if (zeros(0, 15) && b[15] === 1) return allowLoopback ? { ok: true } : { ok: false, reason: "loopback (::1)" };
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return embedded(b, 12, "an IPv4-mapped IPv6 address", allowLoopback);
  if (zeros(0, 12)) return { ok: false, reason: "an IPv4-compatible IPv6 address (deprecated)" };
  // 64:ff9b::/96, the well-known NAT64 prefix: the gateway connects to the embedded IPv4 address.
  if (prefix(b, [0, 0x64, 0xff, 0x9b], 32) && zeros(4, 12)) return embedded(b, 12, "a NAT64 address", false);
  if (prefix(b, [0, 0x64, 0xff, 0x9b, 0, 1], 48)) return { ok: false, reason: "local-use NAT64 (64:ff9b:1::/48)" };
  if (prefix(b, [0xfd, 0x00, 0x0e, 0xc2], 32) && zeros(4, 14) && b[14] === 0x02 && b[15] === 0x54)
    return { ok: false, reason: "the cloud metadata service (fd00:ec2::254)" };
  if (prefix(b, [0xfc], 7)) return { ok: false, reason: "unique local (fc00::/7)" };
  if (prefix(b, [0xfe, 0x80], 10)) return { ok: false, reason: "link-local (fe80::/10)" };
  if (prefix(b, [0xfe, 0xc0], 10)) return { ok: false, reason: "site-local (fec0::/10)" };
  if (prefix(b, [0xff], 8)) return { ok: false, reason: "multicast (ff00::/8)" };
  if (!prefix(b, [0x20], 3)) return { ok: false, reason: "not global unicast (outside 2000::/3)" };
  if (prefix(b, [0x20, 0x02], 16)) return embedded(b, 2, "a 6to4 address", false);
  if (prefix(b, [0x20, 0x01, 0x0d, 0xb8], 32)) return { ok: false, reason: "documentation (2001:db8::/32)" };
  if (prefix(b, [0x20, 0x01, 0, 0], 32)) return { ok: false, reason: "Teredo (2001::/32)" };
  if (prefix(b, [0x20, 0x01, 0, 0x10], 28)) return { ok: false, reason: "ORCHID (2001:10::/28)" };
  if (prefix(b, [0x20, 0x01, 0, 0x20], 28)) return { ok: false, reason: "ORCHIDv2 (2001:20::/28)" };
  if (prefix(b, [0x20, 0x01, 0, 0], 23)) return { ok: false, reason: "IETF protocol assignments (2001::/23)" };
  return { ok: true };
}

/**
 * Judges one address as `dns.lookup` returns it (canonical text). Anything that is not an IP
 * address in standard notation (`0x7f.1`, `017700000001`, a name) is refused: only a resolver's
 * answer, never user text, should reach a socket.
 */
export function classifyAddress(ip: string, options: { readonly allowLoopback?: boolean } = {}): AddressVerdict {
  const allowLoopback = options.allowLoopback ?? false;
  const bare = ip.replace(/%.*$/, ""); // a zone id (fe80::1%eth0) changes nothing: judge the address
  const family = isIP(bare);
  if (family === 4) return classifyV4(v4(bare), allowLoopback);
  if (family === 6) return classifyV6(v6Bytes(bare), allowLoopback);
  return { ok: false, reason: `not an IP address: ${JSON.stringify(ip)}` };
}

export function isLoopback(ip: string): boolean {
  return !classifyAddress(ip).ok && classifyAddress(ip, { allowLoopback: true }).ok;
}

/**
 * `localhost` and names under `.localhost` are loopback by definition (RFC 6761 §6.3), whatever a
 * resolver says: refusing them is as final as refusing 127.0.0.1, not a retry for when DNS changes.
 */
export function isLoopbackName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost");
}
