package scoring

import (
	"encoding/json"
	"testing"
	"time"
)

// keys returns the keys of a JSON object.
func keys(t *testing.T, v any) map[string]any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func hasKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: no %q in %v", what, k, m)
		}
	}
}

// TestJSONContracts checks the keys commands.md promises for settle --json.
func TestJSONContracts(t *testing.T) {
	yc := yearTown()
	mon := Month(&yc.tw.f, DefaultRules(), "2026-03", time.Time{})
	m := keys(t, mon)
	hasKeys(t, "month", m, "month", "as_at", "members", "grids")
	mem := m["members"].([]any)[0].(map[string]any)
	hasKeys(t, "member", mem, "userid", "name", "grid", "village", "role", "checkin_days", "total", "eligible", "rank",
		"tier", "reward_yuan", "tie", "issues_closed", "activities", "missing_days", "missing_points", "items")
	if mem["rank"] != nil {
		t.Errorf("rank of an ineligible member is %v, want null", mem["rank"])
	}
	hasKeys(t, "item", mem["items"].([]any)[0].(map[string]any), "rule", "name", "points", "ref", "date")
	hasKeys(t, "grid", m["grids"].([]any)[0].(map[string]any), "grid", "village", "members", "issues_closed", "activities", "index", "index_parts")

	q := keys(t, Quarter("2026Q1", yc.months, &yc.tw.f, DefaultRules(), time.Time{}))
	hasKeys(t, "quarter", q, "quarter", "teams", "payouts", "total_yuan", "grids")
	hasKeys(t, "team", q["teams"].([]any)[0].(map[string]any), "grid", "village", "score", "rank", "award_yuan", "members")

	y := keys(t, Year("2026", yc.months, &yc.tw.f, DefaultRules(), time.Time{}))
	hasKeys(t, "year", y, "year", "members", "grids", "villages")
	hasKeys(t, "year member", y["members"].([]any)[0].(map[string]any), "userid", "name", "role", "annual_points", "award", "award_yuan", "party_flag")
	hasKeys(t, "year grid", y["grids"].([]any)[0].(map[string]any), "grid", "village", "score")
	hasKeys(t, "village", y["villages"].([]any)[0].(map[string]any), "village", "score", "rank", "award_yuan", "bottom_half", "santong", "story_points")

	qp := keys(t, Payout{Kind: "star", Payee: "U1", AmountYuan: 500, Ref: "2026-10"})
	hasKeys(t, "payout", qp, "kind", "payee", "amount_yuan", "ref")
}
