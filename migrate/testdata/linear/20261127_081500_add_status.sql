-- retort:revision 7c8d9e0f1a2b
-- retort:parents 1a2b3c4d5e6f
-- retort:message add status
-- retort:created 2026-11-27T08:15:00Z

-- retort:up

CREATE TYPE public.status AS ENUM ('active');

ALTER TABLE public.users ADD COLUMN status public.status NOT NULL DEFAULT 'active';

-- A function whose body holds semicolons.
CREATE FUNCTION public.user_count() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    SELECT count(*) INTO n FROM public.users;
    RETURN n;
END
$$;

CREATE FUNCTION public.is_active(s public.status) RETURNS boolean
LANGUAGE sql
BEGIN ATOMIC
    SELECT CASE WHEN s = 'active' THEN true ELSE false END;
END;

-- retort:down

DROP FUNCTION public.is_active(public.status);

DROP FUNCTION public.user_count();

ALTER TABLE public.users DROP COLUMN status;

DROP TYPE public.status;
