package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type measurer struct {
	o     options
	srv   *server
	token string
	http  *http.Client
}

func newHTTPClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 5 * time.Minute,
		Transport: &http.Transport{
			MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: time.Minute,
			DisableCompression: true,
		},
	}
}

// send makes one request and hands the answer's body to read (which may stream it); it
// returns the time from sending to the end of the body.
func (m *measurer) send(ctx context.Context, method, path, token string, body []byte, want int, read func(io.Reader) error) (time.Duration, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, m.srv.url+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := m.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
		return 0, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	if read == nil {
		read = func(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err }
	}
	if err := read(resp.Body); err != nil {
		return 0, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	return time.Since(start), nil
}

func (m *measurer) get(ctx context.Context, path string) (time.Duration, error) {
	return m.send(ctx, http.MethodGet, path, m.token, nil, http.StatusOK, nil)
}

// snapshotColdStart asks for the figures once right after the start — the server computes and
// stores the snapshot then (its snapshot job does too) — and waits until the server is idle.
func (m *measurer) snapshotColdStart(ctx context.Context, r *report) error {
	m.o.logf("first GET /api/v1/portfolio (the snapshot is computed now)")
	d, err := m.get(ctx, "/api/v1/portfolio")
	if err != nil {
		return err
	}
	r.add(row{figure: "first GET /portfolio after start (computes the snapshot)", value: ms(d), unit: "ms"})
	waited, idle := m.srv.waitIdle(ctx, 90*time.Second)
	if !idle {
		r.note("the server was still busy %s after the first request; measured anyway", waited.Round(time.Second))
	}
	return nil
}

// freshFigures computes the figures on the spot, from SQLite, o.freshRuns times.
func (m *measurer) freshFigures(ctx context.Context, r *report) (time.Duration, error) {
	var times []float64
	for i := range m.o.freshRuns {
		d, err := m.get(ctx, "/api/v1/portfolio?fresh=true")
		if err != nil {
			return 0, err
		}
		times = append(times, ms(d))
		m.o.logf("fresh figures %d/%d: %s", i+1, m.o.freshRuns, d.Round(time.Millisecond))
		m.srv.waitIdle(ctx, 3*time.Second) // the previous answer's garbage collection
	}
	med := median(times)
	label := fmt.Sprintf("fresh figures, %s entries in %d networks (GET /portfolio?fresh=true), median of %d",
		groupThousands(strconv.Itoa(m.o.entries)), m.o.networks, len(times))
	r.add(row{figure: label, value: med, unit: "ms", dir: atMost, target: 1000})
	r.add(row{figure: "  the same against the aim", value: med, unit: "ms", dir: atMost, target: 250, aim: "(aim)"})
	r.add(row{figure: "  fresh figures, min – max", text: fmt.Sprintf("%s – %s", formatValue(slices.Min(times)), formatValue(slices.Max(times))), unit: "ms"})
	return time.Duration(med * float64(time.Millisecond)), nil
}

// rssLoaded reads the server's memory with the user loaded and the figures computed.
func (m *measurer) rssLoaded(r *report) {
	mem, err := readMemory(m.srv.pid)
	if err != nil {
		r.note("server RSS not readable: %v", err)
		return
	}
	r.add(row{figure: "server RSS with the user loaded (after the figures)", value: mb(mem.rss), unit: "MB", dir: atMost, target: 200})
	r.add(row{figure: "  server peak RSS so far (VmHWM)", value: mb(mem.hwm), unit: "MB"})
}

// snapshotLoad: GET /api/v1/portfolio from the snapshot with o.connections connections.
func (m *measurer) snapshotLoad(ctx context.Context, r *report) error {
	tool := m.o.loadTool
	if tool == "auto" {
		tool = "go"
		if _, err := exec.LookPath("wrk"); err == nil {
			tool = "wrk"
		}
	}
	var load func(ctx context.Context, d time.Duration) (loadResult, error)
	switch tool {
	case "wrk":
		script := filepath.Join(filepath.Dir(m.srv.log), "report.lua")
		if err := os.WriteFile(script, []byte(wrkScript), 0o644); err != nil {
			return err
		}
		load = func(ctx context.Context, d time.Duration) (loadResult, error) {
			return runWrk(ctx, m.srv.url+"/api/v1/portfolio", m.token, m.o.connections, d, script)
		}
	case "go":
		load = func(ctx context.Context, d time.Duration) (loadResult, error) {
			return runGoLoad(ctx, m.srv.url+"/api/v1/portfolio", m.token, m.o.connections, d)
		}
	default:
		return fmt.Errorf("--load %q: wrk, go or auto", m.o.loadTool)
	}
	m.o.logf("snapshot load with %s, %d connections: 1 s warm-up, then %d × %s", tool, m.o.connections, m.o.loadRuns, m.o.loadTime)
	if _, err := load(ctx, time.Second); err != nil {
		return err
	}
	var rps, p50, p99 []float64
	errs := int64(0)
	for i := range m.o.loadRuns {
		res, err := load(ctx, m.o.loadTime)
		if err != nil {
			return err
		}
		m.o.logf("snapshot load %d/%d: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d errors", i+1, m.o.loadRuns, res.rps, ms(res.p50), ms(res.p99), res.errors)
		rps, p50, p99 = append(rps, res.rps), append(p50, ms(res.p50)), append(p99, ms(res.p99))
		errs += res.errors
	}
	what := fmt.Sprintf("GET /portfolio from the snapshot, %d connections (%s, median of %d × %s)", m.o.connections, tool, m.o.loadRuns, m.o.loadTime)
	r.add(row{figure: what, value: median(rps), unit: "requests/s", dir: atLeast, target: 10000})
	r.add(row{figure: "  p99 latency", value: median(p99), unit: "ms", dir: atMost, target: 10})
	r.add(row{figure: "  p50 latency", value: median(p50), unit: "ms"})
	if errs > 0 {
		r.note("snapshot load: %d requests failed (non-2xx, timeouts or socket errors)", errs)
	}
	return nil
}

// taxExport downloads tax.csv of the busiest year o.taxRuns times, counting its rows and
// watching the server's memory: RSS before, the peak during (VmHWM, reset before each run,
// and RSS sampled every 5 ms), RSS after.
func (m *measurer) taxExport(ctx context.Context, r *report, year int, rows int64) error {
	path := fmt.Sprintf("/api/v1/export/tax.csv?year=%d&dialect=intl", year)
	var rates, growth []float64
	var before, after memory
	peakResets := true
	for i := range m.o.taxRuns {
		m.settle()
		var err error
		if before, err = readMemory(m.srv.pid); err != nil {
			return err
		}
		if resetPeak(m.srv.pid) != nil {
			peakResets = false
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var sampled int64
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					if mem, err := readMemory(m.srv.pid); err == nil {
						sampled = max(sampled, mem.rss)
					}
				}
			}
		}()
		var lines int64
		d, err := m.send(ctx, http.MethodGet, path, m.token, nil, http.StatusOK, func(body io.Reader) error {
			var n int64
			buf := make([]byte, 256<<10)
			for {
				k, err := body.Read(buf)
				n += int64(bytes.Count(buf[:k], []byte{'\n'}))
				if err == io.EOF {
					lines = n
					return nil
				}
				if err != nil {
					return err
				}
			}
		})
		close(stop)
		wg.Wait()
		if err != nil {
			return err
		}
		if after, err = readMemory(m.srv.pid); err != nil {
			return err
		}
		got := lines - 1 // the header
		if got != rows {
			return fmt.Errorf("tax.csv of %d has %d rows; the database has %d entries with a cash flow that year", year, got, rows)
		}
		peak := max(sampled, after.hwm, after.rss)
		if !peakResets {
			peak = max(sampled, after.rss)
		}
		rate := float64(got) / d.Seconds()
		rates, growth = append(rates, rate), append(growth, mb(peak-before.rss))
		m.o.logf("tax.csv %d/%d: %d rows in %s (%.0f rows/s); RSS %.0f MB before, peak %.0f MB, %.0f MB after",
			i+1, m.o.taxRuns, got, d.Round(time.Millisecond), rate, mb(before.rss), mb(peak), mb(after.rss))
	}
	r.add(row{figure: fmt.Sprintf("export/tax.csv of %d (%s rows), median of %d", year, groupThousands(strconv.FormatInt(rows, 10)), len(rates)), value: median(rates), unit: "rows/s", dir: atLeast, target: 300000})
	r.add(row{figure: "  server RSS growth during the export (largest of the runs)", value: slices.Max(growth), unit: "MB", dir: atMost, target: 50})
	if !peakResets {
		r.note("could not reset VmHWM (/proc/<pid>/clear_refs): the export's peak RSS is from 5 ms samples only")
	}
	return nil
}

