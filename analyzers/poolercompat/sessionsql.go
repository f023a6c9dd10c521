package poolercompat

import (
	"strings"
	"unicode"
)

// A feature is a use of session state in SQL text: something that outlives
// the transaction and stays on the server connection that ran it.
type feature struct {
	kind featureKind
	// name is what the statement names: the setting, function, channel,
	// table, cursor or statement.
	name string
}

type featureKind int

const (
	featSet featureKind = iota
	featSetConfig
	featReset
	featAdvisory
	featListen
	featUnlisten
	featTempTable
	featHoldCursor
	featPrepare
)

// sqlToken is one lexical token of SQL text: a word (identifier or keyword,
// unquoted), a string literal's content, or one punctuation character.
type sqlToken struct {
	text   string
	str    bool // a string literal
	quoted bool // a "quoted identifier"
}

func (t sqlToken) is(word string) bool { return !t.str && !t.quoted && strings.EqualFold(t.text, word) }

// sessionFeatures lists the session features in sql, statement by
// statement. SET LOCAL, SET TRANSACTION, set_config(…, true), the _xact_
// advisory locks, temporary tables ON COMMIT DROP, cursors without HOLD and
// PREPARE TRANSACTION are not session features.
func sessionFeatures(sql string) []feature {
	var out []feature
	for _, stmt := range statements(sql) {
		if len(stmt) == 0 {
			continue
		}
		out = append(out, statementFeature(stmt)...)
		out = append(out, functionFeatures(stmt)...)
	}
	return out
}

func statementFeature(s []sqlToken) []feature {
	at := func(i int) sqlToken {
		if i < len(s) {
			return s[i]
		}
		return sqlToken{}
	}
	switch {
	case s[0].is("SET"):
		if at(1).is("LOCAL") || at(1).is("TRANSACTION") || at(1).is("CONSTRAINTS") {
			return nil
		}
		switch {
		case at(1).is("SESSION") && (at(2).is("AUTHORIZATION") || at(2).is("CHARACTERISTICS")):
			return []feature{{featSet, "SESSION " + at(2).text}}
		case at(1).is("SESSION"):
			return []feature{{featSet, name(at(2))}}
		}
		return []feature{{featSet, name(at(1))}}
	case s[0].is("RESET"):
		return []feature{{featReset, name(at(1))}}
	case s[0].is("LISTEN"):
		return []feature{{featListen, name(at(1))}}
	case s[0].is("UNLISTEN"):
		return []feature{{featUnlisten, name(at(1))}}
	case s[0].is("PREPARE"):
		if at(1).is("TRANSACTION") {
			return nil // two-phase commit
		}
		return []feature{{featPrepare, name(at(1))}}
	case s[0].is("DECLARE"):
		for i := 2; i < len(s) && !s[i].is("FOR"); i++ {
			if s[i].is("WITH") && at(i+1).is("HOLD") {
				return []feature{{featHoldCursor, name(at(1))}}
			}
		}
	case s[0].is("CREATE"):
		i := 1
		if at(i).is("GLOBAL") || at(i).is("LOCAL") {
			i++
		}
		if !at(i).is("TEMP") && !at(i).is("TEMPORARY") {
			return nil
		}
		i++
		if at(i).is("UNLOGGED") {
			i++
		}
		if !at(i).is("TABLE") {
			return nil
		}
		i++
		if at(i).is("IF") && at(i+1).is("NOT") && at(i+2).is("EXISTS") {
			i += 3
		}
		for j := i; j+2 < len(s); j++ {
			if s[j].is("ON") && s[j+1].is("COMMIT") && s[j+2].is("DROP") {
				return nil
			}
		}
		return []feature{{featTempTable, name(at(i))}}
	}
	return nil
}

// sessionLockFuncs are the advisory lock functions whose lock lasts for the
// session; the pg_advisory_xact_ forms end with the transaction.
var sessionLockFuncs = map[string]bool{
	"pg_advisory_lock": true, "pg_try_advisory_lock": true,
	"pg_advisory_lock_shared": true, "pg_try_advisory_lock_shared": true,
}

func functionFeatures(s []sqlToken) []feature {
	var out []feature
	for i := 0; i+1 < len(s); i++ {
		t := s[i]
		if t.str || t.quoted || s[i+1].text != "(" || s[i+1].str {
			continue
		}
		fn := strings.ToLower(t.text)
		fn = strings.TrimPrefix(fn, "pg_catalog.")
		switch {
		case sessionLockFuncs[fn]:
			out = append(out, feature{featAdvisory, fn})
		case fn == "set_config":
			args := callArgs(s[i+2:])
			if len(args) == 3 && isFalse(args[2]) {
				setting := ""
				if len(args[0]) == 1 && args[0][0].str {
					setting = args[0][0].text
				}
				out = append(out, feature{featSetConfig, setting})
			}
		}
	}
	return out
}

