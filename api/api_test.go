package api_test

import (
	"fmt"
	"github.com/netfolio/netfolio/portfolio/store"
	"net/http"
	"strings"
	"testing"
)

// scenario is one request against the real router and what must come back.
type scenario struct {
	name   string
	method string
	path   string
	body   any
	status int
	fields []string          // error fields that must be named
	check  map[string]string // top-level fields of the answer and their values
}

func run(t *testing.T, c *client, cases []scenario) {
	t.Helper()
	for _, sc := range cases {
		t.Run(sc.name, func(t *testing.T) {
			c.t = t
			res := c.do(sc.method, sc.path, sc.body)
			if res.Status != sc.status {
				t.Fatalf("status %d, want %d; body %s", res.Status, sc.status, res.Raw)
			}
			if sc.status >= 400 {
				if str(res.Body, "error", "code") == "<null>" || str(res.Body, "error", "message") == "" {
					t.Errorf("error body lacks code or message: %s", res.Raw)
				}
				fields, ok := get(res.Body, "error", "fields").(map[string]any)
				if !ok {
					t.Errorf("error body lacks fields: %s", res.Raw)
				}
				for _, f := range sc.fields {
					if _, ok := fields[f]; !ok {
						t.Errorf("error fields %v lack %q", fields, f)
					}
				}
			}
			for k, want := range sc.check {
				if got := str(res.Body, k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestNetworks(t *testing.T) {
	s := startServer(t)
	c := s.newUser("alice", false)
	run(t, c, []scenario{
		{name: "create with defaults", method: "POST", path: "/api/v1/networks", body: map[string]any{"name": "AdPack", "kind": "revshare"}, status: 201,
			check: map[string]string{"name": "AdPack", "status": "active", "currency": "EUR", "joined_on": "2026-03-15", "closed_on": "<null>", "commitment_amount": "<null>"}},
		{name: "duplicate name", method: "POST", path: "/api/v1/networks", body: map[string]any{"name": "AdPack", "kind": "product"}, status: 409, fields: []string{"name"}},
		{name: "bad kind and currency", method: "POST", path: "/api/v1/networks", body: map[string]any{"name": "X", "kind": "ponzi", "currency": "eur"}, status: 422, fields: []string{"kind", "currency"}},
		{name: "missing name", method: "POST", path: "/api/v1/networks", body: map[string]any{"kind": "revshare"}, status: 422, fields: []string{"name"}},
		{name: "bad date", method: "POST", path: "/api/v1/networks", body: map[string]any{"name": "Y", "kind": "revshare", "joined_on": "2026-02-30"}, status: 422, fields: []string{"joined_on"}},
		{name: "wrong type", method: "POST", path: "/api/v1/networks", body: `{"name": 5, "kind": "revshare"}`, status: 422, fields: []string{"name"}},
		{name: "malformed JSON", method: "POST", path: "/api/v1/networks", body: `{"name": "Z",`, status: 400},
		{name: "commitment on revshare", method: "POST", path: "/api/v1/networks", body: map[string]any{"name": "R", "kind": "revshare", "commitment_amount": "50", "commitment_day": 5}, status: 422, fields: []string{"commitment_amount"}},
		{name: "commitment day out of range", method: "POST", path: "/api/v1/networks", body: map[string]any{"name": "P", "kind": "product", "commitment_amount": "50", "commitment_day": 29}, status: 422, fields: []string{"commitment_day"}},
		{name: "product with commitment", method: "POST", path: "/api/v1/networks", body: map[string]any{"name": "VitaLife", "kind": "product", "commitment_amount": 89.90, "commitment_day": 5, "joined_on": "2025-01-10"}, status: 201,
			check: map[string]string{"commitment_amount": "89.90", "commitment_day": "5", "joined_on": "2025-01-10"}},
		{name: "collapsed on create closes today", method: "POST", path: "/api/v1/networks", body: map[string]any{"name": "Nova", "kind": "revshare", "status": "collapsed"}, status: 201,
			check: map[string]string{"closed_on": "2026-03-15"}},
		{name: "closed_on without closing status", method: "POST", path: "/api/v1/networks", body: map[string]any{"name": "Q", "kind": "revshare", "closed_on": "2026-01-01"}, status: 422, fields: []string{"closed_on"}},
		{name: "not found", method: "GET", path: "/api/v1/networks/999", status: 404},
		{name: "non-numeric id", method: "GET", path: "/api/v1/networks/abc", status: 404},
	})
	c.t = t

	list := c.must(200, "GET", "/api/v1/networks", nil)
	if n := length(list); n != 3 {
		t.Fatalf("%d networks, want 3: %v", n, list)
	}
	adpack := id(list, 0, "id") // sorted by name: AdPack first
	path := fmt.Sprintf("/api/v1/networks/%d", adpack)

	got := c.must(200, "PATCH", path, map[string]any{"status": "exited", "notes": "took my money out"})
	if str(got, "closed_on") != "2026-03-15" || str(got, "notes") != "took my money out" || str(got, "name") != "AdPack" {
		t.Errorf("exit: %v", got)
	}
	got = c.must(200, "PATCH", path, map[string]any{"status": "collapsed", "closed_on": "2026-02-01"})
	if str(got, "closed_on") != "2026-02-01" || str(got, "status") != "collapsed" {
		t.Errorf("collapse with day: %v", got)
	}
	got = c.must(200, "PATCH", path, map[string]any{"status": "active"})
	if str(got, "closed_on") != "<null>" {
		t.Errorf("reopening keeps closed_on: %v", got)
	}
	res := c.do("PATCH", path, map[string]any{"name": nil})
	if res.Status != 422 {
		t.Errorf("name null: %d %s", res.Status, res.Raw)
	}
	res = c.do("PATCH", path, map[string]any{"name": "VitaLife"})
	if res.Status != 409 {
		t.Errorf("rename onto a taken name: %d %s", res.Status, res.Raw)
	}
	if got := c.must(200, "GET", path, nil); str(got, "name") != "AdPack" || str(got, "status") != "active" {
		t.Errorf("a failed PATCH changed the network: %v", got)
	}

	// A network with entries is deleted only with cascade=true, and its entries go with it.
	c.must(201, "POST", "/api/v1/entries", map[string]any{"network_id": adpack, "date": "2026-01-05", "kind": "investment", "amount": "100"})
	if res := c.do("DELETE", path, nil); res.Status != 409 {
		t.Fatalf("delete with entries: %d %s", res.Status, res.Raw)
	}
	c.must(204, "DELETE", path+"?cascade=true", nil)
	c.must(404, "GET", path, nil)
	if got := c.must(200, "GET", "/api/v1/entries", nil); length(got, "items") != 0 {
		t.Errorf("cascade left entries: %v", got)
	}
}

func TestEntries(t *testing.T) {
	s := startServer(t)
	c := s.newUser("bob", false)
	rev := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "Rev", "kind": "revshare"}), "id")
	usd := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "Dollar", "kind": "revshare", "currency": "USD"}), "id")
	prod := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "Prod", "kind": "product"}), "id")
	c.must(200, "PUT", "/api/v1/rates", []map[string]any{
		{"date": "2026-01-02", "currency": "USD", "units_per_eur": "1.25"},
		{"date": "2026-01-02", "currency": "ETH", "units_per_eur": "0.0004"},
	})
	entry := func(extra map[string]any) map[string]any {
		e := map[string]any{"network_id": rev, "date": "2026-01-05", "kind": "payout", "amount": "10"}
		for k, v := range extra {
			e[k] = v
		}
		return e
	}
	run(t, c, []scenario{
		{name: "EUR payout gets capital class", method: "POST", path: "/api/v1/entries", body: entry(nil), status: 201,
			check: map[string]string{"amount": "10.00", "currency": "EUR", "base_amount": "10.00", "income_class": "capital", "external_id": "<null>"}},
		{name: "product payout gets active class", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"network_id": prod}), status: 201,
			check: map[string]string{"income_class": "active"}},
		{name: "USD from network currency at the latest rate", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"network_id": usd, "amount": "100"}), status: 201,
			check: map[string]string{"currency": "USD", "base_amount": "80.00"}},
		{name: "ETH with 18 places", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"currency": "ETH", "amount": "0.000000000000000001", "kind": "investment"}), status: 201,
			check: map[string]string{"amount": "0.000000000000000001", "base_amount": "0.00", "income_class": "<null>"}},
		{name: "ETH converts", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"currency": "ETH", "amount": "0.5", "kind": "investment"}), status: 201,
			check: map[string]string{"base_amount": "1250.00"}},
		{name: "JSON number parsed exactly", method: "POST", path: "/api/v1/entries", body: `{"network_id": ` + fmt.Sprint(rev) + `, "date": "2026-01-05", "kind": "fee", "amount": 0.1}`, status: 201,
			check: map[string]string{"amount": "0.10", "base_amount": "0.10"}},
		{name: "explicit base amount wins", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"network_id": usd, "amount": "100", "base_amount": "79.50"}), status: 201,
			check: map[string]string{"base_amount": "79.50"}},
		{name: "explicit base amount without any rate", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"currency": "GBP", "amount": "100", "base_amount": "117.00"}), status: 201,
			check: map[string]string{"base_amount": "117.00", "currency": "GBP"}},
		{name: "missing rate names currency and date", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"currency": "GBP"}), status: 422, fields: []string{"currency"}},
		{name: "rate older than 7 days", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"currency": "USD", "date": "2026-01-10"}), status: 422, fields: []string{"currency"}},
		{name: "rate after the date does not count", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"currency": "USD", "date": "2026-01-01"}), status: 422, fields: []string{"currency"}},
		{name: "19 decimal places", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"amount": "0.0000000000000000001"}), status: 422, fields: []string{"amount"}},
		{name: "zero amount", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"amount": "0"}), status: 422, fields: []string{"amount"}},
		{name: "negative amount", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"amount": "-5"}), status: 422, fields: []string{"amount"}},
		{name: "zero balance is fine", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"kind": "balance", "amount": "0"}), status: 201},
		{name: "amount not a number", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"amount": "12,50"}), status: 422, fields: []string{"amount"}},
		{name: "amount of wrong type", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"amount": true}), status: 422, fields: []string{"amount"}},
		{name: "base amount too large", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"amount": "100000000000"}), status: 422, fields: []string{"base_amount"}},
		{name: "income class on a fee", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"kind": "fee", "income_class": "passive"}), status: 422, fields: []string{"income_class"}},
		{name: "unknown kind", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"kind": "gift"}), status: 422, fields: []string{"kind"}},
		{name: "unknown network", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"network_id": 9999}), status: 422, fields: []string{"network_id"}},
		{name: "missing fields", method: "POST", path: "/api/v1/entries", body: map[string]any{}, status: 422, fields: []string{"network_id", "date", "kind", "amount"}},
		{name: "with external id", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"external_id": "bank:1"}), status: 201, check: map[string]string{"external_id": "bank:1"}},
		{name: "duplicate external id", method: "POST", path: "/api/v1/entries", body: entry(map[string]any{"external_id": "bank:1"}), status: 409, fields: []string{"external_id"}},
	})
	c.t = t

	// The 409 carries the existing entry's id.
	existing := id(c.must(200, "GET", "/api/v1/entries?kind=payout&limit=1000", nil), "items", 0, "id")
	res := c.do("POST", "/api/v1/entries", entry(map[string]any{"external_id": "bank:1"}))
	byExt := c.must(200, "GET", "/api/v1/entries?limit=1000", nil)
	var want int64
	for i := 0; i < length(byExt, "items"); i++ {
		if str(byExt, "items", i, "external_id") == "bank:1" {
			want = id(byExt, "items", i, "id")
		}
	}
	if got := id(res.Body, "error", "existing_id"); got != want || want == 0 {
		t.Errorf("409 existing_id = %d, want %d (%s)", got, want, res.Raw)
	}
	_ = existing

	// PATCH: a new amount is converted again; a base amount sent wins; a failed PATCH changes nothing.
	e := c.must(201, "POST", "/api/v1/entries", entry(map[string]any{"network_id": usd, "amount": "50"}))
	path := fmt.Sprintf("/api/v1/entries/%d", id(e, "id"))
	if got := c.must(200, "PATCH", path, map[string]any{"amount": "25"}); str(got, "base_amount") != "20.00" || str(got, "amount") != "25.00" {
		t.Errorf("patch amount: %v", got)
	}
	if got := c.must(200, "PATCH", path, map[string]any{"base_amount": "19.99"}); str(got, "base_amount") != "19.99" {
		t.Errorf("patch base: %v", got)
	}
	if got := c.must(200, "PATCH", path, map[string]any{"note": "hello"}); str(got, "base_amount") != "19.99" || str(got, "note") != "hello" {
		t.Errorf("patch note keeps base: %v", got)
	}
	if got := c.must(200, "PATCH", path, map[string]any{"kind": "fee"}); str(got, "income_class") != "<null>" {
		t.Errorf("payout turned fee keeps its class: %v", got)
	}
	if res := c.do("PATCH", path, map[string]any{"amount": "-1", "note": "bad"}); res.Status != 422 {
		t.Errorf("bad patch: %d %s", res.Status, res.Raw)
	}
	if got := c.must(200, "GET", path, nil); str(got, "note") != "hello" || str(got, "amount") != "25.00" {
		t.Errorf("failed patch changed the entry: %v", got)
	}
	c.must(204, "DELETE", path, nil)
	c.must(404, "GET", path, nil)
	c.must(404, "DELETE", path, nil)
}

