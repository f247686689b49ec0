-- +goose NO TRANSACTION
-- hazard: data-loss (danger): drops column public.items.legacy
-- hazard: non-transactional (info): CREATE INDEX CONCURRENTLY runs outside a transaction block

-- +goose Up
-- Function bodies are checked when they run.
SET check_function_bodies = false;

-- +goose StatementBegin
CREATE FUNCTION public.items_touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.name := btrim(NEW.name);
  RETURN NEW;
END;
$$;
-- +goose StatementEnd

SET statement_timeout = '1min';
SET lock_timeout = '5s';
-- hazard: data-loss (danger): drops column public.items.legacy
ALTER TABLE public.items DROP COLUMN legacy;
RESET statement_timeout;
RESET lock_timeout;

-- +goose StatementBegin
DO $$
BEGIN
  PERFORM public.items_touch_check();
END
$$;
-- +goose StatementEnd

-- hazard: non-transactional (info): CREATE INDEX CONCURRENTLY runs outside a transaction block
CREATE INDEX CONCURRENTLY items_name ON public.items (name);

-- +goose Down
DROP INDEX CONCURRENTLY public.items_name;

SET lock_timeout = '1500ms';
ALTER TABLE public.items ADD COLUMN legacy text;
RESET lock_timeout;

DROP FUNCTION public.items_touch() -- the trigger function
;
