package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/internal/sitetest"
)

// TestLoad fires 500 scan requests at 50 loopback fixture sites through the
// API, with a pool of 5 connections and 8 workers. Afterwards every job must
// be terminal in the database, and every job's stored counts must equal what
// its site actually holds.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	const sites, requests, clients = 50, 500, 16
	e := newEnv(t, func(c *config.Config) {
		c.DB.MaxConns = 5
		c.Jobs.Workers = 8
		c.Fetch.PerHost = 4
	})
	if e.store.MaxConns() != 5 {
		t.Fatalf("pool size %d, want 5", e.store.MaxConns())
	}
	type fixture struct {
		url   string
		truth sitetest.Truth
	}
	fixtures := make([]fixture, sites)
	for i := range fixtures {
		site, truth := sitetest.Generated(t, i)
		fixtures[i] = fixture{url: site.URL(""), truth: truth}
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 30 * time.Second}
	start := time.Now()
	jobSite := make(map[string]int, requests)
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range clients {
		wg.Go(func() {
			for i := range next {
				site := i % sites
				body := fmt.Sprintf(`{"base_url": %q, "max_pages": 10000}`, fixtures[site].url)
				req, _ := http.NewRequest("POST", e.srv.URL+"/api/v3/sitemap/scan", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("request %d: %v", i, err)
					continue
				}
				var accepted struct {
					JobID string `json:"job_id"`
				}
				err = json.NewDecoder(resp.Body).Decode(&accepted)
				resp.Body.Close()
				if resp.StatusCode != http.StatusAccepted || err != nil {
					t.Errorf("request %d: %d %v", i, resp.StatusCode, err)
					continue
				}
				mu.Lock()
				jobSite[accepted.JobID] = site
				mu.Unlock()
			}
		})
	}
	for i := range requests {
		next <- i
	}
	close(next)
	wg.Wait()
	submitted := time.Since(start)
	if len(jobSite) != requests {
		t.Fatalf("%d of %d requests accepted", len(jobSite), requests)
	}

	deadline := time.Now().Add(90 * time.Second)
	for {
		counts, err := e.store.CountByStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts["pending"]+counts["running"] == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs not done after 90s: %v", counts)
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(start)

	// Check every job against its site's truth, counting rows independently
	// of the counters the service keeps.
	conn, err := pgx.Connect(ctx, e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT j.job_id::text, j.status, j.files_found, j.files_failed, j.urls_found,
			(SELECT count(*) FROM sitemap_urls u WHERE u.job_id = j.job_id),
			(SELECT count(*) FROM sitemap_files f WHERE f.job_id = j.job_id),
			(SELECT coalesce(sum(url_count), 0) FROM sitemap_files f WHERE f.job_id = j.job_id AND f.kind = 'urlset')
		FROM jobs j`)
	if err != nil {
		t.Fatal(err)
	}
	var (
		id, status                           string
		files, failed                        int32
		urls, urlRows, fileRows, urlCountSum int64
		checked, totalURLs                   int
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &status, &files, &failed, &urls, &urlRows, &fileRows, &urlCountSum}, func() error {
		site, ok := jobSite[id]
		if !ok {
			return fmt.Errorf("job %s was not submitted by this test", id)
		}
		truth := fixtures[site].truth
		if status != "completed" || failed != 0 || int(files) != truth.Files || int(urls) != truth.URLs ||
			urlRows != urls || fileRows != int64(files) || urlCountSum != urls {
			t.Errorf("job %s (site %d): status %s, files %d (rows %d, want %d), failed %d, urls %d (rows %d, url_count sum %d, want %d)",
				id, site, status, files, fileRows, truth.Files, failed, urls, urlRows, urlCountSum, truth.URLs)
		}
		checked++
		totalURLs += int(urls)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked != requests {
		t.Fatalf("checked %d jobs, want %d", checked, requests)
	}
	stat := e.store.Stat()
	t.Logf("%d scans of %d sites: submitted in %s, all terminal after %s (%.0f jobs/s, %d URLs stored); "+
		"pool: max %d, acquires %d, waited for a connection %d times",
		requests, sites, submitted.Round(time.Millisecond), elapsed.Round(time.Millisecond),
		float64(requests)/elapsed.Seconds(), totalURLs, stat.MaxConns(), stat.AcquireCount(), stat.EmptyAcquireCount())
}
