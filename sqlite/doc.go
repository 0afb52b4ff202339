// Package sqlite stores jirga scenarios and runs in a SQLite database with
// the pure-Go driver modernc.org/sqlite, so that jirga serve needs no C
// toolchain and no database server. Migrations are embedded and applied in
// order, one transaction each, when the database is opened.
package sqlite