// settle lets the server finish the previous run's work (its garbage collection) first.
func (m *measurer) settle() { m.srv.waitIdle(context.Background(), 3*time.Second) }

// batchInsert posts batches of o.batchSize entries to a second, empty user: one to warm up,
// then o.batches timed.
func (m *measurer) batchInsert(ctx context.Context, r *report, token string) error {
	var created struct {
		ID int64 `json:"id"`
	}
	body := []byte(`{"name":"Bench batch","kind":"revshare","currency":"EUR","joined_on":"2020-01-01"}`)
	_, err := m.send(ctx, http.MethodPost, "/api/v1/networks", token, body, http.StatusCreated, func(b io.Reader) error {
		return json.NewDecoder(b).Decode(&created)
	})
	if err != nil {
		return err
	}
	if created.ID == 0 {
		return errors.New("POST /api/v1/networks: no id in the answer")
	}
	var rates []float64
	for i := range m.o.batches + 1 {
		batch := makeBatch(created.ID, i, m.o.batchSize)
		var items struct {
			Items []json.RawMessage `json:"items"`
		}
		// The clock stops at the answer's last byte, as with any load tool; the answer is
		// checked after that, so the client's JSON decoding is not counted as the server's.
		var answer bytes.Buffer
		d, err := m.send(ctx, http.MethodPost, "/api/v1/entries/batch", token, batch, http.StatusCreated, func(b io.Reader) error {
			_, err := answer.ReadFrom(b)
			return err
		})
		if err != nil {
			return err
		}
		if err := json.Unmarshal(answer.Bytes(), &items); err != nil {
			return fmt.Errorf("POST /api/v1/entries/batch: the answer: %w", err)
		}
		if len(items.Items) != m.o.batchSize {
			return fmt.Errorf("POST /api/v1/entries/batch: %d items back for %d sent", len(items.Items), m.o.batchSize)
		}
		if i == 0 {
			continue // warm-up
		}
		rates = append(rates, float64(m.o.batchSize)/d.Seconds())
	}
	m.o.logf("batches: %.0f entries/s (median of %d; min %.0f, max %.0f)", median(rates), len(rates), slices.Min(rates), slices.Max(rates))
	r.add(row{figure: fmt.Sprintf("POST /entries/batch of %d entries, median of %d batches", m.o.batchSize, len(rates)), value: median(rates), unit: "entries/s", dir: atLeast, target: 50000})
	return nil
}

