package engine

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/tools/go/gcexportdata"
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
	r := new(pkgResult)
	if !c.read(k, r) {
		return nil
	}
	return r
}

// read decodes the entry k into v; it reports whether the entry was there
// and whole.
func (c *cache) read(k cacheKey, v any) bool {
	data, err := os.ReadFile(c.file(k))
	if err != nil || len(data) < len(cacheMagic)+sha256.Size || string(data[:len(cacheMagic)]) != cacheMagic {
		return false
	}
	sum, payload := data[len(cacheMagic):len(cacheMagic)+sha256.Size], data[len(cacheMagic)+sha256.Size:]
	if got := sha256.Sum256(payload); !bytes.Equal(sum, got[:]) {
		return false
	}
	return gob.NewDecoder(bytes.NewReader(payload)).Decode(v) == nil
}

// put stores v under k; failures are ignored (the next run analyses again).
func (c *cache) put(k cacheKey, v any) {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(v); err != nil {
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

// buildID reads the Go build ID the linker writes into every executable
// (what go tool buildid prints): a hash of the binary's inputs, so any
// change to dbaudit's code changes it. On ELF it is a note; elsewhere a
// string near the start of the text.
func buildID(exe string) string {
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		if s := f.Section(".note.go.buildid"); s != nil {
			if data, err := s.Data(); err == nil && len(data) > 16 {
				// namesz, descsz, type, "Go\x00\x00", then the ID.
				n := int(f.ByteOrder.Uint32(data[4:8]))
				if 16+n <= len(data) {
					return string(data[16 : 16+n])
				}
			}
		}
		return ""
	}
	fh, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer fh.Close()
	buf := make([]byte, 64<<10)
	n, _ := io.ReadFull(fh, buf)
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
// keys. The named packages' files are hashed in parallel first.
func packageKeys(run cacheKey, listed []*packages.Package) map[string]cacheKey {
	named := map[string]bool{}
	var files []string
	for _, p := range listed {
		named[p.ID] = true
		files = append(files, packageFiles(p)...)
	}
	k := &keyer{run: run, named: named, memo: map[string]cacheKey{}, files: hashAll(files)}
	k.gorootDir, k.goroot = gorootOf(listed)
	for _, p := range listed {
		k.key(p)
	}
	return k.memo // the dependencies' keys too
}

// packageFiles returns the package's files of every kind, each once, in
// a stable order.
func packageFiles(p *packages.Package) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range [][]string{p.GoFiles, p.CompiledGoFiles, p.OtherFiles, p.IgnoredFiles, p.EmbedFiles} {
		for _, name := range list {
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

// hashAll hashes the files' contents on a few goroutines.
func hashAll(names []string) map[string]string {
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[n] = ""
	}
	uniq := make([]string, 0, len(out))
	for n := range out {
		uniq = append(uniq, n)
	}
	sums := make([]string, len(uniq))
	var wg sync.WaitGroup
	next := make(chan int, len(uniq))
	for i := range uniq {
		next <- i
	}
	close(next)
	for w := 0; w < 2*runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				data, err := os.ReadFile(uniq[i])
				if err != nil {
					sums[i] = "error " + err.Error()
					continue
				}
				sum := sha256.Sum256(data)
				sums[i] = hex.EncodeToString(sum[:])
			}
		}()
	}
	wg.Wait()
	for i, n := range uniq {
		out[n] = sums[i]
	}
	return out
}

// gorootOf describes the standard library the packages were listed
// against: the directory of package runtime and its VERSION file's size
// and time (a new toolchain changes them), or "".
func gorootOf(listed []*packages.Package) (dir, desc string) {
	var runtimePkg *packages.Package
	packages.Visit(listed, func(p *packages.Package) bool { return runtimePkg == nil }, func(p *packages.Package) {
		if p.PkgPath == "runtime" && runtimePkg == nil {
			runtimePkg = p
		}
	})
	if runtimePkg == nil || len(runtimePkg.GoFiles) == 0 {
		return "", ""
	}
	dir = filepath.Dir(filepath.Dir(filepath.Dir(runtimePkg.GoFiles[0]))) // GOROOT/src/runtime/x.go
	desc = dir
	if fi, err := os.Stat(filepath.Join(dir, "VERSION")); err == nil {
		desc += fmt.Sprintf(" %d %d", fi.Size(), fi.ModTime().UnixNano())
	}
	return dir, desc
}

