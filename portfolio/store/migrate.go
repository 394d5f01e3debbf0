package store

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"
)

// migration is one versioned schema step. Its SQL is written once with {placeholders} for the
// few types the engines spell differently.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations are applied in order, each in a transaction, and recorded in schema_migrations.
// Never edit a released migration: add a new one.
var migrations = []migration{
	{1, "users, tokens, sessions, networks, entries, rates", `
CREATE TABLE users (
	id {pk},
	username TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	base_currency TEXT NOT NULL,
	admin BOOLEAN NOT NULL DEFAULT FALSE,
	created_at {ts} NOT NULL
);
CREATE TABLE tokens (
	id {pk},
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	created_at {ts} NOT NULL
);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE TABLE sessions (
	hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at {ts} NOT NULL,
	expires_at {ts} NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE TABLE login_failures (
	id {pk},
	key TEXT NOT NULL,
	at {ts} NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures(key, at);
CREATE TABLE networks (
	id {pk},
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('revshare', 'product')),
	status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'exited', 'collapsed')),
	currency TEXT NOT NULL,
	joined_on TEXT NOT NULL,
	closed_on TEXT,
	sponsor TEXT NOT NULL DEFAULT '',
	notes TEXT NOT NULL DEFAULT '',
	commitment_amount {money},
	commitment_day INTEGER,
	created_at {ts} NOT NULL,
	updated_at {ts} NOT NULL,
	UNIQUE (user_id, name)
);
CREATE TABLE entries (
	id {pk},
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	network_id BIGINT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
	date TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('investment', 'purchase', 'fee', 'payout', 'reinvest', 'balance')),
	amount {money} NOT NULL,
	currency TEXT NOT NULL,
	base_amount {money} NOT NULL,
	base_units BIGINT NOT NULL,
	base_given BOOLEAN NOT NULL DEFAULT FALSE,
	income_class TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	external_id TEXT NOT NULL DEFAULT '',
	created_at {ts} NOT NULL
);
CREATE INDEX entries_user_date ON entries(user_id, date, id);
CREATE INDEX entries_network_date ON entries(network_id, date);
CREATE UNIQUE INDEX entries_external_id ON entries(user_id, external_id) WHERE external_id <> '';
CREATE TABLE rates (
	user_id BIGINT NOT NULL,
	currency TEXT NOT NULL,
	date TEXT NOT NULL,
	units_per_eur {money} NOT NULL,
	PRIMARY KEY (user_id, currency, date)
);
`},
	{2, "figures snapshots and data versions", `
ALTER TABLE users ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;
CREATE TABLE snapshots (
	user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	as_of TEXT NOT NULL,
	data_version BIGINT NOT NULL,
	settings TEXT NOT NULL,
	computed_at {ts} NOT NULL,
	figures TEXT NOT NULL,
	history TEXT NOT NULL
);
CREATE TABLE reminders (
	user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	computed_at {ts} NOT NULL,
	body TEXT NOT NULL
);
`},
	{3, "commitment bookings", `
CREATE TABLE commitment_bookings (
	network_id BIGINT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
	month TEXT NOT NULL,
	booked_at {ts} NOT NULL,
	PRIMARY KEY (network_id, month)
);
`},
	{4, "conversion rate and import hash of entries", `
ALTER TABLE entries ADD COLUMN units_per_eur TEXT NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN import_hash TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX entries_import_hash ON entries(user_id, import_hash) WHERE import_hash <> '';
`},
	{5, "covering index for the figures' daily sums", `
CREATE INDEX entries_figures ON entries(user_id, network_id, date, kind, income_class, base_units, id);
`},
	{6, "daily sums for the figures", `
CREATE TABLE entry_days (
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	network_id BIGINT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
	date TEXT NOT NULL,
	investment BIGINT NOT NULL,
	other_outlay BIGINT NOT NULL,
	payout_active BIGINT NOT NULL,
	payout_passive BIGINT NOT NULL,
	payout_capital BIGINT NOT NULL,
	last_id BIGINT NOT NULL,
	balance_id BIGINT,
	PRIMARY KEY (network_id, date)
);
CREATE INDEX entry_days_user ON entry_days(user_id, network_id, date);
INSERT INTO entry_days (user_id, network_id, date, investment, other_outlay, payout_active, payout_passive, payout_capital, last_id, balance_id)
SELECT e.user_id, e.network_id, e.date,
	SUM(CASE WHEN e.kind = 'investment' THEN e.base_units ELSE 0 END),
	SUM(CASE WHEN e.kind IN ('purchase', 'fee') THEN e.base_units ELSE 0 END),
	SUM(CASE WHEN e.kind = 'payout' AND e.income_class = 'active' THEN e.base_units ELSE 0 END),
	SUM(CASE WHEN e.kind = 'payout' AND e.income_class = 'passive' THEN e.base_units ELSE 0 END),
	SUM(CASE WHEN e.kind = 'payout' AND e.income_class NOT IN ('active', 'passive') THEN e.base_units ELSE 0 END),
	MAX(CASE WHEN e.kind IN ('investment', 'purchase', 'fee', 'payout') THEN e.id ELSE 0 END),
	MAX(CASE WHEN e.kind = 'balance' THEN e.id END)
FROM entries e GROUP BY e.user_id, e.network_id, e.date;
`},
	// The figures and the reminders read entry_days now; the index only made every insert
	// dearer (a fifth index to keep up), and a day's refresh reads a handful of rows anyway.
	{7, "drop the figures' covering index", `
DROP INDEX entries_figures;
`},
}

func (s *Store) dialectSQL(sql string) string {
	types := map[Dialect][]string{
		SQLite:   {"{pk}", "INTEGER PRIMARY KEY AUTOINCREMENT", "{ts}", "DATETIME", "{money}", "TEXT"},
		Postgres: {"{pk}", "BIGSERIAL PRIMARY KEY", "{ts}", "TIMESTAMPTZ", "{money}", "NUMERIC"},
	}
	return strings.NewReplacer(types[s.dialect]...).Replace(sql)
}

type schemaMigration struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	Name      string
	AppliedAt time.Time
}

// migrate brings the schema up to date. On PostgreSQL an advisory lock keeps replicas that
// start together from migrating twice.
func (s *Store) migrate(ctx context.Context) error {
	return s.migrateTo(ctx, migrations[len(migrations)-1].version)
}

// migrateTo applies the migrations up to and including version target.
func (s *Store) migrateTo(ctx context.Context, target int) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7100421)").Error; err != nil {
				return fmt.Errorf("migration lock: %w", err)
			}
		}
		if err := tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ` + s.dialectSQL("{ts}") + ` NOT NULL)`).Error; err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		var current int
		if err := tx.Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current).Error; err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if latest := migrations[len(migrations)-1].version; current > latest {
			return fmt.Errorf("database schema version %d is newer than this netfolio (%d)", current, latest)
		}
		for _, m := range migrations {
			if m.version <= current || m.version > target {
				continue
			}
			for _, stmt := range strings.Split(s.dialectSQL(m.sql), ";\n") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
				}
			}
			rec := schemaMigration{Version: m.version, Name: m.name, AppliedAt: s.now().UTC()}
			if err := tx.Create(&rec).Error; err != nil {
				return fmt.Errorf("record migration %d: %w", m.version, err)
			}
			slog.InfoContext(ctx, "migrated database", "version", m.version, "name", m.name)
		}
		return nil
	})
}

// SchemaVersion returns the latest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.WithContext(ctx).Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v).Error
	return v, err
}
