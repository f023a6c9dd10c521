package session

import (
	"context"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

func gormSession(ctx context.Context) {
	db, _ := gorm.Open(postgres.New(postgres.Config{DSN: "host=aws-0-us-east-1.pooler.supabase.com port=6543 user=postgres.ref dbname=postgres", PreferSimpleProtocol: true}))
	db.Exec("SET search_path = tenant")                            // want `session SET search_path through a transaction-mode pooler`
	db.WithContext(ctx).Exec("select pg_advisory_lock(?)", 7)      // want `session advisory lock pg_advisory_lock`
	db.WithContext(ctx).Exec("select pg_advisory_xact_lock(?)", 7) // ends with the transaction
	direct, _ := gorm.Open(postgres.Open("host=db.internal port=5432 user=app dbname=app"))
	direct.Exec("SET search_path = tenant") // a direct connection
}
