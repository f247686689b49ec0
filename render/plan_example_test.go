package render_test

import (
	"fmt"

	"github.com/retortdb/retort/model"
	"github.com/retortdb/retort/render"
)

func ExampleNewPlan() {
	film := func(cols ...model.Column) *model.Schema {
		s := &model.Schema{
			Namespaces: []model.Namespace{{Name: "public"}},
			Enums:      []model.Enum{{QName: model.QName{Schema: "public", Name: "rating"}, Labels: []string{"G", "PG"}}},
			Tables: []model.Table{{
				QName: model.QName{Schema: "public", Name: "film"}, Kind: model.TableOrdinary,
				Columns: append([]model.Column{{Name: "film_id", Type: "integer", NotNull: true}}, cols...),
			}},
		}
		s.Normalize()
		return s
	}
	from := film()
	to := film(model.Column{Name: "rating", Type: "public.rating", Default: "'G'::public.rating"})
	to.Enums[0].Labels = []string{"G", "PG", "R"}

	plan, err := render.NewPlan(from, to, render.PlanOptions{Options: render.Options{Comments: true}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(render.Script(plan.Up))
	fmt.Println("-- down:")
	fmt.Print(render.Script(plan.Down))
	// Output:
	// -- hazard: non-transactional (info): ALTER TYPE public.rating ADD VALUE runs outside a transaction block, so that later statements can use the new value
	// ALTER TYPE public.rating ADD VALUE 'R' AFTER 'PG';
	//
	// BEGIN;
	//
	// -- hazard: access-exclusive-lock (warning): ADD COLUMN takes an ACCESS EXCLUSIVE lock on public.film, blocking its reads and writes while it runs
	// ALTER TABLE public.film ADD COLUMN rating public.rating DEFAULT 'G'::public.rating;
	//
	// COMMIT;
	// -- down:
	// BEGIN;
	//
	// -- hazard: data-loss (danger): drops column public.film.rating and its values; down adds it back empty
	// -- hazard: access-exclusive-lock (warning): DROP COLUMN takes an ACCESS EXCLUSIVE lock on public.film, blocking its reads and writes while it runs
	// ALTER TABLE public.film DROP COLUMN rating;
	//
	// ALTER TYPE public.rating RENAME TO rating__retort_old;
	//
	// CREATE TYPE public.rating AS ENUM (
	//     'G',
	//     'PG'
	// );
	//
	// DROP TYPE public.rating__retort_old;
	//
	// COMMIT;
}
