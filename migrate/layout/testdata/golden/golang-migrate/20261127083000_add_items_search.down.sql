DROP INDEX CONCURRENTLY public.items_name;

SET lock_timeout = '1500ms';
ALTER TABLE public.items ADD COLUMN legacy text;
RESET lock_timeout;

DROP FUNCTION public.items_touch() -- the trigger function
;
