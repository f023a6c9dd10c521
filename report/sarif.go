package report

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/dbaudit/dbaudit/rules"
)

// The subset of SARIF 2.1.0 dbaudit writes. Field names follow the spec;
// optional fields are omitted when unknown, because GitHub rejects indexes
// and regions that point nowhere.

const sarifSchemaURI = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"

// fingerprintKey names dbaudit's partial fingerprint; versioned, as SARIF
// recommends, so the recipe can change without mixing old and new values.
const fingerprintKey = "dbaudit/v1"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string              `json:"id"`
	ShortDescription     *sarifText          `json:"shortDescription,omitempty"`
	FullDescription      *sarifText          `json:"fullDescription,omitempty"`
	Help                 *sarifText          `json:"help,omitempty"`
	HelpURI              string              `json:"helpUri,omitempty"`
	DefaultConfiguration *sarifConfiguration `json:"defaultConfiguration,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           *int              `json:"ruleIndex,omitempty"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Fixes               []sarifFix        `json:"fixes,omitempty"`
	// Properties carry the finding's help (the measured failure and the
	// fix); message stays the one line.
	Properties *sarifResultProperties `json:"properties,omitempty"`
}

type sarifResultProperties struct {
	Help string `json:"help"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

// sarifRegion is a text region (lines and columns), a byte region, or both.
type sarifRegion struct {
	StartLine   int  `json:"startLine,omitempty"`
	StartColumn int  `json:"startColumn,omitempty"`
	EndLine     int  `json:"endLine,omitempty"`
	EndColumn   int  `json:"endColumn,omitempty"`
	ByteOffset  *int `json:"byteOffset,omitempty"`
	ByteLength  *int `json:"byteLength,omitempty"`
}

type sarifFix struct {
	Description     *sarifText            `json:"description,omitempty"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent *sarifText  `json:"insertedContent,omitempty"`
}

// writeSARIF writes one SARIF run. Findings carry their file as a relative
// URI under %SRCROOT%; GitHub rejects a whole upload if one result has no
// file, so the engine must give every finding one (a finding without a file
// is still written, without a location, rather than silently dropped).
// Columns are Go's byte columns, as in every other format.
func writeSARIF(w *bufio.Writer, run *Run) error {
	driver := sarifDriver{
		Name:           run.ToolName,
		Version:        run.ToolVersion,
		InformationURI: run.ToolURI,
		Rules:          []sarifRule{},
	}
	if driver.Name == "" {
		driver.Name = DefaultToolName
	}
	if driver.InformationURI == "" {
		driver.InformationURI = DefaultToolURI
	}
	ruleIndex := map[string]int{}
	for _, r := range run.Rules {
		if _, dup := ruleIndex[r.ID]; dup {
			continue
		}
		ruleIndex[r.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRuleOf(r))
	}

	invocation := sarifInvocation{ExecutionSuccessful: len(run.LoadErrors) == 0}
	for _, e := range run.LoadErrors {
		n := sarifNotification{Level: "error", Message: sarifText{e.Message}}
		if e.File != "" {
			n.Locations = []sarifLocation{location(e.File, e.Line, e.Column, 0, 0)}
		}
		invocation.ToolExecutionNotifications = append(invocation.ToolExecutionNotifications, n)
	}

	results := make([]sarifResult, 0, len(run.Findings))
	occurrences := map[string]int{}
	for _, f := range run.Findings {
		res := sarifResult{
			RuleID:  f.Rule,
			Level:   sarifLevel(f.Severity),
			Message: sarifText{f.Message},
		}
		if i, ok := ruleIndex[f.Rule]; ok {
			res.RuleIndex = &i
		}
		if f.Help != "" {
			res.Properties = &sarifResultProperties{Help: f.Help}
		}
		if f.File != "" {
			res.Locations = []sarifLocation{location(f.File, f.Line, f.Column, f.EndLine, f.EndColumn)}
		}
		// Without line numbers, even those a message names, so the alert
		// keeps its identity when code above it moves; identical findings in
		// one file are told apart by their order, as the baseline does.
		fp := fingerprint(f)
		occurrences[fp]++
		res.PartialFingerprints = map[string]string{fingerprintKey: fmt.Sprintf("%s:%d", fp, occurrences[fp])}
		for _, fix := range f.Fixes {
			if sf, ok := sarifFixOf(fix); ok {
				res.Fixes = append(res.Fixes, sf)
			}
		}
		results = append(results, res)
	}

	return encodeJSON(w, sarifLog{
		Schema:  sarifSchemaURI,
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool:        sarifTool{Driver: driver},
			Invocations: []sarifInvocation{invocation},
			Results:     results,
		}},
	})
}

