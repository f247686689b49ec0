-- retort:revision aaaa00000001
-- retort:message create items
-- retort:created 2026-11-27T07:00:00Z

-- retort:up

CREATE TABLE public.items (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    legacy text
);

COMMENT ON TABLE public.items IS 'things; for sale';

-- retort:down

DROP TABLE public.items;
