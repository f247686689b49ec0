-- retort:revision bbbb00000002
-- retort:parents aaaa00000001
-- retort:message add items search
-- retort:created 2026-11-27T08:30:00Z
-- retort:hazard data-loss (danger): drops column public.items.legacy
-- retort:hazard non-transactional (info): CREATE INDEX CONCURRENTLY runs outside a transaction block

-- retort:up

-- Function bodies are checked when they run.
SET check_function_bodies = false;

CREATE FUNCTION public.items_touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.name := btrim(NEW.name);
  RETURN NEW;
END;
$$;

-- retort:statement_timeout 1m0s
-- retort:lock_timeout 5s
-- hazard: data-loss (danger): drops column public.items.legacy
ALTER TABLE public.items DROP COLUMN legacy;

DO $$
BEGIN
  PERFORM public.items_touch_check();
END
$$;

-- retort:no-transaction
-- hazard: non-transactional (info): CREATE INDEX CONCURRENTLY runs outside a transaction block
CREATE INDEX CONCURRENTLY items_name ON public.items (name);

-- retort:down

-- retort:no-transaction
DROP INDEX CONCURRENTLY public.items_name;

-- retort:lock_timeout 1.5s
ALTER TABLE public.items ADD COLUMN legacy text;

DROP FUNCTION public.items_touch() -- the trigger function
;
