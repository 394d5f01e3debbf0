// Package storetest gives tests a fresh, empty database: an SQLite file in the test's temp
// folder, or — when NETFOLIO_TEST_PG names a PostgreSQL server — a new database on it, dropped
// when the test ends. The same tests thereby run against both engines.
package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// PostgresURL is the server the tests use, from NETFOLIO_TEST_PG; "" for SQLite only.
func PostgresURL() string { return os.Getenv("NETFOLIO_TEST_PG") }

// DSN returns the address of a fresh database for the test.
func DSN(t testing.TB) string {
	t.Helper()
	server := PostgresURL()
	if server == "" {
		return filepath.Join(t.TempDir(), "netfolio.db")
	}
	admin, err := gorm.Open(postgres.Open(server), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("storetest: connect to %s: %v", server, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "netfolio_test_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		_ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error
		if db, err := admin.DB(); err == nil {
			db.Close()
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("storetest: NETFOLIO_TEST_PG: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}
