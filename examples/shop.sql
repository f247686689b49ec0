-- A small shop schema, written the way people write DDL by hand. retort
-- applies it to a scratch database on its embedded dev server and reads it
-- back, so what it prints is PostgreSQL's own canonical form.
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');

CREATE TABLE customers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      varchar(255) NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE orders (
    id          serial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers ON DELETE CASCADE,
    status      order_status NOT NULL DEFAULT 'pending',
    total_cents integer NOT NULL CHECK (total_cents >= 0),
    placed_at   timestamptz DEFAULT now()
);

CREATE INDEX orders_open_idx ON orders (customer_id, placed_at DESC) WHERE status <> 'cancelled';
CREATE INDEX customers_email_lower_idx ON customers (lower(email));

CREATE VIEW open_orders AS
    SELECT o.id, c.email, o.total_cents
    FROM orders o JOIN customers c ON c.id = o.customer_id
    WHERE o.status IN ('pending', 'paid');

COMMENT ON TABLE orders IS 'One row per checkout; see ''order_status''.';
