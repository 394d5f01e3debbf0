package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/netfolio/netfolio/portfolio/store"
)

const (
	benchUser = "bench"       // the generated user; its password is the name twice
	batchUser = "bench-batch" // an empty user the batches go to
)

// netfolioCLI runs the netfolio binary's subcommands.
type netfolioCLI struct{ bin string }

// env is the environment without NETFOLIO_* settings, so that the flags alone configure it.
func (c *netfolioCLI) env() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NETFOLIO_") {
			out = append(out, kv)
		}
	}
	return out
}

func (c *netfolioCLI) run(ctx context.Context, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = c.env()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("netfolio %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// token creates an API token for user and returns it (the last line netfolio prints).
func (c *netfolioCLI) token(ctx context.Context, db, user string) (string, error) {
	out, err := c.run(ctx, "", "token", "create", user, "--name", "bench", "--db", db)
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := strings.TrimSpace(lines[len(lines)-1])
	if token == "" || strings.ContainsAny(token, " \t") {
		return "", fmt.Errorf("netfolio token create: no token in %q", out)
	}
	return token, nil
}

func (c *netfolioCLI) userAdd(ctx context.Context, db, user string) error {
	_, err := c.run(ctx, user+user+"\n", "user", "add", user, "--password-stdin", "--db", db)
	return err
}

// ensureDatabase returns the cached database of the generated user, generating it first when
// the cache has none for this seed and size.
func ensureDatabase(ctx context.Context, o options, cli *netfolioCLI) (string, error) {
	path := filepath.Join(o.cache, cacheKey(o)+".db")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(o.cache, 0o755); err != nil {
		return "", err
	}
	tmp := filepath.Join(o.cache, fmt.Sprintf(".gen-%d.db", os.Getpid()))
	defer removeDB(tmp)
	o.logf("generating %d entries in %d networks (seed %d) into %s — once, then cached", o.entries, o.networks, o.seed, path)
	out, err := cli.run(ctx, "", "gen", "--user", benchUser, "--networks", strconv.Itoa(o.networks),
		"--entries", strconv.Itoa(o.entries), "--seed", strconv.FormatUint(o.seed, 10), "--db", tmp)
	if err != nil {
		return "", err
	}
	o.logf("%s", strings.TrimSpace(out))
	// gen closed the database: its WAL is checkpointed and gone, the file stands alone.
	for _, suffix := range []string{"-wal", "-shm"} {
		if st, err := os.Stat(tmp + suffix); err == nil && st.Size() > 0 {
			return "", fmt.Errorf("%s%s is left after netfolio gen", tmp, suffix)
		}
	}
	_ = os.Remove(journalCache(o))
	if err := os.Rename(tmp, path); err != nil {
		return "", err
	}
	return path, nil
}

func cacheKey(o options) string {
	return fmt.Sprintf("seed%d-networks%d-entries%d", o.seed, o.networks, o.entries)
}

func journalCache(o options) string { return filepath.Join(o.cache, cacheKey(o)+".ledger") }

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(path + suffix)
	}
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// busiestYear finds the year with the most entries with a cash flow (the rows of tax.csv), and
// counts the user's entries. It opens the copy before the server does (which runs the same
// migrations anyway).
func busiestYear(ctx context.Context, db, user string) (year int, rows, total int64, err error) {
	quiet := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler)) // the migrations log at info
	defer slog.SetDefault(quiet)
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		return 0, 0, 0, err
	}
	defer st.Close()
	u, err := st.UserByName(ctx, user)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("user %s in %s: %w", user, db, err)
	}
	if total, err = st.CountEntries(ctx, u.ID); err != nil {
		return 0, 0, 0, err
	}
	var best []struct {
		Year string
		N    int64
	}
	err = st.Pools()["reader"].WithContext(ctx).Raw(`SELECT substr(date, 1, 4) AS year, COUNT(*) AS n FROM entries
		WHERE user_id = ? AND kind IN ('investment', 'purchase', 'fee', 'payout')
		GROUP BY year ORDER BY n DESC, year DESC LIMIT 1`, u.ID).Scan(&best).Error
	if err != nil {
		return 0, 0, 0, err
	}
	if len(best) == 0 {
		return 0, 0, total, fmt.Errorf("user %s has no entries with a cash flow", user)
	}
	if year, err = strconv.Atoi(best[0].Year); err != nil {
		return 0, 0, 0, fmt.Errorf("entry dates are not stored as YYYY-MM-DD: %q", best[0].Year)
	}
	return year, best[0].N, total, nil
}

