package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netfolio/netfolio/portfolio/sample"
	"github.com/netfolio/netfolio/portfolio/store"
)

func TestExportAndImportCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "cli.db")
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sample.EnsureDemo(ctx, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if code := run(ctx, []string{"user", "add", "copy", "--password-stdin", "--db", db}, strings.NewReader("a long password\n"), io.Discard, io.Discard); code != 0 {
		t.Fatal("user add failed")
	}
	exec := func(args ...string) (string, int) {
		var out, errOut bytes.Buffer
		code := run(ctx, append(args, "--db", db, "--log-level", "warn"), nil, &out, &errOut)
		if code != 0 && errOut.Len() > 0 {
			t.Logf("%v: %s", args, errOut.String())
		}
		return out.String(), code
	}
	year := time.Now().Year() - 1
	tax, code := exec("export", "tax", "--user", "demo", "--year", strconv.Itoa(year), "--dialect", "de")
	if code != 0 || !strings.HasPrefix(tax, "\ufeffDatum;Netzwerk;") || strings.Count(tax, "\n") < 20 {
		t.Fatalf("export tax: %d %q", code, tax[:min(len(tax), 200)])
	}
	entries, code := exec("export", "entries", "--user", "demo")
	if code != 0 {
		t.Fatal("export entries failed")
	}
	file := filepath.Join(dir, "entries.csv")
	if err := os.WriteFile(file, []byte(entries), 0o600); err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(entries, "\n") - 1
	var res store.ImportResult
	out, code := exec("import", file, "--user", "copy", "--create-networks")
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || res.Added != lines || len(res.NetworksCreated) != 8 {
		t.Fatalf("import: %d %s (%v)", code, out, err)
	}
	out, _ = exec("import", file, "--user", "copy", "--dry-run")
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Added != 0 || res.Skipped != lines || !res.DryRun {
		t.Errorf("second import: %s", out)
	}
	copied, _ := exec("export", "entries", "--user", "copy")
	if copied != entries {
		t.Errorf("the copy exports another file")
	}
	if _, code := exec("export", "nothing", "--user", "demo"); code != 2 {
		t.Errorf("unknown export: exit %d", code)
	}
	if _, code := exec("import", filepath.Join(dir, "missing.csv"), "--user", "copy"); code != 1 {
		t.Errorf("missing file: exit %d", code)
	}
}
