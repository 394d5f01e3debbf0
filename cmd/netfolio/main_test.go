package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netfolio/netfolio/portfolio/sample"
	"github.com/netfolio/netfolio/portfolio/store"
)

func TestRunCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	cases := []struct {
		name     string
		args     []string
		stdin    string
		code     int
		stdout   string // substring
		stderr   string // substring
		lastLine string // prefix of stdout's last line
	}{
		{name: "no command", args: nil, code: 2, stderr: "Usage:"},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`},
		{name: "help", args: []string{"help"}, code: 0, stdout: "netfolio serve"},
		{name: "add admin from stdin", args: []string{"user", "add", "alice", "--admin", "--password-stdin", "--db", db}, stdin: "correct horse battery\n", code: 0, stdout: "created user alice"},
		{name: "add with generated password", args: []string{"user", "add", "--db", db, "bob", "--base-currency", "USD"}, code: 0, stdout: "password: "},
		{name: "name taken", args: []string{"user", "add", "alice", "--password-stdin", "--db", db}, stdin: "another password\n", code: 1, stderr: "taken"},
		{name: "short password", args: []string{"user", "add", "carl", "--password-stdin", "--db", db}, stdin: "short\n", code: 1, stderr: "password"},
		{name: "user add without name", args: []string{"user", "add", "--db", db}, code: 2, stderr: "usage"},
		{name: "token for alice", args: []string{"token", "create", "alice", "--name", "ci", "--db", db}, code: 0, lastLine: "nft_"},
		{name: "token for nobody", args: []string{"token", "create", "nobody", "--db", db}, code: 1, stderr: "not found"},
		{name: "bad flag", args: []string{"serve", "--nope"}, code: 2, stderr: "flag provided but not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tc.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.stderr)
			}
			if tc.lastLine != "" {
				lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
				if last := lines[len(lines)-1]; !strings.HasPrefix(last, tc.lastLine) {
					t.Errorf("last line %q, want prefix %q", last, tc.lastLine)
				}
			}
		})
	}

	// The printed token and the stdin password work.
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"token", "create", "alice", "--db", db}, nil, &stdout, io.Discard); code != 0 {
		t.Fatal("token create failed")
	}
	u, err := st.UserByToken(context.Background(), strings.TrimSpace(stdout.String()))
	if err != nil || u.Username != "alice" || !u.Admin {
		t.Errorf("token belongs to %+v, %v", u, err)
	}
	if _, err := st.Authenticate(context.Background(), "alice", "correct horse battery", "test"); err != nil {
		t.Errorf("stdin password: %v", err)
	}
	if bob, _ := st.UserByName(context.Background(), "bob"); bob.BaseCurrency != "USD" {
		t.Errorf("bob's base currency %q", bob.BaseCurrency)
	}
}

// startServe runs "netfolio serve" in the background and returns its URL and a stop function
// that waits for the graceful shutdown and returns the exit code.
func startServe(t *testing.T, args ...string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	codec := make(chan int, 1)
	go func() {
		codec <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, args...), nil, pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	url := ""
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "netfolio is running at "); ok {
			url = rest
			break
		}
	}
	if url == "" {
		cancel()
		t.Fatalf("serve printed no URL (exit %d)", <-codec)
	}
	go io.Copy(io.Discard, pr)
	return url, func() int {
		cancel()
		select {
		case code := <-codec:
			return code
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not shut down")
			return -1
		}
	}
}

func TestServeDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	countNetworks := func(url string) int {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
		body := `{"username":"` + sample.DemoUser + `","password":"` + sample.DemoPassword + `"}`
		res, err := c.Post(url+"/api/v1/session", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("demo login: %d", res.StatusCode)
		}
		res, err = c.Get(url + "/api/v1/networks")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var networks []map[string]any
		if err := json.NewDecoder(res.Body).Decode(&networks); err != nil {
			t.Fatal(err)
		}
		return len(networks)
	}
	url, stop := startServe(t, "--db", db, "--demo")
	if res, err := http.Get(url + "/readyz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}
	if n := countNetworks(url); n != 8 {
		t.Errorf("demo has %d networks, want 8", n)
	}
	if code := stop(); code != 0 {
		t.Errorf("graceful shutdown exited %d", code)
	}
	// A second start with --demo keeps the one demo portfolio.
	url, stop = startServe(t, "--db", db, "--demo")
	if n := countNetworks(url); n != 8 {
		t.Errorf("after restart the demo has %d networks, want 8", n)
	}
	stop()
}