func TestEntriesPagination(t *testing.T) {
	s := startServer(t)
	c := s.newUser("carol", false)
	net := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "N", "kind": "revshare"}), "id")
	other := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "O", "kind": "revshare"}), "id")
	var batch []map[string]any
	for i := 0; i < 25; i++ {
		batch = append(batch, map[string]any{"network_id": net, "date": fmt.Sprintf("2026-01-%02d", i%10+1), "kind": "payout", "amount": fmt.Sprint(i + 1)})
	}
	batch = append(batch, map[string]any{"network_id": other, "date": "2026-02-01", "kind": "investment", "amount": "5"})
	c.must(201, "POST", "/api/v1/entries/batch", batch)

	seen := map[int64]bool{}
	cursor, pages, lastDate := "", 0, "9999-12-31"
	for {
		page := c.must(200, "GET", "/api/v1/entries?network_id="+fmt.Sprint(net)+"&limit=10"+cursor, nil)
		pages++
		for i := 0; i < length(page, "items"); i++ {
			eid := id(page, "items", i, "id")
			if seen[eid] {
				t.Fatalf("entry %d on two pages", eid)
			}
			seen[eid] = true
			if d := str(page, "items", i, "date"); d > lastDate {
				t.Fatalf("not newest first: %s after %s", d, lastDate)
			} else {
				lastDate = d
			}
		}
		next := str(page, "next_cursor")
		if next == "<null>" {
			break
		}
		cursor = "&cursor=" + next
	}
	if len(seen) != 25 || pages != 3 {
		t.Errorf("saw %d entries on %d pages, want 25 on 3", len(seen), pages)
	}
	if got := c.must(200, "GET", "/api/v1/entries?from=2026-01-03&to=2026-01-04", nil); length(got, "items") != 6 {
		t.Errorf("date filter: %d items, want 6", length(got, "items"))
	}
	if got := c.must(200, "GET", "/api/v1/entries?kind=investment", nil); length(got, "items") != 1 {
		t.Errorf("kind filter: %d items, want 1", length(got, "items"))
	}
	run(t, c, []scenario{
		{name: "bad cursor", method: "GET", path: "/api/v1/entries?cursor=zzz", status: 422, fields: []string{"cursor"}},
		{name: "bad limit", method: "GET", path: "/api/v1/entries?limit=5000", status: 422, fields: []string{"limit"}},
		{name: "bad from", method: "GET", path: "/api/v1/entries?from=yesterday", status: 422, fields: []string{"from"}},
		{name: "bad kind", method: "GET", path: "/api/v1/entries?kind=gift", status: 422, fields: []string{"kind"}},
	})
}

