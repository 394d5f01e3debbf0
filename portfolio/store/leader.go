package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// leaderLockKey is the PostgreSQL advisory lock the scheduling replica holds.
const leaderLockKey = 7100422

// ErrNotLeader means another replica runs the scheduled jobs.
var ErrNotLeader = errors.New("another replica runs the jobs")

// Leader elects one replica of many on the same PostgreSQL database to run the scheduled
// jobs: the one that holds a session advisory lock on a connection of its own. When that
// replica dies its connection closes, the lock is free, and the next replica to ask takes it.
// It is gocron's Elector.
type Leader struct {
	db   *sql.DB
	mu   sync.Mutex
	conn *sql.Conn
}

// NewLeader returns the elector, or nil for SQLite: one file, one server, always the leader.
func (s *Store) NewLeader() (*Leader, error) {
	if s.dialect != Postgres {
		return nil, nil
	}
	db, err := s.w.DB()
	if err != nil {
		return nil, err
	}
	return &Leader{db: db}, nil
}

// IsLeader returns nil while this replica holds the lock, taking it when it is free.
func (l *Leader) IsLeader(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		if err := l.conn.PingContext(ctx); err == nil {
			return nil
		}
		_ = l.conn.Close() // the session, and with it the lock, is gone
		l.conn = nil
	}
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return err
	}
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", leaderLockKey).Scan(&got); err != nil {
		_ = conn.Close()
		return err
	}
	if !got {
		_ = conn.Close()
		return ErrNotLeader
	}
	l.conn = conn
	return nil
}

// Close gives the lock up.
func (l *Leader) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return nil
	}
	err := l.conn.Close()
	l.conn = nil
	return err
}
