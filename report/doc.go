// Package report holds the finding model shared by every dbaudit command and
// what is done with findings once the analyzers have produced them: the
// writers (text, JSON, SARIF, GitHub annotations), baselines, applying and
// diffing suggested fixes, the exit code, the summary line, and the progress
// line.
//
// A check run is described by a [Run]. [Write] renders it in one of
// [Formats]; every format carries the run's load errors as well as its
// findings, so the caller needs no second channel for them:
//
//   - text: one "file:line:col: severity: rule: message" line per finding,
//     preceded by "file:line:col: load error: message" lines, with control
//     characters escaped ([EscapeControl]). Nothing else, so the output can be
//     grepped, counted and read by editors; a clean run prints nothing. The
//     commands print [Run.SummaryLine] on stderr.
//   - json: DESIGN.md's {"version":1,"findings":[...],"summary":{...}} with
//     a "load_errors" array added only when there are load errors.
//   - sarif: SARIF 2.1.0 for GitHub code scanning; load errors become
//     toolExecutionNotifications of the run's invocation.
//   - github: workflow commands (::error file=…,line=…,col=…,title=rule::msg).
//
// Writers never modify the Run: they order a copy as [Run.Sort] does, so the
// same run always produces the same bytes.
package report
