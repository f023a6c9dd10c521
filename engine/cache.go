package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"
)

// The result cache keeps each analysed package's findings (with their
// notes), the facts it exports and its products, in one file per package
// under CacheDir, named by the package's key. The key hashes, as the go
// build cache's action IDs do, everything the result depends on: the
// package's files (content), the keys of the packages it imports (so an
// edit re-analyses the package and its importers, transitively), and the
// run: the dbaudit binary, the analyzers and their flags, rules.yaml, the
// build flags and environment. A dependency outside the module is keyed by
// its module version, or, where nothing versions it (the standard library,
// a replace by directory), by its files' names, sizes and times.
//
// Entries are written to a temporary file and renamed, so concurrent runs
// see a whole entry or none; an entry that does not read back whole (its
// checksum is part of it) is ignored.

// CacheEnv relocates the cache directory.
const CacheEnv = "DBAUDIT_CACHE"

// CacheDir is where results are cached: $DBAUDIT_CACHE, else dbaudit in the
// user's cache directory.
func CacheDir() (string, error) {
	if dir := os.Getenv(CacheEnv); dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (set %s): %v", CacheEnv, err)
	}
	return filepath.Join(base, "dbaudit"), nil
}

// CleanCache removes the cache directory and returns it.
func CleanCache() (string, error) {
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	return dir, os.RemoveAll(dir)
}

type cacheKey [sha256.Size]byte

type cache struct{ dir string }

// openCache returns the cache, or nil when it cannot be used (the run then
// goes without).
func openCache() *cache {
	dir, err := CacheDir()
	if err != nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil
	}
	return &cache{dir: dir}
}

const cacheMagic = "dbaudit result v1\n"

func (c *cache) file(k cacheKey) string {
	h := hex.EncodeToString(k[:])
	return filepath.Join(c.dir, h[:2], h)
}

// get returns the cached result for k, or nil.
func (c *cache) get(k cacheKey) *pkgResult {
	data, err := os.ReadFile(c.file(k))
	if err != nil || len(data) < len(cacheMagic)+sha256.Size || string(data[:len(cacheMagic)]) != cacheMagic {
		return nil
	}
	sum, payload := data[len(cacheMagic):len(cacheMagic)+sha256.Size], data[len(cacheMagic)+sha256.Size:]
	if got := sha256.Sum256(payload); !bytes.Equal(sum, got[:]) {
		return nil
	}
	r := new(pkgResult)
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(r); err != nil {
		return nil
	}
	r.cached = true
	return r
}

// put stores r under k; failures are ignored (the next run analyses again).
func (c *cache) put(k cacheKey, r *pkgResult) {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(r); err != nil {
		return
	}
	sum := sha256.Sum256(payload.Bytes())
	name := c.file(k)
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return
	}
	_, err = io.WriteString(tmp, cacheMagic)
	if err == nil {
		_, err = tmp.Write(sum[:])
	}
	if err == nil {
		_, err = tmp.Write(payload.Bytes())
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

// runKey hashes what every package's result depends on besides its own
// files and imports.
func runKey(opts Options, pl *plan, cfg *packages.Config) cacheKey {
	h := sha256.New()
	fmt.Fprintf(h, "dbaudit cache v1\ntool %s\n", toolID())
	for _, a := range pl.all {
		fmt.Fprintf(h, "analyzer %s root=%v product=%v\n", a.Name, pl.isRoot[a], pl.products[a])
		a.Flags.VisitAll(func(f *flag.Flag) { fmt.Fprintf(h, "  flag %s=%s\n", f.Name, f.Value) })
	}
	if data, err := json.Marshal(opts.Config); err == nil {
		h.Write(data)
	} else {
		fmt.Fprintf(h, "%p", opts.Config) // not encodable: never reused
	}
	if opts.Config.Path != "" {
		if data, err := os.ReadFile(opts.Config.Path); err == nil {
			h.Write(data)
		}
	}
	fmt.Fprintf(h, "\ntests=%v flags=%q dir=%s\n", cfg.Tests, cfg.BuildFlags, absPath(cfg.Dir))
	for _, v := range []string{"GOOS", "GOARCH", "GOFLAGS", "CGO_ENABLED", "GOEXPERIMENT", "GOAMD64", "GOARM64", "GOROOT", "GOPATH", "GOWORK", "GOTOOLCHAIN"} {
		fmt.Fprintf(h, "%s=%s\n", v, os.Getenv(v))
	}
	var k cacheKey
	h.Sum(k[:0])
	return k
}

func absPath(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

var toolIDOnce = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString(runtime.Version())
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(&b, " %s@%s", bi.Main.Path, bi.Main.Version)
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				fmt.Fprintf(&b, " %s=%s", s.Key, s.Value)
			}
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return b.String()
	}
	if id := buildID(exe); id != "" {
		return b.String() + " buildid " + id
	}
	// No build ID: the binary's own content.
	f, err := os.Open(exe)
	if err == nil {
		h := sha256.New()
		_, _ = io.Copy(h, f)
		f.Close()
		fmt.Fprintf(&b, " sha256 %x", h.Sum(nil))
	}
	return b.String()
})

