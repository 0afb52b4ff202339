package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"strconv"
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
flagship scenario is loaded so the UI is useful at once.

With --token, every API request needs "Authorization: Bearer TOKEN", reads
included (--read-token adds a token for reads only); serve refuses to
listen beyond loopback without a token unless --insecure. The server
answers only to localhost, IP addresses and the --host names, refuses
writes from other sites' pages, and refuses a run whose estimated memory or
CPU time is over its budget.

Runs are River jobs in the database. With PostgreSQL any number of serve
replicas and jirga worker processes on any number of machines share them;
sweeps, deals and levers analyses are cut into parts that any of them
computes. SIGINT or SIGTERM shut serve down gracefully: running runs get
--grace to finish, then are handed back, queued for the others or the next
start; a second signal exits at once. The API is in docs/api.md, the threat
model and deployment behind a proxy in docs/security.md, scaling out in
docs/scale.md.`)
	var addr, token, readToken string
	var hosts, origins listFlag
	var insecure bool
	var qf queueFlags
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&token, "token", "", "bearer token required for every API request (default $JIRGA_TOKEN, which keeps it out of the process list)")
	fs.StringVar(&readToken, "read-token", "", "a second token that allows reads only (default $JIRGA_READ_TOKEN); needs --token")
	fs.Var(&hosts, "host", "host name the server answers to beside localhost and IP addresses, repeatable or comma-separated; * for any (behind a proxy that checks names)")
	fs.Var(&origins, "origin", "origin (scheme://host[:port]) trusted to write from a browser although it differs from the Host the server sees, repeatable")
	fs.BoolVar(&insecure, "insecure", false, "allow listening beyond loopback without a token")
	qf.register(fs, true)
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
	if readToken == "" {
		readToken = os.Getenv("JIRGA_READ_TOKEN")
	}
	switch {
	case readToken != "" && token == "":
		return jirga.Errorf(jirga.EINVALID, "serve: --read-token needs --token (the token for writes)")
	case readToken != "" && readToken == token:
		return jirga.Errorf(jirga.EINVALID, "serve: --read-token must differ from --token")
	}
	if err := qf.check(fs, m); err != nil {
		return err
	}
	if !isLoopback(addr) && token == "" && !insecure {
		return jirga.Errorf(jirga.EINVALID, "serve: %s is reachable beyond this machine; set --token (or --insecure to serve without one)", addr)
	}
	store, err := openStore(ctx, qf.db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := seed(ctx, store); err != nil {
		return err
	}
	qf.setMemoryLimit()
	log := slog.New(slog.NewTextHandler(m.Stderr, nil))
	cfg := qf.config("serve", log)
	srv := &httpapi.Server{
		Addr: addr, Store: store, Token: token, ReadToken: readToken, Workers: cfg.Workers,
		Hosts: hosts, Origins: origins, MaxQueue: cfg.MaxQueue,
		MaxRunMemory: int64(qf.maxMemory), MaxRunTime: cfg.MaxRunTime, MaxRunCPU: qf.maxCPU, MaxResumes: cfg.MaxResumes, CacheBytes: cfg.CacheBytes, Grace: cfg.Grace,
		Queue: cfg, Logger: log,
	}
	if err := srv.Open(ctx); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "jirga: serving on %s (database %s)\n", srv.URL(), redact(qf.db))
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

// redact hides the password of a database URL or key=value DSN.
func redact(db string) string {
	if !isPostgres(db) {
		return redactKeyValue(db)
	}
	scheme, rest, _ := strings.Cut(db, "://")
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if user, _, ok := strings.Cut(rest[:at], ":"); ok {
			return scheme + "://" + user + ":***@" + rest[at+1:]
		}
	}
	return db
}

// redactKeyValue hides every password='…' or password=… of a key=value
// DSN (libpq's quoting: single quotes, backslash escapes).
func redactKeyValue(db string) string {
	var b strings.Builder
	for {
		i := strings.Index(db, "password=")
		if i < 0 {
			b.WriteString(db)
			return b.String()
		}
		b.WriteString(db[:i] + "password=***")
		rest := db[i+len("password="):]
		end := 0
		if strings.HasPrefix(rest, "'") {
			for end = 1; end < len(rest); end++ {
				if rest[end] == '\\' {
					end++
				} else if rest[end] == '\'' {
					end++
					break
				}
			}
		} else {
			for end < len(rest) && rest[end] != ' ' {
				end++
			}
		}
		db = rest[min(end, len(rest)):]
	}
}

// hasPassword reports whether a PostgreSQL DSN holds a password.
func hasPassword(db string) bool {
	if isPostgres(db) {
		u, err := url.Parse(db)
		if err != nil {
			return strings.Contains(db, "@") && strings.Contains(strings.SplitN(db, "@", 2)[0], ":")
		}
		_, ok := u.User.Password()
		return ok || u.Query().Get("password") != ""
	}
	return strings.Contains(db, "password=")
}

// withPasswordFile returns the PostgreSQL DSN db with the password read from
// file (its first line), so that the password appears in no command line.
func withPasswordFile(db, file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", jirga.Errorf(jirga.EINVALID, "serve: --db-password-file: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return "", jirga.Errorf(jirga.EINVALID, "serve: --db-password-file: %v", err)
	}
	pw, _, _ := strings.Cut(string(b), "\n")
	pw = strings.TrimRight(pw, "\r")
	if pw == "" {
		return "", jirga.Errorf(jirga.EINVALID, "serve: --db-password-file %s is empty", file)
	}
	if isPostgres(db) {
		u, err := url.Parse(db)
		if err != nil {
			return "", jirga.Errorf(jirga.EINVALID, "serve: --db is not a URL: %v", err)
		}
		name := ""
		if u.User != nil {
			name = u.User.Username()
		}
		u.User = url.UserPassword(name, pw)
		return u.String(), nil
	}
	if strings.Contains(db, "host=") || strings.Contains(db, "dbname=") || strings.Contains(db, "user=") {
		// A key=value DSN: quote the value as libpq does.
		return db + " password='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(pw) + "'", nil
	}
	return "", jirga.Errorf(jirga.EINVALID, "serve: --db-password-file is for a PostgreSQL --db (postgres://…), not the SQLite file %s", db)
}

// listFlag is a flag that collects values, repeated or comma-separated.
type listFlag []string

var _ flag.Value = (*listFlag)(nil)

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// byteSize is a flag holding a number of bytes, written with a decimal
// (kB, MB, GB, TB) or binary (KiB, MiB, GiB, TiB) unit, or none.
type byteSize int64

var _ flag.Value = (*byteSize)(nil)

var sizeUnits = []struct {
	name string
	mult float64
}{
	{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
	{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"kB", 1e3}, {"KB", 1e3}, {"B", 1},
}

func (b *byteSize) String() string {
	for _, u := range sizeUnits[:4] {
		if v := int64(*b); v > 0 && v%int64(u.mult) == 0 {
			return strconv.FormatInt(v/int64(u.mult), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(*b), 10) + "B"
}

func (b *byteSize) Set(s string) error {
	t := strings.TrimSpace(s)
	mult := 1.0
	for _, u := range sizeUnits {
		if num, ok := strings.CutSuffix(t, u.name); ok {
			t, mult = strings.TrimSpace(num), u.mult
			break
		}
	}
	x, err := strconv.ParseFloat(t, 64)
	if err != nil || !(x >= 0) || x*mult > math.MaxInt64/2 {
		return fmt.Errorf("want a size such as 512MiB or 2GB, got %q", s)
	}
	*b = byteSize(x * mult)
	return nil
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
