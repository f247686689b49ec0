-- retort:revision 1a2b3c4d5e6f
-- retort:message create users
-- retort:created 2026-11-27T08:00:00Z

-- retort:up

CREATE TABLE public.users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);

-- retort:down

DROP TABLE public.users;
