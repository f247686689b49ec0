// Package bunmodels is a bun project's models, as bun's documentation
// writes them. retort reads them statically; cmd/ormmigrate runs bun's
// CreateTable (WithForeignKeys) and CreateIndex on them, and the two
// schemas must be the same. bun has no index tags: the indexes are
// declared with retort tags, and the program creates the same ones.
package bunmodels

import (
	"time"

	"github.com/uptrace/bun"
)

// Status is an enum-like string: bun stores it as varchar.
type Status string

// The states of a user.
const (
	StatusActive  Status = "active"
	StatusBlocked Status = "blocked"
)

// User is the users table.
type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID        int64  `bun:",pk,autoincrement"`
	Email     string `bun:",notnull,unique" retort:",index:users_email_live(where:(deleted_at IS NULL))"`
	Name      string `bun:"full_name,notnull"`
	Status    Status `bun:",notnull,default:'active'"`
	Nickname  *string
	Tags      []string `bun:",array"`
	Settings  map[string]any
	CreatedAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	DeletedAt time.Time `bun:",soft_delete,nullzero"`
	Orders    []*Order  `bun:"rel:has-many,join:id=user_id"`
}

// Order belongs to a user, and is deleted with it.
type Order struct {
	bun.BaseModel `bun:"table:orders"`

	ID        int64      `bun:",pk,autoincrement"`
	UserID    int64      `bun:",notnull"`
	User      *User      `bun:"rel:belongs-to,join:user_id=id,on_delete:cascade"`
	Number    string     `bun:",notnull,unique:orders_number_region"`
	Region    string     `bun:",notnull,unique:orders_number_region"`
	Total     float64    `bun:",notnull,default:0"`
	PlacedAt  time.Time  `bun:",notnull,default:current_timestamp" retort:",index:orders_placed(desc)"`
	ShippedAt *time.Time `retort:",index:orders_pending(where:(shipped_at IS NULL))"`
	Small     int16
	Count     uint32
}

// Address is embedded into Profile with a prefix.
type Address struct {
	Street string
	City   string `bun:",notnull"`
}

// Profile shares its user's key: its belongs-to relation makes no foreign
// key, by bun's rules, because the column is the primary key.
type Profile struct {
	bun.BaseModel

	UserID  int64 `bun:",pk"`
	User    *User `bun:"rel:belongs-to,join:user_id=id"`
	Bio     string
	Address Address `bun:"embed:addr_"`
	Data    []byte
}

// Group has many users through the junction table user_groups.
type Group struct {
	bun.BaseModel `bun:"table:groups"`

	ID    int64  `bun:",pk,identity"`
	Name  string `bun:",unique"`
	Users []User `bun:"m2m:user_groups,join:Group=User"`
}

// UserGroup is the junction table: its belongs-to relations make foreign
// keys although their columns are its primary key.
type UserGroup struct {
	bun.BaseModel `bun:"table:user_groups"`

	GroupID int64  `bun:",pk"`
	Group   *Group `bun:"rel:belongs-to,join:group_id=id"`
	UserID  int64  `bun:",pk"`
	User    *User  `bun:"rel:belongs-to,join:user_id=id"`
}
