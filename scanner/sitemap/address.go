package sitemap

import (
	"net/netip"
	"slices"
)

// SpecialPurpose is one entry of the IANA Special-Purpose Address Registries.
type SpecialPurpose struct {
	Prefix netip.Prefix
	// Name is the registry's name for the block.
	Name string
	// GloballyReachable is the registry's "Globally Reachable" column;
	// entries marked N/A (Teredo, 6to4, deprecated blocks) count as false.
	GloballyReachable bool
	// reason is how a refusal describes the address.
	reason string
}

// specialPurpose transcribes, entry by entry, with each entry's "Globally
// Reachable" value:
//   - the IANA IPv4 Special-Purpose Address Registry,
//     https://www.iana.org/assignments/iana-ipv4-special-registry/
//   - the IANA IPv6 Special-Purpose Address Registry,
//     https://www.iana.org/assignments/iana-ipv6-special-registry/
//
// (RFC 6890 and RFC 8190 define the registries; both last updated 2025.)
// The most specific entry containing an address decides, so the globally
// reachable anycast exceptions inside 192.0.0.0/24 and 2001::/23 are allowed.
var specialPurpose = []SpecialPurpose{
	// IPv4.
	{p("0.0.0.0/8"), `"This network"`, false, "this-network"},
	{p("0.0.0.0/32"), `"This host on this network"`, false, "unspecified"},
	{p("10.0.0.0/8"), "Private-Use", false, "private"},
	{p("100.64.0.0/10"), "Shared Address Space", false, "shared (carrier-grade NAT)"},
	{p("127.0.0.0/8"), "Loopback", false, "loopback"},
	{p("169.254.0.0/16"), "Link Local", false, "link-local"},
	{p("172.16.0.0/12"), "Private-Use", false, "private"},
	{p("192.0.0.0/24"), "IETF Protocol Assignments", false, "IETF protocol assignment"},
	{p("192.0.0.0/29"), "IPv4 Service Continuity Prefix", false, "IETF protocol assignment"},
	{p("192.0.0.8/32"), "IPv4 dummy address", false, "dummy"},
	{p("192.0.0.9/32"), "Port Control Protocol Anycast", true, ""},
	{p("192.0.0.10/32"), "Traversal Using Relays around NAT Anycast", true, ""},
	{p("192.0.0.170/32"), "NAT64/DNS64 Discovery", false, "NAT64 discovery"},
	{p("192.0.0.171/32"), "NAT64/DNS64 Discovery", false, "NAT64 discovery"},
	{p("192.0.2.0/24"), "Documentation (TEST-NET-1)", false, "documentation"},
	{p("192.31.196.0/24"), "AS112-v4", true, ""},
	{p("192.52.193.0/24"), "AMT", true, ""},
	{p("192.88.99.0/24"), "Deprecated (6to4 Relay Anycast)", false, "deprecated 6to4 relay anycast"},
	{p("192.88.99.2/32"), "6a44-relay anycast address", false, "6a44 relay anycast"},
	{p("192.168.0.0/16"), "Private-Use", false, "private"},
	{p("192.175.48.0/24"), "Direct Delegation AS112 Service", true, ""},
	{p("198.18.0.0/15"), "Benchmarking", false, "benchmarking"},
	{p("198.51.100.0/24"), "Documentation (TEST-NET-2)", false, "documentation"},
	{p("203.0.113.0/24"), "Documentation (TEST-NET-3)", false, "documentation"},
	{p("240.0.0.0/4"), "Reserved", false, "reserved"},
	{p("255.255.255.255/32"), "Limited Broadcast", false, "broadcast"},

	// IPv6.
	{p("::1/128"), "Loopback Address", false, "loopback"},
	{p("::/128"), "Unspecified Address", false, "unspecified"},
	// Judged by the IPv4 address it carries (see BlockedReason); the row
	// is here for completeness.
	{p("::ffff:0:0/96"), "IPv4-mapped Address", false, "IPv4-mapped"},
	// Globally reachable, but a NAT64 gateway connects to the IPv4 address
	// it carries, so that address is judged too (see BlockedReason).
	{p("64:ff9b::/96"), "IPv4-IPv6 Translat.", true, ""},
	{p("64:ff9b:1::/48"), "IPv4-IPv6 Translat.", false, "local-use NAT64"},
	{p("100::/64"), "Discard-Only Address Block", false, "discard-only"},
	{p("100:0:0:1::/64"), "Dummy IPv6 Prefix", false, "dummy"},
	{p("2001::/23"), "IETF Protocol Assignments", false, "IETF protocol assignment"},
	{p("2001::/32"), "TEREDO", false, "Teredo"}, // N/A
	{p("2001:1::1/128"), "Port Control Protocol Anycast", true, ""},
	{p("2001:1::2/128"), "Traversal Using Relays around NAT Anycast", true, ""},
	{p("2001:1::3/128"), "DNS-SD Service Registration Protocol Anycast", true, ""},
	{p("2001:2::/48"), "Benchmarking", false, "benchmarking"},
	{p("2001:3::/32"), "AMT", true, ""},
	{p("2001:4:112::/48"), "AS112-v6", true, ""},
	{p("2001:10::/28"), "Deprecated (previously ORCHID)", false, "deprecated ORCHID"}, // N/A
	{p("2001:20::/28"), "ORCHIDv2", true, ""},
	{p("2001:30::/28"), "Drone Remote ID Protocol Entity Tags (DETs) Prefix", true, ""},
	{p("2001:db8::/32"), "Documentation", false, "documentation"},
	{p("2002::/16"), "6to4", false, "6to4"}, // N/A
	{p("2620:4f:8000::/48"), "Direct Delegation AS112 Service", true, ""},
	{p("3fff::/20"), "Documentation", false, "documentation"},
	{p("5f00::/16"), "Segment Routing (SRv6) SIDs", false, "segment routing"},
	{p("fc00::/7"), "Unique-Local", false, "private"},
	{p("fe80::/10"), "Link-Local Unicast", false, "link-local"},
}

