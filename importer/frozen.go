package importer

import "gridbot"

// frozenRows adds a problem for every row dated in a published (frozen)
// month: months[i] is the month of the row on lines[i]. Imports are all or
// nothing, so one such row refuses the file; the problem names the month and
// says what to do instead (gridbot.CheckOpen, the check every record passes).
func frozenRows(tx gridbot.Published, townID int64, months []string, lines []int, probs *problems) error {
	frozen := map[string]bool{}
	for i, m := range months {
		done, was := frozen[m]
		if !was {
			err := gridbot.CheckOpen(tx, townID, m)
			if gridbot.ErrorCode(err) != gridbot.ECONFLICT && err != nil {
				return err
			}
			done = err != nil
			frozen[m] = done
		}
		if done {
			probs.add(lines[i], "日期", "%s 已发布，结果已冻结，不能再导入该月的记录：请删去这一行；更正请在本月用「调整」", m)
		}
	}
	return nil
}
