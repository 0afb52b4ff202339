// Package storetest is the conformance suite every jirga.Store passes: the
// SQLite store always, the PostgreSQL store when JIRGA_TEST_POSTGRES holds a
// DSN.
package storetest