// callArgs splits the tokens after a call's "(" into its arguments, up to
// the matching ")".
func callArgs(s []sqlToken) [][]sqlToken {
	var args [][]sqlToken
	var cur []sqlToken
	depth := 0
	for _, t := range s {
		if !t.str && !t.quoted {
			switch t.text {
			case "(":
				depth++
			case ")":
				if depth == 0 {
					return append(args, cur)
				}
				depth--
			case ",":
				if depth == 0 {
					args = append(args, cur)
					cur = nil
					continue
				}
			}
		}
		cur = append(cur, t)
	}
	return nil // unbalanced: not judged
}

// isFalse reports whether an argument is the constant false. A placeholder
// or expression is not judged.
func isFalse(arg []sqlToken) bool {
	if len(arg) == 3 && arg[1].text == ":" { // 'f'::boolean is lexed as 'f' : : boolean
		arg = arg[:1]
	}
	if len(arg) >= 1 && len(arg) <= 4 && arg[0].str {
		switch strings.ToLower(arg[0].text) {
		case "f", "false", "off", "no", "n", "0":
			return true
		}
		return false
	}
	return len(arg) == 1 && arg[0].is("false")
}

func name(t sqlToken) string {
	n := t.text
	if len(n) > 28 {
		n = n[:27] + "…"
	}
	return n
}

// statements lexes sql into statements of tokens: comments dropped, string
// literals (standard, E-prefixed, dollar-quoted) kept as one token each, split at
// semicolons outside them.
func statements(sql string) [][]sqlToken {
	var out [][]sqlToken
	var cur []sqlToken
	r := []rune(sql)
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '-' && i+1 < len(r) && r[i+1] == '-':
			for i < len(r) && r[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(r) && r[i+1] == '*':
			depth := 0
			for i < len(r) {
				if r[i] == '/' && i+1 < len(r) && r[i+1] == '*' {
					depth++
					i += 2
				} else if r[i] == '*' && i+1 < len(r) && r[i+1] == '/' {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
		case c == '\'':
			j, text := quoted(r, i, '\'')
			cur = append(cur, sqlToken{text: text, str: true})
			i = j
		case c == '"':
			j, text := quoted(r, i, '"')
			cur = append(cur, sqlToken{text: text, quoted: true})
			i = j
		case c == '$' && i+1 < len(r) && (r[i+1] == '$' || isIdentStart(r[i+1])):
			// $tag$…$tag$ or a placeholder $1.
			j := i + 1
			for j < len(r) && (isIdentPart(r[j])) && r[j] != '$' {
				j++
			}
			if j < len(r) && r[j] == '$' {
				tag := string(r[i : j+1])
				end := strings.Index(string(r[j+1:]), tag)
				if end < 0 {
					return append(out, cur) // unterminated: stop here
				}
				body := []rune(string(r[j+1:])[:end])
				cur = append(cur, sqlToken{text: string(body), str: true})
				i = j + 1 + len(body) + len([]rune(tag))
				continue
			}
			cur = append(cur, sqlToken{text: string(r[i:j])})
			i = j
		case c == ';':
			out = append(out, cur)
			cur = nil
			i++
		case isIdentStart(c) || c == '$' || unicode.IsDigit(c):
			if (c == 'E' || c == 'e') && i+1 < len(r) && r[i+1] == '\'' {
				j, text := quoted(r, i+1, '\'')
				cur = append(cur, sqlToken{text: text, str: true})
				i = j
				continue
			}
			j := i
			for j < len(r) && (isIdentPart(r[j]) || r[j] == '.') {
				j++
			}
			cur = append(cur, sqlToken{text: string(r[i:j])})
			i = j
		default:
			cur = append(cur, sqlToken{text: string(c)})
			i++
		}
	}
	return append(out, cur)
}

// quoted reads a literal opened by q at r[i]; a doubled q is one q (and a
// backslash escapes in E” strings, which it keeps).
func quoted(r []rune, i int, q rune) (int, string) {
	var b strings.Builder
	j := i + 1
	for j < len(r) {
		if r[j] == q {
			if j+1 < len(r) && r[j+1] == q {
				b.WriteRune(q)
				j += 2
				continue
			}
			return j + 1, b.String()
		}
		b.WriteRune(r[j])
		j++
	}
	return j, b.String()
}

func isIdentStart(c rune) bool { return c == '_' || unicode.IsLetter(c) }
func isIdentPart(c rune) bool {
	return c == '_' || c == '$' || unicode.IsLetter(c) || unicode.IsDigit(c)
}
