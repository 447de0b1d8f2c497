package importer

import (
	"context"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
)

// TestImportIntoFrozenMonth: with 2026-10 published, importing check-ins
// with one row in October refuses the whole file, naming the line and the
// month and saying to use 调整 (nothing of November is added either);
// base points for October are refused; November's rows still import. On
// both engines.
func TestImportIntoFrozenMonth(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		ctx := context.Background()
		var town int64
		if err := st.Update(ctx, func(tx gridbot.Tx) error {
			tw, err := tx.CreateTown("海风镇")
			town = tw.ID
			return err
		}); err != nil {
			t.Fatal(err)
		}
		importRoster(t, st, town, smallRoster, time.Now())
		if err := st.Update(ctx, func(tx gridbot.Tx) error {
			return tx.SavePublished(town, gridbot.KindMonth, "2026-10", []byte(`{}`), testkit.At("2026-11-02 09:00"))
		}); err != nil {
			t.Fatal(err)
		}
		now := testkit.At("2026-11-20 09:00")
		_, err := CheckinsTable(ctx, st, town, mustCSV(t, "用户ID,日期\nU1,2026-11-03\nU2,2026-10-30\n"), now)
		if gridbot.ErrorCode(err) != gridbot.EINVALID || !strings.Contains(err.Error(), "第 3 行") ||
			!strings.Contains(err.Error(), "2026-10 已发布") || !strings.Contains(err.Error(), "调整") {
			t.Fatalf("check-ins into a frozen month: %v", err)
		}
		if n := snapshot(t, st, town).Checkins; n != 0 {
			t.Fatalf("%d check-ins stored from a refused file", n)
		}
		_, err = BasePointsTable(ctx, st, town, "2026-10", mustCSV(t, "用户ID,积分\nU1,40\n"))
		if gridbot.ErrorCode(err) != gridbot.ECONFLICT || !strings.Contains(gridbot.ErrorMessage(err), "2026-10 已发布") {
			t.Fatalf("base points of a frozen month: %v", err)
		}
		rep, err := CheckinsTable(ctx, st, town, mustCSV(t, "用户ID,日期\nU1,2026-11-03\n"), now)
		if err != nil || rep.Added != 1 {
			t.Fatalf("November: %v %v", rep, err)
		}
	})
}
