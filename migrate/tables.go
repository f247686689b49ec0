package migrate

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// EnsureTables creates retort's own tables (the version table, the history
// and the progress table, and their schema) where they are missing, as
// Alembic's ensure_version does, under the lock upgrades hold. It changes
// nothing that exists; [Upgrade] and [Stamp] create the tables too.
func EnsureTables(ctx context.Context, conn *pgx.Conn, opts *Options) error {
	return locked(ctx, conn, opts, func(o Options) error { return ensureTables(ctx, conn, o) })
}
