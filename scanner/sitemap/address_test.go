package sitemap_test

import (
	"net/netip"
	"testing"

	"github.com/dbaudit/dbaudit/scanner/sitemap"
)

// registryCases is written out independently of the table in address.go:
// every entry of the IANA IPv4 and IPv6 Special-Purpose Address Registries
// with its first and last address and whether the scanner may connect
// there ("Globally Reachable" True; False or N/A refuse).
var registryCases = []struct {
	entry string
	addrs []string
	allow bool
}{
	// https://www.iana.org/assignments/iana-ipv4-special-registry/
	{"0.0.0.0/8", []string{"0.0.0.1", "0.255.255.255"}, false},
	{"0.0.0.0/32", []string{"0.0.0.0"}, false},
	{"10.0.0.0/8", []string{"10.0.0.0", "10.255.255.255"}, false},
	{"100.64.0.0/10", []string{"100.64.0.0", "100.127.255.255"}, false},
	{"127.0.0.0/8", []string{"127.0.0.0", "127.0.0.1", "127.255.255.255"}, false},
	{"169.254.0.0/16", []string{"169.254.0.0", "169.254.169.254", "169.254.255.255"}, false},
	{"172.16.0.0/12", []string{"172.16.0.0", "172.31.255.255"}, false},
	{"192.0.0.0/24", []string{"192.0.0.11", "192.0.0.255"}, false},
	{"192.0.0.0/29", []string{"192.0.0.0", "192.0.0.7"}, false},
	{"192.0.0.8/32", []string{"192.0.0.8"}, false},
	{"192.0.0.9/32", []string{"192.0.0.9"}, true},
	{"192.0.0.10/32", []string{"192.0.0.10"}, true},
	{"192.0.0.170/32", []string{"192.0.0.170"}, false},
	{"192.0.0.171/32", []string{"192.0.0.171"}, false},
	{"192.0.2.0/24", []string{"192.0.2.0", "192.0.2.1", "192.0.2.255"}, false},
	{"192.31.196.0/24", []string{"192.31.196.0", "192.31.196.255"}, true},
	{"192.52.193.0/24", []string{"192.52.193.0", "192.52.193.255"}, true},
	{"192.88.99.0/24", []string{"192.88.99.0", "192.88.99.1", "192.88.99.255"}, false},
	{"192.88.99.2/32", []string{"192.88.99.2"}, false},
	{"192.168.0.0/16", []string{"192.168.0.0", "192.168.255.255"}, false},
	{"192.175.48.0/24", []string{"192.175.48.0", "192.175.48.255"}, true},
	{"198.18.0.0/15", []string{"198.18.0.0", "198.19.255.255"}, false},
	{"198.51.100.0/24", []string{"198.51.100.0", "198.51.100.255"}, false},
	{"203.0.113.0/24", []string{"203.0.113.0", "203.0.113.255"}, false},
	{"240.0.0.0/4", []string{"240.0.0.0", "255.255.255.254"}, false},
	{"255.255.255.255/32", []string{"255.255.255.255"}, false},

	// https://www.iana.org/assignments/iana-ipv6-special-registry/
	{"::1/128", []string{"::1"}, false},
	{"::/128", []string{"::"}, false},
	// IPv4-mapped addresses reach the IPv4 address they carry: judged as it.
	{"::ffff:0:0/96", []string{"::ffff:0.0.0.0", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:192.0.2.1", "::ffff:255.255.255.255"}, false},
	// The well-known NAT64 prefix is globally reachable, but a NAT64
	// gateway reaches the IPv4 address it carries: judged as it.
	{"64:ff9b::/96", []string{"64:ff9b::", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::c000:201", "64:ff9b::ffff:ffff"}, false},
	{"64:ff9b:1::/48", []string{"64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "64:ff9b:1::808:808"}, false},
	{"100::/64", []string{"100::", "100::ffff:ffff:ffff:ffff"}, false},
	{"100:0:0:1::/64", []string{"100:0:0:1::", "100::1:ffff:ffff:ffff:ffff"}, false},
	{"2001::/23", []string{"2001:4::", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:1::4", "2001:100::1"}, false},
	{"2001::/32", []string{"2001::", "2001:0:808:808::1", "2001:0:ffff:ffff:ffff:ffff:ffff:ffff"}, false},
	{"2001:1::1/128", []string{"2001:1::1"}, true},
	{"2001:1::2/128", []string{"2001:1::2"}, true},
	{"2001:1::3/128", []string{"2001:1::3"}, true},
	{"2001:2::/48", []string{"2001:2::", "2001:2:0:ffff:ffff:ffff:ffff:ffff"}, false},
	{"2001:3::/32", []string{"2001:3::", "2001:3:ffff:ffff:ffff:ffff:ffff:ffff"}, true},
	{"2001:4:112::/48", []string{"2001:4:112::", "2001:4:112:ffff:ffff:ffff:ffff:ffff"}, true},
	{"2001:10::/28", []string{"2001:10::", "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff"}, false},
	{"2001:20::/28", []string{"2001:20::", "2001:2f:ffff:ffff:ffff:ffff:ffff:ffff"}, true},
	{"2001:30::/28", []string{"2001:30::", "2001:3f:ffff:ffff:ffff:ffff:ffff:ffff"}, true},
	{"2001:db8::/32", []string{"2001:db8::", "2001:db8::1", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"}, false},
	{"2002::/16", []string{"2002::", "2002:808:808::1", "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}, false},
	{"2620:4f:8000::/48", []string{"2620:4f:8000::", "2620:4f:8000:ffff:ffff:ffff:ffff:ffff"}, true},
	{"3fff::/20", []string{"3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff"}, false},
	{"5f00::/16", []string{"5f00::", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}, false},
	{"fc00::/7", []string{"fc00::", "fd00::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}, false},
	{"fe80::/10", []string{"fe80::", "fe80::1", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}, false},
}

// outsideRegistryCases are not registry entries: multicast, and IPv6 outside
// the global unicast space 2000::/3 (site-local, IPv4-compatible, reserved).
var outsideRegistryCases = []struct {
	name  string
	addrs []string
	allow bool
}{
	{"IPv4 multicast", []string{"224.0.0.0", "224.0.0.1", "233.252.0.1", "239.255.255.255"}, false},
	{"IPv6 multicast", []string{"ff02::1", "ff05::2", "ff0e::1"}, false},
	{"site-local fec0::/10 (deprecated)", []string{"fec0::", "fec0::1", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}, false},
	{"IPv4-compatible ::/96 (deprecated)", []string{"::127.0.0.1", "::8.8.8.8", "::2"}, false},
	{"IPv4-translated ::ffff:0:0:0/96", []string{"::ffff:0:808:808"}, false},
	{"reserved IPv6 outside 2000::/3", []string{"4000::1", "8000::1", "e000::1", "1::1"}, false},
	{"zoned link-local", []string{"fe80::1%eth0"}, false},
	{"global look-alikes", []string{
		"8.8.8.8", "1.1.1.1", "93.184.216.34", "9.255.255.255", "11.0.0.0",
		"100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0",
		"169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0",
		"192.0.1.255", "192.0.3.0", "192.88.98.255", "192.88.100.0", "192.167.255.255", "192.169.0.0",
		"198.17.255.255", "198.20.0.0", "198.51.99.255", "198.51.101.0", "203.0.112.255", "203.0.114.0",
		"223.255.255.255",
		"2606:4700::1", "2606:4700::1111", "2001:4860:4860::8888", "2000::1", "2001:200::1",
		"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::", "2003::1", "3ffe:ffff::1", "2620:4f:7fff::1",
		"::ffff:8.8.8.8", "64:ff9b::808:808", "64:ff9b::101:101",
	}, true},
}

func TestBlockedReasonFollowsTheIANARegistries(t *testing.T) {
	t.Parallel()
	check := func(label, addr string, allow bool) {
		t.Helper()
		ip := netip.MustParseAddr(addr)
		reason := sitemap.BlockedReason(ip)
		if allow && reason != "" {
			t.Errorf("%s: %s refused as %q, want allowed", label, addr, reason)
		}
		if !allow && reason == "" {
			t.Errorf("%s: %s allowed, want refused", label, addr)
		}
	}
	covered := map[netip.Prefix]bool{}
	for _, c := range registryCases {
		covered[netip.MustParsePrefix(c.entry)] = true
		for _, a := range c.addrs {
			check(c.entry, a, c.allow)
		}
	}
	for _, c := range outsideRegistryCases {
		for _, a := range c.addrs {
			check(c.name, a, c.allow)
		}
	}
	// Every row of the scanner's table has cases here, and every case
	// matches the row's Globally Reachable value.
	for _, e := range sitemap.SpecialPurposeRegistry() {
		if !covered[e.Prefix] {
			t.Errorf("registry entry %s (%s) has no test case", e.Prefix, e.Name)
		}
	}
	if n := len(sitemap.SpecialPurposeRegistry()); n != len(registryCases) {
		t.Errorf("the scanner's table has %d entries, the test %d", n, len(registryCases))
	}
}
