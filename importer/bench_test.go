package importer

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// checkinsCSV makes a month of check-ins for people U0001..: every day at 07:xx.
func checkinsCSV(people int) []byte {
	var b bytes.Buffer
	b.WriteString("用户ID,日期,时间\n")
	for p := 1; p <= people; p++ {
		for d := 1; d <= 31; d++ {
			fmt.Fprintf(&b, "U%04d,2026/10/%d,07:%02d\n", p, d, (p+d)%60)
		}
	}
	return b.Bytes()
}

// BenchmarkParseCheckins reads and validates a month of check-ins of 1000
// people (31,000 rows) without a store.
func BenchmarkParseCheckins(b *testing.B) {
	data := checkinsCSV(1000)
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		t, err := ReadCSV(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if _, _, _, probs := parseCheckins(t, now, nil); probs.n != 0 {
			b.Fatal(probs)
		}
	}
}

// BenchmarkImportExamples imports the example town into a fresh SQLite
// store: roster, check-in points, base points and 1,485 check-ins.
func BenchmarkImportExamples(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		st, town := openStore(b)
		b.StartTimer()
		importExamples(b, st, town)
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}
