// Package store keeps netfolio's data in SQLite or PostgreSQL through GORM. Every method that
// reads or writes a user's data takes the user's id, so no query can forget whose data it is.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database engine.
type Dialect string

// The supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound means the record does not exist or belongs to another user.
var ErrNotFound = errors.New("not found")

// ConflictError is a write that clashes with existing data (a duplicate name or external id).
type ConflictError struct {
	Message    string
	Field      string
	ExistingID int64 // the clashing record, when there is one
}

func (e *ConflictError) Error() string { return e.Message }

// Store is netfolio's database. SQLite gets one writer connection and a small pool of readers
// (WAL lets them read while the writer writes); PostgreSQL uses one pool for both.
type Store struct {
	dialect Dialect
	w       *gorm.DB // writes and transactions
	r       *gorm.DB // plain reads
	now     func() time.Time

	stmtOnce    sync.Once
	snapStmts   [2]*sql.Stmt // LatestSnapshot without and with the history
	versionStmt *sql.Stmt    // DataVersion
	stmtErr     error

	insertStmt *sql.Stmt // an insert of insertRows entries (insert.go); nil before the latest schema
}

// Options tune Open; the zero value is fine.
type Options struct {
	Now      func() time.Time // clock for sessions and throttling; time.Now when nil
	ReadPool int              // SQLite reader connections; 4 when 0

	schemaVersion int // migrate only up to this version (tests of upgrades); all when 0
}

// Open connects to dsn — a postgres:// URL or an SQLite file path — and runs the migrations.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		TranslateError:         true,
		NowFunc:                func() time.Time { return opt.Now().UTC() },
	}
	s := &Store{now: opt.Now}
	var err error
	if IsPostgres(dsn) {
		s.dialect = Postgres
		if s.w, err = gorm.Open(postgres.Open(dsn), cfg); err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		s.r = s.w
		if err := s.pool(s.w, 20); err != nil {
			return nil, err
		}
	} else {
		s.dialect = SQLite
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
		// busy_timeout first, so that every later pragma already waits for locks.
		base := "file:" + (&url.URL{Path: dsn}).EscapedPath() +
			"?_busy_timeout=10000&_journal_mode=WAL&_synchronous=FULL&_foreign_keys=on"
		if s.w, err = gorm.Open(sqlite.Open(base+"&_txlock=immediate"), cfg); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		if s.r, err = gorm.Open(sqlite.Open(base+"&_query_only=1"), cfg); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		if err := s.pool(s.w, 1); err != nil {
			return nil, err
		}
		n := opt.ReadPool
		if n <= 0 {
			n = 4
		}
		if err := s.pool(s.r, n); err != nil {
			return nil, err
		}
	}
	migrate := s.migrate
	if opt.schemaVersion > 0 {
		migrate = func(ctx context.Context) error { return s.migrateTo(ctx, opt.schemaVersion) }
	}
	if err := migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if opt.schemaVersion == 0 {
		if err := s.prepareInsert(); err != nil {
			s.Close()
			return nil, fmt.Errorf("prepare the insert of entries: %w", err)
		}
	}
	return s, nil
}

func (s *Store) pool(db *gorm.DB, n int) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(n)
	sqlDB.SetConnMaxIdleTime(0)
	return nil
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Dialect returns the engine in use.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes every connection.
func (s *Store) Close() error {
	var errs []error
	for _, stmt := range append(s.snapStmts[:], s.versionStmt, s.insertStmt) {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	for _, db := range []*gorm.DB{s.r, s.w} {
		if db == nil {
			continue
		}
		if sqlDB, err := db.DB(); err == nil {
			errs = append(errs, sqlDB.Close())
		}
		if s.r == s.w {
			break
		}
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error
}

// Pools returns the connection pools, for metrics.
func (s *Store) Pools() map[string]*gorm.DB {
	if s.r == s.w {
		return map[string]*gorm.DB{"main": s.w}
	}
	return map[string]*gorm.DB{"writer": s.w, "reader": s.r}
}

// Optimize runs SQLite's periodic upkeep: PRAGMA optimize and a WAL checkpoint.
func (s *Store) Optimize(ctx context.Context) error {
	if s.dialect != SQLite {
		return nil
	}
	if err := s.w.WithContext(ctx).Exec("PRAGMA optimize").Error; err != nil {
		return err
	}
	return s.w.WithContext(ctx).Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
}

func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.w.WithContext(ctx).Transaction(fn)
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// Describe names a database for logs without its password.
func Describe(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres"
	}
	return u.Redacted()
}

// Exec runs a statement on the database, for maintenance and tests.
func (s *Store) Exec(ctx context.Context, sql string, args ...any) error {
	return s.w.WithContext(ctx).Exec(sql, args...).Error
}

// readTx runs fn in a read-only transaction that sees one snapshot of the database
// throughout: SQLite's transactions do; PostgreSQL's need REPEATABLE READ (under its default
// READ COMMITTED each statement sees the latest commits).
func (s *Store) readTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.dialect == Postgres {
		return s.r.WithContext(ctx).Transaction(fn, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}
	return s.r.WithContext(ctx).Transaction(fn)
}

// stepContext is the context a statement runs with. mattn/go-sqlite3 steps every row of a
// statement whose context can be cancelled on a goroutine of its own (to interrupt it), which
// costs more than reading the row; so on SQLite statements run without ctx's cancellation,
// inside transactions that still end with ctx, and callers that stream rows check ctx between
// batches. PostgreSQL keeps ctx: its driver cancels a query on the server.
func (s *Store) stepContext(ctx context.Context) context.Context {
	if s.dialect == SQLite {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// cancelled reports ctx's error in place of err when ctx ended: a statement that failed
// because the request went away (its transaction rolled back under it) says so.
func cancelled(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
