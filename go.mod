module github.com/retortdb/retort

go 1.26
