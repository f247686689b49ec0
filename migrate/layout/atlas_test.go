package layout

import (
	"strings"
	"testing"
	"testing/fstest"
)

// The atlas.sum vectors are migration directories that Atlas itself hashed,
// found in public repositories. Their files are copied here byte for byte
// (they are small); atlasHash must give the lines Atlas wrote.

// kostyaFile and kostyaSum are migrations/ of
// github.com/KostyaZgara/atlas-function-reproduce-diff-error at commit
// 1914aa28ea7278ee07d91469536743be546e38b2: one PostgreSQL function, and the
// whole atlas.sum (directory sum and entry).
const (
	kostyaName = "20230607133852_create_random_prefix_id_function.sql"
	kostyaFile = `create or replace function random_prefix_id(prefix text, length integer) returns text as
$$
declare
    chars text[] := '{0,1,2,3,4,5,6,7,8,9,A,B,C,D,E,F,G,H,I,J,K,L,M,N,O,P,Q,R,S,T,U,V,W,X,Y,Z,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z}';
    result text := prefix || '_';
    i integer := 0;
begin
    for i in 1..length loop
            result := result || chars[1+random()*(array_length(chars, 1)-1)];
        end loop;
    return result;
end;
$$ language plpgsql;

`
	kostyaSum = "h1:sjnF2eLe08BZMZV2U3QUlw+/Hs7cF0Jd4r26jJubV18=\n" +
		"20230607133852_create_random_prefix_id_function.sql h1:kyTOPxYCjnqOtnZWteGBYTE0cl9T6wEDKB5fx4sxF24=\n"
)

// The first two files of migrations/ of github.com/AnithaAnnem/Atlas-migration
// at commit a5b8e7e7bd8b651c5a535ed16df438c4d1828543, and the first two
// entries of its atlas.sum. The entries are running sums, so each depends on
// the files before it only: the second entry checks that the hash runs on
// over the first file. (The directory's third file is not reproduced, so
// its sum line is not checked here; the vector above checks that line.)
var (
	anithaFiles = []namedFile{
		{"20260517073900_init.sql", []byte("-- Create \"users\" table\nCREATE TABLE \"public\".\"users\" (\n  \"id\" integer NOT NULL,\n  \"name\" character varying(100) NOT NULL,\n  PRIMARY KEY (\"id\")\n);\n")},
		{"20260517075549_adding_email.sql", []byte("-- Modify \"users\" table\nALTER TABLE \"public\".\"users\" ADD COLUMN \"email\" character varying(255) NOT NULL;\n")},
	}
	anithaEntries = []atlasEntry{
		{"20260517073900_init.sql", "S8elVhLuwbmY4yrrSZfnAUmdqq6PuowCA2Jso4Iky9E="},
		{"20260517075549_adding_email.sql", "4XNB2Nb6FdNqvOmymvG7exclTuNg8neKypoda8fDtHc="},
	}
)

func TestAtlasSumVectors(t *testing.T) {
	got := atlasSumText(atlasHash([]namedFile{{kostyaName, []byte(kostyaFile)}}))
	if string(got) != kostyaSum {
		t.Errorf("atlas.sum of KostyaZgara/atlas-function-reproduce-diff-error:\n got %s\nwant %s", got, kostyaSum)
	}
	entries := atlasHash(anithaFiles)
	if len(entries) != 2 || entries[0] != anithaEntries[0] || entries[1] != anithaEntries[1] {
		t.Errorf("entries of AnithaAnnem/Atlas-migration:\n got %v\nwant %v", entries, anithaEntries)
	}
	// The files are hashed in name order, whatever order they come in.
	rev := atlasHash([]namedFile{anithaFiles[1], anithaFiles[0]})
	if rev[0] != anithaEntries[0] || rev[1] != anithaEntries[1] {
		t.Errorf("hash depends on the order given: %v", rev)
	}
}

func TestAtlasSumRead(t *testing.T) {
	fsys := fstest.MapFS{
		kostyaName:  {Data: []byte(kostyaFile)},
		"atlas.sum": {Data: []byte(kostyaSum)},
	}
	d, err := ReadDir(fsys, ".", Atlas)
	if err != nil {
		t.Fatal(err)
	}
	revs := d.Revisions()
	if len(revs) != 1 || revs[0].ID != "20230607133852" || revs[0].Message != "create random prefix id function" || len(revs[0].Up) != 1 {
		t.Fatalf("%+v", revs)
	}
	if !strings.HasPrefix(revs[0].Up[0].SQL, "create or replace function") || !strings.HasSuffix(revs[0].Up[0].SQL, "$$ language plpgsql") {
		t.Errorf("statement %q", revs[0].Up[0].SQL)
	}
	// Whose first line is not the sum of the others is refused.
	bad := strings.Replace(kostyaSum, "h1:sjn", "h1:xjn", 1)
	fsys["atlas.sum"] = &fstest.MapFile{Data: []byte(bad)}
	if _, err := ReadDir(fsys, ".", Atlas); err == nil || !strings.Contains(err.Error(), "first line") {
		t.Errorf("corrupt atlas.sum: %v", err)
	}
}

// TestAtlasSumIgnore follows NewHashFile: a file that starts with an
// "atlas:sum ignore" directive puts its name into the running sum, but not
// its bytes, and gets no line.
func TestAtlasSumIgnore(t *testing.T) {
	a := namedFile{"1_a.sql", []byte("SELECT 1;\n")}
	ign := namedFile{"2_b.sql", []byte("-- atlas:sum ignore\nSELECT 2;\n")}
	c := namedFile{"3_c.sql", []byte("SELECT 3;\n")}
	with := atlasHash([]namedFile{a, ign, c})
	if len(with) != 2 || with[0].name != "1_a.sql" || with[1].name != "3_c.sql" {
		t.Fatalf("entries %v", with)
	}
	without := atlasHash([]namedFile{a, c})
	if with[1].hash == without[1].hash {
		t.Errorf("the ignored file's name is not in the running sum")
	}
	changed := atlasHash([]namedFile{a, {ign.name, []byte("-- atlas:sum ignore\nSELECT 22;\n")}, c})
	if changed[1].hash != with[1].hash {
		t.Errorf("the ignored file's bytes are in the running sum")
	}
}
