-- +goose Up
CREATE TABLE public.items (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    legacy text
);

-- +goose StatementBegin
COMMENT ON TABLE public.items IS 'things; for sale';
-- +goose StatementEnd

-- +goose Down
DROP TABLE public.items;
