package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/netfolio/netfolio/api"
	"github.com/netfolio/netfolio/frontend"
	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/snapshot"
	"github.com/netfolio/netfolio/portfolio/store"
	"github.com/netfolio/netfolio/portfolio/store/storetest"
)

// fixedNow is the clock of every test server: "today" is 2026-03-15.
var fixedNow = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// testServer is the real server on a random 127.0.0.1 port with a real SQLite file.
type testServer struct {
	t     *testing.T
	URL   string
	Store *store.Store
	DB    string
	stop  func()
}

func startServer(t *testing.T) *testServer {
	t.Helper()
	return startServerAt(t, storetest.DSN(t))
}

func startServerAt(t *testing.T, dbPath string) *testServer {
	t.Helper()
	st, err := store.Open(context.Background(), dbPath, store.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	clock := func() time.Time { return fixedNow }
	snaps := snapshot.New(st, portfolio.DefaultSettings(), clock, time.UTC)
	handler := api.New(api.Config{Store: st, Now: clock, Location: time.UTC, Frontend: frontend.Assets(), Snapshots: snaps})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	}()
	s := &testServer{t: t, URL: "http://" + ln.Addr().String(), Store: st, DB: dbPath}
	stopped := false
	s.stop = func() {
		if stopped {
			return
		}
		stopped = true
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
		_ = st.Close()
	}
	t.Cleanup(s.stop)
	return s
}

// client talks JSON to the server as one user.
type client struct {
	t     *testing.T
	base  string
	token string
	http  *http.Client
}

// newUser creates a user with an API token and returns a client for it.
func (s *testServer) newUser(name string, admin bool) *client {
	s.t.Helper()
	ctx := context.Background()
	u, err := s.Store.CreateUser(ctx, store.NewUser{Username: name, Password: "password-" + name, Admin: admin})
	if err != nil {
		s.t.Fatalf("create user: %v", err)
	}
	_, token, err := s.Store.CreateToken(ctx, u.ID, "test")
	if err != nil {
		s.t.Fatalf("create token: %v", err)
	}
	return &client{t: s.t, base: s.URL, token: token, http: &http.Client{Timeout: 30 * time.Second}}
}

// anonymous returns a client without credentials that keeps cookies.
func (s *testServer) anonymous() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: s.t, base: s.URL, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

type response struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   any
}

// jsonRequest is a request to url with body JSON-encoded (a string or []byte as it is) and
// the API token, when there is one.
func jsonRequest(t *testing.T, method, url, token string, body any) *http.Request {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// do sends body (JSON-encoded unless it is a string or []byte) and decodes a JSON answer.
func (c *client) do(method, path string, body any) response {
	c.t.Helper()
	req := jsonRequest(c.t, method, c.base+path, c.token, body)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	out := response{Status: res.StatusCode, Header: res.Header, Raw: raw}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") && len(raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&out.Body); err != nil {
			c.t.Fatalf("%s %s: bad JSON %q: %v", method, path, raw, err)
		}
	}
	return out
}

// must sends a request and fails the test unless the status is want; it returns the body.
func (c *client) must(want int, method, path string, body any) any {
	c.t.Helper()
	res := c.do(method, path, body)
	if res.Status != want {
		c.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, res.Status, want, res.Raw)
	}
	return res.Body
}

// get walks a decoded JSON value: get(v, "items", 0, "amount").
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return fmt.Sprintf("<no object at %q>", k)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return fmt.Sprintf("<no item %d>", k)
			}
			v = a[k]
		}
	}
	return v
}

func str(v any, path ...any) string {
	switch x := get(v, path...).(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return "<null>"
	case bool:
		return fmt.Sprint(x)
	default:
		return fmt.Sprintf("<%T>", x)
	}
}

func id(v any, path ...any) int64 {
	n, ok := get(v, path...).(json.Number)
	if !ok {
		return 0
	}
	i, _ := n.Int64()
	return i
}

func length(v any, path ...any) int {
	a, _ := get(v, path...).([]any)
	return len(a)
}
