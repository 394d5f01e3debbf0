//go:build linux

package main

// Helpers for tests that run the real netfolio binary as a separate process — so that it can
// be killed with SIGKILL — and talk to it over HTTP with an API token.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

// TestMain removes the binary that netfolioBinary built, once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// netfolioBinary builds this package's command once per test run and returns its path.
func netfolioBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "netfolio-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "netfolio")
		goTool, err := exec.LookPath("go")
		if err != nil {
			binErr = fmt.Errorf("the go tool is needed to build the binary: %w", err)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// syncBuffer is a bytes.Buffer that a process's output can be copied into while tests read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is one "netfolio serve" process.
type proc struct {
	t       testing.TB
	cmd     *exec.Cmd
	URL     string
	stderr  *syncBuffer
	done    chan struct{} // closed once the process has exited and been waited for
	waitErr error
}

// startProc runs "netfolio serve" on dsn on a random loopback port and waits until it prints
// its URL. The process is killed when the test ends, if it still runs.
func startProc(t testing.TB, dsn string, extra ...string) *proc {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--log-level", "warn"}, extra...)
	cmd := exec.Command(netfolioBinary(t), args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NETFOLIO_") { // no NETFOLIO_DEMO, NETFOLIO_BACKUP_DIR … from outside
			cmd.Env = append(cmd.Env, kv)
		}
	}
	// The server must not outlive a test binary that dies (a -timeout panic skips cleanups).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p := &proc{t: t, cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	cmd.WaitDelay = 5 * time.Second
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = pw
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		t.Fatalf("start netfolio: %v", err)
	}
	pw.Close()
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})

	urls := make(chan string, 1)
	go func() {
		defer pr.Close()
		lines := bufio.NewScanner(pr)
		for lines.Scan() {
			if rest, ok := strings.CutPrefix(lines.Text(), "netfolio is running at "); ok {
				urls <- rest
				break
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	select {
	case p.URL = <-urls:
	case <-p.done:
		t.Fatalf("netfolio serve exited before it printed its URL: %v\nstderr:\n%s", p.waitErr, p.stderr.String())
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-p.done
		t.Fatalf("netfolio serve printed no URL within 60 s\nstderr:\n%s", p.stderr.String())
	}
	return p
}

// Stderr is what the process has logged so far.
func (p *proc) Stderr() string { return p.stderr.String() }

// kill9 sends SIGKILL and waits for the process to be gone. It fails the test if the process
// had already ended by itself.
func (p *proc) kill9() {
	p.t.Helper()
	select {
	case <-p.done:
		p.t.Fatalf("netfolio ended before it was killed: %v\nstderr:\n%s", p.waitErr, p.Stderr())
	default:
	}
	if err := p.cmd.Process.Kill(); err != nil {
		p.t.Fatalf("kill: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.t.Fatal("netfolio did not end within 15 s of SIGKILL")
	}
	var ee *exec.ExitError
	if !errors.As(p.waitErr, &ee) {
		p.t.Fatalf("after SIGKILL: wait returned %v, want a kill", p.waitErr)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		p.t.Fatalf("netfolio ended with %v, not by SIGKILL\nstderr:\n%s", p.waitErr, p.Stderr())
	}
}

// stop asks for a graceful shutdown (SIGTERM) and returns the exit code. It first closes the
// clients' idle connections: http.Server.Shutdown waits up to 5 s for a connection that never
// sent a request, and Go's transport keeps such spare connections.
func (p *proc) stop(clients ...*apiClient) int {
	p.t.Helper()
	for _, c := range clients {
		c.http.CloseIdleConnections()
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.t.Fatal("netfolio did not shut down within 30 s of SIGTERM")
	}
	return p.cmd.ProcessState.ExitCode()
}

// newUserToken creates a user on dsn with the CLI and returns an API token for it.
func newUserToken(t testing.TB, dsn, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"user", "add", name, "--password-stdin", "--db", dsn}, strings.NewReader("correct horse battery staple\n"), &stdout, &stderr); code != 0 {
		t.Fatalf("user add %s: exit %d: %s", name, code, stderr.String())
	}
	stdout.Reset()
	if code := run(ctx, []string{"token", "create", name, "--db", dsn}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("token create %s: exit %d: %s", name, code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	token := strings.TrimSpace(lines[len(lines)-1])
	if token == "" {
		t.Fatal("token create printed no token")
	}
	return token
}

// apiClient talks to a server as one user, with a bearer token. Its methods return errors
// instead of failing the test, so that goroutines may use them.
type apiClient struct {
	base, token string
	http        *http.Client
}

func newAPIClient(base, token string) *apiClient {
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second}
	return &apiClient{base: base, token: token, http: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// send sends body (JSON-encoded unless it is an io.Reader) and returns the status and the raw
// answer.
func (c *apiClient) send(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var r io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case io.Reader:
		r, contentType = b, "text/csv"
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return 0, nil, err
		}
		r, contentType = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, raw, err
	}
	return res.StatusCode, raw, nil
}

// must sends a request, fails the test unless it answers want, and decodes the JSON answer
// into out (when out is not nil).
func (c *apiClient) must(t testing.TB, want int, method, path string, body, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	status, raw, err := c.send(ctx, method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if status != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: bad JSON %q: %v", method, path, raw, err)
		}
	}
}

// createNetwork creates a revshare network in the user's base currency and returns its id.
func (c *apiClient) createNetwork(t testing.TB, name string) int64 {
	t.Helper()
	var n struct {
		ID int64 `json:"id"`
	}
	c.must(t, http.StatusCreated, "POST", "/api/v1/networks", map[string]any{"name": name, "kind": "revshare"}, &n)
	if n.ID == 0 {
		t.Fatal("created network has no id")
	}
	return n.ID
}

// listedEntry is an entry as GET /api/v1/entries lists it, with the fields the tests check.
type listedEntry struct {
	ID         int64   `json:"id"`
	NetworkID  int64   `json:"network_id"`
	Date       string  `json:"date"`
	Kind       string  `json:"kind"`
	Amount     string  `json:"amount"`
	Currency   string  `json:"currency"`
	BaseAmount string  `json:"base_amount"`
	ExternalID *string `json:"external_id"`
}

// allEntries lists every entry of the user, following next_cursor page by page.
func (c *apiClient) allEntries(t testing.TB) []listedEntry {
	t.Helper()
	var all []listedEntry
	cursor := ""
	for page := 0; ; page++ {
		if page > 10000 {
			t.Fatal("GET /api/v1/entries: more than 10000 pages; is the cursor stuck?")
		}
		path := "/api/v1/entries?limit=1000"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var res struct {
			Items      []listedEntry `json:"items"`
			NextCursor *string       `json:"next_cursor"`
		}
		c.must(t, http.StatusOK, "GET", path, nil, &res)
		all = append(all, res.Items...)
		if res.NextCursor == nil {
			return all
		}
		if *res.NextCursor == cursor || len(res.Items) == 0 {
			t.Fatalf("GET /api/v1/entries: cursor %q does not advance", cursor)
		}
		cursor = *res.NextCursor
	}
}

// byExternalID indexes entries by their external id and fails the test if one is missing or
// appears twice.
func byExternalID(t testing.TB, entries []listedEntry) map[string]listedEntry {
	t.Helper()
	m := make(map[string]listedEntry, len(entries))
	for _, e := range entries {
		if e.ExternalID == nil {
			t.Errorf("entry %d has no external_id; every entry the test writes has one", e.ID)
			continue
		}
		if prev, dup := m[*e.ExternalID]; dup {
			t.Errorf("external_id %q is stored twice: entries %d and %d", *e.ExternalID, prev.ID, e.ID)
		}
		m[*e.ExternalID] = e
	}
	return m
}

// portfolioOutlay returns totals.outlay of GET /api/v1/portfolio (query may be "" or
// "?fresh=true").
func (c *apiClient) portfolioOutlay(t testing.TB, query string) *big.Rat {
	t.Helper()
	var res struct {
		Totals struct {
			Outlay string `json:"outlay"`
		} `json:"totals"`
	}
	c.must(t, http.StatusOK, "GET", "/api/v1/portfolio"+query, nil, &res)
	return mustRat(t, res.Totals.Outlay)
}

// mustRat parses a decimal string exactly.
func mustRat(t testing.TB, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("%q is not a decimal number", s)
	}
	return r
}

// cents formats an amount in cents as a decimal string: 12345 → "123.45".
func cents(n int64) string { return fmt.Sprintf("%d.%02d", n/100, n%100) }

// centsRat is an amount in cents as an exact number.
func centsRat(n int64) *big.Rat { return big.NewRat(n, 100) }
