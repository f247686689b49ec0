-- hazard: data-loss (danger): drops column public.items.legacy
-- hazard: non-transactional (info): CREATE INDEX CONCURRENTLY runs outside a transaction block

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

SET statement_timeout = '1min';
SET lock_timeout = '5s';
-- hazard: data-loss (danger): drops column public.items.legacy
ALTER TABLE public.items DROP COLUMN legacy;
RESET statement_timeout;
RESET lock_timeout;

DO $$
BEGIN
  PERFORM public.items_touch_check();
END
$$;

-- hazard: non-transactional (info): CREATE INDEX CONCURRENTLY runs outside a transaction block
CREATE INDEX CONCURRENTLY items_name ON public.items (name);