func toolID() string { return toolIDOnce() }

// buildID reads the Go build ID the linker writes near the start of every
// executable (what go tool buildid prints): a hash of the binary's
// inputs, so any change to dbaudit's code changes it.
func buildID(exe string) string {
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, buf)
	buf = buf[:n]
	const prefix = "\xff Go build ID: \""
	i := bytes.Index(buf, []byte(prefix))
	if i < 0 {
		return ""
	}
	rest := buf[i+len(prefix):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// packageKeys computes the cache key of every listed package (the named
// ones with their test variants), from run, its files and its imports'
// keys.
func packageKeys(run cacheKey, listed []*packages.Package) map[string]cacheKey {
	named := map[string]bool{}
	for _, p := range listed {
		named[p.ID] = true
	}
	k := &keyer{run: run, named: named, memo: map[string]cacheKey{}}
	keys := map[string]cacheKey{}
	for _, p := range listed {
		keys[p.ID] = k.key(p)
	}
	return keys
}

type keyer struct {
	run   cacheKey
	named map[string]bool
	memo  map[string]cacheKey
}

func (k *keyer) key(p *packages.Package) cacheKey {
	if key, ok := k.memo[p.ID]; ok {
		return key
	}
	h := sha256.New()
	h.Write(k.run[:])
	fmt.Fprintf(h, "\npackage %s %s %s\n", p.ID, p.PkgPath, p.Name)
	if m := p.Module; m != nil {
		fmt.Fprintf(h, "module %s %s %s\n", m.Path, m.Version, m.GoVersion)
		if m.Replace != nil {
			fmt.Fprintf(h, "replace %s %s\n", m.Replace.Path, m.Replace.Version)
		}
	}
	for _, e := range p.Errors {
		fmt.Fprintf(h, "error %s\n", e)
	}
	versioned := p.Module != nil && p.Module.Version != "" && (p.Module.Replace == nil || p.Module.Replace.Version != "")
	switch {
	case k.named[p.ID]:
		hashFiles(h, true, p.GoFiles, p.CompiledGoFiles, p.OtherFiles, p.IgnoredFiles, p.EmbedFiles)
	case versioned:
		// The module cache's content of a module version does not change.
	default:
		hashFiles(h, false, p.GoFiles, p.OtherFiles)
	}
	paths := make([]string, 0, len(p.Imports))
	for path := range p.Imports {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		imp := p.Imports[path]
		if imp.ID == p.ID {
			continue
		}
		ik := k.key(imp)
		fmt.Fprintf(h, "import %s %s %x\n", path, imp.ID, ik)
	}
	var key cacheKey
	h.Sum(key[:0])
	k.memo[p.ID] = key
	return key
}

// hashFiles writes the files' names and their content (or, for files
// nobody edits in place, their size and modification time).
func hashFiles(h io.Writer, content bool, lists ...[]string) {
	seen := map[string]bool{}
	for _, list := range lists {
		for _, name := range list {
			if seen[name] {
				continue
			}
			seen[name] = true
			fmt.Fprintf(h, "file %s ", name)
			if content {
				f, err := os.Open(name)
				if err != nil {
					fmt.Fprintf(h, "error %v\n", err)
					continue
				}
				fh := sha256.New()
				_, err = io.Copy(fh, f)
				f.Close()
				fmt.Fprintf(h, "%x %v\n", fh.Sum(nil), err)
				continue
			}
			if fi, err := os.Stat(name); err == nil {
				fmt.Fprintf(h, "%d %d\n", fi.Size(), fi.ModTime().UnixNano())
			} else {
				fmt.Fprintf(h, "error %v\n", err)
			}
		}
	}
}
