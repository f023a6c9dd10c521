package poolercompat

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/rules"
)

// Migration tools that hold a session advisory lock for a run: the lock and
// the unlock go out as separate statements, which a transaction-mode pooler
// may run on different server connections.

const migrateFix = "run migrations over a connection that bypasses the pooler: the server's own host and port, " +
	"or the pooler's session-mode port (Supabase: 5432)"

// migrationTools say how each tool locks and what was measured through the
// pooler (integration/drivers/poolercompat TestPoolerGolangMigrate,
// TestPoolerGooseSessionLocker).
var migrationTools = map[string]string{
	"golang-migrate": "golang-migrate's postgres and pgx drivers take pg_advisory_lock in Lock and send pg_advisory_unlock in Unlock as a later statement. " +
		"Measured through " + measuredWith + " (golang-migrate v4.20.1, pgx/v5 driver): the unlock ran on another server connection " +
		"(`WARNING: you don't own a lock of type ExclusiveLock`), the lock stayed held by a server connection in the pool, " +
		"and the next run failed with `timeout: can't acquire database lock`",
	"goose": "goose's session locker (lock.NewPostgresSessionLocker) takes pg_try_advisory_lock before the migrations and retries pg_advisory_unlock after them. " +
		"Measured through " + measuredWith + " (goose v3.29.0): when the server connection holding the lock was busy with another client, " +
		"every unlock answered false and Up failed with `failed to unlock session`, leaving the lock held; goose's table locker (WithLocker) does not depend on the session",
	"atlas": "atlas takes a session advisory lock for the run and releases it in a later statement, which a transaction-mode pooler may run " +
		"on another server connection (the unlock then answers false, as measured for pg_advisory_unlock: `WARNING: you don't own a lock of type ExclusiveLock`), " +
		"leaving the lock held; atlas itself was not run through the pooler in dbaudit's tests",
}

func migrationMessage(tool string) string {
	return fmt.Sprintf("%s takes a session advisory lock; through a transaction-mode pooler the unlock misses and the lock stays", tool)
}

func migrationHelp(tool, evidence string) string {
	return fmt.Sprintf("The connection reaches a transaction-mode pooler (%s). %s. Fix: %s.", evidence, migrationTools[tool], migrateFix)
}

// checkMigrations reports migration tools pointed at a pooler: golang-migrate
// given a pooler DSN (reported with the sites) or a pooler-bound handle,
// goose's Provider with a session locker on one, and atlasexec parameters
// whose URL is a pooler's.
func checkMigrations(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index, b *binder, src *dsn.Source, report func(analysis.Diagnostic, string)) {
	if !importsMigrationTool(pass.Pkg) {
		return // golang-migrate's URL sites are judged with the other sites
	}
	for c := range idx.Inspector.Root().Preorder((*ast.CallExpr)(nil), (*ast.CompositeLit)(nil)) {
		if test := idx.IsTest(c.Node().Pos()); test && !cfg.CheckTests {
			continue
		}
		switch n := c.Node().(type) {
		case *ast.CallExpr:
			fn, _ := typeutil.Callee(pass.TypesInfo, n).(*types.Func)
			if fn == nil || fn.Pkg() == nil || len(n.Args) == 0 {
				continue
			}
			path := fn.Pkg().Path()
			switch {
			case strings.HasPrefix(path, "github.com/golang-migrate/migrate/v4/database/") && fn.Name() == "WithInstance":
				if ev := b.bound(n.Args[0]); ev != "" {
					report(analysis.Diagnostic{Pos: n.Pos(), End: n.End(), Message: migrationMessage("golang-migrate")}, migrationHelp("golang-migrate", ev))
				}
			case strings.HasPrefix(path, "github.com/pressly/goose/v3") && fn.Name() == "NewProvider" && len(n.Args) > 3:
				ev := b.bound(n.Args[1])
				if ev == "" || !hasSessionLocker(pass.TypesInfo, n.Args[3:]) {
					continue
				}
				report(analysis.Diagnostic{Pos: n.Pos(), End: n.End(), Message: migrationMessage("goose")}, migrationHelp("goose", ev))
			}
		case *ast.CompositeLit:
			if !isAtlasParams(pass.TypesInfo.TypeOf(n)) {
				continue
			}
			for _, elt := range n.Elts {
				kv, ok := elt.(*ast.KeyValueExpr)
				if k, _ := kv.Key.(*ast.Ident); !ok || k == nil || k.Name != "URL" {
					continue
				}
				var fn ast.Node
				for e := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
					fn = e.Node()
					break
				}
				for _, text := range src.Texts(kv.Value, fn) {
					if ev, _, ok := pooler(cfg, dsn.Parse(text.S)); ok {
						report(analysis.Diagnostic{Pos: kv.Value.Pos(), End: kv.Value.End(), Message: migrationMessage("atlas")}, migrationHelp("atlas", ev))
						break
					}
				}
			}
		}
	}
}

func hasSessionLocker(info *types.Info, opts []ast.Expr) bool {
	for _, o := range opts {
		call, ok := ast.Unparen(o).(*ast.CallExpr)
		if !ok {
			continue
		}
		if fn, _ := typeutil.Callee(info, call).(*types.Func); fn != nil && fn.Name() == "WithSessionLocker" {
			return true
		}
	}
	return false
}

// atlasParams are the atlasexec parameter types whose run takes Atlas's lock.
var atlasParams = map[string]bool{"MigrateApplyParams": true, "MigrateDownParams": true, "SchemaApplyParams": true}

func isAtlasParams(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "ariga.io/atlas-go-sdk/atlasexec" && atlasParams[n.Obj().Name()]
}

// importsMigrationTool reports whether pkg imports a migration tool's
// package that this file judges (drivers, goose, atlasexec).
func importsMigrationTool(pkg *types.Package) bool {
	for _, imp := range pkg.Imports() {
		p := imp.Path()
		if strings.HasPrefix(p, "github.com/golang-migrate/migrate/v4/database/") || strings.HasPrefix(p, "github.com/pressly/goose/v3") ||
			p == "ariga.io/atlas-go-sdk/atlasexec" {
			return true
		}
	}
	return false
}
