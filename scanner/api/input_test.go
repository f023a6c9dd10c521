package api

import (
	"testing"

	"github.com/dbaudit/dbaudit/scanner/config"
)

// TestParseTargetAcceptsLookAlikes: the D13 checks (ports, numeric host
// names) leave real names and ports alone.
func TestParseTargetAcceptsLookAlikes(t *testing.T) {
	t.Parallel()
	s := &Server{cfg: config.Default().API}
	for raw, want := range map[string]string{
		"1password.com":                 "https://1password.com",
		"123.example.com":               "https://123.example.com",
		"0x.example.org":                "https://0x.example.org",
		"a-0x7f000001.com":              "https://a-0x7f000001.com",
		"example.com.":                  "https://example.com",
		"a.com:8443":                    "https://a.com:8443",
		"a.com:65535":                   "https://a.com:65535",
		"a.com:1":                       "https://a.com:1",
		"a.com:0443":                    "https://a.com",
		"http://a.com:080/x":            "http://a.com",
		"https://a.com:/":               "https://a.com",
		"8.8.8.8":                       "https://8.8.8.8",
		"http://[2606:4700::1111]:8080": "http://[2606:4700::1111]:8080",
		"xn--bcher-kva.example":         "https://xn--bcher-kva.example",
	} {
		got, ferr := s.parseTarget("domains[0]", raw, true)
		if ferr != nil {
			t.Errorf("%q refused: %s", raw, ferr.msg)
			continue
		}
		if got.baseURL != want {
			t.Errorf("%q → %q, want %q", raw, got.baseURL, want)
		}
	}
}

func TestDuplicateKey(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"a": 1, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}`: "",
		`{"a": [1, {"x": [], "y": {}}], "b": 2}`:             "",
		`{"a": 1, "b": 2, "a": 3}`:                           "a",
		`{"b": {"x": 1, "X": 2}}`:                            "X",
		`[{"k": 1}, {"k": 2, "k": 3}]`:                       "k",
		`{"a": {"b": [1, 2]}, "A": 0}`:                       "A",
		`{"kelvin": 1, "` + "\u212a" + `elvin": 2}`:          "\u212aelvin",
		`{"a": 1, "a"`:                                       "a",
		`{"a": 1,, "a": 2}`:                                  "",
	} {
		got, dup := duplicateKey([]byte(body))
		if got != want || dup != (want != "") {
			t.Errorf("duplicateKey(%s) = %q, %v; want %q", body, got, dup, want)
		}
	}
}