// makeBatch is batch n: payouts with a fee and an investment now and then, spread over 2025.
func makeBatch(networkID int64, n, size int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range size {
		if i > 0 {
			b.WriteByte(',')
		}
		k := n*size + i
		kind, amount := "payout", fmt.Sprintf("%d.%02d", 1+k%37, k%100)
		switch {
		case k%97 == 0:
			kind, amount = "investment", fmt.Sprintf("%d.00", 100+k%900)
		case k%29 == 0:
			kind, amount = "fee", fmt.Sprintf("%d.50", 1+k%9)
		}
		day := start.AddDate(0, 0, k%365).Format(time.DateOnly)
		fmt.Fprintf(&b, `{"network_id":%d,"date":"%s","kind":"%s","amount":"%s","note":"batch %d"}`, networkID, day, kind, amount, n)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// journal returns the journal export of the generated user: the cached one, or one
// downloaded now (and cached, since the generated data never changes).
func (m *measurer) journal(ctx context.Context, r *report, cachedDB string) (string, error) {
	if m.o.hledger == "" {
		return "", nil
	}
	path := journalCache(m.o)
	if st, err := os.Stat(path); err == nil && !m.o.freshJournal && st.ModTime().After(modTime(cachedDB)) {
		return path, nil
	}
	m.o.logf("exporting journal.ledger for hledger (once, then cached in %s)", path)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", err
	}
	var n, txns int64
	d, err := m.send(ctx, http.MethodGet, "/api/v1/export/journal.ledger", m.token, nil, http.StatusOK, func(b io.Reader) error {
		buf := make([]byte, 256<<10)
		for {
			k, err := b.Read(buf)
			txns += int64(bytes.Count(buf[:k], []byte("\n\n"))) // transactions end in a blank line
			n += int64(k)
			if _, werr := f.Write(buf[:k]); werr != nil {
				return werr
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	m.o.logf("journal.ledger: about %d transactions, %.0f MB in %s", txns, mb(n), d.Round(time.Millisecond))
	r.add(row{figure: fmt.Sprintf("export/journal.ledger, every entry (%.0f MB; exported once, then cached)", mb(n)),
		value: float64(txns) / d.Seconds(), unit: "rows/s"})
	return path, os.Rename(tmp, path)
}

func modTime(path string) time.Time {
	st, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	return st.ModTime()
}

// compareHledger times `hledger -f journal bal Assets:Cash` — the networks' nets, which the
// figures also compute — and reports how many times faster the fresh figures were.
func compareHledger(ctx context.Context, o options, r *report, journal string, fresh time.Duration) error {
	if o.hledger == "" {
		r.note("hledger comparison skipped (--hledger \"\")")
		return nil
	}
	bin, err := exec.LookPath(o.hledger)
	if err != nil {
		r.note("hledger comparison skipped: %s is not installed (Debian: apt-get install hledger)", o.hledger)
		return nil
	}
	version := ""
	if out, err := exec.CommandContext(ctx, bin, "--version").Output(); err == nil {
		version = strings.TrimSpace(string(out))
	}
	o.logf("hledger -f journal.ledger bal Assets:Cash (at most %s)", o.hledgerLimit)
	hctx, cancel := context.WithTimeout(ctx, o.hledgerLimit)
	defer cancel()
	cmd := exec.CommandContext(hctx, bin, "-f", journal, "bal", "Assets:Cash")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	stopped := hctx.Err() != nil && ctx.Err() == nil
	if err != nil && !stopped {
		return fmt.Errorf("hledger: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	peak := ""
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = fmt.Sprintf(", peak RSS %.1f GB", float64(ru.Maxrss)/(1<<20))
		}
	}
	o.logf("hledger: %s%s", took.Round(time.Millisecond), peak)
	r.add(row{figure: "hledger -f journal.ledger bal Assets:Cash (same data)", value: took.Seconds(), unit: "s", lower: stopped})
	r.add(row{figure: "  figures vs hledger: hledger time ÷ fresh figures time", value: took.Seconds() / fresh.Seconds(), unit: "× faster", dir: atLeast, target: 1, lower: stopped})
	if version != "" {
		r.note("%s%s, one run in the same run as the figures", version, peak)
	}
	if stopped {
		r.note("hledger was stopped after %s: its time and the ratio are lower bounds", o.hledgerLimit)
	}
	return nil
}
