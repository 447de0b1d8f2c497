-- Reserved: migration 013 belongs to the chat-image work on another branch.
-- This placeholder only keeps the numbering gapless on the perf branch; the
-- integrator drops it when merging (and renumbers 014 if need be).
SELECT 1;
