// Package postgres stores jirga scenarios and runs in PostgreSQL through
// github.com/jackc/pgx/v5, for a team sharing one server. Migrations are
// embedded and applied in order, one transaction each, when the database is
// opened.
package postgres
