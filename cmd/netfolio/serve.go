package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/netfolio/netfolio/api"
	"github.com/netfolio/netfolio/frontend"
	"github.com/netfolio/netfolio/portfolio/store"
)

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, dbFlag, levelFlag := newFlags("serve", stderr)
	addr := fs.String("addr", env("NETFOLIO_ADDR", "127.0.0.1:8080"), "listen address (NETFOLIO_ADDR)")
	demo := fs.Bool("demo", env("NETFOLIO_DEMO", "") == "true", "create the demo user and portfolio if missing (NETFOLIO_DEMO=true)")
	secure := fs.Bool("secure-cookies", env("NETFOLIO_SECURE_COOKIES", "") == "true", "mark the session cookie Secure, behind HTTPS (NETFOLIO_SECURE_COOKIES=true)")
	if _, err := parseArgs(fs, args); err != nil {
		return 2
	}
	log, err := newLogger(stderr, *levelFlag)
	if err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 2
	}
	if err := serve(ctx, serveOptions{db: *dbFlag, addr: *addr, demo: *demo, secure: *secure}, stdout, log); err != nil {
		log.Error("netfolio stopped", "error", err)
		return 1
	}
	return 0
}

type serveOptions struct {
	db, addr     string
	demo, secure bool
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
		if demoLine, err = ensureDemo(ctx, st, time.Now()); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	handler := api.New(api.Config{Store: st, Logger: log, SecureCookies: o.secure, Frontend: frontend.Assets()})
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
