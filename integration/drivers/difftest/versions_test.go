package difftest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
)

// olderReleases are the releases testdata/oldpgx's go.mod requires, and the
// sinks measured with each: the program parses with that release's
// pgconn.ParseConfig, pgx.ParseConfig and pgxpool.ParseConfig.
var olderReleases = []struct {
	module, version string
	sinks           []string // tables names
	measure         []string // the program's names for the same parsers
}{
	{drivers.ModulePgx5, "v5.5.5", []string{"pgconn", "pgx", "pgxpool"}, []string{"pgconn", "pgx", "pgxpool"}},
	{drivers.ModulePgx4, "v4.18.3", []string{"pgconn4", "pgx4", "pgxpool4"}, []string{"pgconn4", "pgx4", "pgxpool4"}},
}

// measured is one line of the program's output.
type measured struct {
	Sink, Key, Value string
	Rejected         string
	Forwarded        bool
	Server           string
}

// TestOlderDriverVersions measures pgx v5.5.5 and v4.18.3 (through the
// module proxy, with testdata/oldpgx) the way the tables were measured for
// v5.12.0: for every key any pgx table lists, whether the release's parser
// consumes it or forwards it to the server, whether it accepts each value
// the table lists, and what the server answers a forwarded key. It fails
// where drivers.SinkFor's table for that release says otherwise.
func TestOlderDriverVersions(t *testing.T) {
	tg := newTarget(t)
	base := fmt.Sprintf("host=%s port=%s user=%s dbname=%s sslmode=disable", tg.host, tg.port, tg.user, tg.dbname)
	if tg.password != "" {
		base += " password=" + dsn.QuoteKV(tg.password)
	}

	tables := drivers.Default()
	keys := probeKeys(tables)
	var probes bytes.Buffer
	views := map[string]*drivers.Sink{}
	for _, rel := range olderReleases {
		for i, sinkName := range rel.sinks {
			view := tables.SinkFor(sinkName, drivers.Versions{rel.module: rel.version})
			if view == nil || view.Version != rel.version {
				t.Fatalf("SinkFor(%s, %s) = %v", sinkName, rel.version, view)
			}
			views[rel.measure[i]] = view
			for _, k := range keys {
				for _, v := range sampleValues(tables, view, k) {
					fmt.Fprintf(&probes, "%s %s %s\n", rel.measure[i], k, v)
				}
			}
		}
	}

	cmd := exec.Command("go", "run", ".", base)
	cmd.Dir = "testdata/oldpgx"
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly", "GOTOOLCHAIN=local")
	cmd.Stdin = &probes
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if strings.Contains(stderr.String(), "GOPROXY=off") && os.Getenv("CI") != "true" {
			t.Skipf("the module cache lacks the older pgx releases and GOPROXY is off: %s", stderr.String())
		}
		t.Fatalf("running testdata/oldpgx: %v\n%s", err, stderr.String())
	}

	var results []measured
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var m measured
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v", sc.Text(), err)
		}
		results = append(results, m)
	}
	if len(results) < 200 {
		t.Fatalf("only %d probes measured", len(results))
	}

	// Keys measured as forwarded that v5.12.0 consumes (or the reverse):
	// the differences from the tables as measured, for VERSIONS.md.
	diffs := map[string][]string{}
	for _, m := range results {
		view := views[m.Sink]
		_, consumes := view.Key(m.Key)
		switch {
		case m.Forwarded && consumes:
			t.Errorf("%s %s: %s=%s is forwarded to the server (%s), but the table says the driver reads it", m.Sink, view.Version, m.Key, m.Value, m.Server)
		case !m.Forwarded && !consumes:
			t.Errorf("%s %s: %s=%s is consumed (error %q), but the table says it is forwarded", m.Sink, view.Version, m.Key, m.Value, m.Rejected)
		case consumes:
			// The driver's verdict on the value must be the table's: a
			// value the table passes parses, a value it flags fails with
			// the error it words. (Values needing files or TLS material
			// fail for reasons of this machine: not judged.)
			var answer string
			for _, p := range view.Check(dsn.Parse(base + " " + m.Key + "=" + dsn.QuoteKV(m.Value))) {
				if p.Key == m.Key {
					answer = p.Answer
				}
			}
			k, _ := view.Key(m.Key)
			switch {
			case m.Rejected == "" && answer != "":
				t.Errorf("%s %s: %s=%s parses, but the table says %q", m.Sink, view.Version, m.Key, m.Value, answer)
			case m.Rejected != "" && answer == "" && k.Type != "" && k.Type != "string":
				t.Errorf("%s %s: %s=%s is rejected (%s), but the table lets it pass", m.Sink, view.Version, m.Key, m.Value, m.Rejected)
			case m.Rejected != "" && answer != "" && !matches(m.Rejected, answer):
				t.Errorf("%s %s: %s=%s:\n  driver: %s\n  table:  %q", m.Sink, view.Version, m.Key, m.Value, m.Rejected, answer)
			}
		case m.Forwarded:
			// The server's answer must be the one the table words.
			probs := view.Check(dsn.Parse(base + " " + m.Key + "=" + dsn.QuoteKV(m.Value)))
			var answer string
			for _, p := range probs {
				if p.Key == m.Key {
					answer = p.Answer
				}
			}
			switch {
			case answer == "" && m.Server != "":
				t.Errorf("%s %s: %s=%s fails at connect time (%s), but the table is silent", m.Sink, view.Version, m.Key, m.Value, m.Server)
			case answer != "" && !matches(m.Server, answer):
				t.Errorf("%s %s: %s=%s:\n  server: %s\n  table:  %s", m.Sink, view.Version, m.Key, m.Value, m.Server, answer)
			}
		}
		// Where the release differs from the table as measured (v5.12.0 for
		// v5, and the v5 table for v4).
		measuredSink := strings.TrimSuffix(m.Sink, "4")
		_, newest := tables.Sink(measuredSink).Key(m.Key)
		if newest == m.Forwarded {
			verb := "forwards"
			if !m.Forwarded {
				verb = "consumes"
			}
			d := fmt.Sprintf("%s %s", verb, m.Key)
			if !slices.Contains(diffs[m.Sink+" "+view.Version], d) {
				diffs[m.Sink+" "+view.Version] = append(diffs[m.Sink+" "+view.Version], d)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(diffs)) {
		slices.Sort(diffs[k])
		t.Logf("%s differs from the v5.12.0 table: %s", k, strings.Join(diffs[k], ", "))
	}
	t.Logf("%d probes measured against pgx v5.5.5 and v4.18.3", len(results))
}

// probeKeys are every key a pgx table consumes, and the keys of one pgx
// major version that other one names.
func probeKeys(t *drivers.Tables) []string {
	skip := map[string]bool{"host": true, "port": true, "user": true, "password": true, "database": true, "dbname": true,
		"service": true, "passfile": true}
	seen := map[string]bool{}
	for _, name := range []string{"pgxpool", "pgxpool4"} {
		for k := range t.Sink(name).Keys {
			if !skip[k] {
				seen[k] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// sampleValues are values to probe key with: each value of an enumerated
// key, else one valid value of its type (from whichever table knows it).
func sampleValues(t *drivers.Tables, view *drivers.Sink, key string) []string {
	k, ok := view.Key(key)
	if !ok {
		for _, name := range []string{"pgxpool", "pgxpool4"} {
			if k, ok = t.Sink(name).Key(key); ok {
				break
			}
		}
	}
	switch k.Type {
	case "enum":
		var out []string
		for _, e := range k.Enum {
			if e != "" {
				out = append(out, e)
			}
		}
		if _, consumed := view.Key(key); consumed && !k.TLSOnly {
			out = append(out, badValue)
		}
		return out
	case "port":
		return []string{"5432"}
	case "seconds", "int32", "int64", "atoi":
		if k.Min != nil {
			return withBad(view, key, "4", "0")
		}
		return withBad(view, key, "4")
	case "duration":
		return withBad(view, key, "1m")
	case "bool", "gobool":
		return withBad(view, key, "true")
	case "require_auth":
		return []string{"scram-sha-256,password"}
	}
	switch key {
	case "sslkey", "sslcert", "sslrootcert", "servicefile":
		return []string{"/nonexistent/dbaudit"}
	case "sslnegotiation":
		return []string{"postgres"}
	case "sslsni":
		return []string{"1"}
	}
	return []string{"x"}
}

// badValue is a value no key accepts.
const badValue = "bad!"

// withBad adds badValue to the probes of a key the view's driver reads.
func withBad(view *drivers.Sink, key string, values ...string) []string {
	if _, ok := view.Key(key); ok {
		return append(values, badValue)
	}
	return values
}
