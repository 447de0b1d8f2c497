// Package sheets writes the office's spreadsheets (excelize). What the sheets
// say (headers, tier names, amounts) comes from package present; this package
// only knows the file format.
package sheets

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"gridbot/present"
)

// Write writes the sheets to path as one workbook, each with a bold header row.
func Write(path string, sheets []present.Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, s := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.Name)
		} else {
			_, err = f.NewSheet(s.Name)
		}
		if err != nil {
			return err
		}
		if err := write(f, s, bold); err != nil {
			return err
		}
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("写入 %s: %w", path, err)
	}
	return nil
}

func write(f *excelize.File, s present.Sheet, bold int) error {
	sw, err := f.NewStreamWriter(s.Name)
	if err != nil {
		return err
	}
	head := make([]any, len(s.Header))
	for i, h := range s.Header {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, r := range s.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, r); err != nil {
			return err
		}
	}
	return sw.Flush()
}