func TestBatchIsAllOrNothing(t *testing.T) {
	s := startServer(t)
	c := s.newUser("dave", false)
	net := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "N", "kind": "revshare"}), "id")
	c.must(201, "POST", "/api/v1/entries", map[string]any{"network_id": net, "date": "2026-01-01", "kind": "investment", "amount": "100", "external_id": "x1"})
	count := func() int64 {
		n, err := s.Store.CountEntries(t.Context(), 1)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	good := map[string]any{"network_id": net, "date": "2026-01-02", "kind": "payout", "amount": "10"}
	cases := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"bad amount in item 1", []any{good, map[string]any{"network_id": net, "date": "2026-01-02", "kind": "payout", "amount": "-1"}, good}, 422, "[1].amount"},
		{"bad type in item 2", []any{good, good, map[string]any{"network_id": net, "date": 7, "kind": "payout", "amount": "1"}}, 422, "[2].date"},
		{"missing rate in item 0", []any{map[string]any{"network_id": net, "date": "2026-01-02", "kind": "payout", "amount": "1", "currency": "CHF"}, good}, 422, "[0].currency"},
		{"existing external id in item 1", []any{good, map[string]any{"network_id": net, "date": "2026-01-02", "kind": "payout", "amount": "1", "external_id": "x1"}}, 409, "[1].external_id"},
		{"external id twice in the batch", []any{map[string]any{"network_id": net, "date": "2026-01-02", "kind": "payout", "amount": "1", "external_id": "y"}, map[string]any{"network_id": net, "date": "2026-01-02", "kind": "payout", "amount": "1", "external_id": "y"}}, 409, "[1].external_id"},
		{"another user's network", []any{good, map[string]any{"network_id": net + 100, "date": "2026-01-02", "kind": "payout", "amount": "1"}}, 422, "[1].network_id"},
		{"first bad item named, before a later one of the wrong type", []any{good, map[string]any{"network_id": net, "kind": "payout", "amount": "1"}, map[string]any{"network_id": "x", "date": "2026-01-02", "kind": "payout", "amount": "1"}}, 422, "[1].date"},
		{"an item that is not an object", []any{good, "payout"}, 400, ""},
		{"empty batch", []any{}, 422, "items"},
		{"not an array", map[string]any{"a": 1}, 400, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			res := c.do("POST", "/api/v1/entries/batch", tc.body)
			if res.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.Status, tc.status, res.Raw)
			}
			if tc.field != "" {
				if _, ok := get(res.Body, "error", "fields").(map[string]any)[tc.field]; !ok {
					t.Errorf("fields lack %q: %s", tc.field, res.Raw)
				}
			}
			if after := count(); after != before {
				t.Errorf("a failed batch wrote %d entries", after-before)
			}
		})
	}
	c.t = t
	got := c.must(201, "POST", "/api/v1/entries/batch", []any{good, good, good})
	if length(got, "items") != 3 || count() != before+3 {
		t.Errorf("good batch: %v", got)
	}
}

