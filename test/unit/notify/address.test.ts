import { describe, expect, it } from "vitest";
import { classifyAddress, isLoopback, isLoopbackName } from "../../../shared/domain/notify/address";

// [address, allowed?, reason pattern when refused]
const TABLE: ReadonlyArray<readonly [string, boolean, RegExp?]> = [
  ["93.184.216.34", true],
  ["8.8.8.8", true],
  ["1.1.1.1", true],
  ["0.0.0.0", false, /this network/],
  ["0.255.1.2", false, /this network/],
  ["10.0.0.1", false, /private \(10/],
  ["10.255.255.255", false, /private/],
  ["11.0.0.1", true],
  ["100.63.255.255", true],
  ["100.64.0.1", false, /shared address space/],
  ["100.127.255.255", false, /shared/],
  ["100.128.0.0", true],
  ["127.0.0.1", false, /loopback/],
  ["127.1.2.3", false, /loopback/],
  ["169.254.169.254", false, /metadata/],
  ["169.254.0.1", false, /link-local/],
  ["172.15.255.255", true],
  ["172.16.0.1", false, /private \(172/],
  ["172.31.255.255", false, /private/],
  ["172.32.0.0", true],
  ["192.0.0.8", false, /IETF/],
  ["192.0.2.1", false, /documentation/],
  ["192.88.99.1", false, /6to4 relay/],
  ["192.168.1.1", false, /private \(192\.168/],
  ["192.169.0.1", true],
  ["198.18.0.1", false, /benchmarking/],
  ["198.19.255.255", false, /benchmarking/],
  ["198.20.0.0", true],
  ["198.51.100.7", false, /documentation/],
  ["203.0.113.9", false, /documentation/],
  ["224.0.0.1", false, /multicast/],
  ["239.255.255.250", false, /multicast/],
  ["240.0.0.1", false, /reserved/],
  ["255.255.255.255", false, /broadcast/],
  // IPv6
  ["2606:4700:4700::1111", true],
  ["2001:4860:4860::8888", true],
  ["::", false, /unspecified/],
  ["::1", false, /loopback/],
  ["0:0:0:0:0:0:0:1", false, /loopback/],
  ["::ffff:127.0.0.1", false, /loopback, as an IPv4-mapped/],
  ["::ffff:7f00:1", false, /loopback, as an IPv4-mapped/],
  ["::ffff:169.254.169.254", false, /metadata service, as an IPv4-mapped/],
  ["::ffff:10.1.2.3", false, /private/],
  ["::ffff:8.8.8.8", true],
  ["::127.0.0.1", false, /IPv4-compatible/],
  ["::8.8.8.8", false, /IPv4-compatible/],
  ["64:ff9b::10.0.0.1", false, /private.*NAT64/],
  ["64:ff9b::7f00:1", false, /loopback.*NAT64/],
  ["64:ff9b::8.8.8.8", true],
  ["64:ff9b:1::1", false, /local-use NAT64/],
  ["2002:7f00:1::", false, /loopback.*6to4/],
  ["2002:c0a8:101::1", false, /private.*6to4/],
  ["2002:808:808::1", true],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", false, /Teredo/],
  ["2001:db8::1", false, /documentation/],
  ["2001:10::1", false, /ORCHID/],
  ["fd00:ec2::254", false, /metadata/],
  ["fd00::1", false, /unique local/],
  ["fc00::1", false, /unique local/],
  ["fe80::1", false, /link-local/],
  ["fe80::1%eth0", false, /link-local/],
  ["febf::1", false, /link-local/],
  ["fec0::1", false, /site-local/],
  ["ff02::1", false, /multicast/],
  ["ff0e::1", false, /multicast/],
  ["100::1", false, /not global unicast/],
  ["4000::1", false, /not global unicast/],
  // Not IP addresses in standard notation: never judged as one.
  ["0x7f.1", false, /not an IP address/],
  ["017700000001", false, /not an IP address/],
  ["2130706433", false, /not an IP address/],
  ["127.1", false, /not an IP address/],
  ["localhost", false, /not an IP address/],
  ["", false, /not an IP address/],
  ["1.2.3.4 ", false, /not an IP address/],
];

describe("classifyAddress", () => {
  it.each(TABLE.map(([ip, allowed, reason]) => ({ ip, allowed, reason })))("$ip → allowed $allowed", ({ ip, allowed, reason }) => {
    const v = classifyAddress(ip);
    expect(v.ok).toBe(allowed);
    if (!v.ok && reason) expect(v.reason).toMatch(reason);
  });

  it("allows loopback, and only loopback, when asked", () => {
    for (const ip of ["127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"]) expect(classifyAddress(ip, { allowLoopback: true }).ok).toBe(true);
    for (const ip of ["10.0.0.1", "192.168.0.1", "169.254.169.254", "fd00::1", "0.0.0.0", "::", "64:ff9b::7f00:1", "2002:7f00:1::"])
      expect(classifyAddress(ip, { allowLoopback: true }).ok).toBe(false);
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("8.8.8.8")).toBe(false);
    expect(isLoopback("10.0.0.1")).toBe(false);
  });
});

describe("isLoopbackName", () => {
  it.each([
    ["localhost", true],
    ["LOCALHOST.", true],
    ["hooks.localhost", true],
    ["localhost.example.com", false],
    ["notlocalhost", false],
    ["example.com", false],
  ])("%s → %s", (host, loopback) => expect(isLoopbackName(host)).toBe(loopback));
});
