-- migrate:up
CREATE TABLE public.items (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    legacy text
);

COMMENT ON TABLE public.items IS 'things; for sale';

-- migrate:down
DROP TABLE public.items;
