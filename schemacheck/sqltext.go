package schemacheck

import (
	"strconv"
	"strings"
	"unicode"
)

// sqlToken is a piece of SQL text outside of literals and comments, or a
// literal/comment kept whole, so that keyword, semicolon and placeholder
// searches never look inside strings.
type sqlToken struct {
	text string
	code bool // false for string literals, quoted identifiers, comments
}

// lexSQL splits SQL into code and non-code runs. It understands '...'
// (a doubled quote escapes one), E'...' (with backslash escapes), "...", $tag$...$tag$, -- and
// nested /* */ comments. Unterminated runs extend to the end.
func lexSQL(sql string) []sqlToken {
	var toks []sqlToken
	start := 0
	flush := func(i int) {
		if i > start {
			toks = append(toks, sqlToken{text: sql[start:i], code: true})
		}
	}
	for i := 0; i < len(sql); {
		c := sql[i]
		end := -1
		switch {
		case c == '\'':
			escapes := i > 0 && (sql[i-1] == 'E' || sql[i-1] == 'e') && (i < 2 || !isIdentByte(sql[i-2]))
			end = quoted(sql, i, '\'', escapes)
		case c == '"':
			end = quoted(sql, i, '"', false)
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			end = strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				end = len(sql)
			} else {
				end += i + 1
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end = blockComment(sql, i)
		case c == '$' && (i == 0 || !isIdentByte(sql[i-1])):
			if tag, ok := dollarTag(sql[i:]); ok {
				if j := strings.Index(sql[i+len(tag):], tag); j >= 0 {
					end = i + len(tag) + j + len(tag)
				} else {
					end = len(sql)
				}
			}
		}
		if end < 0 {
			i++
			continue
		}
		flush(i)
		toks = append(toks, sqlToken{text: sql[i:end]})
		start, i = end, end
	}
	flush(len(sql))
	return toks
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func quoted(s string, i int, q byte, backslash bool) int {
	for j := i + 1; j < len(s); j++ {
		switch {
		case backslash && s[j] == '\\':
			j++
		case s[j] == q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

func blockComment(s string, i int) int {
	depth := 0
	for j := i; j+1 < len(s); j++ {
		switch {
		case s[j] == '/' && s[j+1] == '*':
			depth++
			j++
		case s[j] == '*' && s[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(s)
}

// dollarTag returns "$tag$" at the start of s, if s starts a dollar quote
// (not a $1 placeholder).
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		if s[j] == '$' {
			tag := s[:j+1]
			if j > 1 && s[1] >= '0' && s[1] <= '9' {
				return "", false
			}
			return tag, true
		}
		if !isIdentByte(s[j]) {
			return "", false
		}
	}
	return "", false
}

// firstKeyword is the statement's first word in upper case ("SELECT",
// "WITH", "CREATE"); "(" for a parenthesized query; "" for empty SQL.
func firstKeyword(sql string) string {
	for _, t := range lexSQL(sql) {
		if !t.code {
			continue
		}
		s := strings.TrimLeftFunc(t.text, unicode.IsSpace)
		if s == "" {
			continue
		}
		if s[0] == '(' {
			return "("
		}
		end := strings.IndexFunc(s, func(r rune) bool { return !(unicode.IsLetter(r) || r == '_') })
		if end < 0 {
			end = len(s)
		}
		return strings.ToUpper(s[:end])
	}
	return ""
}

// statementCount counts the non-empty statements separated by top-level
// semicolons.
func statementCount(sql string) int {
	n, pending := 0, false
	for _, t := range lexSQL(sql) {
		if !t.code {
			if !strings.HasPrefix(t.text, "--") && !strings.HasPrefix(t.text, "/*") {
				pending = true
			}
			continue
		}
		for _, r := range t.text {
			switch {
			case r == ';':
				if pending {
					n++
				}
				pending = false
			case !unicode.IsSpace(r):
				pending = true
			}
		}
	}
	if pending {
		n++
	}
	return n
}

// preparable are the first keywords of statements that PostgreSQL plans,
// and so checks against the catalog when they are prepared. Utility
// statements (DDL, SET, COPY, …) parse without looking at the catalog, so
// preparing them proves nothing.
var preparable = map[string]bool{
	"SELECT": true, "INSERT": true, "UPDATE": true, "DELETE": true,
	"WITH": true, "VALUES": true, "TABLE": true, "MERGE": true, "(": true,
}

// rewriteNamedArgs turns pgx's @name placeholders into $1, $2, … in order of
// first appearance, as pgx.NamedArgs does, and returns the names.
func rewriteNamedArgs(sql string) (string, []string) {
	var b strings.Builder
	index := map[string]int{}
	var names []string
	for _, t := range lexSQL(sql) {
		if !t.code {
			b.WriteString(t.text)
			continue
		}
		s := t.text
		for i := 0; i < len(s); i++ {
			if s[i] == '@' && i+1 < len(s) && (s[i+1] == '_' || unicode.IsLetter(rune(s[i+1]))) && (i == 0 || !isIdentByte(s[i-1])) {
				j := i + 1
				for j < len(s) && isIdentByte(s[j]) {
					j++
				}
				name := s[i+1 : j]
				k, ok := index[name]
				if !ok {
					names = append(names, name)
					k = len(names)
					index[name] = k
				}
				b.WriteString("$" + strconv.Itoa(k))
				i = j - 1
				continue
			}
			b.WriteByte(s[i])
		}
	}
	return b.String(), names
}

// hasQuestionPlaceholders reports a ? outside literals (gorm's and sqlx's
// bindvar style), which PostgreSQL does not understand before rebinding.
func hasQuestionPlaceholders(sql string) bool {
	for _, t := range lexSQL(sql) {
		if t.code && strings.Contains(t.text, "?") {
			return true
		}
	}
	return false
}
