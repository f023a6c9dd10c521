package report

import (
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dbaudit/dbaudit/rules"
)

// The committed schema is the OASIS one with its top-level definition moved
// to definitions/Root: compiled as a whole it constrains nothing (every
// document passes), so the tests validate against #/definitions/Root and
// prove with negative cases that this catches invalid logs.
var sarifSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	id := doc.(map[string]any)["$id"].(string)
	c := jsonschema.NewCompiler()
	c.AssertFormat() // uri and uri-reference formats are checked too
	// Registered under its $id, so nothing is fetched; the draft-07
	// meta-schema named by $schema ships with the library.
	if err := c.AddResource(id, doc); err != nil {
		return nil, err
	}
	return c.Compile(id + "#/definitions/Root")
})

func validateSARIF(t *testing.T, doc string) error {
	t.Helper()
	sch, err := sarifSchema()
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	require.NoError(t, err)
	return sch.Validate(inst)
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	t.Parallel()
	withLoadErrors := sampleRun()
	withLoadErrors.LoadErrors = []LoadError{{File: "bad/x.go", Line: 3, Column: 2, Message: "undefined: foo"}, {Message: "no Go files"}}
	oddPaths := &Run{Findings: []Finding{
		{Rule: "rawdsn", Severity: rules.SeverityError, File: "dir with space/100%.go", Line: 1, Column: 1, Message: "m"},
		{Rule: "rawdsn", Severity: rules.SeverityError, File: "c:weird.go", Line: 1, Message: "m"},
		{Rule: "rawdsn", Severity: rules.SeverityError, File: "ünï/q?#.go", Line: 2, Column: 3, EndLine: 2, EndColumn: 1, Message: "end before start is dropped"},
	}}
	insertion := &Run{Findings: []Finding{{Rule: "poolercompat", Severity: rules.SeverityWarning, File: "a.go", Line: 4, Column: 5, Message: "m", Help: "the measured error\nand the fix",
		Fixes: []Fix{{Edits: []Edit{
			{File: "a.go", Start: 10, End: 10, NewText: "x", StartLine: 2, StartColumn: 3, EndLine: 2, EndColumn: 3},
			{File: "b.go", Start: 0, End: 4}, // a deletion with no line info
		}}}}}}
	cases := map[string]*Run{
		"findings with and without fixes": sampleRun(),
		"zero findings with rules":        {Rules: sampleRun().Rules, Packages: 1},
		"zero findings, zero rules":       {},
		"load errors":                     withLoadErrors,
		"odd paths":                       oddPaths,
		"insertion and deletion fixes":    insertion,
	}
	for name, run := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.NoError(t, validateSARIF(t, write(t, "sarif", run)))
		})
	}
}

// The validation above would be worthless if the schema accepted anything.
func TestSARIFSchemaRejectsInvalidLogs(t *testing.T) {
	t.Parallel()
	valid := write(t, "sarif", sampleRun())
	require.NoError(t, validateSARIF(t, valid))
	breakages := map[string]func(log map[string]any){
		"wrong version":      func(log map[string]any) { log["version"] = "2.0.0" },
		"no runs":            func(log map[string]any) { delete(log, "runs") },
		"unknown top field":  func(log map[string]any) { log["extra"] = true },
		"result no message":  func(log map[string]any) { delete(result0(log), "message") },
		"negative ruleIndex": func(log map[string]any) { result0(log)["ruleIndex"] = -2 },
		"bad level":          func(log map[string]any) { result0(log)["level"] = "info" },
		"startLine zero": func(log map[string]any) {
			loc := result0(log)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"].(map[string]any)["startLine"] = 0
		},
		"tool without name": func(log map[string]any) {
			delete(log["runs"].([]any)[0].(map[string]any)["tool"].(map[string]any)["driver"].(map[string]any), "name")
		},
	}
	for name, breakIt := range breakages {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var log map[string]any
			require.NoError(t, json.Unmarshal([]byte(valid), &log))
			breakIt(log)
			broken, err := json.Marshal(log)
			require.NoError(t, err)
			assert.Error(t, validateSARIF(t, string(broken)))
		})
	}
}

func result0(log map[string]any) map[string]any {
	return log["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
}

// sarifDoc decodes the writer's output into the package's own types.
func sarifDoc(t *testing.T, run *Run) sarifRun {
	t.Helper()
	var log sarifLog
	dec := json.NewDecoder(strings.NewReader(write(t, "sarif", run)))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&log))
	assert.Equal(t, "2.1.0", log.Version)
	require.Len(t, log.Runs, 1)
	return log.Runs[0]
}

