//go:build linux

package main

// Durability tests against the real binary: writes the server acknowledged survive a SIGKILL,
// all-or-nothing writes stay all or nothing across one, and concurrent writers neither lose
// updates nor see "database is locked". They run on SQLite, and on PostgreSQL as well when
// NETFOLIO_TEST_PG names a server (storetest.DSN picks the engine).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/netfolio/netfolio/portfolio/store"
	"github.com/netfolio/netfolio/portfolio/store/storetest"
)

// engine names the database the tests run on, for messages.
func engine() string {
	if storetest.PostgresURL() != "" {
		return "postgres"
	}
	return "sqlite"
}

// sqliteIntegrity runs PRAGMA integrity_check on an SQLite database no server has open.
func sqliteIntegrity(t *testing.T, dsn string) {
	t.Helper()
	if store.IsPostgres(dsn) {
		return
	}
	db, err := gorm.Open(sqlite.Open("file:"+dsn+"?_busy_timeout=10000"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	defer func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	}()
	var rows []string
	if err := db.Raw("PRAGMA integrity_check").Scan(&rows).Error; err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	if len(rows) != 1 || rows[0] != "ok" {
		t.Errorf("SQLite integrity_check after SIGKILL: %q", rows)
	}
}

// lockProblems returns the lines of a server log that speak of locks, busy databases or
// errors.
func lockProblems(log string) []string {
	bad := regexp.MustCompile(`(?i)locked|sqlite_busy|database is busy|deadlock|level=ERROR`)
	var out []string
	for _, line := range strings.Split(log, "\n") {
		if bad.MatchString(line) {
			out = append(out, line)
		}
	}
	return out
}

// TestAcknowledgedWritesSurviveKill9 writes single entries and batches from several
// goroutines, kills the server with SIGKILL in the middle, restarts it on the same database
// and checks that every acknowledged write is there and that no batch is half written.
func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	dsn := storetest.DSN(t)
	token := newUserToken(t, dsn, "kill9")
	p := startProc(t, dsn)
	c := newAPIClient(p.URL, token)
	netID := c.createNetwork(t, "Kill9")

	const (
		singleWriters = 3
		batchWriters  = 2
		batchSize     = 20
		killAfterAcks = 1000                    // acknowledged requests before the kill …
		killAfterTime = 1500 * time.Millisecond // … or this long, whichever comes first
	)
	type batchRec struct {
		ids   []string
		acked bool
	}
	var (
		mu           sync.Mutex
		amount       = map[string]int64{} // every external id sent → its amount in cents
		ackedSingles []string
		singlesSent  int
		batches      []*batchRec // every batch sent, acknowledged or not
		unexpected   []string    // answers other than 201, errors before the kill
		acks         atomic.Int64
		killed       atomic.Bool
		enough       = make(chan struct{})
		enoughOnce   sync.Once
		wg           sync.WaitGroup
		ctx, cancel  = context.WithCancel(context.Background())
		entryFor     = func(ext string, c int64) map[string]any {
			return map[string]any{"network_id": netID, "date": "2025-06-15", "kind": "investment",
				"amount": cents(c), "external_id": ext}
		}
	)
	defer cancel()
	problem := func(format string, args ...any) {
		mu.Lock()
		unexpected = append(unexpected, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	acked := func() {
		if acks.Add(1) >= killAfterAcks {
			enoughOnce.Do(func() { close(enough) })
		}
	}

	for w := range singleWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				ext := fmt.Sprintf("s%d-%d", w, i)
				amt := int64(100 + (w*7919+i*31)%50000)
				mu.Lock()
				amount[ext] = amt
				singlesSent++
				mu.Unlock()
				status, raw, err := c.send(ctx, "POST", "/api/v1/entries", entryFor(ext, amt))
				if err != nil {
					if !killed.Load() {
						problem("single %s: %v", ext, err)
					}
					return
				}
				if status != http.StatusCreated {
					problem("single %s: status %d: %s", ext, status, raw)
					continue
				}
				var e listedEntry
				if err := json.Unmarshal(raw, &e); err != nil || e.ExternalID == nil || *e.ExternalID != ext || e.ID == 0 {
					problem("single %s: 201 with body %s", ext, raw)
					continue
				}
				mu.Lock()
				ackedSingles = append(ackedSingles, ext)
				mu.Unlock()
				acked()
			}
		}()
	}
	for w := range batchWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				rec := &batchRec{}
				items := make([]map[string]any, batchSize)
				mu.Lock()
				for k := range batchSize {
					ext := fmt.Sprintf("b%d-%d-%d", w, i, k)
					amt := int64(100 + (w*104729+i*batchSize+k)%50000)
					amount[ext] = amt
					rec.ids = append(rec.ids, ext)
					items[k] = entryFor(ext, amt)
				}
				batches = append(batches, rec)
				mu.Unlock()
				status, raw, err := c.send(ctx, "POST", "/api/v1/entries/batch", items)
				if err != nil {
					if !killed.Load() {
						problem("batch b%d-%d: %v", w, i, err)
					}
					return
				}
				if status != http.StatusCreated {
					problem("batch b%d-%d: status %d: %s", w, i, status, raw)
					continue
				}
				var res struct {
					Items []listedEntry `json:"items"`
				}
				if err := json.Unmarshal(raw, &res); err != nil || len(res.Items) != batchSize {
					problem("batch b%d-%d: 201 with body %.300s", w, i, raw)
					continue
				}
				mu.Lock()
				rec.acked = true
				mu.Unlock()
				acked()
			}
		}()
	}

	start := time.Now()
	select {
	case <-enough:
	case <-time.After(killAfterTime):
	}
	killed.Store(true)
	p.kill9()
	cancel()
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	ackedBatches := 0
	for _, b := range batches {
		if b.acked {
			ackedBatches++
		}
	}
	t.Logf("%s: killed after %v: %d acknowledged requests (%d of %d singles, %d of %d batches)",
		engine(), time.Since(start).Round(time.Millisecond), acks.Load(), len(ackedSingles), singlesSent, ackedBatches, len(batches))
	for _, u := range unexpected {
		t.Errorf("before the kill: %s", u)
	}
	if len(ackedSingles) == 0 || ackedBatches == 0 {
		t.Fatalf("no single or no batch write was acknowledged before the kill; nothing to check\nstderr:\n%s", p.Stderr())
	}
	if lines := lockProblems(p.Stderr()); len(lines) > 0 {
		t.Errorf("the server logged problems before the kill:\n%s", strings.Join(lines, "\n"))
	}

	sqliteIntegrity(t, dsn)

	p2 := startProc(t, dsn)
	c2 := newAPIClient(p2.URL, token)
	stored := byExternalID(t, c2.allEntries(t))

	// Every acknowledged write is there, with the amount it was sent with.
	check := func(ext string) bool {
		e, ok := stored[ext]
		if !ok {
			return false
		}
		if e.Amount != cents(amount[ext]) || e.NetworkID != netID || e.Kind != "investment" || e.Date != "2025-06-15" {
			t.Errorf("entry %s came back as %+v, want amount %s", ext, e, cents(amount[ext]))
		}
		return true
	}
	lost := 0
	for _, ext := range ackedSingles {
		if !check(ext) {
			lost++
			if lost <= 10 {
				t.Errorf("acknowledged single entry %s is missing after the restart", ext)
			}
		}
	}
	// Every batch is all there or not at all; acknowledged ones are all there.
	for _, b := range batches {
		n := 0
		for _, ext := range b.ids {
			if check(ext) {
				n++
			}
		}
		switch {
		case n != 0 && n != len(b.ids):
			t.Errorf("batch %s…: %d of its %d entries are stored (half written)", b.ids[0], n, len(b.ids))
		case b.acked && n == 0:
			lost += len(b.ids)
			t.Errorf("acknowledged batch %s… is missing after the restart", b.ids[0])
		}
	}
	if lost > 0 {
		t.Errorf("%d acknowledged entries lost", lost)
	}
	// Nothing is stored that was never sent.
	want := new(big.Rat)
	for ext, e := range stored {
		if _, ok := amount[ext]; !ok {
			t.Errorf("entry %s (id %d) is stored but was never sent", ext, e.ID)
		}
		want.Add(want, mustRat(t, e.Amount))
	}
	// The figures answer, and agree with the entries that are there.
	if got := c2.portfolioOutlay(t, ""); got.Cmp(want) != 0 {
		t.Errorf("after the restart totals.outlay is %s, want %s (the sum of the %d stored entries)", got.FloatString(2), want.FloatString(2), len(stored))
	}
	if got := c2.portfolioOutlay(t, "?fresh=true"); got.Cmp(want) != 0 {
		t.Errorf("after the restart fresh totals.outlay is %s, want %s", got.FloatString(2), want.FloatString(2))
	}
	// The database takes writes again.
	c2.must(t, http.StatusCreated, "POST", "/api/v1/entries", entryFor("after-restart", 100), nil)
	if code := p2.stop(c2); code != 0 {
		t.Errorf("graceful shutdown after the restart exited %d\nstderr:\n%s", code, p2.Stderr())
	}
	if lines := lockProblems(p2.Stderr()); len(lines) > 0 {
		t.Errorf("the restarted server logged problems:\n%s", strings.Join(lines, "\n"))
	}
}

