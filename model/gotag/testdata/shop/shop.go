// Package shop declares a small schema with retort's tag grammar.
package shop

import (
	"database/sql"
	"encoding/json"
	"time"
)

// Status is the state of an order; its constants are the enum's labels.
type Status string

// The order states.
const (
	StatusPending Status = "pending"
	StatusPaid    Status = "paid"
	StatusShipped Status = "shipped"
)

// Timestamps are columns shared by several tables.
type Timestamps struct {
	CreatedAt time.Time  `retort:",default:now()"`
	UpdatedAt *time.Time `retort:",comment:'last change, if any'"`
}

// Customer is a customer.
type Customer struct {
	_     struct{} `retort:"table:customers,comment:'people who buy'"`
	ID    int64    `retort:",pk,identity"`
	Email string   `retort:",type:varchar(255),unique,index:customers_email_lower(where:(deleted_at IS NULL))"`
	Name  string
	Tags  []string
	Timestamps
	DeletedAt sql.NullTime
}

// Order is an order.
type Order struct {
	_          struct{} `retort:"table:orders,check:orders_total_positive((total_cents >= 0))"`
	ID         int64    `retort:",pk,identity:always"`
	CustomerID int64    `retort:",references:customers(id),on_delete:cascade,index:orders_customer_created(pos:1)"`
	Status     Status   `retort:",default:'pending'"`
	TotalCents int64    `retort:",check:(total_cents < 100000000)"`
	Note       *string
	Meta       json.RawMessage
	Placed     time.Time `retort:"placed_at,index:orders_customer_created(pos:2,desc)"`
	Shipping   Address   `retort:",embed,prefix:ship_"`
}

// Address is embedded with a prefix.
type Address struct {
	Line1   string
	City    string
	Country string `retort:",type:char(2),default:'DE'"`
}
