package poolconfig_test

import (
	"sync"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/poolconfig"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

func TestPoolconfig(t *testing.T) {
	t.Parallel()
	var headlines sync.Map
	atest.Run(t, atest.WithHelp(poolconfig.Analyzer, &headlines), "example.com/pools/...")
	atest.CheckHeadlines(t, &headlines, 15)
}

func TestPoolconfigWithRules(t *testing.T) {
	t.Parallel()
	cfg, err := rules.Parse("rules.yaml", []byte(`
pool:
  min_max_conns: 2
  max_max_conns: 20
  max_health_check_period: 15m
  min_conn_lifetime: 5m
`))
	if err != nil {
		t.Fatal(err)
	}
	var headlines sync.Map
	atest.Run(t, atest.WithHelp(poolconfig.New(cfg, dbindex.New(cfg)), &headlines), "example.com/strict")
	atest.CheckHeadlines(t, &headlines, 4)
}
