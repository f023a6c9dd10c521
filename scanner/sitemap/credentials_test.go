package sitemap_test

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/scanner/internal/sitetest"
	"github.com/dbaudit/dbaudit/scanner/sitemap"
)

// secrets are the passwords and user names the credentials site embeds.
var secrets = []string{"robotpw", "indexpw", "pagepw", "failpw", "tokenuser", "robotuser", "indexuser", "pageuser", "failuser"}

// credentialsSite embeds userinfo in every URL a third-party site controls:
// robots.txt Sitemap lines, index children (one of them missing) and page
// locs.
func credentialsSite(t *testing.T) *sitetest.Site {
	site := sitetest.New(t)
	withUser := func(userinfo, path string) string {
		return strings.Replace(site.URL(path), "://", "://"+userinfo+"@", 1)
	}
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(withUser("robotuser:robotpw", "/index.xml"))}).
		Handle("/index.xml", sitetest.Resource{Body: sitetest.Index(withUser("indexuser:indexpw", "/pages.xml"), withUser("failuser:failpw", "/missing.xml"))}).
		Handle("/pages.xml", sitetest.Resource{Body: sitetest.URLSet(
			"https://pageuser:pagepw@example.com/a",
			"https://tokenuser@example.com/b",
			"https://example.com/c",
		)})
	return site
}

// TestScanStripsCredentialsFromURLs is D14: userinfo in sitemap URLs was
// stored verbatim (sitemap_files.url, urls.loc) and repeated in error texts.
func TestScanStripsCredentialsFromURLs(t *testing.T) {
	t.Parallel()
	site := credentialsSite(t)
	sum, sink := scanSite(t, site, 100, nil)
	if sum.Files != 3 || sum.URLs != 3 || sum.FailedFiles != 1 || site.Hits("/pages.xml") != 1 {
		t.Fatalf("summary %+v, files %v", sum, sink.urls())
	}
	var stored []string
	for _, f := range sink.files {
		stored = append(stored, f.URL, f.Parent)
		if f.End.Err != nil {
			stored = append(stored, f.End.Err.Error())
		}
	}
	for loc := range sink.seen {
		stored = append(stored, loc)
	}
	for _, f := range sum.Failures {
		stored = append(stored, f.URL, f.Err.Error())
	}
	all := strings.Join(stored, "\n")
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("%q is stored:\n%s", s, all)
		}
	}
	for _, want := range []string{"https://example.com/a", "https://example.com/b", "https://example.com/c"} {
		if !sink.seen[want] {
			t.Errorf("%s not recorded; got %v", want, sink.seen)
		}
	}
	if f := sink.file(t, "/pages.xml"); f.URL != site.URL("/pages.xml") {
		t.Errorf("pages.xml recorded as %q", f.URL)
	}
}

func TestParserAndRobotsStripCredentials(t *testing.T) {
	t.Parallel()
	p := sitemap.NewParser(strings.NewReader(string(sitetest.URLSet("http://u:p@example.com:8080/x?q=1#f", "https://@example.com/y"))))
	var got []string
	for {
		e, err := p.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Loc)
	}
	if fmt.Sprint(got) != "[http://example.com:8080/x?q=1#f https://example.com/y]" {
		t.Errorf("locs %q", got)
	}
	base, _ := url.Parse("https://example.com/robots.txt")
	r := sitemap.ParseRobots(base, 200, []byte("Sitemap: https://u:p@example.com/s.xml\nSitemap: //v:q@example.org/t.xml\n"))
	if fmt.Sprint(r.Sitemaps) != "[https://example.com/s.xml https://example.org/t.xml]" {
		t.Errorf("robots sitemaps %q", r.Sitemaps)
	}
}

func TestFetchErrorsDoNotRepeatCredentials(t *testing.T) {
	t.Parallel()
	f := sitemap.NewFetcher(fetchConfig())
	_, err := f.Get(context.Background(), "ftp://user:secretpw@example.com/x", 1<<10, false)
	if err == nil || strings.Contains(err.Error(), "secretpw") || strings.Contains(err.Error(), "user") {
		t.Errorf("error %v", err)
	}
}
