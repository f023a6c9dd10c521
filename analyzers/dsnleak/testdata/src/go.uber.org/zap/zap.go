// Package zap is a stub of go.uber.org/zap for analyzer tests.
package zap

type Field struct{}

func String(key, val string) Field  { return Field{} }
func Any(key string, val any) Field { return Field{} }

type Logger struct{}

func NewNop() *Logger                               { return &Logger{} }
func (l *Logger) Info(msg string, fields ...Field)  {}
func (l *Logger) Error(msg string, fields ...Field) {}
func (l *Logger) Sugar() *SugaredLogger             { return &SugaredLogger{} }

type SugaredLogger struct{}

func (s *SugaredLogger) Infof(template string, args ...any)     {}
func (s *SugaredLogger) Infow(msg string, keysAndValues ...any) {}
