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
// with a name starting with [ScratchPrefix] that records the host, pid and
// start time of the process that made it, and dropped WITH (FORCE) when
// closed. On a server given by URL, a Dev's first Scratch also drops what
// killed runs left behind that nobody is connected to: the scratch
// databases of this host's processes that are gone, and any made by a
// process that started over 24 hours ago. Names of earlier versions, which
// record none of this, are left alone.
//
// # Declared sources are applied without superuser rights
//
// Declared sources (schema files, the DDL rendered from HCL, YAML and Go)
// and replayed migrations are untrusted input: a pull request may change
// them, and a CI job that runs retort check must not run programs, or read
// files, on its runner. [Scratch.Applier] gives the URL they are applied
// through. It logs in (SET ROLE would not do: declared SQL can RESET ROLE)
// as a role that is not a superuser, has no CREATEDB, CREATEROLE,
// REPLICATION or BYPASSRLS, and is neither a member of nor an admin of
// pg_execute_server_program, pg_read_server_files, pg_write_server_files,
// pg_read_all_data, pg_write_all_data or pg_create_subscription. It owns the
// scratch database, so it may create schemas, trusted extensions (pg_trgm,
// btree_gist, pgcrypto, …) and functions in trusted languages (SQL,
// plpgsql). What needs a superuser fails with insufficient_privilege
// (SQLSTATE 42501): untrusted extensions such as postgis, functions in C or
// another untrusted language, event triggers, foreign data wrappers,
// COPY to or from a program or a server file, pg_read_file, ALTER SYSTEM
// and CREATE ROLE.
//
// On the embedded server the applying role is called postgres: Dev renames
// the bootstrap superuser to retort_bootstrap, works itself as the
// superuser retort_admin, and creates postgres as an ordinary LOGIN role.
// Schema files (and pg_dump) name postgres as the owner of what they
// create; so does what they create without an owner read back. The roles
// other than postgres that a schema names are created as NOLOGIN roles and
// granted to postgres ([Scratch.CreateRole]); an owner change to one of
// them runs with CREATE on the object's schema open for that statement
// only ([Scratch.OpenSchema]), as a superuser needs none.
//
// On a server given by URL, which others share, the URL's role is used as
// is when it already has none of those rights. Otherwise (a superuser,
// CREATEROLE before 16, a member of one of those roles) each scratch
// database gets a LOGIN role of its own, named as the database, with a
// random password, which owns it and is dropped with it; the server's
// pg_hba.conf must let that role log in with a password, or Applier fails
// saying so. [Scratch.Reclaim] then gives what it created to the URL's
// role, so that owners read back as before. Roles are not created on such a
// server, and existing roles other than the applying one cannot be named
// as owners.
//
// [Options].Trusted (--trusted, dev_trusted: true) applies everything as the
// superuser (or the URL's role), as retort did before; only for sources
// one trusts.
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
// and trusts every connection there. Durability is
// off (fsync, synchronous_commit, full_page_writes). Run as root, retort
// runs the server as the postgres account, or nobody, since PostgreSQL
// refuses to run as root; the temp dir and the binaries must then be
// reachable by that account.
//
// The first start for a given installation runs initdb and keeps a copy of
// the fresh data dir in the user's cache dir (retort/pgtemplate-<major>-<hash>
// under [os.UserCacheDir]); later starts copy it instead, which takes a
// fraction of the time. A template is copied under a temporary name that
// holds the writer's pid and renamed into place whole; a start removes the
// copies whose writer is gone or that are over an hour old. Deleting the
// cache is always safe.
//
// # Saved clusters
//
// [Dev.Save] stops the embedded server and keeps its whole data dir (moved
// where it can be, else copied) in a [Clusters] store; [Options].From starts
// a later server from a copy of it, with its databases and roles, already
// restricted as above. [Dev.Database] makes the database that such a
// cluster keeps, which Close leaves to the cluster. The store is bounded
// ([DefaultClustersMaxBytes], least recently used first), written under
// temporary names that a later Evict removes once their writer is gone, and
// safe to delete.
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
