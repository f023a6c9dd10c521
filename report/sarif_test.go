package report

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// The SARIF output is validated against the OASIS schema in
// cmd/dbaudit/sarif_schema_test.go, which may use a JSON Schema library;
// these tests check its content field by field.

// sarifDoc decodes the writer's output into the package's own types.
func sarifDoc(t *testing.T, run *Run) sarifRun {
	t.Helper()
	var log sarifLog
	dec := json.NewDecoder(strings.NewReader(write(t, "sarif", run)))
	dec.DisallowUnknownFields()
	mustNoErr(t, dec.Decode(&log))
	checkEqual(t, "version", log.Version, "2.1.0")
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log.Runs[0]
}

func TestSARIFToolAndRules(t *testing.T) {
	t.Parallel()
	run := sarifDoc(t, sampleRun())
	d := run.Tool.Driver
	checkEqual(t, "name", d.Name, "dbaudit")
	checkEqual(t, "version", d.Version, "v0.1.0")
	checkEqual(t, "informationUri", d.InformationURI, "https://github.com/dbaudit/dbaudit")
	if len(d.Rules) != 2 {
		t.Fatalf("%d rules, want 2: %+v", len(d.Rules), d.Rules)
	}
	// Sorted by id.
	checkEqual(t, "rules[0]", d.Rules[0], sarifRule{
		ID:                   "poolconstruct",
		ShortDescription:     &sarifText{"Pool construction outside approved packages."},
		FullDescription:      &sarifText{"poolconstruct flags pool construction."},
		Help:                 &sarifText{"poolconstruct flags pool construction."},
		HelpURI:              "https://github.com/dbaudit/dbaudit/blob/main/analyzers/poolconstruct/doc.go",
		DefaultConfiguration: &sarifConfiguration{Level: "warning"},
	})
	checkEqual(t, "rules[1].id", d.Rules[1].ID, "rawdsn")
	checkEqual(t, "rules[1].defaultConfiguration", d.Rules[1].DefaultConfiguration, &sarifConfiguration{Level: "error"})

	custom := sarifDoc(t, &Run{ToolName: "dbaudit-fork", ToolURI: "https://example.com/fork", Rules: []RuleMeta{{ID: "bare"}, {ID: "bare"}}})
	checkEqual(t, "custom name", custom.Tool.Driver.Name, "dbaudit-fork")
	checkEqual(t, "custom informationUri", custom.Tool.Driver.InformationURI, "https://example.com/fork")
	checkEqual(t, "custom rules (duplicates dropped, empty texts left out)", custom.Tool.Driver.Rules, []sarifRule{{ID: "bare"}})
	checkEqual(t, "custom results", len(custom.Results), 0)
}

func TestSARIFResults(t *testing.T) {
	t.Parallel()
	run := sarifDoc(t, sampleRun())
	if len(run.Results) != 3 {
		t.Fatalf("%d results, want 3", len(run.Results))
	}
	byRule := map[string]sarifResult{}
	for _, r := range run.Results {
		byRule[r.RuleID] = r
	}

	pc := byRule["poolconstruct"]
	if pc.RuleIndex == nil {
		t.Fatal("poolconstruct has no ruleIndex")
	}
	checkEqual(t, "poolconstruct's rule", run.Tool.Driver.Rules[*pc.RuleIndex].ID, "poolconstruct")
	checkEqual(t, "poolconstruct level", pc.Level, "warning")
	checkEqual(t, "poolconstruct message", pc.Message.Text, "pgxpool.New inside an HTTP handler builds a pool per request")
	checkEqual(t, "poolconstruct locations", pc.Locations, []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
		ArtifactLocation: sarifArtifactLocation{URI: "api/handler.go", URIBaseID: "%SRCROOT%"},
		Region:           &sarifRegion{StartLine: 30, StartColumn: 2},
	}}})
	checkEqual(t, "poolconstruct fixes", len(pc.Fixes), 0)

	raw := byRule["rawdsn"]
	if raw.RuleIndex == nil {
		t.Fatal("rawdsn has no ruleIndex")
	}
	checkEqual(t, "rawdsn's rule", run.Tool.Driver.Rules[*raw.RuleIndex].ID, "rawdsn")
	checkEqual(t, "rawdsn level", raw.Level, "error")
	checkEqual(t, "rawdsn region", raw.Locations[0].PhysicalLocation.Region, &sarifRegion{StartLine: 12, StartColumn: 9, EndLine: 12, EndColumn: 40})

	sp := byRule["sqlpattern"]
	if sp.RuleIndex != nil {
		t.Errorf("sqlpattern has ruleIndex %d; want none for a rule the run does not describe", *sp.RuleIndex)
	}
	checkEqual(t, "sqlpattern level (info maps to note)", sp.Level, "note")

	checkEqual(t, "invocations", run.Invocations, []sarifInvocation{{ExecutionSuccessful: true}})
}

