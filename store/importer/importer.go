// Package importer loads the directory — report templates, units, teams,
// people and their roles, approvers, officers — from the files an
// administrator keeps: a JSON directory file, the national list of provinces
// and communes, or a CSV list of people (formats in README.md, "Directory import").
//
// An import is all or nothing. The whole file is checked, against itself and
// against the database, inside one read-write transaction, and only then
// written; any problem returns every error found and leaves the database as
// it was. Import adds and updates, it never deletes, and importing the same
// file twice changes nothing.
package importer

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/cdtbot/cdtbot/store"
)

// MaxFileSize bounds what Import reads (the national list is under 1 MB).
const MaxFileSize = 32 << 20

// maxErrors stops collecting problems in a hopeless file.
const maxErrors = 50

// Result counts what an import created or changed (unchanged records are not counted as changed).
type Result struct {
	Units, Teams, People, Roles, Approvers, Officers, QuestionSets int
	// Unchanged counts records of any kind that the file lists exactly as stored.
	Unchanged int
}

// Changed is the number of records created or changed.
func (r Result) Changed() int {
	return r.Units + r.Teams + r.People + r.Roles + r.Approvers + r.Officers + r.QuestionSets
}

// String is the one-line summary the CLI prints, e.g.
// "9 units, 3 teams, 7 people, 8 roles, 1 approvers, 1 officers, 1 question sets (0 unchanged)".
func (r Result) String() string {
	return fmt.Sprintf("%d units, %d teams, %d people, %d roles, %d approvers, %d officers, %d question sets (%d unchanged)",
		r.Units, r.Teams, r.People, r.Roles, r.Approvers, r.Officers, r.QuestionSets, r.Unchanged)
}

// Error names the file, the row (1-based; JSON: the array index+1 within its
// section, e.g. "teams[3]"; CSV and JSON syntax: "line 7") and the field.
type Error struct {
	File, Row, Field, Msg string
}

// Error reads "testdata/directory/x.json: teams[3].unit: unit \"X\" not found"
// or, for CSV, "people.csv: line 7, column \"số điện thoại\": …".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	where := e.Row
	switch {
	case e.Field == "":
	case where == "":
		where = e.Field
	case strings.HasPrefix(where, "line "):
		where += fmt.Sprintf(", column %q", e.Field)
	default:
		where += "." + e.Field
	}
	if where != "" {
		b.WriteString(": ")
		b.WriteString(where)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in file order. errors.As finds
// the first *Error in it.
type Errors []*Error

// Error lists the problems, one a line.
func (es Errors) Error() string {
	lines := make([]string, 0, len(es)+1)
	for _, e := range es {
		lines = append(lines, e.Error())
	}
	if len(es) >= maxErrors {
		lines = append(lines, fmt.Sprintf("(stopped after %d problems)", maxErrors))
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives errors.Is and errors.As each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// ImportFile imports one file; the format follows from its extension and first byte.
func ImportFile(db *store.DB, path string, then ...func(tx *store.Tx, res Result) error) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	return Import(db, path, f, then...)
}

// Import reads a whole file from r and imports it in one transaction. name is
// used in errors and picks the format: ".csv" is a people list; otherwise a JSON
// object is a directory file and a JSON array the national unit list. Each then
// runs in the same transaction after the import (an audit entry commits with it or not at all).
func Import(db *store.DB, name string, r io.Reader, then ...func(tx *store.Tx, res Result) error) (Result, error) {
	b, err := parse(name, r)
	if err != nil {
		return Result{}, err
	}
	var res Result
	err = db.Update(func(tx *store.Tx) error {
		var err error
		if res, err = b.apply(tx); err != nil {
			return err
		}
		for _, f := range then {
			if err := f(tx, res); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// parse reads and checks the file on its own, without the database.
func parse(name string, r io.Reader) (*batch, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	fail := func(row, msg string) error { return Errors{{File: name, Row: row, Msg: msg}} }
	if len(data) > MaxFileSize {
		return nil, fail("", fmt.Sprintf("file larger than %d MB", MaxFileSize>>20))
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		return nil, fail(fmt.Sprintf("line %d", line), "not UTF-8 text: save the file as UTF-8 (in Excel: “CSV UTF-8”)")
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fail("", "the file is empty")
	}
	var b *batch
	switch {
	case strings.EqualFold(filepath.Ext(name), ".csv"):
		b = parseCSV(name, data)
	case trimmed[0] == '{':
		b = parseDirectory(name, data)
	case trimmed[0] == '[':
		b = parseNational(name, data)
	default:
		return nil, fail("", "not a directory file: want a JSON object, the national unit list (a JSON array) or a .csv people list")
	}
	if len(b.errs) > 0 {
		return nil, b.errs
	}
	return b, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}
