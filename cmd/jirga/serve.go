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
	"runtime/debug"
	"strconv"
	"strings"
	"time"

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
CPU time is over its budget. SIGINT or SIGTERM shut it down gracefully: runs
still queued or running are kept queued in the database and resumed on the
next start; a second signal exits at once. The API is in docs/api.md, the
threat model and deployment behind a proxy in docs/security.md.`)
	var addr, db, dbPasswordFile, token, readToken string
	var hosts, origins listFlag
	var insecure bool
	var workers, maxResumes int
	var maxTime time.Duration
	maxMemory, cacheMemory := byteSize(httpapi.DefaultMaxRunMemory), byteSize(httpapi.DefaultCacheBytes)
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&db, "db", "jirga.db", "SQLite file, or a postgres:// URL (default $JIRGA_DB when set, which keeps a password out of the process list)")
	fs.StringVar(&dbPasswordFile, "db-password-file", "", "file holding the PostgreSQL password (PGPASSWORD and ~/.pgpass also work)")
	fs.StringVar(&token, "token", "", "bearer token required for every API request (default $JIRGA_TOKEN, which keeps it out of the process list)")
	fs.StringVar(&readToken, "read-token", "", "a second token that allows reads only (default $JIRGA_READ_TOKEN); needs --token")
	fs.Var(&hosts, "host", "host name the server answers to beside localhost and IP addresses, repeatable or comma-separated; * for any (behind a proxy that checks names)")
	fs.Var(&origins, "origin", "origin (scheme://host[:port]) trusted to write from a browser although it differs from the Host the server sees, repeatable")
	fs.BoolVar(&insecure, "insecure", false, "allow listening beyond loopback without a token")
	fs.IntVar(&workers, "workers", httpapi.DefaultWorkers, "runs computed at once")
	fs.Var(&maxMemory, "max-run-memory", "estimated memory a run may need, e.g. 512MiB or 2GB; larger runs are refused")
	fs.DurationVar(&maxTime, "max-run-time", httpapi.DefaultMaxRunTime, "estimated CPU time a run may need, and the wall time it may run before it is stopped")
	fs.IntVar(&maxResumes, "max-resumes", httpapi.DefaultMaxResumes, "times a run left running by a crash is resumed before it is failed")
	fs.Var(&cacheMemory, "cache-memory", "memory of the decoded scenario versions kept for runs")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr(fs, "serve takes no arguments, got %q", pos)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if token == "" {
		token = os.Getenv("JIRGA_TOKEN")
	}
	if readToken == "" {
		readToken = os.Getenv("JIRGA_READ_TOKEN")
	}
	if !set["db"] && os.Getenv("JIRGA_DB") != "" {
		db = os.Getenv("JIRGA_DB")
	} else if set["db"] && hasPassword(db) {
		fmt.Fprintln(m.Stderr, "jirga serve: warning: the password in --db is visible in the process list; set JIRGA_DB, PGPASSWORD or --db-password-file instead")
	}
	switch {
	case workers < 1:
		return jirga.Errorf(jirga.EINVALID, "serve: --workers must be ≥ 1, got %d", workers)
	case maxMemory < 1<<20:
		return jirga.Errorf(jirga.EINVALID, "serve: --max-run-memory must be at least 1MiB, got %s", maxMemory.String())
	case maxTime < time.Second:
		return jirga.Errorf(jirga.EINVALID, "serve: --max-run-time must be at least 1s, got %v", maxTime)
	case maxResumes < 0:
		return jirga.Errorf(jirga.EINVALID, "serve: --max-resumes must be ≥ 0, got %d", maxResumes)
	case readToken != "" && token == "":
		return jirga.Errorf(jirga.EINVALID, "serve: --read-token needs --token (the token for writes)")
	case readToken != "" && readToken == token:
		return jirga.Errorf(jirga.EINVALID, "serve: --read-token must differ from --token")
	}
	if dbPasswordFile != "" {
		if db, err = withPasswordFile(db, dbPasswordFile); err != nil {
			return err
		}
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
	resumes := maxResumes
	if resumes == 0 {
		resumes = -1 // Server: negative means never resume
	}
	// A soft memory limit above what the budgets allow (each worker's run,
	// the scenario cache, an import and the server itself) makes the
	// garbage collector work harder before the process grows past it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(workers)*int64(maxMemory) + int64(cacheMemory) + 1<<30)
	}
	srv := &httpapi.Server{
		Addr: addr, Store: store, Token: token, ReadToken: readToken, Workers: workers,
		Hosts: hosts, Origins: origins,
		MaxRunMemory: int64(maxMemory), MaxRunTime: maxTime, MaxResumes: resumes, CacheBytes: int64(cacheMemory),
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
