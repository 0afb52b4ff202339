package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/httpapi"
	"github.com/jirga/jirga/postgres"
	"github.com/jirga/jirga/sqlite"
)

func runServe(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("serve", "[flags]", `
Serve the JSON API and the web UI, keeping scenarios (every save a new
version) and runs in a database: a SQLite file by default, or PostgreSQL
when --db is a postgres:// URL. On first start with an empty database the
flagship scenario is loaded so the UI is useful at once. Writes need
"Authorization: Bearer TOKEN" when --token is set; serve refuses to listen
beyond loopback without a token unless --insecure. SIGINT or SIGTERM shut
it down gracefully: runs still queued or running are kept queued in the
database and resumed on the next start. The API is in docs/api.md.`)
	var addr, db, token string
	var insecure bool
	var workers int
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&db, "db", "jirga.db", "SQLite file, or a postgres:// URL")
	fs.StringVar(&token, "token", "", "bearer token required for every write (default $JIRGA_TOKEN, which keeps it out of the process list)")
	fs.BoolVar(&insecure, "insecure", false, "allow listening beyond loopback without a token")
	fs.IntVar(&workers, "workers", httpapi.DefaultWorkers, "runs computed at once")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr(fs, "serve takes no arguments, got %q", pos)
	}
	if token == "" {
		token = os.Getenv("JIRGA_TOKEN")
	}
	if workers < 1 {
		return jirga.Errorf(jirga.EINVALID, "serve: --workers must be ≥ 1, got %d", workers)
	}
	if !isLoopback(addr) && token == "" && !insecure {
		return jirga.Errorf(jirga.EINVALID, "serve: %s is reachable beyond this machine; set --token (or --insecure to serve without one)", addr)
	}
	store, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := seed(ctx, store); err != nil {
		return err
	}
	srv := &httpapi.Server{
		Addr: addr, Store: store, Token: token, Workers: workers,
		Logger: slog.New(slog.NewTextHandler(m.Stderr, nil)),
	}
	if err := srv.Open(ctx); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "jirga: serving on %s (database %s)\n", srv.URL(), redact(db))
	<-ctx.Done()
	fmt.Fprintln(m.Stderr, "jirga: shutting down")
	return srv.Close()
}

// isLoopback reports whether addr listens only on this machine.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

func openStore(ctx context.Context, db string) (jirga.Store, error) {
	if isPostgres(db) {
		return postgres.Open(ctx, db)
	}
	return sqlite.Open(ctx, db)
}

// redact hides the password of a database URL.
func redact(db string) string {
	if !isPostgres(db) {
		return db
	}
	scheme, rest, _ := strings.Cut(db, "://")
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if user, _, ok := strings.Cut(rest[:at], ":"); ok {
			return scheme + "://" + user + ":***@" + rest[at+1:]
		}
	}
	return db
}

// seed loads the flagship scenario into an empty database.
func seed(ctx context.Context, store jirga.Store) error {
	list, err := store.FindScenarios(ctx)
	if err != nil || len(list) > 0 {
		return err
	}
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		return err
	}
	for _, s := range ss {
		if _, err := store.CreateScenario(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