func TestErrorsAndLimits(t *testing.T) {
	s := startServer(t)
	c := s.newUser("erin", false)
	anon := s.anonymous()
	big := `{"name": "` + strings.Repeat("x", 1<<20) + `", "kind": "revshare"}`
	run(t, anon, []scenario{
		{name: "no credentials", method: "GET", path: "/api/v1/networks", status: 401},
		{name: "bad token", method: "GET", path: "/api/v1/me", status: 401},
		{name: "unknown api route", method: "GET", path: "/api/v1/nothing", status: 401},
	})
	anon.token = "nft_not-a-token"
	run(t, anon, []scenario{{name: "unknown token", method: "GET", path: "/api/v1/me", status: 401}})
	run(t, c, []scenario{
		{name: "unknown api route", method: "GET", path: "/api/v1/nothing", status: 404},
		{name: "body over 1 MiB", method: "POST", path: "/api/v1/networks", body: big, status: 413},
		{name: "two JSON values", method: "POST", path: "/api/v1/networks", body: `{"name":"a","kind":"revshare"} {}`, status: 400},
		{name: "empty body", method: "POST", path: "/api/v1/networks", body: "", status: 400},
		{name: "array instead of object", method: "POST", path: "/api/v1/networks", body: `[]`, status: 400},
	})
	c.t = t
	if got := c.must(200, "GET", "/api/v1/networks", nil); length(got) != 0 {
		t.Errorf("failed requests wrote networks: %v", got)
	}
}

