package config

const testDSN = "postgres://postgres:postgres@localhost:5432/test?sslmode=disable"
