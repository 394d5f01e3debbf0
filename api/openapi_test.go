package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netfolio/netfolio/api"
	"github.com/netfolio/netfolio/frontend"
	"github.com/netfolio/netfolio/jobs"
	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/snapshot"
	"github.com/netfolio/netfolio/portfolio/store"
)

// The OpenAPI document (api/openapi.json, served at GET /api/openapi.json) is kept true here:
// it is OpenAPI 3.1, its operations are exactly the routes api.New registers, every $ref
// resolves, and what the real server answers matches the documented response of the
// operation and status, key for key, at every level.

// optionalResponseFields are the only properties of response schemas that an answer may leave
// out; every other documented property must be required, so that a documented field the
// server does not send fails the live checks.
var optionalResponseFields = map[string]bool{
	"Token.token":             true, // only in the answer to POST /api/v1/tokens
	"ErrorDetail.existing_id": true, // only on a 409 for an external_id
	"ErrorDetail.lines":       true, // only on a failed import
	"RatesImport.from":        true, // from, to and currencies only when something was stored
	"RatesImport.to":          true,
	"RatesImport.currencies":  true,
}

// oaDoc is the decoded document with the lookups the checks need.
type oaDoc struct {
	root     map[string]any
	seen     map[string]bool // "METHOD /path STATUS" answers checked live
	patterns map[string]*regexp.Regexp
}

func loadOpenAPI(t *testing.T) *oaDoc {
	t.Helper()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if dec.More() {
		t.Fatal("openapi.json holds more than one JSON value")
	}
	return &oaDoc{root: root, seen: map[string]bool{}, patterns: map[string]*regexp.Regexp{}}
}

var oaMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operations returns "METHOD /path" for every operation of the document.
func (d *oaDoc) operations() map[string]bool {
	ops := map[string]bool{}
	paths, _ := d.root["paths"].(map[string]any)
	for p, item := range paths {
		item, _ := item.(map[string]any)
		for _, m := range oaMethods {
			if _, ok := item[m]; ok {
				ops[strings.ToUpper(m)+" "+p] = true
			}
		}
	}
	return ops
}

// resolve follows a local reference "#/components/schemas/Entry".
func (d *oaDoc) resolve(ref string) (any, error) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("%q is not a local reference", ref)
	}
	var v any = d.root
	for _, part := range strings.Split(rest, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%q: %q is not in an object", ref, part)
		}
		if v, ok = m[part]; !ok {
			return nil, fmt.Errorf("%q: no %q", ref, part)
		}
	}
	return v, nil
}

// deref follows $ref chains of a component (a response or parameter) to the object itself.
func (d *oaDoc) deref(v any) map[string]any {
	m, _ := v.(map[string]any)
	for i := 0; i < 10 && m != nil; i++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		target, err := d.resolve(ref)
		if err != nil {
			return nil
		}
		m, _ = target.(map[string]any)
	}
	return m
}

func TestOpenAPIDocument(t *testing.T) {
	d := loadOpenAPI(t)
	if v, _ := d.root["openapi"].(string); !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(v) {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info, _ := d.root["info"].(map[string]any)
	if info["title"] == nil || info["version"] == nil {
		t.Errorf("info lacks title or version: %v", info)
	}
	schemes, _ := d.deref(d.root["components"])["securitySchemes"].(map[string]any)
	bearer, cookie := d.deref(schemes["bearerAuth"]), d.deref(schemes["cookieAuth"])
	if bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Errorf("bearerAuth = %v", bearer)
	}
	if cookie["type"] != "apiKey" || cookie["in"] != "cookie" || cookie["name"] != "netfolio_session" {
		t.Errorf("cookieAuth = %v", cookie)
	}
	schemas, _ := d.deref(d.root["components"])["schemas"].(map[string]any)
	for _, name := range []string{"Network", "NetworkCreate", "NetworkPatch", "Entry", "EntryCreate", "EntryPatch", "Rate", "Token",
		"User", "Portfolio", "History", "WhatIf", "PayoutLog", "Job", "Reminder", "Error"} {
		if _, ok := schemas[name]; !ok {
			t.Errorf("components.schemas lacks %s", name)
		}
	}
}

