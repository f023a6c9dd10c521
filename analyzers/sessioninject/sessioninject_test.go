package sessioninject_test

import (
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/internal/atest"
	"github.com/dbaudit/dbaudit/analyzers/internal/dbindex"
	"github.com/dbaudit/dbaudit/analyzers/sessioninject"
	"github.com/dbaudit/dbaudit/rules"
)

func TestSessioninject(t *testing.T) {
	cfg, err := rules.Parse("rules.yaml", []byte("global_accessors: [example.com/gl/database.Get]\n"))
	if err != nil {
		t.Fatal(err)
	}
	atest.Run(t, sessioninject.New(cfg, dbindex.New(cfg)), "example.com/gl/...")
}