func TestIsolationBetweenUsers(t *testing.T) {
	s := startServer(t)
	alice, mallory := s.newUser("alice", false), s.newUser("mallory", false)
	net := id(alice.must(201, "POST", "/api/v1/networks", map[string]any{"name": "Mine", "kind": "revshare"}), "id")
	entry := id(alice.must(201, "POST", "/api/v1/entries", map[string]any{"network_id": net, "date": "2026-01-01", "kind": "investment", "amount": "100", "external_id": "secret"}), "id")
	token := id(alice.must(201, "POST", "/api/v1/tokens", map[string]any{"name": "laptop"}), "id")
	alice.must(200, "PUT", "/api/v1/rates", []map[string]any{{"date": "2026-01-01", "currency": "CHF", "units_per_eur": "0.95"}})

	n, e := fmt.Sprintf("/api/v1/networks/%d", net), fmt.Sprintf("/api/v1/entries/%d", entry)
	run(t, mallory, []scenario{
		{name: "get network", method: "GET", path: n, status: 404},
		{name: "patch network", method: "PATCH", path: n, body: map[string]any{"name": "Stolen"}, status: 404},
		{name: "delete network", method: "DELETE", path: n + "?cascade=true", status: 404},
		{name: "get entry", method: "GET", path: e, status: 404},
		{name: "patch entry", method: "PATCH", path: e, body: map[string]any{"amount": "1"}, status: 404},
		{name: "delete entry", method: "DELETE", path: e, status: 404},
		{name: "delete token", method: "DELETE", path: fmt.Sprintf("/api/v1/tokens/%d", token), status: 404},
		{name: "entry on their network", method: "POST", path: "/api/v1/entries", body: map[string]any{"network_id": net, "date": "2026-01-01", "kind": "payout", "amount": "1"}, status: 422, fields: []string{"network_id"}},
		{name: "their external id is free for me", method: "POST", path: "/api/v1/networks", body: map[string]any{"name": "Mine", "kind": "revshare"}, status: 201},
	})
	mallory.t = t
	if got := mallory.must(200, "GET", "/api/v1/networks", nil); length(got) != 1 || str(got, 0, "name") != "Mine" || id(got, 0, "id") == net {
		t.Errorf("mallory sees %v", got)
	}
	if got := mallory.must(200, "GET", "/api/v1/entries?network_id="+fmt.Sprint(net), nil); length(got, "items") != 0 {
		t.Errorf("mallory lists alice's entries: %v", got)
	}
	if got := mallory.must(200, "GET", "/api/v1/tokens", nil); length(got) != 1 {
		t.Errorf("mallory sees tokens %v", got)
	}
	if got := mallory.must(200, "GET", "/api/v1/rates?currency=CHF", nil); length(got) != 0 {
		t.Errorf("mallory sees alice's rates %v", got)
	}
	if got := alice.must(200, "GET", e, nil); str(got, "amount") != "100.00" {
		t.Errorf("alice's entry changed: %v", got)
	}
	alice.must(200, "GET", n, nil)
}