func TestSARIFFixes(t *testing.T) {
	t.Parallel()
	run := sampleRun()
	run.Findings = run.Findings[:1]
	run.Findings[0].Fixes = append(run.Findings[0].Fixes, Fix{
		Message: "two files",
		Edits: []Edit{
			{File: "a.go", Start: 5, End: 5, NewText: "x"},
			{File: "b.go", Start: 0, End: 3},
			{File: "a.go", Start: 9, End: 12, NewText: "y", StartLine: 1, StartColumn: 10, EndLine: 1, EndColumn: 13},
			{File: "a.go", Start: 7, End: 3, NewText: "inverted range is dropped"},
		},
	}, Fix{Message: "nothing usable", Edits: []Edit{{File: "", Start: 1, End: 2}}})
	fixes := sarifDoc(t, run).Results[0].Fixes
	ptr := func(i int) *int { return &i }
	checkEqual(t, "fixes", fixes, []sarifFix{
		{Description: &sarifText{"read the DSN from the environment"}, ArtifactChanges: []sarifArtifactChange{{
			ArtifactLocation: sarifArtifactLocation{URI: "internal/db/engine.go", URIBaseID: "%SRCROOT%"},
			Replacements: []sarifReplacement{{
				DeletedRegion:   sarifRegion{StartLine: 12, StartColumn: 9, EndLine: 12, EndColumn: 40, ByteOffset: ptr(100), ByteLength: ptr(31)},
				InsertedContent: &sarifText{`os.Getenv("DATABASE_URL")`},
			}},
		}}},
		{Description: &sarifText{"two files"}, ArtifactChanges: []sarifArtifactChange{
			{ArtifactLocation: sarifArtifactLocation{URI: "a.go", URIBaseID: "%SRCROOT%"}, Replacements: []sarifReplacement{
				{DeletedRegion: sarifRegion{ByteOffset: ptr(5), ByteLength: ptr(0)}, InsertedContent: &sarifText{"x"}},
				{DeletedRegion: sarifRegion{StartLine: 1, StartColumn: 10, EndLine: 1, EndColumn: 13, ByteOffset: ptr(9), ByteLength: ptr(3)}, InsertedContent: &sarifText{"y"}},
			}},
			{ArtifactLocation: sarifArtifactLocation{URI: "b.go", URIBaseID: "%SRCROOT%"}, Replacements: []sarifReplacement{
				{DeletedRegion: sarifRegion{ByteOffset: ptr(0), ByteLength: ptr(3)}},
			}},
		}},
	})
}

func TestSARIFURIsAreEscapedRelativeReferences(t *testing.T) {
	t.Parallel()
	run := sarifDoc(t, &Run{Findings: []Finding{
		{Rule: "r", File: "dir with space/100%.go", Line: 1, Message: "m"},
		{Rule: "r", File: "c:weird.go", Line: 1, Message: "m"},
		{Rule: "r", File: "q?#.go", Line: 1, Message: "m"},
	}})
	var uris []string
	for _, r := range run.Results {
		uris = append(uris, r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	}
	checkEqual(t, "uris", uris, []string{"./c:weird.go", "dir%20with%20space/100%25.go", "q%3F%23.go"})
}

func TestSARIFFingerprintsIgnoreLines(t *testing.T) {
	t.Parallel()
	fps := func(run *Run) []string {
		var out []string
		for _, r := range sarifDoc(t, run).Results {
			if len(r.PartialFingerprints) != 1 {
				t.Fatalf("partialFingerprints %v, want one", r.PartialFingerprints)
			}
			out = append(out, r.PartialFingerprints[fingerprintKey])
		}
		return out
	}
	before := sampleRun()
	moved := sampleRun()
	for i := range moved.Findings {
		moved.Findings[i].Line += 7
		moved.Findings[i].Column++
	}
	checkEqual(t, "fingerprints after code moved down (alert identity kept)", fps(moved), fps(before))

	// Lines a message names move too (issue 14 #2).
	named := &Run{Findings: []Finding{{Rule: "conncleanup", File: "a.go", Line: 44, Message: "rows are not closed on the path that returns at line 48"}}}
	namedMoved := &Run{Findings: []Finding{{Rule: "conncleanup", File: "a.go", Line: 45, Message: "rows are not closed on the path that returns at line 49"}}}
	checkEqual(t, "fingerprints (a line number in the message is not part of the identity)", fps(namedMoved), fps(named))
	if msg := sarifDoc(t, namedMoved).Results[0].Message.Text; !strings.Contains(msg, "line 49") {
		t.Errorf("message %q lost its line number", msg)
	}

	reworded := sampleRun()
	reworded.Findings[0].Message += "!"
	if slices.Equal(fps(before), fps(reworded)) {
		t.Error("rewording a message kept its fingerprints")
	}

	twins := &Run{Findings: []Finding{
		{Rule: "r", File: "a.go", Line: 9, Message: "same"},
		{Rule: "r", File: "a.go", Line: 3, Message: "same"},
	}}
	got := fps(twins)
	if got[0] == got[1] {
		t.Errorf("identical findings in one file share fingerprint %q", got[0])
	}
	if !strings.HasSuffix(got[0], ":1") || !strings.HasSuffix(got[1], ":2") {
		t.Errorf("twin fingerprints %q, want suffixes :1 and :2", got)
	}
}

func TestSARIFLoadErrorsAreNotifications(t *testing.T) {
	t.Parallel()
	run := sampleRun()
	run.LoadErrors = []LoadError{{File: "x.go", Line: 3, Column: 2, Message: "undefined: foo"}, {Message: "no Go files"}}
	doc := sarifDoc(t, run)
	checkEqual(t, "results (load errors are not results)", len(doc.Results), 3)
	checkEqual(t, "invocations", doc.Invocations, []sarifInvocation{{
		ExecutionSuccessful: false,
		ToolExecutionNotifications: []sarifNotification{
			{Level: "error", Message: sarifText{"no Go files"}},
			{Level: "error", Message: sarifText{"undefined: foo"}, Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: sarifArtifactLocation{URI: "x.go", URIBaseID: "%SRCROOT%"},
				Region:           &sarifRegion{StartLine: 3, StartColumn: 2},
			}}}},
		},
	}})
}
