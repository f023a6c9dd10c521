package dbindex

// IgnoreRule is the id under which malformed //dbaudit:ignore directives are
// reported.
const IgnoreRule = "ignore"

// IgnoreDoc documents IgnoreRule as an analyzer's Doc would: what `dbaudit
// rules ignore` prints, so every id a finding carries has a doc.
const IgnoreDoc = IgnoreRule + `: a //dbaudit:ignore directive without a reason, or naming an unknown rule

A directive suppresses one finding: write it on the finding's line or the
line above, naming the rules it silences and why:

	//dbaudit:ignore rawdsn,dsnleak -- local fixture, the password is "postgres"

A directive without " -- <reason>" or naming a rule dbaudit does not have
suppresses nothing and is reported under this id, so a typo cannot hide a
finding. Run 'dbaudit rules' for the rule ids.`
