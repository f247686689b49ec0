// Package devdb provides the dev server: a PostgreSQL server on which retort
// creates scratch databases, to normalize a declared schema by loading it
// and introspecting the result, and to replay migrations.
//
// # Dev and scratch databases
//
// A [Dev] hands out [Scratch] databases. [Open] picks the server from the
// --dev-url setting: "embedded" runs a private server (see below), a
// postgres:// URL uses an existing server whose role has CREATEDB, and
// "none" is [ErrNoDevServer]. Scratch databases are created from template0
// with a random name starting with [ScratchPrefix], and dropped WITH (FORCE)
// when closed.
//
// # The embedded server
//
// [Start] runs a throwaway server from the PostgreSQL server binaries on the
// machine. It takes them from [Options].BinDir, else $RETORT_PG_BIN, else
// the first of pg_config --bindir, the directories of initdb on PATH and the
// usual install locations (/usr/lib/postgresql/*/bin, /usr/pgsql-*/bin,
// Homebrew, Postgres.app) that holds the wanted major version, or the newest
// found. An explicit BinDir or $RETORT_PG_BIN is used as is, never searched
// past.
//
// The server's data dir lives in a retort-dev-* dir under [os.TempDir];
// it listens on no TCP port, only on a Unix socket in a dir private to it,
// and trusts every connection there as the postgres superuser. Durability is
// off (fsync, synchronous_commit, full_page_writes). Run as root, retort
// runs the server as the postgres account, or nobody, since PostgreSQL
// refuses to run as root; the temp dir and the binaries must then be
// reachable by that account.
//
// The first start for a given installation runs initdb and keeps a copy of
// the fresh data dir in the user's cache dir (retort/pgtemplate-<major>-<hash>
// under [os.UserCacheDir]); later starts copy it instead, which takes a
// fraction of the time. Deleting the cache is always safe.
//
// # Cleaning up
//
// [Server.Close] stops the server and removes its dirs, and a failed or
// cancelled Start leaves nothing behind. The server runs in its own process
// group, so that a Ctrl-C at the terminal reaches retort only and retort can
// cancel its work and call Close. When retort is killed outright, the next
// Start finds the dirs whose owner process is gone, stops any server still
// running in them and removes them.
//
// The package devdbtest gives tests a shared embedded server.
package devdb