func TestRestartKeepsData(t *testing.T) {
	s := startServer(t)
	c := s.newUser("frank", false)
	net := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "Durable", "kind": "product", "commitment_amount": "49.90", "commitment_day": 3}), "id")
	c.must(201, "POST", "/api/v1/entries", map[string]any{"network_id": net, "date": "2026-01-01", "kind": "purchase", "amount": "49.90"})
	s.stop()

	s2 := startServerAt(t, s.DB)
	c.base = s2.URL
	got := c.must(200, "GET", "/api/v1/networks/"+fmt.Sprint(net), nil)
	if str(got, "name") != "Durable" || str(got, "commitment_amount") != "49.90" {
		t.Errorf("after restart: %v", got)
	}
	if got := c.must(200, "GET", "/api/v1/entries", nil); length(got, "items") != 1 || str(got, "items", 0, "amount") != "49.90" {
		t.Errorf("entries after restart: %v", got)
	}
	if v, err := s2.Store.SchemaVersion(t.Context()); err != nil || v < 1 {
		t.Errorf("schema version %d, %v", v, err)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	s := startServer(t)
	anon := s.anonymous()
	if got := anon.must(200, "GET", "/healthz", nil); str(got, "status") != "ok" {
		t.Errorf("healthz: %v", got)
	}
	if got := anon.must(200, "GET", "/readyz", nil); str(got, "status") != "ready" {
		t.Errorf("readyz: %v", got)
	}
	anon.do("GET", "/api/v1/networks", nil)
	res := anon.do("GET", "/metrics", nil)
	want := []string{
		`netfolio_http_requests_total{method="GET",route="/api/v1/networks",status="401"} 1`,
		"netfolio_http_request_duration_seconds_bucket",
	}
	if s.Store.Dialect() == store.SQLite {
		// One writer connection and a pool of readers.
		want = append(want, `go_sql_max_open_connections{db_name="netfolio_writer"} 1`, `go_sql_max_open_connections{db_name="netfolio_reader"} 4`)
	} else {
		want = append(want, `go_sql_max_open_connections{db_name="netfolio_main"} 20`)
	}
	for _, want := range want {
		if !strings.Contains(string(res.Raw), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if res := anon.do("GET", "/", nil); res.Status != http.StatusOK || !strings.Contains(string(res.Raw), "netfolio") {
		t.Errorf("dashboard: %d", res.Status)
	}
	s.stop()
}

func TestDashboardFilesAreCached(t *testing.T) {
	s := startServer(t)
	c := s.anonymous()
	index := c.do("GET", "/", nil)
	if index.Status != 200 || index.Header.Get("Cache-Control") != "no-cache" || index.Header.Get("ETag") == "" ||
		!strings.Contains(index.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("index: %d %v", index.Status, index.Header)
	}
	// A dashboard route that names no file gets index.html.
	if route := c.do("GET", "/networks/7", nil); route.Status != 200 || string(route.Raw) != string(index.Raw) {
		t.Errorf("dashboard route: %d", route.Status)
	}
	req, _ := http.NewRequest("GET", s.URL+"/", nil)
	req.Header.Set("If-None-Match", index.Header.Get("ETag"))
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", res.StatusCode)
	}
	for _, p := range []string{"/missing.js", "/assets/nothing.css", "/assets/%2e%2e/%2e%2e/go.mod"} {
		if res := c.do("GET", p, nil); res.Status != 404 {
			t.Errorf("%s: %d, want 404", p, res.Status)
		}
	}
	// A path that climbs gets the dashboard, never a file from outside it.
	if res := c.do("GET", "/a/%2e%2e/%2e%2e/%2e%2e/etc/passwd", nil); res.Status != 200 || string(res.Raw) != string(index.Raw) {
		t.Errorf("traversal: %d %q", res.Status, res.Raw)
	}
}
