package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestSessionLogin(t *testing.T) {
	s := startServer(t)
	s.newUser("gina", false)
	browser := s.anonymous()

	res := browser.do("POST", "/api/v1/session", map[string]any{"username": "gina", "password": "wrong-password"})
	if res.Status != 401 || str(res.Body, "error", "code") != "unauthorized" {
		t.Fatalf("wrong password: %d %s", res.Status, res.Raw)
	}
	res = browser.do("POST", "/api/v1/session", map[string]any{"username": "gina", "password": "password-gina"})
	if res.Status != 200 || str(res.Body, "username") != "gina" {
		t.Fatalf("login: %d %s", res.Status, res.Raw)
	}
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"netfolio_session=nfs_", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("cookie %q lacks %q", cookie, want)
		}
	}
	me := browser.must(200, "GET", "/api/v1/me", nil)
	if str(me, "username") != "gina" || str(me, "base_currency") != "EUR" || str(me, "admin") != "false" || id(me, "id") == 0 {
		t.Errorf("me: %v", me)
	}

	// Cookie-authenticated writes must come from this origin.
	req, _ := http.NewRequest("POST", s.URL+"/api/v1/networks", strings.NewReader(`{"name":"x","kind":"revshare"}`))
	req.Header.Set("Origin", "http://evil.example")
	r, err := browser.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin write: %d, want 403", r.StatusCode)
	}
	req, _ = http.NewRequest("POST", s.URL+"/api/v1/networks", strings.NewReader(`{"name":"x","kind":"revshare"}`))
	req.Header.Set("Origin", s.URL)
	if r, err = browser.http.Do(req); err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusCreated {
		t.Errorf("same-origin write: %d, want 201", r.StatusCode)
	}

	browser.must(204, "DELETE", "/api/v1/session", nil)
	browser.must(401, "GET", "/api/v1/me", nil)
}

func TestLoginThrottling(t *testing.T) {
	s := startServer(t)
	s.newUser("hank", false)
	c := s.anonymous()
	for i := 1; i <= 5; i++ {
		if res := c.do("POST", "/api/v1/session", map[string]any{"username": "hank", "password": fmt.Sprint("guess", i)}); res.Status != 401 {
			t.Fatalf("attempt %d: %d", i, res.Status)
		}
	}
	res := c.do("POST", "/api/v1/session", map[string]any{"username": "hank", "password": "guess6"})
	if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("6th wrong password: %d %s", res.Status, res.Raw)
	}
	// Within the window even the right password waits: the throttle does not tell guesses apart.
	if res := c.do("POST", "/api/v1/session", map[string]any{"username": "hank", "password": "password-hank"}); res.Status != http.StatusTooManyRequests {
		t.Errorf("right password while throttled: %d", res.Status)
	}
	// The address is throttled too, whichever name it tries; an unknown name answers like a
	// wrong password.
	s2 := startServer(t)
	c2 := s2.anonymous()
	for i := 1; i <= 5; i++ {
		if res := c2.do("POST", "/api/v1/session", map[string]any{"username": fmt.Sprint("nobody", i), "password": "whatever1"}); res.Status != 401 {
			t.Fatalf("unknown user %d: %d %s", i, res.Status, res.Raw)
		}
	}
	if res := c2.do("POST", "/api/v1/session", map[string]any{"username": "someone-else", "password": "whatever1"}); res.Status != http.StatusTooManyRequests {
		t.Errorf("6th failure from one address: %d", res.Status)
	}
}

func TestTokens(t *testing.T) {
	s := startServer(t)
	c := s.newUser("ivy", false)
	created := c.must(201, "POST", "/api/v1/tokens", map[string]any{"name": "script"})
	secret := str(created, "token")
	if !strings.HasPrefix(secret, "nft_") || len(secret) < 4+43 {
		t.Fatalf("token %q is not 256 random bits", secret)
	}
	list := c.must(200, "GET", "/api/v1/tokens", nil)
	if length(list) != 2 || str(list, 1, "name") != "script" || str(list, 1, "token") != "<null>" {
		t.Errorf("tokens list shows %v", list)
	}
	other := &client{t: t, base: s.URL, token: secret, http: c.http}
	if got := other.must(200, "GET", "/api/v1/me", nil); str(got, "username") != "ivy" {
		t.Errorf("new token is %v", got)
	}
	c.must(204, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", id(created, "id")), nil)
	other.must(401, "GET", "/api/v1/me", nil)
	run(t, c, []scenario{
		{name: "token without name", method: "POST", path: "/api/v1/tokens", body: map[string]any{}, status: 422, fields: []string{"name"}},
		{name: "delete unknown token", method: "DELETE", path: "/api/v1/tokens/999", status: 404},
	})
}

func TestUsersAdminOnly(t *testing.T) {
	s := startServer(t)
	admin, plain := s.newUser("root", true), s.newUser("joe", false)
	run(t, plain, []scenario{
		{name: "non-admin", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "kim", "password": "long-enough"}, status: 403},
	})
	run(t, admin, []scenario{
		{name: "admin adds a user", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "kim", "password": "long-enough", "base_currency": "USD"}, status: 201,
			check: map[string]string{"username": "kim", "base_currency": "USD", "admin": "false"}},
		{name: "name taken", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "kim", "password": "long-enough"}, status: 409, fields: []string{"username"}},
		{name: "short password, bad currency", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "lea", "password": "short", "base_currency": "euro"}, status: 422, fields: []string{"password", "base_currency"}},
		{name: "bad name", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "a b", "password": "long-enough"}, status: 422, fields: []string{"username"}},
	})
	kim := s.anonymous()
	kim.must(200, "POST", "/api/v1/session", map[string]any{"username": "kim", "password": "long-enough"})
	if got := kim.must(200, "GET", "/api/v1/me", nil); str(got, "base_currency") != "USD" {
		t.Errorf("kim: %v", got)
	}
}
