package gorm

// AutoMigrate creates and alters the tables of the models.
func (db *DB) AutoMigrate(dst ...any) error { return nil }