// TestConcurrentWritersNoLockErrors has 8 clients write batches at once while two readers
// read the figures and the entries: every write succeeds, none is lost, and the figures add
// up to exactly what was written.
func TestConcurrentWritersNoLockErrors(t *testing.T) {
	dsn := storetest.DSN(t)
	token := newUserToken(t, dsn, "busy")
	p := startProc(t, dsn)
	c := newAPIClient(p.URL, token)
	netID := c.createNetwork(t, "Busy")

	const (
		writers   = 8
		batches   = 25
		batchSize = 40
		readers   = 2
	)
	amountOf := func(w, b, k int) int64 { return int64(1 + (w*1000003+b*4099+k*127)%99999) } // 0.01 to 999.99
	var wantSum int64
	for w := range writers {
		for b := range batches {
			for k := range batchSize {
				wantSum += amountOf(w, b, k)
			}
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var (
		mu       sync.Mutex
		problems []string
		reads    atomic.Int64
		wg, rwg  sync.WaitGroup
		start    = make(chan struct{})
		writing  = make(chan struct{})
	)
	problem := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for b := range batches {
				items := make([]map[string]any, batchSize)
				for k := range batchSize {
					items[k] = map[string]any{"network_id": netID, "date": fmt.Sprintf("2025-%02d-%02d", 1+b%12, 1+k%28),
						"kind": "investment", "amount": cents(amountOf(w, b, k)), "external_id": fmt.Sprintf("w%d-b%d-%d", w, b, k)}
				}
				status, raw, err := c.send(ctx, "POST", "/api/v1/entries/batch", items)
				switch {
				case err != nil:
					problem("writer %d batch %d: %v", w, b, err)
					return
				case status != http.StatusCreated:
					problem("writer %d batch %d: status %d: %.500s", w, b, status, raw)
				default:
					var res struct {
						Items []listedEntry `json:"items"`
					}
					if err := json.Unmarshal(raw, &res); err != nil || len(res.Items) != batchSize {
						problem("writer %d batch %d: 201 with body %.300s", w, b, raw)
					}
				}
			}
		}()
	}
	for r := range readers {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			<-start
			paths := []string{"/api/v1/portfolio", "/api/v1/entries?limit=200"}
			for i := 0; ; i++ {
				select {
				case <-writing:
					return
				default:
				}
				path := paths[(i+r)%len(paths)]
				status, raw, err := c.send(ctx, "GET", path, nil)
				if err != nil {
					problem("reader %d GET %s: %v", r, path, err)
					return
				}
				if status != http.StatusOK {
					problem("reader %d GET %s: status %d: %.500s", r, path, status, raw)
				}
				reads.Add(1)
			}
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	close(writing)
	rwg.Wait()
	t.Logf("%s: %d×%d batches of %d in %v, %d reads meanwhile", engine(), writers, batches, batchSize,
		time.Since(began).Round(time.Millisecond), reads.Load())
	for _, pr := range problems {
		t.Error(pr)
	}
	if lines := lockProblems(p.Stderr()); len(lines) > 0 {
		t.Errorf("the server logged problems:\n%s", strings.Join(lines, "\n"))
	}

	entries := c.allEntries(t)
	stored := byExternalID(t, entries)
	if len(entries) != writers*batches*batchSize {
		t.Errorf("%d entries stored, want %d", len(entries), writers*batches*batchSize)
	}
	for w := range writers {
		for b := range batches {
			for k := range batchSize {
				ext := fmt.Sprintf("w%d-b%d-%d", w, b, k)
				if e, ok := stored[ext]; !ok {
					t.Errorf("entry %s is missing", ext)
				} else if e.Amount != cents(amountOf(w, b, k)) {
					t.Errorf("entry %s has amount %s, want %s", ext, e.Amount, cents(amountOf(w, b, k)))
				}
			}
		}
	}
	want := centsRat(wantSum)
	if got := c.portfolioOutlay(t, ""); got.Cmp(want) != 0 {
		t.Errorf("totals.outlay %s, want %s", got.FloatString(2), want.FloatString(2))
	}
	if got := c.portfolioOutlay(t, "?fresh=true"); got.Cmp(want) != 0 {
		t.Errorf("fresh totals.outlay %s, want %s", got.FloatString(2), want.FloatString(2))
	}
	if code := p.stop(c); code != 0 {
		t.Errorf("graceful shutdown exited %d\nstderr:\n%s", code, p.Stderr())
	}
}

// importCSV generates an entries.csv of n investments of 1.00 to 500.00 on network net.
func importCSV(net string, n int) []byte {
	var b strings.Builder
	b.WriteString("external_id,date,network,network_kind,kind,amount,currency,base_amount,income_class,note\n")
	for i := range n {
		fmt.Fprintf(&b, "imp-%06d,2025-%02d-%02d,%s,,investment,%s,EUR,,,line %d\n", i, 1+i%12, 1+i%28, net, cents(int64(100+i%49901)), i)
	}
	return []byte(b.String())
}

// nthLineEnd returns the offset just after the n-th line of b.
func nthLineEnd(b []byte, n int) int {
	for i, c := range b {
		if c == '\n' {
			if n--; n == 0 {
				return i + 1
			}
		}
	}
	return len(b)
}

// uncommittedFootprint is a number that grows while a transaction writes rows it has not yet
// committed: the size of SQLite's WAL file, or of PostgreSQL's entries table. It only tells
// the test that the kill really hits an import in progress; nothing is asserted on it.
func uncommittedFootprint(t *testing.T, dsn string) func() int64 {
	if !store.IsPostgres(dsn) {
		return func() int64 {
			fi, err := os.Stat(dsn + "-wal")
			if err != nil {
				return 0
			}
			return fi.Size()
		}
	}
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("open %s: %v", store.Describe(dsn), err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return func() int64 {
		var n int64
		if err := db.Raw("SELECT pg_total_relation_size('entries')").Scan(&n).Error; err != nil {
			t.Logf("pg_total_relation_size: %v", err)
		}
		return n
	}
}

// TestImportKill9AllOrNothing kills the server during a 50,000-line CSV import: after the
// restart either every line is there or none.
func TestImportKill9AllOrNothing(t *testing.T) {
	const lines = 50000
	csv := importCSV("Imp", lines)

	// Held open, the import cannot have finished at the kill: its file has not ended. With the
	// whole body sent, the kill lands at a random moment of its run, perhaps after it.
	cases := []struct {
		name     string
		holdOpen bool // send all but the last lines, then keep the body open until the kill
	}{
		{name: "body held open", holdOpen: true},
		{name: "whole body sent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dsn := storetest.DSN(t)
			token := newUserToken(t, dsn, "importer")
			p := startProc(t, dsn)
			c := newAPIClient(p.URL, token)
			c.createNetwork(t, "Imp")
			footprint := uncommittedFootprint(t, dsn)
			before := footprint()

			body := csv
			if tc.holdOpen {
				body = csv[:len(csv)-200*40] // the last hundred-odd lines are missing
				body = body[:strings.LastIndexByte(string(body), '\n')+1]
			}
			pr, pw := io.Pipe()
			sent := make(chan struct{})
			go func() {
				if _, err := pw.Write(body); err != nil {
					return
				}
				close(sent)
				if !tc.holdOpen {
					pw.Close()
				}
			}()
			type answer struct {
				status int
				raw    []byte
				err    error
			}
			answers := make(chan answer, 1)
			go func() {
				status, raw, err := c.send(context.Background(), "POST", "/api/v1/import/entries.csv", pr)
				answers <- answer{status, raw, err}
			}()

			// Kill once the server has visibly written uncommitted rows, or after a bounded
			// wait; with the whole body sent, at a random moment of the import's run.
			var finished *answer
			select {
			case <-sent:
			case a := <-answers:
				t.Fatalf("the import answered before its file was sent: %d %v %.500s", a.status, a.err, a.raw)
			case <-time.After(30 * time.Second):
				t.Fatal("the CSV was not uploaded within 30 s")
			}
			uploaded := time.Now()
			deadline := time.After(3 * time.Second)
			if !tc.holdOpen {
				deadline = time.After(time.Duration(rand.IntN(3000)) * time.Millisecond)
			}
			tick := time.NewTicker(20 * time.Millisecond)
		wait:
			for {
				select {
				case a := <-answers:
					finished = &a
					break wait
				case <-deadline:
					break wait
				case <-tick.C:
					if tc.holdOpen && footprint()-before > 4<<20 {
						break wait
					}
				}
			}
			tick.Stop()
			grown := footprint() - before
			if finished == nil {
				p.kill9()
				pw.CloseWithError(io.ErrUnexpectedEOF)
				select {
				case a := <-answers:
					if a.err == nil && a.status == http.StatusOK {
						finished = &a // answered between the last look and the kill
					}
				case <-time.After(30 * time.Second):
					t.Fatal("the import request did not end after the kill")
				}
			} else {
				p.kill9()
			}
			if finished != nil && (finished.err != nil || finished.status != http.StatusOK) {
				t.Fatalf("the import answered before the kill: %d %v %.500s", finished.status, finished.err, finished.raw)
			}
			t.Logf("%s: killed %v after the upload, the import answered=%t; uncommitted footprint grew by %d KiB",
				engine(), time.Since(uploaded).Round(time.Millisecond), finished != nil, grown>>10)
			if tc.holdOpen && finished != nil {
				t.Fatalf("the import answered although its file had not ended: %.500s", finished.raw)
			}

			sqliteIntegrity(t, dsn)
			p2 := startProc(t, dsn)
			c2 := newAPIClient(p2.URL, token)
			n := len(c2.allEntries(t))
			switch {
			case finished != nil && n != lines:
				t.Errorf("the import was acknowledged, but %d of its %d lines are stored after the restart", n, lines)
			case tc.holdOpen && n != 0:
				t.Errorf("the import's file never ended, yet %d of its lines are stored", n)
			case n != 0 && n != lines:
				t.Errorf("after the kill %d of the import's %d lines are stored: half an import", n, lines)
			}
			t.Logf("%s: %d of %d lines stored after the restart", engine(), n, lines)
			// Importing the file's start again skips what survived and adds what did not.
			const again = 2000
			head := csv[:nthLineEnd(csv, again+1)]
			var res struct {
				Added, Skipped int
			}
			c2.must(t, http.StatusOK, "POST", "/api/v1/import/entries.csv", strings.NewReader(string(head)), &res)
			wantAdded := again
			if n == lines {
				wantAdded = 0
			}
			if res.Added != wantAdded || res.Skipped != again-wantAdded {
				t.Errorf("importing the first %d lines again: added %d, skipped %d; want %d added", again, res.Added, res.Skipped, wantAdded)
			}
			if code := p2.stop(c2); code != 0 {
				t.Errorf("graceful shutdown exited %d\nstderr:\n%s", code, p2.Stderr())
			}
		})
	}
}