func TestSARIFToolAndRules(t *testing.T) {
	t.Parallel()
	run := sarifDoc(t, sampleRun())
	d := run.Tool.Driver
	assert.Equal(t, "dbaudit", d.Name)
	assert.Equal(t, "v0.1.0", d.Version)
	assert.Equal(t, "https://github.com/dbaudit/dbaudit", d.InformationURI)
	require.Len(t, d.Rules, 2)
	// Sorted by id.
	assert.Equal(t, sarifRule{
		ID:                   "poolconstruct",
		ShortDescription:     &sarifText{"Pool construction outside approved packages."},
		FullDescription:      &sarifText{"poolconstruct flags pool construction."},
		Help:                 &sarifText{"poolconstruct flags pool construction."},
		HelpURI:              "https://github.com/dbaudit/dbaudit/blob/main/analyzers/poolconstruct/doc.go",
		DefaultConfiguration: &sarifConfiguration{Level: "warning"},
	}, d.Rules[0])
	assert.Equal(t, "rawdsn", d.Rules[1].ID)
	assert.Equal(t, &sarifConfiguration{Level: "error"}, d.Rules[1].DefaultConfiguration)

	custom := sarifDoc(t, &Run{ToolName: "dbaudit-fork", ToolURI: "https://example.com/fork", Rules: []RuleMeta{{ID: "bare"}, {ID: "bare"}}})
	assert.Equal(t, "dbaudit-fork", custom.Tool.Driver.Name)
	assert.Equal(t, "https://example.com/fork", custom.Tool.Driver.InformationURI)
	assert.Equal(t, []sarifRule{{ID: "bare"}}, custom.Tool.Driver.Rules, "duplicates dropped, empty texts left out")
	assert.Empty(t, custom.Results)
}

func TestSARIFResults(t *testing.T) {
	t.Parallel()
	run := sarifDoc(t, sampleRun())
	require.Len(t, run.Results, 3)
	byRule := map[string]sarifResult{}
	for _, r := range run.Results {
		byRule[r.RuleID] = r
	}

	pc := byRule["poolconstruct"]
	require.NotNil(t, pc.RuleIndex)
	assert.Equal(t, "poolconstruct", run.Tool.Driver.Rules[*pc.RuleIndex].ID)
	assert.Equal(t, "warning", pc.Level)
	assert.Equal(t, "pgxpool.New inside an HTTP handler builds a pool per request", pc.Message.Text)
	assert.Equal(t, []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
		ArtifactLocation: sarifArtifactLocation{URI: "api/handler.go", URIBaseID: "%SRCROOT%"},
		Region:           &sarifRegion{StartLine: 30, StartColumn: 2},
	}}}, pc.Locations)
	assert.Empty(t, pc.Fixes)

	raw := byRule["rawdsn"]
	require.NotNil(t, raw.RuleIndex)
	assert.Equal(t, "rawdsn", run.Tool.Driver.Rules[*raw.RuleIndex].ID)
	assert.Equal(t, "error", raw.Level)
	assert.Equal(t, &sarifRegion{StartLine: 12, StartColumn: 9, EndLine: 12, EndColumn: 40}, raw.Locations[0].PhysicalLocation.Region)

	sp := byRule["sqlpattern"]
	assert.Nil(t, sp.RuleIndex, "no ruleIndex for a rule the run does not describe")
	assert.Equal(t, "note", sp.Level, "info maps to note")

	assert.Equal(t, []sarifInvocation{{ExecutionSuccessful: true}}, run.Invocations)
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
	assert.Equal(t, []sarifFix{
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
	}, fixes)
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
	assert.Equal(t, []string{"./c:weird.go", "dir%20with%20space/100%25.go", "q%3F%23.go"}, uris)
}

func TestSARIFFingerprintsIgnoreLines(t *testing.T) {
	t.Parallel()
	fps := func(run *Run) []string {
		var out []string
		for _, r := range sarifDoc(t, run).Results {
			require.Len(t, r.PartialFingerprints, 1)
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
	assert.Equal(t, fps(before), fps(moved), "code moving down keeps alert identity")

	// Lines a message names move too (issue 14 #2).
	named := &Run{Findings: []Finding{{Rule: "conncleanup", File: "a.go", Line: 44, Message: "rows are not closed on the path that returns at line 48"}}}
	namedMoved := &Run{Findings: []Finding{{Rule: "conncleanup", File: "a.go", Line: 45, Message: "rows are not closed on the path that returns at line 49"}}}
	assert.Equal(t, fps(named), fps(namedMoved), "a line number in the message is not part of the identity")
	assert.Contains(t, sarifDoc(t, namedMoved).Results[0].Message.Text, "line 49", "the message itself keeps it")

	reworded := sampleRun()
	reworded.Findings[0].Message += "!"
	assert.NotEqual(t, fps(before), fps(reworded))

	twins := &Run{Findings: []Finding{
		{Rule: "r", File: "a.go", Line: 9, Message: "same"},
		{Rule: "r", File: "a.go", Line: 3, Message: "same"},
	}}
	got := fps(twins)
	assert.NotEqual(t, got[0], got[1], "identical findings in one file are told apart")
	assert.True(t, strings.HasSuffix(got[0], ":1") && strings.HasSuffix(got[1], ":2"), got)
}

func TestSARIFLoadErrorsAreNotifications(t *testing.T) {
	t.Parallel()
	run := sampleRun()
	run.LoadErrors = []LoadError{{File: "x.go", Line: 3, Column: 2, Message: "undefined: foo"}, {Message: "no Go files"}}
	doc := sarifDoc(t, run)
	assert.Len(t, doc.Results, 3, "load errors are not results")
	assert.Equal(t, []sarifInvocation{{
		ExecutionSuccessful: false,
		ToolExecutionNotifications: []sarifNotification{
			{Level: "error", Message: sarifText{"no Go files"}},
			{Level: "error", Message: sarifText{"undefined: foo"}, Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: sarifArtifactLocation{URI: "x.go", URIBaseID: "%SRCROOT%"},
				Region:           &sarifRegion{StartLine: 3, StartColumn: 2},
			}}}},
		},
	}}, doc.Invocations)
}