// server is a running netfolio serve.
type server struct {
	cmd  *exec.Cmd
	pid  int
	url  string
	log  string
	done chan struct{}
	once sync.Once

	summary logSummary // of the server's log, once stopped
}

var runningAt = regexp.MustCompile(`netfolio is running at (http://\S+)`)

// startServer starts netfolio serve on a free loopback port and waits for its address.
func startServer(ctx context.Context, cli *netfolioCLI, db, work string) (*server, error) {
	logPath := filepath.Join(work, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	// Not CommandContext: stop ends the server gracefully, also when ctx is cancelled.
	cmd := exec.Command(cli.bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--log-level", "warn")
	cmd.Env = cli.env()
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	s := &server{cmd: cmd, pid: cmd.Process.Pid, log: logPath, done: make(chan struct{})}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		found := false
		for sc.Scan() {
			if m := runningAt.FindStringSubmatch(sc.Text()); m != nil && !found {
				found = true
				urlc <- m[1]
			}
		}
	}()
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(s.done)
	}()
	select {
	case s.url = <-urlc:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("netfolio serve exited: %s", tail(logPath, 20))
	case <-time.After(60 * time.Second):
	case <-ctx.Done():
	}
	_ = cmd.Process.Kill()
	<-s.done
	return nil, fmt.Errorf("netfolio serve did not start: %s", tail(logPath, 20))
}

// stop ends the server: SIGTERM, and SIGKILL after 15 s.
func (s *server) stop(o options) {
	s.once.Do(func() {
		crashed := false
		select {
		case <-s.done:
			crashed = true
			o.logf("the server exited before it was stopped")
		default:
		}
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			o.logf("server did not stop in 15 s: killing it")
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		s.summary = summarizeLog(s.log)
		if crashed || s.summary.unexpected > 0 {
			o.logf("server log (last lines):\n%s", tail(s.log, o.serverLogTail))
		}
	})
}

// logSummary counts the server's warnings and errors; "context canceled" errors are requests
// whose client hung up (wrk closes its connections at the end of each run mid-request).
type logSummary struct{ warnings, errors, canceled, unexpected int }

func summarizeLog(path string) logSummary {
	var l logSummary
	b, err := os.ReadFile(path)
	if err != nil {
		return l
	}
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.Contains(line, "level=WARN"):
			l.warnings++
			l.unexpected++
		case strings.Contains(line, "level=ERROR") && strings.Contains(line, "context canceled"):
			l.errors++
			l.canceled++
		case strings.Contains(line, "level=ERROR"):
			l.errors++
			l.unexpected++
		}
	}
	return l
}

func (l logSummary) String() string {
	if l.warnings+l.errors == 0 {
		return "no warnings or errors"
	}
	return fmt.Sprintf("%d warnings, %d errors (%d of them \"context canceled\": load clients hanging up mid-request, logged as 500)",
		l.warnings, l.errors, l.canceled)
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// memory is a process's resident set now and its peak, in bytes, from /proc/<pid>/status.
type memory struct{ rss, hwm int64 }

func readMemory(pid int) (memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	var m memory
	for _, line := range strings.Split(string(b), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 3 || fields[2] != "kB" {
			continue
		}
		v, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			continue
		}
		switch fields[0] {
		case "VmRSS:":
			m.rss = v << 10
		case "VmHWM:":
			m.hwm = v << 10
		}
	}
	if m.rss == 0 {
		return m, errors.New("no VmRSS in /proc/<pid>/status")
	}
	return m, nil
}

// resetPeak resets the process's VmHWM to its current RSS (Linux 4.0+).
func resetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// cpuTime is the process's user + system CPU time so far, from /proc/<pid>/stat.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("unreadable /proc/<pid>/stat")
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state): utime is field 14, stime 15
	if len(f) < 13 {
		return 0, errors.New("short /proc/<pid>/stat")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("unreadable CPU times in /proc/<pid>/stat")
	}
	const hz = 100 // USER_HZ
	return time.Duration(ut+st) * time.Second / hz, nil
}

// waitIdle waits until the server has used under 2 % of a CPU for half a second (its jobs,
// e.g. the snapshot computed at start, are done), at most max.
func (s *server) waitIdle(ctx context.Context, max time.Duration) (time.Duration, bool) {
	start := time.Now()
	quiet := 0
	last, err := cpuTime(s.pid)
	if err != nil {
		return 0, false
	}
	for time.Since(start) < max && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
		now, err := cpuTime(s.pid)
		if err != nil {
			return time.Since(start), false
		}
		if now-last <= 2*time.Millisecond {
			quiet++
		} else {
			quiet = 0
		}
		last = now
		if quiet >= 5 {
			return time.Since(start), true
		}
	}
	return time.Since(start), false
}
