table "events" {
  column "id" { type = bigint }
  column "at" { type = date }
  primary_key { columns = [column.id, column.at] }
  index "events_at" { columns = [column.at] }
  partition {
    type    = RANGE
    columns = [column.at]
  }
}
table "events_2024" {
  partition_of = table.events
  bound        = "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
}
