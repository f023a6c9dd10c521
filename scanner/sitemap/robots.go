package sitemap

import (
	"bufio"
	"bytes"
	"net/url"
	"strings"

	"github.com/temoto/robotstxt"
)

// robotsLimit is how much of a robots.txt is read; Google reads 500 KiB.
const robotsLimit = 512 << 10

// Robots is what the scanner uses of a robots.txt.
type Robots struct {
	// Sitemaps are the absolute URLs of its Sitemap: lines, in order,
	// without duplicates.
	Sitemaps []string
	rules    *robotstxt.RobotsData
}

// ParseRobots reads a robots.txt body fetched from robotsURL with the given
// HTTP status. Sitemap lines are read by hand, so they count even when the
// rest of the file does not parse.
func ParseRobots(robotsURL *url.URL, status int, body []byte) Robots {
	var r Robots
	if status >= 200 && status < 300 {
		r.Sitemaps = sitemapLines(robotsURL, body)
	}
	if rules, err := robotstxt.FromStatusAndBytes(status, body); err == nil {
		r.rules = rules
	}
	return r
}

// Allowed reports whether agent may fetch path. A robots.txt that could
// not be parsed allows everything.
func (r Robots) Allowed(path, agent string) bool {
	if r.rules == nil {
		return true
	}
	return r.rules.TestAgent(path, agent)
}

func sitemapLines(base *url.URL, body []byte) []string {
	var out []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), robotsLimit)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		key, value, ok := strings.Cut(line, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(key), "sitemap") {
			continue
		}
		value = strings.TrimSpace(value)
		// A comment needs whitespace before its #, which a URL's fragment lacks.
		if i := strings.Index(value, " #"); i >= 0 {
			value = strings.TrimSpace(value[:i])
		}
		ref, err := url.Parse(value)
		if value == "" || err != nil {
			continue
		}
		abs := base.ResolveReference(ref)
		if abs.Scheme != "http" && abs.Scheme != "https" || abs.Host == "" {
			continue
		}
		abs.User = nil // credentials a site embeds are neither stored nor sent
		s := abs.String()
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// agentToken is the product token of a User-Agent, which robots.txt groups
// are matched against: "dbaudit-sitemap-scanner" of "dbaudit-sitemap-scanner/1.0 (...)".
func agentToken(userAgent string) string {
	token, _, _ := strings.Cut(userAgent, "/")
	token, _, _ = strings.Cut(token, " ")
	return token
}