// TestOpenAPIRoutes checks that the document's operations are exactly the routes of the
// server, less the catch-alls (the dashboard's /* and the 404 of unknown /api/v1/* paths).
func TestOpenAPIRoutes(t *testing.T) {
	d := loadOpenAPI(t)
	st, snaps := openAPIStore(t)
	e := api.New(api.Config{Store: st, Snapshots: snaps, Now: func() time.Time { return fixedNow }, Location: time.UTC, Frontend: frontend.Assets()})
	param := regexp.MustCompile(`:([A-Za-z0-9_]+)`)
	routes := map[string]bool{}
	for _, r := range e.Routes() {
		if !slices.Contains(oaMethods, strings.ToLower(r.Method)) || strings.HasSuffix(r.Path, "/*") {
			continue // Echo's route-not-found entries and the catch-alls
		}
		routes[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	ops := d.operations()
	for _, r := range sortedKeys(routes) {
		if !ops[r] {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, op := range sortedKeys(ops) {
		if !routes[op] {
			t.Errorf("openapi.json documents %s, which the server does not route", op)
		}
	}
}

// TestOpenAPIReferences checks that every $ref resolves, that every path parameter is
// declared, and that every operation documents its answers.
func TestOpenAPIReferences(t *testing.T) {
	d := loadOpenAPI(t)
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if _, err := d.resolve(ref); err != nil {
					t.Errorf("%s: %v", at, err)
				}
			}
			for k, c := range x {
				walk(at+"/"+k, c)
			}
		case []any:
			for i, c := range x {
				walk(at+"/"+strconv.Itoa(i), c)
			}
		}
	}
	walk("#", d.root)

	template := regexp.MustCompile(`\{([^}]+)\}`)
	paths, _ := d.root["paths"].(map[string]any)
	for p, item := range paths {
		item, _ := item.(map[string]any)
		var want []string
		for _, m := range template.FindAllStringSubmatch(p, -1) {
			want = append(want, m[1])
		}
		sort.Strings(want)
		for _, m := range oaMethods {
			op, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			var got []string
			params, _ := op["parameters"].([]any)
			for _, prm := range params {
				if prm := d.deref(prm); prm["in"] == "path" {
					got = append(got, prm["name"].(string))
					if prm["required"] != true {
						t.Errorf("%s %s: path parameter %v is not required", m, p, prm["name"])
					}
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: path parameters %v, want %v", m, p, got, want)
			}
			if res, _ := op["responses"].(map[string]any); len(res) == 0 {
				t.Errorf("%s %s: no responses", m, p)
			}
			if id, _ := op["operationId"].(string); id == "" {
				t.Errorf("%s %s: no operationId", m, p)
			}
		}
	}
}

// TestOpenAPIResponseFieldsRequired checks that response schemas require every property they
// list (bar optionalResponseFields), so that the live checks catch a documented field the
// server does not send.
func TestOpenAPIResponseFieldsRequired(t *testing.T) {
	d := loadOpenAPI(t)
	visited := map[string]bool{}
	var walk func(label string, v any)
	walk = func(label string, v any) {
		s, ok := v.(map[string]any)
		if !ok {
			return
		}
		if ref, ok := s["$ref"].(string); ok {
			if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok {
				if !visited[name] {
					visited[name] = true
					target, _ := d.resolve(ref)
					walk(name, target)
				}
			} else if target, err := d.resolve(ref); err == nil {
				walk(label, target)
			}
		}
		if props, ok := s["properties"].(map[string]any); ok {
			required := map[string]bool{}
			list, _ := s["required"].([]any)
			for _, r := range list {
				required[r.(string)] = true
			}
			for _, name := range sortedKeys(props) {
				if !required[name] && !optionalResponseFields[label+"."+name] {
					t.Errorf("response schema %s: property %q is not required", label, name)
				}
				walk(label+"."+name, props[name])
			}
		}
		for _, k := range []string{"oneOf", "anyOf", "allOf"} {
			list, _ := s[k].([]any)
			for _, c := range list {
				walk(label, c)
			}
		}
		walk(label, s["items"])
		walk(label, s["additionalProperties"])
	}
	paths, _ := d.root["paths"].(map[string]any)
	for p, item := range paths {
		item, _ := item.(map[string]any)
		for _, m := range oaMethods {
			op, _ := item[m].(map[string]any)
			responses, _ := op["responses"].(map[string]any)
			for status, r := range responses {
				content, _ := d.deref(r)["content"].(map[string]any)
				for _, media := range content {
					media, _ := media.(map[string]any)
					walk(strings.ToUpper(m)+" "+p+" "+status, media["schema"])
				}
			}
		}
	}
}

// fakeJobs stands in for the scheduler so that GET /api/v1/jobs has something to list.
type fakeJobs struct{}

func (fakeJobs) RunNow(string) error { return nil }

func (fakeJobs) Status() []jobs.Status {
	last, next, msg := fixedNow.Add(-time.Hour), fixedNow.Add(time.Hour), "database is locked"
	return []jobs.Status{{Name: jobs.RemindersJob}, {Name: jobs.SnapshotJob, LastRun: &last, NextRun: &next, LastError: &msg}}
}

func openAPIStore(t *testing.T) (*store.Store, *snapshot.Service) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "netfolio.db"), store.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st, snapshot.New(st, portfolio.DefaultSettings(), func() time.Time { return fixedNow }, time.UTC)
}

