// Package sqlstore implements jirga.Store on database/sql for both SQL
// backends, so that package sqlite and package postgres differ only in their
// driver, their migrations and the few places where the SQL dialects differ.
// Every statement is parameterised.
package sqlstore