func p(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// bySpecificity is specialPurpose, most specific prefix first.
var bySpecificity = func() []SpecialPurpose {
	s := slices.Clone(specialPurpose)
	slices.SortStableFunc(s, func(a, b SpecialPurpose) int { return b.Prefix.Bits() - a.Prefix.Bits() })
	return s
}()

var (
	nat64Prefix = p("64:ff9b::/96")
	// ipv6GlobalUnicast is the only IPv6 space IANA allocates for global
	// unicast (the IPv6 Address Space registry); the rest is reserved,
	// multicast, link- or site-local.
	ipv6GlobalUnicast = p("2000::/3")
)

// SpecialPurposeRegistry returns the registry entries the scanner applies.
func SpecialPurposeRegistry() []SpecialPurpose { return slices.Clone(specialPurpose) }

// BlockedReason says why the scanner may not connect to ip by default, or
// "" when it may. It denies by default: only globally reachable unicast is
// allowed, that is an address whose most specific IANA special-purpose
// entry is globally reachable, or that is in no entry and is IPv4 unicast
// or in the IPv6 global unicast space 2000::/3. IPv4-mapped and NAT64
// addresses are judged by the IPv4 address they carry.
func BlockedReason(ip netip.Addr) string {
	if !ip.IsValid() {
		return "invalid"
	}
	if ip.Zone() != "" {
		return "scoped (zoned)"
	}
	if ip.Is4In6() {
		return BlockedReason(ip.Unmap())
	}
	if nat64Prefix.Contains(ip) {
		b := ip.As16()
		if reason := BlockedReason(netip.AddrFrom4([4]byte(b[12:]))); reason != "" {
			return "NAT64-translated " + reason
		}
		return ""
	}
	for _, e := range bySpecificity {
		if e.Prefix.Contains(ip) {
			return e.reason
		}
	}
	switch {
	case ip.IsMulticast():
		return "multicast"
	case ip.Is6() && !ipv6GlobalUnicast.Contains(ip):
		return "reserved IPv6"
	}
	return ""
}