// oaClient sends requests to the live server and checks each answer against the document.
type oaClient struct {
	t      *testing.T
	doc    *oaDoc
	base   string
	token  string
	header map[string]string
	http   *http.Client
}

// call sends a request for the operation method route (the documented path template) at
// path, fails unless the status is want, checks the answer against the document and returns
// the decoded body.
func (c *oaClient) call(want int, method, route, path string, body any) any {
	c.t.Helper()
	req := jsonRequest(c.t, method, c.base+path, c.token, body)
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, res.StatusCode, want, raw)
	}
	return c.doc.checkAnswer(c.t, method, route, res, raw)
}

// checkAnswer finds the documented response of the operation and status and checks the
// answer's content type and body against it.
func (d *oaDoc) checkAnswer(t *testing.T, method, route string, res *http.Response, raw []byte) any {
	t.Helper()
	label := fmt.Sprintf("%s %s %d", method, route, res.StatusCode)
	item, _ := d.root["paths"].(map[string]any)[route].(map[string]any)
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		t.Errorf("%s: the operation is not documented", label)
		return nil
	}
	responses, _ := op["responses"].(map[string]any)
	documented, ok := responses[strconv.Itoa(res.StatusCode)]
	if !ok {
		t.Errorf("%s: the status is not documented", label)
		return nil
	}
	d.seen[label] = true
	content, _ := d.deref(documented)["content"].(map[string]any)
	if len(content) == 0 {
		if len(raw) != 0 {
			t.Errorf("%s: documented without content, answered %q", label, raw)
		}
		return nil
	}
	mediaType, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if err != nil {
		t.Errorf("%s: content type %q: %v", label, res.Header.Get("Content-Type"), err)
		return nil
	}
	media, ok := content[mediaType].(map[string]any)
	if !ok {
		t.Errorf("%s: content type %s is not documented (%v)", label, mediaType, sortedKeys(content))
		return nil
	}
	if mediaType != "application/json" {
		return string(raw)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Errorf("%s: bad JSON %q: %v", label, raw, err)
		return nil
	}
	for _, problem := range d.check("", media["schema"], v) {
		t.Errorf("%s: %s", label, problem)
	}
	return v
}

