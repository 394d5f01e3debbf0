package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/netfolio/netfolio/api"
	"github.com/netfolio/netfolio/frontend"
	"github.com/netfolio/netfolio/jobs"
	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/sample"
	"github.com/netfolio/netfolio/portfolio/snapshot"
	"github.com/netfolio/netfolio/portfolio/store"
)

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, dbFlag, levelFlag := newFlags("serve", stderr)
	addr := fs.String("addr", env("NETFOLIO_ADDR", "127.0.0.1:8080"), "listen address (NETFOLIO_ADDR)")
	demo := fs.Bool("demo", env("NETFOLIO_DEMO", "") == "true", "create the demo user and portfolio if missing (NETFOLIO_DEMO=true)")
	secure := fs.Bool("secure-cookies", env("NETFOLIO_SECURE_COOKIES", "") == "true", "mark the session cookie Secure, behind HTTPS (NETFOLIO_SECURE_COOKIES=true)")
	ratesURL := fs.String("rates-url", env("NETFOLIO_RATES_URL", ""), "ECB reference-rate file to import daily; off when empty (NETFOLIO_RATES_URL)")
	backupDir := fs.String("backup-dir", env("NETFOLIO_BACKUP_DIR", ""), "folder for daily SQLite backups; off when empty (NETFOLIO_BACKUP_DIR)")
	backupKeep := fs.Int("backup-keep", envInt("NETFOLIO_BACKUP_KEEP", 7), "backups to keep (NETFOLIO_BACKUP_KEEP)")
	pprofAddr := fs.String("pprof", env("NETFOLIO_PPROF", ""), "serve Go's CPU and heap profiles on this loopback address, e.g. 127.0.0.1:6060; off when empty (NETFOLIO_PPROF)")
	horizon := fs.Int("horizon-months", envInt("NETFOLIO_HORIZON_MONTHS", 12), "months the collapse stress test looks ahead (NETFOLIO_HORIZON_MONTHS)")
	if _, err := parseArgs(fs, args); err != nil {
		return 2
	}
	log, err := newLogger(stderr, *levelFlag)
	if err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 2
	}
	if *horizon < 1 || *horizon > 600 {
		fmt.Fprintln(stderr, "netfolio: --horizon-months must be 1 to 600")
		return 2
	}
	o := serveOptions{pprof: *pprofAddr, db: *dbFlag, addr: *addr, demo: *demo, secure: *secure, ratesURL: *ratesURL,
		backupDir: *backupDir, backupKeep: *backupKeep, horizon: *horizon}
	if err := serve(ctx, o, stdout, log); err != nil {
		log.Error("netfolio stopped", "error", err)
		return 1
	}
	return 0
}

type serveOptions struct {
	db, addr, ratesURL, backupDir, pprof string
	demo, secure                         bool
	backupKeep, horizon                  int
}

// serve runs the server until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, o serveOptions, stdout io.Writer, log *slog.Logger) error {
	st, err := store.Open(ctx, o.db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	var demoLine string
	if o.demo {
		if demoLine, err = sample.EnsureDemo(ctx, st, time.Now()); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	settings := portfolio.DefaultSettings()
	settings.HorizonMonths = o.horizon
	snaps := snapshot.New(st, settings, nil, nil)
	cfg := jobs.Config{Store: st, Snapshots: snaps, Logger: log, RatesURL: o.ratesURL, BackupDir: o.backupDir, BackupKeep: o.backupKeep}
	leader, err := st.NewLeader()
	if err != nil {
		return err
	}
	if leader != nil { // several replicas may share the database: one runs the jobs
		cfg.Elector = leader
		defer leader.Close()
	}
	runner, err := jobs.Start(cfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := runner.Stop(); err != nil {
			log.Warn("stop jobs", "error", err)
		}
	}()
	handler := api.New(api.Config{Store: st, Logger: log, SecureCookies: o.secure, Frontend: frontend.Assets(),
		Snapshots: snaps, Jobs: runner})
	if o.pprof != "" {
		if err := servePprof(o.pprof, log); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "netfolio is running at %s\n", url)
	if demoLine != "" {
		fmt.Fprintf(stdout, "Open %s and sign in with %s\n", url, demoLine)
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", store.Describe(o.db))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// servePprof serves net/http/pprof's profiles on a loopback address, for finding out where
// time and memory go.
func servePprof(addr string, log *slog.Logger) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--pprof must listen on a loopback address, not %q", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("profiles", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	go func() { _ = http.Serve(ln, mux) }()
	return nil
}
