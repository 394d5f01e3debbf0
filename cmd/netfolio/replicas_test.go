package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store"
	"github.com/netfolio/netfolio/portfolio/store/storetest"
)

// replica is one `netfolio serve` process.
type replica struct {
	url    string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func startReplica(t *testing.T, dsn string) *replica {
	t.Helper()
	cmd := exec.Command(netfolioBinary(t), "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--log-level", "info")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = r.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if rest, ok := strings.CutPrefix(lines.Text(), "netfolio is running at "); ok {
				found <- rest
			}
		}
	}()
	select {
	case r.url = <-found:
	case <-time.After(30 * time.Second):
		t.Fatalf("the replica printed no URL; stderr:\n%s", r.stderr)
	}
	return r
}

func (r *replica) get(t *testing.T, token, path string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", r.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// Two replicas on one PostgreSQL database: the scheduled jobs run on one of them only, and a
// write through either is in the figures of both at once.
func TestTwoReplicasRunEachJobOnce(t *testing.T) {
	if storetest.PostgresURL() == "" {
		t.Skip("several replicas need PostgreSQL: set NETFOLIO_TEST_PG (make test does on CI)")
	}
	ctx := context.Background()
	dsn := storetest.DSN(t)
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, store.NewUser{Username: "rep", Password: "a long password"})
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := st.CreateToken(ctx, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	today := portfolio.DateFromTime(time.Now())
	amount := decimal.RequireFromString("49.90")
	shop, err := st.CreateNetwork(ctx, u.ID, portfolio.Network{Name: "Shop", Kind: portfolio.Product, Status: portfolio.StatusActive,
		Currency: "EUR", JoinedOn: today.AddMonths(-4), CommitmentAmount: &amount, CommitmentDay: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Recorded four months ago: three or four monthly purchases are due.
	if err := st.Exec(ctx, "UPDATE networks SET created_at = ? WHERE id = ?", today.AddMonths(-4).Time(), shop.ID); err != nil {
		t.Fatal(err)
	}
	st.Close()

	a, b := startReplica(t, dsn), startReplica(t, dsn)
	type job struct {
		Name    string     `json:"name"`
		LastRun *time.Time `json:"last_run"`
	}
	ran := func(r *replica, name string) bool {
		var jobs []job
		r.get(t, token, "/api/v1/jobs", &jobs)
		for _, j := range jobs {
			if j.Name == name {
				return j.LastRun != nil
			}
		}
		t.Fatalf("no job %s", name)
		return false
	}
	deadline := time.Now().Add(20 * time.Second)
	for !ran(a, "commitments") && !ran(b, "commitments") {
		if time.Now().After(deadline) {
			t.Fatalf("no replica ran the commitments job\n--- a\n%s\n--- b\n%s", a.stderr, b.stderr)
		}
		time.Sleep(100 * time.Millisecond) // polling for the start-up run, not timing it
	}
	for _, name := range []string{"commitments", "snapshot", "reminders"} {
		if ra, rb := ran(a, name), ran(b, name); ra == rb {
			t.Errorf("%s ran on replica a: %t, on b: %t; want exactly one", name, ra, rb)
		}
	}
	due := len(dueDays(shop, today))
	var entries struct {
		Items []struct {
			Kind       string `json:"kind"`
			ExternalID string `json:"external_id"`
		} `json:"items"`
	}
	a.get(t, token, "/api/v1/entries?kind=purchase&limit=1000", &entries)
	seen := map[string]bool{}
	for _, e := range entries.Items {
		if seen[e.ExternalID] {
			t.Errorf("purchase %s booked twice", e.ExternalID)
		}
		seen[e.ExternalID] = true
	}
	if len(entries.Items) != due || due < 3 {
		t.Errorf("%d purchases booked, want %d", len(entries.Items), due)
	}

	// A write through b is in a's figures at once, though a has just served (and kept) the
	// figures from before it.
	var p struct {
		Totals struct {
			Returned string `json:"returned"`
		} `json:"totals"`
	}
	for range 2 {
		a.get(t, token, "/api/v1/portfolio", &p)
		if p.Totals.Returned != "0.00" {
			t.Fatalf("a's figures before the write: returned %s, want 0.00", p.Totals.Returned)
		}
	}
	body := fmt.Sprintf(`{"network_id": %d, "date": "%s", "kind": "payout", "amount": "1000"}`, shop.ID, today)
	req, _ := http.NewRequest("POST", b.url+"/api/v1/entries", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("write through b: %v %v", res, err)
	}
	res.Body.Close()
	a.get(t, token, "/api/v1/portfolio", &p)
	if p.Totals.Returned != "1000.00" {
		t.Errorf("a's figures after a write through b: returned %s, want 1000.00", p.Totals.Returned)
	}
}

func dueDays(n portfolio.Network, today portfolio.Date) []portfolio.Date {
	var days []portfolio.Date
	for m := n.JoinedOn.Month(); m <= today; m = m.AddMonths(1) {
		if d := m + portfolio.Date(n.CommitmentDay-1); d >= n.JoinedOn && d <= today {
			days = append(days, d)
		}
	}
	return days
}
