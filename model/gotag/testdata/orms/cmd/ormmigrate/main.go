// Command ormmigrate creates the tables of the testdata models with the
// ORM libraries themselves, in the database that $ORMCHECK_DSN names:
//
//	ormmigrate gorm   GORM's AutoMigrate of gormmodels.All()
//	ormmigrate bun    bun's CreateTable (WithForeignKeys) and CreateIndex of bunmodels, through pgx
//
// retort's test compares what they create with what retort reads from the
// same source.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	_ "github.com/jackc/pgx/v5/stdlib" // bun's documented pgx driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"ormcheck/bunmodels"
	"ormcheck/gormmodels"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: ormmigrate gorm|bun (with ORMCHECK_DSN set)")
		os.Exit(2)
	}
	dsn := os.Getenv("ORMCHECK_DSN")
	if dsn == "" {
		fmt.Fprintln(os.Stderr, "ormmigrate: ORMCHECK_DSN is not set")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gorm":
		err = runGorm(dsn)
	case "bun":
		err = runBun(dsn)
	default:
		err = fmt.Errorf("unknown library %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ormmigrate:", err)
		os.Exit(1)
	}
}

func runGorm(dsn string) error {
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	if err != nil {
		return err
	}
	return db.AutoMigrate(gormmodels.All()...)
}

func runBun(dsn string) error {
	ctx := context.Background()
	sqldb, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	db := bun.NewDB(sqldb, pgdialect.New())
	defer db.Close()
	db.RegisterModel((*bunmodels.UserGroup)(nil))
	for _, m := range []any{
		(*bunmodels.User)(nil), (*bunmodels.Group)(nil), (*bunmodels.UserGroup)(nil),
		(*bunmodels.Order)(nil), (*bunmodels.Profile)(nil),
	} {
		if _, err := db.NewCreateTable().Model(m).WithForeignKeys().Exec(ctx); err != nil {
			return fmt.Errorf("create table %T: %w", m, err)
		}
	}
	// bun has no index tags: these are the indexes the retort tags declare.
	indexes := []*bun.CreateIndexQuery{
		db.NewCreateIndex().Model((*bunmodels.User)(nil)).Index("users_email_live").Column("email").Where("deleted_at IS NULL"),
		db.NewCreateIndex().Model((*bunmodels.Order)(nil)).Index("orders_placed").ColumnExpr("placed_at DESC"),
		db.NewCreateIndex().Model((*bunmodels.Order)(nil)).Index("orders_pending").Column("shipped_at").Where("shipped_at IS NULL"),
	}
	for _, q := range indexes {
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("create index: %w", err)
		}
	}
	return nil
}