type keyer struct {
	run       cacheKey
	named     map[string]bool
	memo      map[string]cacheKey
	files     map[string]string // content hashes of the named packages' files
	gorootDir string
	goroot    string // gorootDir and its VERSION file's size and time
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
	std := p.Module == nil && k.gorootDir != "" && len(p.GoFiles) > 0 && strings.HasPrefix(p.GoFiles[0], k.gorootDir+string(filepath.Separator))
	switch {
	case k.named[p.ID]:
		for _, name := range packageFiles(p) {
			fmt.Fprintf(h, "file %s %s\n", name, k.files[name])
		}
	case versioned:
		// The module cache's content of a module version does not change.
	case std:
		fmt.Fprintf(h, "goroot %s\n", k.goroot)
		for _, name := range p.GoFiles {
			fmt.Fprintf(h, "file %s\n", name)
		}
	default:
		hashFiles(h, p.GoFiles, p.OtherFiles)
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

// hashFiles writes the files' names with their size and modification
// time, for dependencies nobody versions (a replace by directory).
func hashFiles(h io.Writer, lists ...[]string) {
	seen := map[string]bool{}
	for _, list := range lists {
		for _, name := range list {
			if seen[name] {
				continue
			}
			seen[name] = true
			fmt.Fprintf(h, "file %s ", name)
			if fi, err := os.Stat(name); err == nil {
				fmt.Fprintf(h, "%d %d\n", fi.Size(), fi.ModTime().UnixNano())
			} else {
				fmt.Fprintf(h, "error %v\n", err)
			}
		}
	}
}

// runEntry is the results of every package of the last run of the same
// configuration (directory, patterns' flags, rules.yaml, binary), with the
// key of all their keys: a run in which nothing changed reads this one
// file. Each run overwrites it, so it does not grow the cache.
type runEntry struct {
	Key     cacheKey
	Results map[string]*pkgResult // by package ID
}

// slotKey is where the last run of a configuration keeps its runEntry.
func slotKey(run cacheKey) cacheKey {
	return sha256.Sum256(append([]byte("last run\n"), run[:]...))
}

// touch marks entries as used (trim keeps what was used lately).
func (c *cache) touch(keys []cacheKey) {
	now := time.Now()
	for _, k := range keys {
		_ = os.Chtimes(c.file(k), now, now)
	}
}

// touchedBefore reports whether the entry k was last marked used before t.
func (c *cache) touchedBefore(k cacheKey, t time.Time) bool {
	fi, err := os.Stat(c.file(k))
	return err == nil && fi.ModTime().Before(t)
}

// Entries not used for trimAge are removed, at most once per trimEvery.
// Entries a run reads are marked used at most once per touchEvery (as the
// go build cache does), so that a run in which nothing changed costs one
// stat more, not a write per package.
const (
	trimAge    = 5 * 24 * time.Hour
	trimEvery  = 24 * time.Hour
	touchEvery = time.Hour
)

// trim removes entries not used lately, as the go build cache does; a
// marker file's time says when it last ran.
func (c *cache) trim() {
	marker := filepath.Join(c.dir, "trim.txt")
	if fi, err := os.Stat(marker); err == nil && time.Since(fi.ModTime()) < trimEvery {
		return
	}
	_ = os.WriteFile(marker, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
	cutoff := time.Now().Add(-trimAge)
	_ = filepath.WalkDir(c.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == marker {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().Before(cutoff) {
			_ = os.Remove(path)
		}
		return nil
	})
}

// combinedKey is the key of a whole run's packages.
func combinedKey(run cacheKey, pkgs []*packages.Package, keys map[string]cacheKey) cacheKey {
	h := sha256.New()
	h.Write(run[:])
	io.WriteString(h, "\nrun\n")
	for _, p := range pkgs {
		k := keys[p.ID]
		fmt.Fprintf(h, "%s %x\n", p.ID, k[:])
	}
	var key cacheKey
	h.Sum(key[:0])
	return key
}

// depTypes is the typesCache of a run: export data by the dependency's key.
type depTypes struct {
	c    *cache
	keys map[string]cacheKey
}

func typesKey(k cacheKey) cacheKey {
	return sha256.Sum256(append([]byte("types\n"), k[:]...))
}

func (t *depTypes) exportData(p *packages.Package) ([]byte, bool) {
	k, ok := t.keys[p.ID]
	if !ok {
		return nil, false
	}
	var data []byte
	return data, t.c.read(typesKey(k), &data)
}

func (t *depTypes) putExportData(p *packages.Package, fset *token.FileSet) {
	k, ok := t.keys[p.ID]
	if !ok || p.Types == nil {
		return
	}
	var buf bytes.Buffer
	if err := gcexportdata.Write(&buf, fset, p.Types); err != nil {
		return
	}
	t.c.put(typesKey(k), buf.Bytes())
}