// check validates v against a schema: the subset of JSON Schema the document uses ($ref,
// oneOf, anyOf, type, enum, pattern, format, minimum, maximum, properties, required,
// additionalProperties, items). An object key that the schema does not list is a problem
// unless additionalProperties is a schema; a required key that is missing is one too.
func (d *oaDoc) check(at string, schema any, v any) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		return nil // true: anything
	}
	where := at
	if where == "" {
		where = "(body)"
	}
	var problems []string
	if ref, ok := s["$ref"].(string); ok {
		target, err := d.resolve(ref)
		if err != nil {
			return []string{fmt.Sprintf("%s: %v", where, err)}
		}
		problems = append(problems, d.check(at, target, v)...)
	}
	if list, ok := s["oneOf"].([]any); ok {
		matched, all := 0, []string{}
		for _, alt := range list {
			p := d.check(at, alt, v)
			if len(p) == 0 {
				matched++
			}
			all = append(all, p...)
		}
		if matched != 1 {
			problems = append(problems, fmt.Sprintf("%s: %s matches %d of oneOf, want 1 (%s)", where, short(v), matched, strings.Join(all, "; ")))
		}
	}
	if list, ok := s["anyOf"].([]any); ok {
		matched := false
		for _, alt := range list {
			matched = matched || len(d.check(at, alt, v)) == 0
		}
		if !matched {
			problems = append(problems, fmt.Sprintf("%s: %s matches nothing of anyOf", where, short(v)))
		}
	}
	if typ, ok := s["type"]; ok {
		var types []string
		switch x := typ.(type) {
		case string:
			types = []string{x}
		case []any:
			for _, t := range x {
				types = append(types, t.(string))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return jsonTypeIs(v, t) }) {
			return append(problems, fmt.Sprintf("%s: %s is not of type %v", where, short(v), types))
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		problems = append(problems, fmt.Sprintf("%s: %s is not one of %v", where, short(v), enum))
	}
	switch x := v.(type) {
	case string:
		if p, ok := s["pattern"].(string); ok && !d.pattern(p).MatchString(x) {
			problems = append(problems, fmt.Sprintf("%s: %q does not match %s", where, x, p))
		}
		switch s["format"] {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, x); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %q is not an RFC 3339 timestamp", where, x))
			}
		case "date":
			if _, err := time.Parse(time.DateOnly, x); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %q is not a date", where, x))
			}
		}
	case json.Number:
		f, _ := x.Float64()
		if lo, ok := s["minimum"].(json.Number); ok {
			if l, _ := lo.Float64(); f < l {
				problems = append(problems, fmt.Sprintf("%s: %s < minimum %s", where, x, lo))
			}
		}
		if hi, ok := s["maximum"].(json.Number); ok {
			if h, _ := hi.Float64(); f > h {
				problems = append(problems, fmt.Sprintf("%s: %s > maximum %s", where, x, hi))
			}
		}
	case map[string]any:
		props, hasProps := s["properties"].(map[string]any)
		extra, extraSchema := s["additionalProperties"].(map[string]any)
		for _, k := range sortedKeys(x) {
			if p, ok := props[k]; ok {
				problems = append(problems, d.check(at+"."+k, p, x[k])...)
			} else if extraSchema {
				problems = append(problems, d.check(at+"."+k, extra, x[k])...)
			} else if hasProps || s["additionalProperties"] == false {
				problems = append(problems, fmt.Sprintf("%s: key %q is not documented", where, k))
			}
		}
		required, _ := s["required"].([]any)
		for _, r := range required {
			if _, ok := x[r.(string)]; !ok {
				problems = append(problems, fmt.Sprintf("%s: documented key %q is missing", where, r))
			}
		}
	case []any:
		for i, item := range x {
			problems = append(problems, d.check(fmt.Sprintf("%s[%d]", at, i), s["items"], item)...)
		}
	}
	return problems
}

