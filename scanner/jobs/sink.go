package jobs

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/dbaudit/dbaudit/scanner/sitemap"
	"github.com/dbaudit/dbaudit/scanner/store"
)

// storeSink records what a scan finds through the injected store, under the
// job's lease. Each call is its own short transaction, so no connection is
// held while the scan waits on the network. A call that fails on the
// connection is retried (every store write is safe to repeat), so a short
// outage pauses the scan instead of failing it.
type storeSink struct {
	store *store.Store
	lease store.Lease
	retry func(ctx context.Context, what string, write func(context.Context) error) error
	urls  []store.NewURL
	// open is the file begun and not yet ended, 0 when none.
	open int64
}

func (s *storeSink) BeginFile(ctx context.Context, f sitemap.File) (int64, error) {
	nf := store.NewFile{
		URL:     clean(f.URL),
		Source:  string(f.Source),
		Depth:   int32(f.Depth),
		Lastmod: f.Lastmod,
	}
	if f.Kind != 0 {
		nf.Kind = ptr(f.Kind.String())
	}
	if f.Parent != "" {
		nf.ParentURL = ptr(clean(f.Parent))
	}
	var fileID int64
	err := s.retry(ctx, "recording a sitemap file", func(ctx context.Context) error {
		var err error
		fileID, err = s.store.BeginFile(ctx, s.lease, nf)
		return err
	})
	if err == nil {
		s.open = fileID
	}
	return fileID, err
}

func (s *storeSink) AddURLs(ctx context.Context, fileID int64, entries []sitemap.Entry) (int64, error) {
	s.urls = s.urls[:0]
	for _, e := range entries {
		s.urls = append(s.urls, store.NewURL{Loc: e.Loc, Lastmod: e.Lastmod, Changefreq: e.Changefreq, Priority: e.Priority})
	}
	var added int64
	err := s.retry(ctx, "storing URLs", func(ctx context.Context) error {
		var err error
		added, err = s.store.AddURLs(ctx, s.lease, fileID, s.urls)
		return err
	})
	return added, err
}

func (s *storeSink) EndFile(ctx context.Context, fileID int64, end sitemap.FileEnd) error {
	fe := store.FileEnd{Children: int32(end.Children), Bytes: end.Bytes, Lastmod: end.Lastmod}
	if end.Kind != 0 {
		fe.Kind = ptr(end.Kind.String())
	}
	if end.Err != nil {
		fe.Error = ptr(clean(end.Err.Error()))
	}
	err := s.retry(ctx, "finishing a sitemap file", func(ctx context.Context) error {
		return s.store.EndFile(ctx, s.lease, fileID, fe)
	})
	if err == nil {
		s.open = 0
	}
	return err
}

// maxText bounds error texts and URLs taken from remote documents.
const maxText = 2000

// clean makes text from the network storable: valid UTF-8 (PostgreSQL
// rejects anything else), no NUL bytes, bounded length.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if len(s) > maxText {
		cut := maxText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
