-- retort:revision 3f2a9c1b7d4e
-- retort:parents 7c8d9e0f1a2b
-- retort:message seed and index
-- retort:created 2026-11-27T08:30:00Z
-- retort:hazard data: inserts a row

-- retort:up

DO $$
BEGIN
    INSERT INTO public.users (name) VALUES ('root; the first user');
END
$$;

-- retort:no-transaction
CREATE INDEX CONCURRENTLY users_name ON public.users (name);

ALTER TYPE public.status ADD VALUE 'blocked';

-- retort:down

DROP INDEX CONCURRENTLY public.users_name;

DELETE FROM public.users WHERE name = 'root; the first user';