// pattern compiles a schema's pattern once; the document's patterns are ECMA-262 that RE2
// reads the same way.
func (d *oaDoc) pattern(p string) *regexp.Regexp {
	re, ok := d.patterns[p]
	if !ok {
		re = regexp.MustCompile(p)
		d.patterns[p] = re
	}
	return re
}

func jsonTypeIs(v any, t string) bool {
	switch x := v.(type) {
	case nil:
		return t == "null"
	case bool:
		return t == "boolean"
	case string:
		return t == "string"
	case json.Number:
		return t == "number" || (t == "integer" && !strings.ContainsAny(x.String(), ".eE"))
	case []any:
		return t == "array"
	case map[string]any:
		return t == "object"
	}
	return false
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestOpenAPIMatchesAnswers drives every documented operation of a real server and checks
// each answer (successes and the usual errors) against the document.
func TestOpenAPIMatchesAnswers(t *testing.T) {
	doc := loadOpenAPI(t)
	st, snaps := openAPIStore(t)
	clock := func() time.Time { return fixedNow }
	srv := httptest.NewServer(api.New(api.Config{Store: st, Now: clock, Location: time.UTC, Snapshots: snaps, Jobs: fakeJobs{}, Frontend: frontend.Assets()}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	admin, err := st.CreateUser(ctx, store.NewUser{Username: "root", Password: "password-root", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := st.CreateToken(ctx, admin.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	newClient := func(token string) *oaClient {
		jar, _ := cookiejar.New(nil)
		return &oaClient{t: t, doc: doc, base: srv.URL, token: token, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	}
	c := newClient(token)

	// The document is served as it is in the repository.
	if served := c.call(200, "GET", "/api/openapi.json", "/api/openapi.json", nil); !reflect.DeepEqual(served, any(doc.root)) {
		t.Errorf("GET /api/openapi.json does not serve api/openapi.json")
	}
	c.call(200, "GET", "/healthz", "/healthz", nil)
	c.call(200, "GET", "/readyz", "/readyz", nil)
	c.call(200, "GET", "/metrics", "/metrics", nil)

	// Auth: users, tokens, sessions.
	c.call(200, "GET", "/api/v1/me", "/api/v1/me", nil)
	c.call(201, "POST", "/api/v1/users", "/api/v1/users", map[string]any{"username": "bob", "password": "password-bob", "base_currency": "EUR"})
	c.call(409, "POST", "/api/v1/users", "/api/v1/users", map[string]any{"username": "bob", "password": "password-bob"})
	tok := c.call(201, "POST", "/api/v1/tokens", "/api/v1/tokens", map[string]any{"name": "script"})
	c.call(200, "GET", "/api/v1/tokens", "/api/v1/tokens", nil)
	c.call(204, "DELETE", "/api/v1/tokens/{id}", fmt.Sprintf("/api/v1/tokens/%d", id(tok, "id")), nil)
	c.call(404, "DELETE", "/api/v1/tokens/{id}", "/api/v1/tokens/999", nil)

	bob := newClient("")
	bob.call(401, "GET", "/api/v1/me", "/api/v1/me", nil)
	bob.call(422, "POST", "/api/v1/session", "/api/v1/session", map[string]any{"username": "bob"})
	bob.call(400, "POST", "/api/v1/session", "/api/v1/session", "{")
	bob.call(200, "POST", "/api/v1/session", "/api/v1/session", map[string]any{"username": "bob", "password": "password-bob"})
	bob.call(200, "GET", "/api/v1/me", "/api/v1/me", nil)
	bob.call(403, "POST", "/api/v1/users", "/api/v1/users", map[string]any{"username": "eve", "password": "password-eve"})
	bob.header = map[string]string{"Origin": "http://elsewhere.example"}
	bob.call(403, "DELETE", "/api/v1/session", "/api/v1/session", nil)
	bob.header = nil
	bob.call(204, "DELETE", "/api/v1/session", "/api/v1/session", nil)

	// Networks.
	alpha := id(c.call(201, "POST", "/api/v1/networks", "/api/v1/networks", map[string]any{"name": "Alpha", "kind": "revshare", "joined_on": "2025-01-01", "sponsor": "Sam"}), "id")
	beta := id(c.call(201, "POST", "/api/v1/networks", "/api/v1/networks", map[string]any{"name": "Beta", "kind": "product", "joined_on": "2025-06-01",
		"commitment_amount": 49.90, "commitment_day": 5}), "id")
	gone := id(c.call(201, "POST", "/api/v1/networks", "/api/v1/networks", map[string]any{"name": "Gone", "kind": "revshare", "status": "collapsed", "joined_on": "2025-02-01", "closed_on": "2025-12-31"}), "id")
	c.call(409, "POST", "/api/v1/networks", "/api/v1/networks", map[string]any{"name": "Alpha", "kind": "revshare"})
	c.call(422, "POST", "/api/v1/networks", "/api/v1/networks", map[string]any{"name": "X", "kind": "ponzi"})
	c.call(400, "POST", "/api/v1/networks", "/api/v1/networks", "{")
	c.call(413, "POST", "/api/v1/networks", "/api/v1/networks", `{"name": "`+strings.Repeat("x", 1<<20)+`"}`)
	c.call(200, "GET", "/api/v1/networks", "/api/v1/networks", nil)
	c.call(200, "GET", "/api/v1/networks/{id}", fmt.Sprintf("/api/v1/networks/%d", beta), nil)
	c.call(404, "GET", "/api/v1/networks/{id}", "/api/v1/networks/999", nil)
	c.call(200, "PATCH", "/api/v1/networks/{id}", fmt.Sprintf("/api/v1/networks/%d", alpha), map[string]any{"notes": "weekly payouts", "closed_on": nil})
	c.call(422, "PATCH", "/api/v1/networks/{id}", fmt.Sprintf("/api/v1/networks/%d", alpha), map[string]any{"name": nil})

	// Entries.
	at := func(network int64, date, kind, amount string, extra ...any) map[string]any {
		e := map[string]any{"network_id": network, "date": date, "kind": kind, "amount": amount}
		for i := 0; i+1 < len(extra); i += 2 {
			e[extra[i].(string)] = extra[i+1]
		}
		return e
	}
	c.call(201, "POST", "/api/v1/entries/batch", "/api/v1/entries/batch", []any{
		at(alpha, "2025-01-10", "investment", "1000"),
		at(alpha, "2025-09-01", "payout", "100"),
		at(alpha, "2025-10-01", "payout", "100"),
		at(alpha, "2025-11-01", "payout", "100"),
		at(alpha, "2026-01-31", "balance", "300"),
		at(beta, "2026-02-05", "purchase", "49.90"),
		at(gone, "2025-03-01", "investment", "200"),
	})
	c.call(422, "POST", "/api/v1/entries/batch", "/api/v1/entries/batch", []any{at(alpha, "2025-01-11", "fee", "-1")})
	ext := c.call(201, "POST", "/api/v1/entries", "/api/v1/entries", at(beta, "2026-03-01", "payout", "80", "income_class", "passive", "external_id", "bank:1", "note", "March"))
	dup := c.call(409, "POST", "/api/v1/entries", "/api/v1/entries", at(beta, "2026-03-02", "payout", "1", "external_id", "bank:1"))
	if id(dup, "error", "existing_id") != id(ext, "id") {
		t.Errorf("409 existing_id = %v, want %d", get(dup, "error", "existing_id"), id(ext, "id"))
	}
	c.call(422, "POST", "/api/v1/entries", "/api/v1/entries", map[string]any{"network_id": alpha})
	page := c.call(200, "GET", "/api/v1/entries", "/api/v1/entries?limit=3", nil)
	if str(page, "next_cursor") == "<null>" {
		t.Errorf("a first page of 3 has no next_cursor: %v", page)
	}
	c.call(200, "GET", "/api/v1/entries", fmt.Sprintf("/api/v1/entries?network_id=%d&kind=payout&from=2025-01-01&to=2026-12-31&limit=100", alpha), nil)
	c.call(422, "GET", "/api/v1/entries", "/api/v1/entries?from=yesterday", nil)
	c.call(200, "GET", "/api/v1/entries/{id}", fmt.Sprintf("/api/v1/entries/%d", id(ext, "id")), nil)
	c.call(404, "GET", "/api/v1/entries/{id}", "/api/v1/entries/abc", nil)
	c.call(200, "PATCH", "/api/v1/entries/{id}", fmt.Sprintf("/api/v1/entries/%d", id(ext, "id")), map[string]any{"amount": 85, "external_id": nil})
	c.call(404, "PATCH", "/api/v1/entries/{id}", "/api/v1/entries/999", map[string]any{"note": "x"})
	doomed := c.call(201, "POST", "/api/v1/entries", "/api/v1/entries", at(gone, "2025-04-01", "fee", "5"))
	c.call(204, "DELETE", "/api/v1/entries/{id}", fmt.Sprintf("/api/v1/entries/%d", id(doomed, "id")), nil)
	c.call(404, "DELETE", "/api/v1/entries/{id}", fmt.Sprintf("/api/v1/entries/%d", id(doomed, "id")), nil)

	// The monthly payout log.
	c.call(201, "PUT", "/api/v1/payouts/monthly", "/api/v1/payouts/monthly", map[string]any{"network_id": beta, "month": "2026-02", "amount": "0"})
	c.call(200, "PUT", "/api/v1/payouts/monthly", "/api/v1/payouts/monthly", map[string]any{"network_id": beta, "month": "2026-02", "amount": 12.5, "income_class": "active"})
	c.call(422, "PUT", "/api/v1/payouts/monthly", "/api/v1/payouts/monthly", map[string]any{"network_id": beta, "month": "2027-01", "amount": "1"})
	payouts := c.call(200, "GET", "/api/v1/payouts/monthly", "/api/v1/payouts/monthly", nil)
	if str(payouts, "networks", 1, "cells", 1, "line", "amount") != "12.50" || str(payouts, "networks", 0, "cells", 0, "logged") != "false" {
		t.Errorf("payout log lacks a line or a reminder cell: %v", get(payouts, "networks"))
	}
	c.call(200, "GET", "/api/v1/payouts/monthly", "/api/v1/payouts/monthly?year=2025", nil)
	c.call(422, "GET", "/api/v1/payouts/monthly", "/api/v1/payouts/monthly?year=25", nil)

	// Rates.
	c.call(200, "PUT", "/api/v1/rates", "/api/v1/rates", []any{map[string]any{"date": "2026-01-05", "currency": "ETH", "units_per_eur": "0.00036"}})
	c.call(422, "PUT", "/api/v1/rates", "/api/v1/rates", []any{})
	c.call(200, "POST", "/api/v1/rates/import", "/api/v1/rates/import", ecbDailyXML)
	c.call(422, "POST", "/api/v1/rates/import", "/api/v1/rates/import", "hello")
	c.call(200, "GET", "/api/v1/rates", "/api/v1/rates", nil)
	c.call(200, "GET", "/api/v1/rates", "/api/v1/rates?currency=USD&from=2026-01-01&to=2026-12-31", nil)

	// Exports and import.
	c.call(200, "GET", "/api/v1/export/tax.csv", "/api/v1/export/tax.csv?year=2025&dialect=de", nil)
	c.call(422, "GET", "/api/v1/export/tax.csv", "/api/v1/export/tax.csv?dialect=fr", nil)
	c.call(200, "GET", "/api/v1/export/tax-summary.csv", "/api/v1/export/tax-summary.csv?year=2025", nil)
	entriesCSV := c.call(200, "GET", "/api/v1/export/entries.csv", "/api/v1/export/entries.csv", nil)
	c.call(200, "GET", "/api/v1/export/journal.ledger", "/api/v1/export/journal.ledger", nil)
	if csvText, ok := entriesCSV.(string); ok {
		c.call(200, "POST", "/api/v1/import/entries.csv", "/api/v1/import/entries.csv?dry_run=true", csvText)
	} else {
		t.Errorf("entries.csv answered %T", entriesCSV)
	}
	c.call(422, "POST", "/api/v1/import/entries.csv", "/api/v1/import/entries.csv", "date,network,kind,amount\n2025-01-01,Nowhere,payout,1\n")

	// Figures, jobs and reminders.
	p := c.call(200, "GET", "/api/v1/portfolio", "/api/v1/portfolio", nil)
	if get(p, "income_mix") == nil || get(p, "risk", "by_kind") == nil || length(p, "risk", "stress") == 0 || length(p, "networks") != 3 {
		t.Errorf("the portfolio leaves nested objects empty, so they go unchecked: %v", p)
	}
	c.call(200, "GET", "/api/v1/portfolio", "/api/v1/portfolio?fresh=true", nil)
	c.call(200, "GET", "/api/v1/portfolio", "/api/v1/portfolio?as_of=2025-06-30&horizon=24", nil)
	c.call(422, "GET", "/api/v1/portfolio", "/api/v1/portfolio?as_of=soon", nil)
	c.call(200, "GET", "/api/v1/portfolio/history", "/api/v1/portfolio/history", nil)
	c.call(200, "GET", "/api/v1/portfolio/history", "/api/v1/portfolio/history?from=2025-06&to=2026-03-15", nil)
	c.call(422, "GET", "/api/v1/portfolio/history", "/api/v1/portfolio/history?from=2026-13", nil)
	c.call(200, "GET", "/api/v1/portfolio/whatif", fmt.Sprintf("/api/v1/portfolio/whatif?collapse=%d&horizon=6", alpha), nil)
	c.call(422, "GET", "/api/v1/portfolio/whatif", "/api/v1/portfolio/whatif?collapse=999", nil)
	c.call(202, "POST", "/api/v1/portfolio/recompute", "/api/v1/portfolio/recompute", nil)
	c.call(200, "GET", "/api/v1/jobs", "/api/v1/jobs", nil)
	c.call(200, "GET", "/api/v1/reminders", "/api/v1/reminders", nil)
	if err := jobs.Reminders(ctx, st, snaps); err != nil {
		t.Fatal(err)
	}
	if r := c.call(200, "GET", "/api/v1/reminders", "/api/v1/reminders", nil); length(r) == 0 {
		t.Errorf("no reminders, so their shape goes unchecked")
	}

	// Deleting a network with entries.
	c.call(409, "DELETE", "/api/v1/networks/{id}", fmt.Sprintf("/api/v1/networks/%d", gone), nil)
	c.call(204, "DELETE", "/api/v1/networks/{id}", fmt.Sprintf("/api/v1/networks/%d?cascade=true", gone), nil)
	c.call(404, "DELETE", "/api/v1/networks/{id}", fmt.Sprintf("/api/v1/networks/%d", gone), nil)

	// Wrong passwords, until the address is throttled (last: it locks this client out).
	anon := newClient("")
	for i := 0; i < 5; i++ {
		anon.call(401, "POST", "/api/v1/session", "/api/v1/session", map[string]any{"username": "bob", "password": "wrong-password"})
	}
	anon.call(429, "POST", "/api/v1/session", "/api/v1/session", map[string]any{"username": "bob", "password": "wrong-password"})

	// Every operation was driven at least once with a success.
	for _, op := range sortedKeys(doc.operations()) {
		method, path, _ := strings.Cut(op, " ")
		if !slices.ContainsFunc(sortedKeys(doc.seen), func(s string) bool {
			return strings.HasPrefix(s, method+" "+path+" 2")
		}) {
			t.Errorf("%s is not driven by this test: add a call", op)
		}
	}
}
