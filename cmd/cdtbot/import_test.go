package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdtbot/cdtbot/store"
)

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "cdtbot.db")
	ducTho, people := "../../testdata/directory/duc-tho.json", "../../testdata/directory/people.csv"
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"import", "--db", dbPath, ducTho, people}, envOf(nil), &out, &errOut); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut.String())
	}
	want := ducTho + ": 9 units, 3 teams, 8 people, 8 roles, 1 approvers, 1 officers, 1 question sets (0 unchanged)\n" +
		people + ": 0 units, 0 teams, 4 people, 5 roles, 0 approvers, 0 officers, 0 question sets (3 unchanged)\n"
	if out.String() != want {
		t.Errorf("output\n%s\nwant\n%s", out.String(), want)
	}

	// Again, with the database from the environment: nothing changes.
	out.Reset()
	if err := run(context.Background(), []string{"import", ducTho}, envOf(map[string]string{"CDTBOT_DB": dbPath}), &out, &errOut); err != nil {
		t.Fatalf("second import: %v", err)
	}
	if want := ducTho + ": 0 units, 0 teams, 0 people, 0 roles, 0 approvers, 0 officers, 0 question sets (31 unchanged)\n"; out.String() != want {
		t.Errorf("second import: %q, want %q", out.String(), want)
	}

	// A bad file: the error names the row and field, exits non-zero, and writes nothing.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"units": [{"code": "42.436.18.04", "name": "Thôn 4", "parent": "42.436.99"}]}`), 0o600)
	out.Reset()
	errOut.Reset()
	err := run(context.Background(), []string{"import", "--db", dbPath, bad}, envOf(nil), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "not imported") {
		t.Errorf("bad file: err = %v, want it not imported", err)
	}
	if !strings.Contains(errOut.String(), bad+`: units[1].parent: unit "42.436.99" not found`) {
		t.Errorf("stderr does not name the row and field:\n%s", errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("stdout after a failed import: %q", out.String())
	}
	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *store.Tx) error {
		if _, ok, _ := tx.Unit("42.436.18.04"); ok {
			t.Error("a unit from the bad file was written")
		}
		return nil
	})

	// While another process (here: this one) holds the file, the error says so.
	err = run(context.Background(), []string{"import", "--db", dbPath, ducTho}, envOf(nil), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "locked by another process") || !strings.Contains(err.Error(), "stop the server") {
		t.Errorf("import while locked: err = %v", err)
	}
	db.Close()

	for _, args := range [][]string{{"import"}, {"import", "--db", dbPath, filepath.Join(dir, "missing.json")}} {
		if err := run(context.Background(), args, envOf(nil), &out, &errOut); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// A big offline import (here the national unit list, 3,355 records) is followed by a compaction; a
// small one is not (TestImportCommand's output has no such line).
func TestABigImportIsCompacted(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "cdtbot.db")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"import", "--db", dbPath, "../../testdata/units/vn-units-2025.json"}, envOf(nil), &out, &errOut); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "compacted after the import: ") {
		t.Errorf("output %q: no compaction", out.String())
	}
	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *store.Tx) error {
		if u, ok, _ := tx.Unit("01"); !ok || u.Name == "" {
			t.Errorf("after the compaction: unit 01 = %+v, %v", u, ok)
		}
		return nil
	})
}
