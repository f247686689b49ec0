package migrate

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// EnsureTables creates retort's own tables (the version table, the history
// and the progress table, and their schema) where they are missing, as
// Alembic's ensure_version does, under the lock upgrades hold. It changes
// nothing that exists; [Upgrade] and [Stamp] create the tables too.
func EnsureTables(ctx context.Context, conn *pgx.Conn, opts *Options) (err error) {
	if err := opts.Validate(); err != nil {
		return err
	}
	o := opts.withDefaults()
	unlock, err := lock(ctx, conn, o)
	if err != nil {
		return err
	}
	defer func() {
		if uerr := unlock(); uerr != nil && err == nil {
			err = uerr
		}
	}()
	return ensureTables(ctx, conn, o)
}
