# A schema written for Atlas, using what Atlas and retort both cover.
schema "public" {
  comment = "standard public schema"
}

schema "market" {}

enum "status" {
  schema = schema.public
  values = ["active", "blocked"]
}

domain "us_postal_code" {
  schema = schema.public
  type   = text
  null   = true
  check "us_postal_code_check" {
    expr = "((VALUE ~ '^\\d{5}$'::text) OR (VALUE ~ '^\\d{5}-\\d{4}$'::text))"
  }
}

sequence "s2" {
  schema    = schema.public
  type      = smallint
  start     = 100
  increment = 2
  min_value = 100
  max_value = 1000
}

table "users" {
  schema = schema.public
  column "id" {
    type = bigint
    identity {
      generated = ALWAYS
      start     = 10
      increment = 10
    }
  }
  column "name" {
    type    = varchar(255)
    default = "anonymous"
  }
  column "email" {
    type = character_varying(100)
    null = true
  }
  column "status" {
    type    = enum.status
    default = "active"
  }
  column "balance" {
    type    = numeric(10, 2)
    default = 0
  }
  column "created_at" {
    type    = timestamptz
    default = sql("now()")
  }
  column "zip" {
    type = domain.us_postal_code
    null = true
  }
  column "tags" {
    type = sql("text[]")
    null = true
  }
  column "period" {
    type = sql("int4range")
    null = true
  }
  column "name_upper" {
    type = text
    as {
      expr = "upper(name)"
      type = STORED
    }
  }
  column "active" {
    type    = bool
    default = true
  }
  primary_key {
    columns = [column.id]
  }
  index "users_email" {
    unique  = true
    columns = [column.email]
    where   = "email IS NOT NULL"
  }
  index "users_name_lower" {
    on {
      expr = "lower((name)::text)"
    }
    on {
      column = column.created_at
      desc   = true
    }
    include = [column.status]
  }
  index "users_tags" {
    type    = GIN
    columns = [column.tags]
  }
  index "users_status" {
    unique         = true
    columns        = [column.status, column.email]
    nulls_distinct = false
  }
  check "positive_balance" {
    expr = "balance >= 0"
  }
  comment = "the users"
}

table "orders" {
  schema = schema.market
  column "id" {
    type = int
  }
  column "user_id" {
    type = bigint
  }
  column "parent_id" {
    type = int
    null = true
  }
  column "placed" {
    type = date
  }
  primary_key {
    columns = [column.id, column.placed]
  }
  foreign_key "orders_user_fk" {
    columns     = [column.user_id]
    ref_columns = [table.users.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  partition {
    type    = RANGE
    columns = [column.placed]
  }
}

table "metrics" {
  schema = schema.public
  column "x" {
    type = integer
  }
  column "y" {
    type = integer
  }
  partition {
    type = RANGE
    by {
      column = column.x
    }
    by {
      expr = "floor(y)"
    }
  }
}

view "active_users" {
  schema = schema.public
  column "id" {
    type = bigint
  }
  as           = <<-SQL
  SELECT id FROM public.users WHERE status = 'active'
  SQL
  depends_on   = [table.users]
  check_option = CASCADED
}

function "positive" {
  schema = schema.public
  lang   = SQL
  arg "v" {
    type = integer
  }
  return     = boolean
  as         = "SELECT v > 0"
  volatility = IMMUTABLE
}

function "audit" {
  schema = schema.public
  lang   = PLpgSQL
  return = trigger
  as     = <<-SQL
  BEGIN
    NEW.created_at := now();
    RETURN NEW;
  END;
  SQL
}

trigger "users_audit" {
  on = table.users
  before {
    insert    = true
    update_of = [table.users.column.name]
  }
  for = ROW
  execute {
    function = function.audit
  }
}
