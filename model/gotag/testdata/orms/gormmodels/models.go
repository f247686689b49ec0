// Package gormmodels is a GORM project's models, as GORM's documentation
// writes them. retort reads them statically; cmd/ormmigrate runs GORM's
// AutoMigrate on them, and the two schemas must be the same.
package gormmodels

import (
	"time"

	"gorm.io/gorm"
)

// Status is an enum-like string: GORM stores it as text (here varchar).
type Status string

// The states of a user.
const (
	StatusActive  Status = "active"
	StatusBlocked Status = "blocked"
)

// User embeds gorm.Model: id, created_at, updated_at, deleted_at.
type User struct {
	gorm.Model
	Email     string     `gorm:"size:255;not null;uniqueIndex"`
	Name      string     `gorm:"size:100;index:idx_users_name_age,priority:1"`
	Age       uint8      `gorm:"index:idx_users_name_age,priority:2;check:age < 150"`
	Status    Status     `gorm:"type:varchar(20);not null;default:active"`
	Nickname  *string    // nullable: GORM never adds NOT NULL by itself
	Birthday  *time.Time // timestamptz
	Score     float64    `gorm:"precision:10;scale:2"`
	Active    bool       `gorm:"default:true"`
	Bio       string     `gorm:"comment:free text about the user"`
	Orders    []Order    `gorm:"constraint:OnUpdate:CASCADE,OnDelete:CASCADE;"`
	Profile   Profile
	Languages []Language `gorm:"many2many:user_languages;"`
}

// Profile belongs to a user through UserID (has-one from User).
type Profile struct {
	ID     uint
	UserID uint   `gorm:"uniqueIndex"`
	Bio    string `gorm:"type:text"`
}

// Order has a composite unique index, a partial index and a generated
// column.
type Order struct {
	ID        uint64 `gorm:"primaryKey"`
	UserID    uint   `gorm:"not null"`
	User      User
	Number    string     `gorm:"size:32;uniqueIndex:idx_orders_number_region"`
	Region    string     `gorm:"size:8;uniqueIndex:idx_orders_number_region"`
	Code      string     `gorm:"unique"`
	Total     int64      `gorm:"default:0"`
	Tax       int64      `gorm:"generated:total / 10"`
	ShippedAt *time.Time `gorm:"index:idx_orders_pending,where:shipped_at IS NULL"`
	Kind      Status     `gorm:"index:,sort:desc"`
	CreatedAt time.Time
}

// Language is the other side of a many2many association.
type Language struct {
	ID   uint
	Code string `gorm:"size:8;unique"`
}

// Audit is a set of columns that Product embeds with a prefix.
type Audit struct {
	By string
	At *time.Time
}

// Product has its own table name and a string primary key.
type Product struct {
	Code      string `gorm:"primaryKey;size:20"`
	Price     int32  `gorm:"not null;check:price_positive,price > 0"`
	Meta      []byte
	Weight    float32
	CreatedAt time.Time `gorm:"autoCreateTime"`
	Audit     Audit     `gorm:"embedded;embeddedPrefix:audit_"`
	Ignored   string    `gorm:"-"`
	Legacy    string    `gorm:"-:migration"`
}

// TableName gives Product its table.
func (Product) TableName() string { return "catalog_products" }

// All lists the models for AutoMigrate, in any order.
func All() []any {
	return []any{&User{}, &Profile{}, &Order{}, &Language{}, &Product{}, &Membership{}}
}

// Membership constrains string fields to lists with check: tags, the usual
// way to write an enum with GORM. PostgreSQL re-spells an IN list over
// varchar when the text it prints is applied again (issue 13).
type Membership struct {
	ID   uint
	Role string `gorm:"size:16;not null;check:role_ok,role IN ('owner','member')"`
	Kind string `gorm:"check:kind IN ('a','b')"`
}
