// Package logrus is a stub of github.com/sirupsen/logrus for analyzer tests.
package logrus

type Entry struct{}

func WithField(key string, value any) *Entry { return &Entry{} }
func Infof(format string, args ...any)       {}
func (e *Entry) Info(args ...any)            {}
