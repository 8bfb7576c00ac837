package stats

import (
	"archive/zip"
	"io"
	"sort"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/cdtbot/cdtbot/store"
)

// WriteXLSX writes the reports of q's period under q's unit to w as an Excel
// workbook: sheet "Báo cáo" has the rows of WriteCSV (counts as numbers, the
// filing time as a date), sheet "Tổng hợp" one row per commune (the unit whose
// approver decides, else the team unit's parent, as the reminders group them)
// with a total row. Rows go through excelize's StreamWriter as they are read
// (it spills to a temporary file past 16 MB) and the archive is compressed
// straight into w, so a province costs no more memory than a commune. When the
// checks of Resolve fail nothing is written.
func WriteXLSX(tx *store.Tx, w io.Writer, q Query) error {
	pl, err := newPlan(tx, q)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetReports); err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetSummary); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	layout := xlsxTime
	when, err := f.NewStyle(&excelize.Style{CustomNumFmt: &layout})
	if err != nil {
		return err
	}
	communes := map[string]*Row{}
	if err := pl.reportSheet(tx, f, bold, when, communes); err != nil {
		return err
	}
	if err := pl.summarySheet(f, bold, communes); err != nil {
		return err
	}
	// excelize assembles the archive in a bytes.Buffer; its zip writer hook lets
	// the archive go to w instead, so the output is never held whole.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return f.Write(io.Discard)
}

func (pl *plan) reportSheet(tx *store.Tx, f *excelize.File, bold, when int, communes map[string]*Row) error {
	sw, err := f.NewStreamWriter(SheetReports)
	if err != nil {
		return err
	}
	header := pl.header()
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, len(header), 18); err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells(header), excelize.RowOpts{StyleID: bold}); err != nil {
		return err
	}
	n := 1
	err = pl.each(tx, func(r record) error {
		n++
		c := communes[r.communeUnit.Code]
		if c == nil {
			c = &Row{Unit: r.communeUnit}
			communes[r.communeUnit.Code] = c
		}
		c.Add(r.status)
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, pl.xlsxValues(r, when))
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// xlsxValues are the row's cells with their types: numbers for counts, a date for the filing time.
func (pl *plan) xlsxValues(r record, when int) []any {
	v := []any{r.province}
	if pl.district {
		v = append(v, r.district)
	}
	var filed any = ""
	if !r.filedAt.IsZero() {
		filed = excelize.Cell{StyleID: when, Value: r.filedAt}
	}
	v = append(v, r.commune, r.village, r.team.Code, r.team.Name, r.leader, r.status.String(), filed, r.filedBy, r.role, r.versions)
	for _, q := range pl.questions {
		a := r.answers[q.ID]
		if n, err := strconv.ParseInt(a, 10, 64); err == nil && q.Kind == store.QuestionCount {
			v = append(v, n)
		} else {
			v = append(v, a)
		}
	}
	return append(v, r.photos)
}

func (pl *plan) summarySheet(f *excelize.File, bold int, communes map[string]*Row) error {
	sw, err := f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 14); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 28); err != nil {
		return err
	}
	if err := sw.SetColWidth(3, len(summaryHeader), 14); err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells(summaryHeader), excelize.RowOpts{StyleID: bold}); err != nil {
		return err
	}
	codes := make([]string, 0, len(communes))
	for c := range communes {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var total Counts
	n := 1
	row := func(values []any, opts ...excelize.RowOpts) error {
		n++
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, values, opts...)
	}
	for _, code := range codes {
		c := communes[code]
		total.plus(c.Counts)
		if err := row(append([]any{c.Unit.Code, c.Unit.Display()}, countCells(c.Counts)...)); err != nil {
			return err
		}
	}
	if err := row(append([]any{textTotal, ""}, countCells(total)...), excelize.RowOpts{StyleID: bold}); err != nil {
		return err
	}
	n++ // a blank row, then what the table is
	for _, kv := range [][]any{
		{textPeriod, pl.q.Period.Label()},
		{textScope, pl.root.Display()},
		{textAsOf, pl.q.At.In(pl.q.Loc).Format(timeLayout)},
	} {
		if err := row(kv); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func countCells(c Counts) []any {
	return []any{c.Expected, c.Reported, c.OnTime, c.Late, c.Missing, c.NotDue, c.ReportingRate(), c.OnTimeRate()}
}

func cells(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