func sarifRuleOf(r RuleMeta) sarifRule {
	sr := sarifRule{ID: r.ID, HelpURI: r.HelpURI}
	if r.Short != "" {
		sr.ShortDescription = &sarifText{r.Short}
	}
	if r.Full != "" {
		sr.FullDescription = &sarifText{r.Full}
		sr.Help = &sarifText{r.Full}
	}
	if r.Severity != "" {
		sr.DefaultConfiguration = &sarifConfiguration{Level: sarifLevel(r.Severity)}
	}
	return sr
}

// sarifLevel maps severities onto SARIF levels; an unknown severity is
// SARIF's default, warning.
func sarifLevel(s rules.Severity) string {
	switch s {
	case rules.SeverityError:
		return "error"
	case rules.SeverityInfo:
		return "note"
	}
	return "warning"
}

func fingerprint(f Finding) string {
	h := sha256.New()
	for _, s := range []string{f.Rule, f.File, PositionFree(f.Message)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// location is a physical location; positions that are unknown (zero) are
// left out, and a region only appears with a start line.
func location(file string, line, col, endLine, endCol int) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: artifact(file)}}
	if line > 0 {
		r := &sarifRegion{StartLine: line}
		if col > 0 {
			r.StartColumn = col
		}
		if endLine >= line {
			r.EndLine = endLine
			if endCol > 0 && (endLine > line || endCol >= max(col, 1)) {
				r.EndColumn = endCol
			}
		}
		loc.PhysicalLocation.Region = r
	}
	return loc
}

// artifact makes a relative URI reference of a slash-separated path,
// escaping what a URI cannot hold (spaces, %, #, ?) and prefixing "./" when
// a colon would make the first segment look like a scheme.
func artifact(file string) sarifArtifactLocation {
	return sarifArtifactLocation{URI: (&url.URL{Path: file}).String(), URIBaseID: "%SRCROOT%"}
}

// sarifFixOf groups a fix's edits by file, in the order the files first
// appear. Edits with an impossible range are dropped rather than emitting
// an invalid region; a fix left with no edits is dropped.
func sarifFixOf(fix Fix) (sarifFix, bool) {
	sf := sarifFix{}
	if fix.Message != "" {
		sf.Description = &sarifText{fix.Message}
	}
	byFile := map[string]int{}
	for _, e := range fix.Edits {
		if e.File == "" || e.Start < 0 || e.End < e.Start {
			continue
		}
		i, ok := byFile[e.File]
		if !ok {
			i = len(sf.ArtifactChanges)
			byFile[e.File] = i
			sf.ArtifactChanges = append(sf.ArtifactChanges, sarifArtifactChange{ArtifactLocation: artifact(e.File)})
		}
		offset, length := e.Start, e.End-e.Start
		rep := sarifReplacement{DeletedRegion: sarifRegion{ByteOffset: &offset, ByteLength: &length}}
		if e.StartLine > 0 && e.StartColumn > 0 && e.EndLine >= e.StartLine && e.EndColumn > 0 {
			rep.DeletedRegion.StartLine = e.StartLine
			rep.DeletedRegion.StartColumn = e.StartColumn
			rep.DeletedRegion.EndLine = e.EndLine
			rep.DeletedRegion.EndColumn = e.EndColumn
		}
		if e.NewText != "" {
			rep.InsertedContent = &sarifText{e.NewText}
		}
		sf.ArtifactChanges[i].Replacements = append(sf.ArtifactChanges[i].Replacements, rep)
	}
	return sf, len(sf.ArtifactChanges) > 0
}
