// Package examples holds the example town 海风镇 (made up): its roster,
// check-in points, October 2026 base points and check-ins, and a chat
// transcript of that month. They are embedded so that gridbot demo and tests
// can use them wherever the binary runs.
package examples

import "embed"

// FS holds the example files under their names in this directory.
//
//go:embed roster.csv checkpoints.csv base-points-2026-10.csv checkins-2026-10.csv transcripts/*.jsonl
var FS embed.FS

// Town is the name of the example town.
const Town = "海风镇"

// DemoTranscript is the path in FS of the bundled month of chat.
const DemoTranscript = "transcripts/demo-2026-10.jsonl"
